/**
 * Shape of the default-branch protection rules GH-002 … GH-009.
 *
 * Each rule is a list of checks (one per aspect: force pushes, deletion, …). GitHub layers every
 * protection that applies to a branch (branch protections and rulesets alike) and the strictest
 * wins, so an aspect is satisfied when ANY applying protection satisfies it; otherwise the finding
 * goes to the protection that comes closest (the first one on a tie). A repository without any
 * applying protection is left to GH-001 alone.
 *
 * A protection whose repository is not created in the stack (`data.github_repository.x.name`, a
 * literal `repository = "name"` no `github_repository` of the stack has, any other expression) is
 * judged on its own: the repository's settings and default branch are unknown, but the
 * protection's own weaknesses are not. Protections that designate the same outside repository are
 * layered as above. Only a protection that covers the default branch as far as the stack tells
 * is judged (GH-002 … GH-009 are about the default branch): a ruleset including
 * `~DEFAULT_BRANCH` or `~ALL`, or a branch name, pattern or `refs/heads/…` include that matches
 * `main` or `master` (the defaults GitHub and git give a new repository), or a reference to the
 * data source's `default_branch`.
 */
import { defineResourceRule } from "../../rule";
import type { IndexedResource, ResourceRule, RuleResult, RuleSpec, Severity, StackIndex } from "../../types";
import {
  type BranchTarget, type Flag, type GithubModel, type Protection, type Repo, BRANCH_PROTECTION, BRANCH_PROTECTION_V3, REPOSITORY, RULESET,
  branchGlobMatches, describeBranch, githubModel, normalizeBranchProtection, normalizeRuleset,
} from "./protection";
import { type CheckOutcome, NOT_APPLICABLE, UNKNOWN, block, hasInterpolation, outcomeRank, readString, readStringList, show } from "./util";

export interface CheckContext {
  readonly repo: Repo;
  readonly branch: BranchTarget;
  /** "branch `main` of repository `app`" */
  readonly where: string;
}

export type ProtectionCheck = (p: Protection, ctx: CheckContext) => CheckOutcome;

/** A rule declared by its metadata and its aspect checks. */
export function protectionRule(spec: RuleSpec, checks: readonly ProtectionCheck[]): ResourceRule {
  return defineResourceRule({
    ...spec,
    types: [REPOSITORY, ...Object.keys(REPOSITORY_KEY)],
    check(res, index) {
      const model = githubModel(index);
      if (res.type !== REPOSITORY) {
        // A protection of a repository outside the stack: judged once, at the first of its group.
        const group = outsideGroups(index, model).get(res.address);
        return group && group.protections[0].address === res.address ? judge(checks, group.protections, group.ctx) : [];
      }
      const repo = model.repo(res.address);
      if (!repo) return [];
      const state = model.defaultBranchState(repo);
      if (state.applying.length === 0) return [];
      return judge(checks, state.applying, { repo, branch: state.branch, where: describeBranch(repo, state.branch) });
    },
  });
}

/** Each aspect: satisfied when any protection satisfies it, else reported at the closest one. */
function judge(checks: readonly ProtectionCheck[], applying: readonly Protection[], ctx: CheckContext): RuleResult[] {
  const out: RuleResult[] = [];
  for (const check of checks) {
    let best: CheckOutcome = NOT_APPLICABLE;
    let bestAt: Protection | null = null;
    for (const p of applying) {
      const o = check(p, ctx);
      if (bestAt === null || outcomeRank(o) < outcomeRank(best)) {
        best = o;
        bestAt = p;
      }
      if (o === null) break;
    }
    if (best !== null && best !== NOT_APPLICABLE && bestAt) {
      out.push({ address: bestAt.address, message: best.message, severity: best.severity });
    }
  }
  return out;
}

/** The attribute that designates the repository, by protection type. */
const REPOSITORY_KEY: Readonly<Record<string, string>> = { [BRANCH_PROTECTION]: "repository_id", [BRANCH_PROTECTION_V3]: "repository", [RULESET]: "repository" };

/** Protections of one repository outside the stack, and the context their findings are worded in. */
interface OutsideGroup {
  readonly protections: readonly Protection[];
  readonly ctx: CheckContext;
}

const OUTSIDE = new WeakMap<StackIndex, ReadonlyMap<string, OutsideGroup>>();

/** GitHub's and git's default names for a new repository's first branch. */
const USUAL_DEFAULTS = ["main", "master"];

/**
 * Protection address → its group, for the protections (of the default branch, as far as the stack
 * tells) whose repository is not a `github_repository` of the stack. Built once per stack.
 */
