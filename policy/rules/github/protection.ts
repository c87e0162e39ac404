/**
 * The GitHub model the GH rules share: repositories, their default branch, and the protection
 * that applies to a branch, normalized from any of the three ways integrations/github 6.9.0 can
 * express it:
 * - `github_branch_protection` (GraphQL; `repository_id` = name or node id, `pattern` = fnmatch glob),
 * - `github_branch_protection_v3` (REST; `repository` = name, `branch` = exact name),
 * - `github_repository_ruleset` (`repository` = name; protects a branch only when
 *   `enforcement = "active"`, `target = "branch"` and `conditions.ref_name.include` covers it
 *   without an `exclude` removing it).
 *
 * Every omitted attribute reads as the provider's default (catalog clarification): GraphQL/v3
 * approving count 1, ruleset approving count 0, every other flag false, force pushes and deletion
 * disallowed unless `allows_*` says otherwise (v3 cannot set them at all).
 *
 * A protection or file belongs to a repository by reference (`${github_repository.x.node_id}`,
 * `.name`, `.id`, …) or by a literal equal to the repository's `name`. The model is built once per
 * stack index (WeakMap) and shared by all GH rules.
 */
import type { IndexedResource, StackIndex } from "../../types";
import { blocks } from "../../stack-index";
import {
  UNKNOWN,
  type Json,
  type Unknown,
  block,
  dependsOnAddress,
  hasInterpolation,
  readBool,
  readNumber,
  readString,
  readStringList,
  show,
} from "./util";

export const REPOSITORY = "github_repository";
export const BRANCH_DEFAULT = "github_branch_default";
export const BRANCH_PROTECTION = "github_branch_protection";
export const BRANCH_PROTECTION_V3 = "github_branch_protection_v3";
export const RULESET = "github_repository_ruleset";
export const REPOSITORY_FILE = "github_repository_file";

/** Attributes of `github_repository` that identify it when referenced from another resource. */
const REPOSITORY_ID_ATTRIBUTES: ReadonlySet<string> = new Set(["", "name", "node_id", "id", "full_name", "repo_id"]);

// ---------------------------------------------------------------------------------------------
// Branches

/** A branch of one repository, as far as the stack tells. */
export interface BranchTarget {
  /** Literal branch name; null when it is a reference this stack cannot resolve. */
  readonly name: string | null;
  readonly isDefault: boolean;
  /** The unresolved reference expression (so the same expression elsewhere still matches). */
  readonly raw: string | null;
  /** For messages: `main`, or the reference expression. */
  readonly label: string;
  /** Where the name comes from, for messages (`github_branch_default.app`, `provider default`). */
  readonly source: string;
}

export interface Repo {
  readonly resource: IndexedResource;
  readonly address: string;
  /** Literal `name`, or null when it is an unresolvable reference. */
  readonly name: string | null;
  /** For messages: the name, or the address when the name is unknown. */
  readonly label: string;
  readonly defaultBranch: BranchTarget;
  /** `address.attribute` strings whose value is this repository's default branch. */
  readonly defaultBranchRefs: ReadonlySet<string>;
}

const GLOB_CACHE = new Map<string, RegExp | null>();
const GLOB_CHARS = /[*?[]/;

function compileGlob(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        re += ".*";
        i++;
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
      } else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += "[" + body + "]";
        i = end;
      }
    } else {
      re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
    }
  }
  return new RegExp(re + "$");
}

/** GitHub's fnmatch (File::FNM_PATHNAME): `*` and `?` stop at `/`, `**` crosses it. */
export function branchGlobMatches(pattern: string, branch: string): boolean {
  let re = GLOB_CACHE.get(pattern);
  if (re === undefined) {
    if (GLOB_CACHE.size > 1000) GLOB_CACHE.clear();
    re = GLOB_CHARS.test(pattern) ? compileGlob(pattern) : null;
    GLOB_CACHE.set(pattern, re);
  }
  return re === null ? pattern === branch : re.test(branch);
}

// ---------------------------------------------------------------------------------------------
// Normalized protection

export type ProtectionKind = "branch_protection" | "branch_protection_v3" | "ruleset";

/** One boolean requirement, normalized so that `true` is the secure state. */
export interface Flag {
  readonly value: boolean | Unknown;
  /** What the resource says, for messages: "`enforce_admins` is unset (provider default false)". */
  readonly state: string;
  /** How to make it true, for messages. */
  readonly fix: string;
}

export interface Count {
  /** NaN-free: a non-numeric literal reads as 0. */
  readonly value: number | Unknown;
  readonly state: string;
  readonly fix: string;
}

export interface Reviews {
  /** Pull requests with reviews are required at all. */
  readonly required: boolean;
  readonly count: Count;
  readonly dismissStale: Flag;
  readonly codeOwners: Flag;
  readonly lastPush: Flag;
  /** How to require reviews when they are not. */
  readonly addFix: string;
}

export interface StatusChecks {
  readonly required: boolean;
  /** Required check names (elements may be UNKNOWN); UNKNOWN when the whole list is a reference. */
  readonly contexts: readonly (string | Unknown)[] | Unknown;
  readonly contextsState: string;
  readonly strict: Flag;
  readonly addFix: string;
}

export interface Protection {
  readonly kind: ProtectionKind;
  readonly resource: IndexedResource;
  readonly address: string;
  readonly reviews: Reviews;
  readonly statusChecks: StatusChecks;
  /** Enforced on administrators: `enforce_admins`, or a ruleset without bypass actors. */
  readonly admins: Flag;
  readonly signedCommits: Flag;
  readonly linearHistory: Flag;
  readonly conversationResolution: Flag;
  readonly forcePushesBlocked: Flag;
  readonly deletionsBlocked: Flag;
}

interface FlagSpec {
  readonly def: boolean;
  readonly fix: string;
  /** The attribute is a permission (`allows_force_pushes`): the secure state is false. */
  readonly invert?: boolean;
  /** Text when the containing block is absent. */
  readonly absent?: string;
}

function flag(index: StackIndex, container: Json | undefined, key: string, path: string, spec: FlagSpec): Flag {
  const def = spec.invert ? !spec.def : spec.def;
  if (!container) {
    return { value: def, state: spec.absent ?? `\`${path}\` is unset (provider default ${spec.def})`, fix: spec.fix };
  }
  const raw = container[key];
  const b = readBool(raw, index);
  if (b === undefined) return { value: def, state: `\`${path}\` is unset (provider default ${spec.def})`, fix: spec.fix };
  if (b === UNKNOWN) return { value: UNKNOWN, state: `\`${path}\` is ${show(raw)}, which cannot be resolved before apply`, fix: spec.fix };
  return { value: spec.invert ? !b : b, state: `\`${path}\` is ${show(raw)}`, fix: spec.fix };
}

function count(index: StackIndex, container: Json | undefined, key: string, path: string, def: number, fix: string, absent: string): Count {
  if (!container) return { value: 0, state: absent, fix };
  const raw = container[key];
  const n = readNumber(raw, index);
  if (n === undefined) return { value: def, state: `\`${path}\` is unset (provider default ${def})`, fix };
  if (n === UNKNOWN) return { value: UNKNOWN, state: `\`${path}\` is ${show(raw)}, which cannot be resolved before apply`, fix };
  return { value: Number.isNaN(n) ? 0 : n, state: `\`${path}\` is ${show(raw)}`, fix };
}

function constant(value: boolean, state: string, fix: string): Flag {
  return { value, state, fix };
}

function stringList(index: StackIndex, ...values: unknown[]): (string | Unknown)[] | Unknown {
  const out: (string | Unknown)[] = [];
  for (const v of values) {
    const list = readStringList(v, index);
    if (list === UNKNOWN) return UNKNOWN;
    for (const e of list) if (e === UNKNOWN || e.trim() !== "") out.push(e);
  }
  return out;
}

function contextsState(path: string, contexts: readonly (string | Unknown)[] | Unknown, raw: unknown): string {
  if (contexts === UNKNOWN) return `\`${path}\` is ${show(raw)}, which cannot be resolved before apply`;
  return contexts.length === 0 ? `\`${path}\` is empty` : `\`${path}\` lists ${contexts.length}`;
}

const GRAPHQL_REVIEWS_FIX = "add `required_pull_request_reviews { required_approving_review_count = 2 }`";
const COUNT_FIX = "set `required_approving_review_count = 2` (or more)";