function outsideGroups(index: StackIndex, model: GithubModel): ReadonlyMap<string, OutsideGroup> {
  const cached = OUTSIDE.get(index);
  if (cached) return cached;
  const byRepo = new Map<string, { repo: Repo; branch: BranchTarget; protections: Protection[] }>();
  for (const [type, key] of Object.entries(REPOSITORY_KEY)) {
    for (const res of index.byType(type)) {
      const value = res.body[key];
      if (model.repoOf(value)) continue;
      const branch = defaultBranchCovered(res, index);
      if (branch === null) continue;
      const outside = outsideRepo(value, res, index);
      if (outside === null) continue;
      let group = byRepo.get(outside.key);
      if (!group) byRepo.set(outside.key, (group = { repo: outside.repo, branch, protections: [] }));
      group.protections.push(type === RULESET ? normalizeRuleset(res, index) : normalizeBranchProtection(res, index, type === BRANCH_PROTECTION_V3));
    }
  }
  const out = new Map<string, OutsideGroup>();
  for (const g of byRepo.values()) {
    const where = `${describeBranch(g.repo, g.branch)} (not managed in this stack: the repository's own settings are not judged)`;
    const group: OutsideGroup = { protections: g.protections, ctx: { repo: g.repo, branch: g.branch, where } };
    for (const p of g.protections) out.set(p.address, group);
  }
  OUTSIDE.set(index, out);
  return out;
}

/** The repository a protection designates outside the stack: a data source, a literal name, or an expression. */
function outsideRepo(value: unknown, res: IndexedResource, index: StackIndex): { key: string; repo: Repo } | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  let key: string;
  let name: string | null = null;
  let label: string;
  let resource: IndexedResource = res;
  if (hasInterpolation(value)) {
    const refs = index.referencesIn(value);
    const data = refs.length === 1 && refs[0].address.startsWith("data.github_repository.") ? index.byAddress(refs[0].address) : undefined;
    if (data) {
      resource = data;
      key = data.address;
      const fullName = readString(data.body.full_name, index);
      const n = readString(data.body.name, index);
      name = typeof n === "string" ? n : typeof fullName === "string" ? fullName.slice(fullName.indexOf("/") + 1) : null;
      label = name ?? data.address;
      if (name !== null) key = `name:${name}`;
    } else {
      const literal = index.resolveString(value);
      name = literal;
      key = literal !== null ? `name:${literal}` : `expr:${value.trim()}`;
      label = literal ?? value.trim();
    }
  } else {
    name = value.trim();
    key = `name:${name}`;
    label = name;
  }
  const defaultBranch: BranchTarget = { name: null, isDefault: true, raw: null, label: "default", source: "unknown (repository not in this stack)" };
  return { key, repo: { resource, address: resource.address, name, label, defaultBranch, defaultBranchRefs: new Set() } };
}

/**
 * The default branch as a protection covers it, or null when, as far as the stack tells, it does
 * not (another branch, a disabled ruleset, a ruleset for tags).
 */
function defaultBranchCovered(res: IndexedResource, index: StackIndex): BranchTarget | null {
  const body = res.body;
  const target = (label: string, name: string | null): BranchTarget => ({ name, isDefault: true, raw: null, label, source: `${res.address}` });
  const isDefaultRef = (v: unknown) => typeof v === "string" && index.referencesIn(v).some((r) => r.attribute === "default_branch");
  if (res.type === RULESET) {
    if (readString(body.enforcement, index) !== "active") return null;
    const kind = readString(body.target, index);
    if (kind !== undefined && kind !== "branch") return null;
    const include = readStringList(block(block(body, "conditions"), "ref_name")?.include, index);
    if (include === UNKNOWN) return null;
    for (const e of include) {
      if (e === UNKNOWN) continue;
      const t = e.trim();
      if (t === "~DEFAULT_BRANCH" || t === "~ALL") return target(t === "~ALL" ? "~ALL (every branch)" : "~DEFAULT_BRANCH", null);
      if (t.startsWith("refs/heads/")) {
        const hit = USUAL_DEFAULTS.find((b) => branchGlobMatches(t.slice("refs/heads/".length), b));
        if (hit) return target(hit, hit);
      }
    }
    return null;
  }
  const raw = res.type === BRANCH_PROTECTION ? body.pattern : body.branch;
  if (isDefaultRef(raw)) return target(show(raw), null);
  const literal = index.resolveString(raw);
  if (literal === null) return null;
  const hit = USUAL_DEFAULTS.find((b) => (res.type === BRANCH_PROTECTION ? branchGlobMatches(literal, b) : literal === b));
  return hit ? target(hit, hit) : null;
}

/**
 * A requirement that must be on. `problem` starts the message ("Signed commits are not
 * required"); `noun` names the requirement in the unverifiable case ("signed commits").
 */
export function requireFlag(flag: Flag, severity: Severity, problem: string, noun: string, ctx: CheckContext): CheckOutcome {
  if (flag.value === true) return null;
  if (flag.value === UNKNOWN) {
    return { severity: "info", message: `Cannot verify before apply that ${ctx.where} requires ${noun}: ${flag.state}. Fix: ${flag.fix} with a literal value.` };
  }
  return { severity, message: `${problem} on ${ctx.where}: ${flag.state}. Fix: ${flag.fix}.` };
}