export function normalizeBranchProtection(res: IndexedResource, index: StackIndex, v3: boolean): Protection {
  const body = res.body as Json;
  const prr = block(body, "required_pull_request_reviews");
  const prrAbsent = "`required_pull_request_reviews` is absent";
  const rsc = block(body, "required_status_checks");
  const rscAbsent = "`required_status_checks` is absent";
  const contextsKey = v3 ? "checks" : "contexts";
  const contexts = rsc ? (v3 ? stringList(index, rsc.checks, rsc.contexts) : stringList(index, rsc.contexts)) : [];
  const rp = (k: string) => `required_pull_request_reviews.${k}`;
  return {
    kind: v3 ? "branch_protection_v3" : "branch_protection",
    resource: res,
    address: res.address,
    reviews: {
      required: prr !== undefined,
      count: count(index, prr, "required_approving_review_count", rp("required_approving_review_count"), 1, COUNT_FIX, prrAbsent),
      dismissStale: flag(index, prr, "dismiss_stale_reviews", rp("dismiss_stale_reviews"), { def: false, fix: "set `required_pull_request_reviews.dismiss_stale_reviews = true`", absent: prrAbsent }),
      codeOwners: flag(index, prr, "require_code_owner_reviews", rp("require_code_owner_reviews"), { def: false, fix: "set `required_pull_request_reviews.require_code_owner_reviews = true`", absent: prrAbsent }),
      lastPush: flag(index, prr, "require_last_push_approval", rp("require_last_push_approval"), { def: false, fix: "set `required_pull_request_reviews.require_last_push_approval = true`", absent: prrAbsent }),
      addFix: GRAPHQL_REVIEWS_FIX,
    },
    statusChecks: {
      required: rsc !== undefined,
      contexts,
      contextsState: rsc ? contextsState(`required_status_checks.${contextsKey}`, contexts, rsc[contextsKey] ?? rsc.contexts) : rscAbsent,
      strict: flag(index, rsc, "strict", "required_status_checks.strict", { def: false, fix: "set `required_status_checks.strict = true`", absent: rscAbsent }),
      addFix: `add \`required_status_checks { strict = true, ${contextsKey} = ["<your CI check>"] }\``,
    },
    admins: flag(index, body, "enforce_admins", "enforce_admins", { def: false, fix: "set `enforce_admins = true`" }),
    signedCommits: flag(index, body, "require_signed_commits", "require_signed_commits", { def: false, fix: "set `require_signed_commits = true`" }),
    linearHistory: v3
      ? constant(false, "`github_branch_protection_v3` cannot require linear history", "use `github_branch_protection` with `required_linear_history = true`, or a ruleset with `rules.required_linear_history = true`")
      : flag(index, body, "required_linear_history", "required_linear_history", { def: false, fix: "set `required_linear_history = true`" }),
    conversationResolution: flag(index, body, "require_conversation_resolution", "require_conversation_resolution", { def: false, fix: "set `require_conversation_resolution = true`" }),
    forcePushesBlocked: v3
      ? constant(true, "`github_branch_protection_v3` leaves force pushes disallowed", "")
      : flag(index, body, "allows_force_pushes", "allows_force_pushes", { def: false, invert: true, fix: "set `allows_force_pushes = false` (or remove it)" }),
    deletionsBlocked: v3
      ? constant(true, "`github_branch_protection_v3` leaves deletion disallowed", "")
      : flag(index, body, "allows_deletions", "allows_deletions", { def: false, invert: true, fix: "set `allows_deletions = false` (or remove it)" }),
  };
}

export function normalizeRuleset(res: IndexedResource, index: StackIndex): Protection {
  const body = res.body as Json;
  const rules = block(body, "rules");
  const pr = block(rules, "pull_request");
  const prAbsent = "the ruleset has no `rules.pull_request` rule";
  const rsc = block(rules, "required_status_checks");
  const rscAbsent = "the ruleset has no `rules.required_status_checks` rule";
  let contexts: (string | Unknown)[] | Unknown = [];
  let contextsRaw: unknown = undefined;
  if (rsc) {
    contextsRaw = rsc.required_check;
    if (typeof contextsRaw === "string" && hasInterpolation(contextsRaw)) {
      contexts = UNKNOWN;
    } else {
      const list: (string | Unknown)[] = [];
      for (const c of blocks(contextsRaw)) {
        const s = readString(c.context, index);
        if (s === UNKNOWN || (s !== undefined && s.trim() !== "")) list.push(s);
      }
      contexts = list;
    }
  }
  const r = (k: string) => `rules.${k}`;
  const p = (k: string) => `rules.pull_request.${k}`;
  const bypassRaw = body.bypass_actors;
  let admins: Flag;
  if (typeof bypassRaw === "string" && hasInterpolation(bypassRaw)) {
    admins = { value: UNKNOWN, state: `\`bypass_actors\` is ${show(bypassRaw)}, which cannot be resolved before apply`, fix: "remove `bypass_actors`" };
  } else {
    const actors = blocks(bypassRaw);
    const kinds = actors.map((a) => (typeof a.actor_type === "string" ? a.actor_type : "?")).join(", ");
    admins = actors.length === 0
      ? constant(true, "`bypass_actors` is empty", "")
      : constant(false, `\`bypass_actors\` lists ${actors.length} actor(s) (${kinds}) who may bypass the ruleset`, "remove `bypass_actors` so the ruleset binds administrators too");
  }
  return {
    kind: "ruleset",
    resource: res,
    address: res.address,
    reviews: {
      required: pr !== undefined,
      count: count(index, pr, "required_approving_review_count", p("required_approving_review_count"), 0, COUNT_FIX.replace("`required", "`rules.pull_request.required"), prAbsent),
      dismissStale: flag(index, pr, "dismiss_stale_reviews_on_push", p("dismiss_stale_reviews_on_push"), { def: false, fix: "set `rules.pull_request.dismiss_stale_reviews_on_push = true`", absent: prAbsent }),
      codeOwners: flag(index, pr, "require_code_owner_review", p("require_code_owner_review"), { def: false, fix: "set `rules.pull_request.require_code_owner_review = true`", absent: prAbsent }),
      lastPush: flag(index, pr, "require_last_push_approval", p("require_last_push_approval"), { def: false, fix: "set `rules.pull_request.require_last_push_approval = true`", absent: prAbsent }),
      addFix: "add a `rules.pull_request` rule with `required_approving_review_count = 2`",
    },
    statusChecks: {
      required: rsc !== undefined,
      contexts,
      contextsState: rsc ? contextsState("rules.required_status_checks.required_check", contexts, contextsRaw) : rscAbsent,
      strict: flag(index, rsc, "strict_required_status_checks_policy", r("required_status_checks.strict_required_status_checks_policy"), {
        def: false,
        fix: "set `rules.required_status_checks.strict_required_status_checks_policy = true`",
        absent: rscAbsent,
      }),
      addFix: "add a `rules.required_status_checks` rule with `required_check { context = \"<your CI check>\" }` and `strict_required_status_checks_policy = true`",
    },
    admins,
    signedCommits: flag(index, rules, "required_signatures", r("required_signatures"), { def: false, fix: "set `rules.required_signatures = true`" }),
    linearHistory: flag(index, rules, "required_linear_history", r("required_linear_history"), { def: false, fix: "set `rules.required_linear_history = true`" }),
    conversationResolution: flag(index, pr, "required_review_thread_resolution", p("required_review_thread_resolution"), {
      def: false,
      fix: "set `rules.pull_request.required_review_thread_resolution = true`",
      absent: prAbsent,
    }),
    forcePushesBlocked: flag(index, rules, "non_fast_forward", r("non_fast_forward"), { def: false, fix: "set `rules.non_fast_forward = true`" }),
    deletionsBlocked: flag(index, rules, "deletion", r("deletion"), { def: false, fix: "set `rules.deletion = true`" }),
  };
}

// ---------------------------------------------------------------------------------------------
// Matching protections to a repository branch

export type Match = "yes" | "maybe" | "no";

export interface Candidate {
  readonly protection: Protection;
  readonly match: Match;
  /** Why it does not (or may not) apply; empty for "yes". */
  readonly reason: string;
}

export interface BranchProtectionState {
  readonly repo: Repo;
  readonly branch: BranchTarget;
  /** Protections that apply: the definite ones, or else those that may apply. */
  readonly applying: readonly Protection[];
  /** True when `applying` holds protections known to apply. */
  readonly definite: boolean;
  /** Every protection of the repository and how it relates to the branch. */
  readonly candidates: readonly Candidate[];
}

const MATCH_RANK: Record<Match, number> = { no: 0, maybe: 1, yes: 2 };

function lower(a: Match, b: Match): Match {
  return MATCH_RANK[a] <= MATCH_RANK[b] ? a : b;
}

export class GithubModel {
  readonly repos: readonly Repo[];
  private readonly byAddress = new Map<string, Repo>();
  private readonly byName = new Map<string, Repo>();
  private readonly protectionsByRepo = new Map<Repo, Protection[]>();
  private readonly defaultStates = new Map<Repo, BranchProtectionState>();
  private readonly closures = new Map<string, ReadonlySet<string>>();
  private readonly attachments = new Map<string, Map<Repo, IndexedResource[]>>();

  constructor(private readonly index: StackIndex) {
    // Identities first: github_branch_default designates its repository by name or reference.
    const names = new Map<string, string | null>();
    const addressByName = new Map<string, string>();
    for (const res of index.byType(REPOSITORY)) {
      const name = index.resolveString(res.body.name);
      names.set(res.address, name);
      if (name !== null && !addressByName.has(name)) addressByName.set(name, res.address);
    }
    const branchDefaults = new Map<string, IndexedResource>();
    for (const bd of index.byType(BRANCH_DEFAULT)) {
      const address = this.designated(bd.body.repository, (a) => names.has(a), (n) => addressByName.get(n));
      if (address && !branchDefaults.has(address)) branchDefaults.set(address, bd);
    }
    const repos: Repo[] = [];
    for (const res of index.byType(REPOSITORY)) {
      const name = names.get(res.address) ?? null;
      const bd = branchDefaults.get(res.address);
      const refs = new Set<string>([`${res.address}.default_branch`]);
      if (bd) refs.add(`${bd.address}.branch`);
      const declared = res.body.default_branch;
      const [value, source] = bd
        ? [bd.body.branch, bd.address]
        : declared !== undefined && declared !== null
          ? [declared, `${res.address}.default_branch`]
          : ["main", "provider default"];
      const repo: Repo = {
        resource: res,
        address: res.address,
        name,
        label: name ?? res.address,
        defaultBranch: this.defaultTarget(value, source),
        defaultBranchRefs: refs,
      };
      repos.push(repo);
      this.byAddress.set(res.address, repo);
      if (name !== null && !this.byName.has(name)) this.byName.set(name, repo);
    }
    this.repos = repos;
    const add = (type: string, key: string, normalize: (r: IndexedResource) => Protection) => {
      for (const res of index.byType(type)) {
        const repo = this.repoOf(res.body[key]);
        if (!repo) continue;
        let list = this.protectionsByRepo.get(repo);
        if (!list) this.protectionsByRepo.set(repo, (list = []));
        list.push(normalize(res));
      }
    };
    add(BRANCH_PROTECTION, "repository_id", (r) => normalizeBranchProtection(r, index, false));
    add(BRANCH_PROTECTION_V3, "repository", (r) => normalizeBranchProtection(r, index, true));
    add(RULESET, "repository", (r) => normalizeRuleset(r, index));
  }

  /**
   * The repository address a `repository`-like value designates: a reference to a repository
   * attribute that identifies it, or a literal (possibly resolved) equal to its name.
   */
  private designated(value: unknown, isRepo: (address: string) => boolean, byName: (name: string) => string | undefined): string | undefined {
    if (typeof value !== "string") return undefined;
    if (hasInterpolation(value)) {
      const refs = this.index.referencesIn(value);
      if (refs.length === 1 && isRepo(refs[0].address) && REPOSITORY_ID_ATTRIBUTES.has(refs[0].attribute)) return refs[0].address;
      const literal = this.index.resolveString(value);
      return literal === null ? undefined : byName(literal);
    }
    return byName(value);
  }

  private defaultTarget(value: unknown, source: string): BranchTarget {
    const s = readString(value, this.index);
    if (typeof s === "string" && s.trim() !== "") return { name: s, isDefault: true, raw: null, label: s, source };
    const raw = typeof value === "string" ? value.trim() : null;
    return { name: null, isDefault: true, raw, label: raw ?? show(value), source };
  }

  repo(address: string): Repo | undefined {
    return this.byAddress.get(address);
  }

  /** The repository a `repository` / `repository_id` value designates, if it is in this stack. */
  repoOf(value: unknown): Repo | undefined {
    const address = this.designated(value, (a) => this.byAddress.has(a), (n) => this.byName.get(n)?.address);
    return address === undefined ? undefined : this.byAddress.get(address);
  }

  /** The branch a `branch` attribute of a resource of `repo` designates (absent: the default branch). */
  branchOf(repo: Repo, value: unknown): BranchTarget {
    if (value === undefined || value === null || value === "") return repo.defaultBranch;
    if (typeof value === "string" && hasInterpolation(value)) {
      if (repo.defaultBranch.raw !== null && value.trim() === repo.defaultBranch.raw) return repo.defaultBranch;
      if (this.refersToDefault(repo, value)) return repo.defaultBranch;
    }
    const s = readString(value, this.index);
    if (s === UNKNOWN || s === undefined) {
      const raw = typeof value === "string" ? value.trim() : null;
      return { name: null, isDefault: false, raw, label: raw ?? show(value), source: "reference" };
    }
    const isDefault = repo.defaultBranch.name === s;
    return isDefault ? repo.defaultBranch : { name: s, isDefault: false, raw: null, label: s, source: "literal" };
  }

  private refersToDefault(repo: Repo, value: string): boolean {
    const refs = this.index.referencesIn(value);
    return refs.length === 1 && /^\s*\$\{[^}]*\}\s*$/.test(value) && repo.defaultBranchRefs.has(`${refs[0].address}.${refs[0].attribute}`);
  }

  /** Does a branch-name (or glob) attribute cover the target branch? */
  private matchBranchValue(repo: Repo, target: BranchTarget, value: unknown, glob: boolean, attr: string): { match: Match; reason: string } {
    if (typeof value !== "string" || value.trim() === "") return { match: "no", reason: `\`${attr}\` is ${show(value)}` };
    let literal: string | null = value;
    if (hasInterpolation(value)) {
      if (target.raw !== null && value.trim() === target.raw) return { match: "yes", reason: "" };
      if (this.refersToDefault(repo, value)) {
        if (target.isDefault) return { match: "yes", reason: "" };
        literal = repo.defaultBranch.name;
      } else {
        literal = this.index.resolveString(value);
      }
      if (literal === null) {
        return { match: "maybe", reason: `\`${attr}\` is ${show(value)}, which cannot be resolved before apply` };
      }
    }
    if (target.name === null) {
      return { match: "maybe", reason: `branch ${target.label} cannot be resolved before apply` };
    }
    const hit = glob ? branchGlobMatches(literal, target.name) : literal === target.name;
    return hit ? { match: "yes", reason: "" } : { match: "no", reason: `\`${attr}\` ${show(literal)} does not cover \`${target.name}\`` };
  }

  private matchRefPattern(target: BranchTarget, entry: string | Unknown): Match {
    if (entry === UNKNOWN) return "maybe";
    const e = entry.trim();
    if (e === "~ALL") return "yes";
    if (e === "~DEFAULT_BRANCH") return target.isDefault ? "yes" : target.name === null ? "maybe" : "no";
    if (!e.startsWith("refs/heads/")) return "no";
    if (target.name === null) return "maybe";
    return branchGlobMatches(e.slice("refs/heads/".length), target.name) ? "yes" : "no";
  }

  private matchRuleset(target: BranchTarget, p: Protection): { match: Match; reason: string } {
    const body = p.resource.body as Json;
    let match: Match = "yes";
    const reasons: string[] = [];
    const enforcement = readString(body.enforcement, this.index);
    if (enforcement === UNKNOWN) {
      match = lower(match, "maybe");
      reasons.push(`\`enforcement\` is ${show(body.enforcement)}, which cannot be resolved before apply`);
    } else if (enforcement !== "active") {
      return { match: "no", reason: `\`enforcement\` is ${show(body.enforcement)}, not "active"` };
    }
    const kind = readString(body.target, this.index);
    if (kind === UNKNOWN) {
      match = lower(match, "maybe");
      reasons.push(`\`target\` is ${show(body.target)}, which cannot be resolved before apply`);
    } else if (kind !== "branch") {
      return { match: "no", reason: `\`target\` is ${show(body.target)}, not "branch"` };
    }
    const refName = block(block(body, "conditions"), "ref_name");
    if (!refName) return { match: "no", reason: "it has no `conditions.ref_name.include`" };
    const include = readStringList(refName.include, this.index);
    let inc: Match = "no";
    if (include === UNKNOWN) inc = "maybe";
    else for (const e of include) if (MATCH_RANK[this.matchRefPattern(target, e)] > MATCH_RANK[inc]) inc = this.matchRefPattern(target, e);
    if (inc === "no") return { match: "no", reason: `\`conditions.ref_name.include\` ${show(refName.include)} does not cover \`${target.label}\`` };
    if (inc === "maybe") reasons.push(`\`conditions.ref_name.include\` ${show(refName.include)} cannot be matched before apply`);
    match = lower(match, inc);
    const exclude = readStringList(refName.exclude, this.index);
    let exc: Match = "no";
    if (exclude === UNKNOWN) exc = "maybe";
    else for (const e of exclude) if (MATCH_RANK[this.matchRefPattern(target, e)] > MATCH_RANK[exc]) exc = this.matchRefPattern(target, e);
    if (exc === "yes") return { match: "no", reason: `\`conditions.ref_name.exclude\` ${show(refName.exclude)} removes \`${target.label}\`` };
    if (exc === "maybe") {
      match = lower(match, "maybe");
      reasons.push(`\`conditions.ref_name.exclude\` ${show(refName.exclude)} may remove it`);
    }
    return { match, reason: reasons.join("; ") };
  }

  /** Resources of `type` whose `key` attribute designates a repository of this stack, by repository (cached). */
  attached(type: string, key = "repository"): ReadonlyMap<Repo, readonly IndexedResource[]> {
    const cacheKey = `${type}|${key}`;
    let map = this.attachments.get(cacheKey);
    if (!map) {
      map = new Map<Repo, IndexedResource[]>();
      for (const res of this.index.byType(type)) {
        const repo = this.repoOf(res.body[key]);
        if (!repo) continue;
        let list = map.get(repo);
        if (!list) map.set(repo, (list = []));
        list.push(res);
      }
      this.attachments.set(cacheKey, map);
    }
    return map;
  }

  /** The protections of `repo` and how each relates to `target`. */
  protectionOf(repo: Repo, target: BranchTarget): BranchProtectionState {
    const candidates: Candidate[] = [];
    for (const p of this.protectionsByRepo.get(repo) ?? []) {
      const body = p.resource.body as Json;
      const m =
        p.kind === "ruleset"
          ? this.matchRuleset(target, p)
          : p.kind === "branch_protection"
            ? this.matchBranchValue(repo, target, body.pattern, true, "pattern")
            : this.matchBranchValue(repo, target, body.branch, false, "branch");
      candidates.push({ protection: p, match: m.match, reason: m.reason });
    }
    const yes = candidates.filter((c) => c.match === "yes").map((c) => c.protection);
    const applying = yes.length > 0 ? yes : candidates.filter((c) => c.match === "maybe").map((c) => c.protection);
    return { repo, branch: target, applying, definite: yes.length > 0, candidates };
  }

  /** The protections of the repository's default branch (cached). */
  defaultBranchState(repo: Repo): BranchProtectionState {
    let s = this.defaultStates.get(repo);
    if (!s) this.defaultStates.set(repo, (s = this.protectionOf(repo, repo.defaultBranch)));
    return s;
  }

  /**
   * Addresses a resource is ordered after: its `depends_on` and references, transitively (so a
   * protection that depends on a module-like grouping resource still orders the file first).
   */
  dependenciesOf(address: string): ReadonlySet<string> {
    const cached = this.closures.get(address);
    if (cached) return cached;
    const seen = new Set<string>();
    const queue = [address];
    while (queue.length > 0) {
      const current = this.index.byAddress(queue.pop() as string);
      if (!current) continue;
      const next: string[] = [];
      const deps = current.body.depends_on;
      if (Array.isArray(deps)) for (const d of deps) { const a = dependsOnAddress(d); if (a) next.push(a); }
      for (const ref of this.index.referencesIn(current.body)) next.push(ref.address);
      for (const a of next) {
        if (seen.has(a)) continue;
        seen.add(a);
        queue.push(a);
      }
    }
    this.closures.set(address, seen);
    return seen;
  }
}

const MODELS = new WeakMap<StackIndex, GithubModel>();

/** The GitHub model of a stack, built once per index. */
export function githubModel(index: StackIndex): GithubModel {
  let m = MODELS.get(index);
  if (!m) MODELS.set(index, (m = new GithubModel(index)));
  return m;
}

/** "branch `main` of repository `app`" */
export function describeBranch(repo: Repo, branch: BranchTarget): string {
  return `branch \`${branch.label}\` of repository \`${repo.label}\``;
}
