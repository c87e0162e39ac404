/**
 * How a rule is declared: its id, severity, pack, title, description, fix, references and check
 * in one object, in its own file under policy/rules/<domain>/. Everything else (the catalog, the
 * packs, `bulwark rules`, docs/rules.md, the reports' help texts) is derived from these objects.
 *
 * This module imports only types, so rule files can use it without pulling in the catalog.
 */
import type {
  AppRule, IndexedResource, PackId, ResourceRule, RuleDomain, RuleMeta, RuleResult, RuleSpec, StackFacts, StackIndex,
  StackRule, AppRuleResult,
} from "./types";

const DOMAINS: ReadonlySet<RuleDomain> = new Set(["DOCKER", "NET", "GH", "CF", "SECRET", "STATE", "K8S", "MON", "BACKUP"]);
const PACKS: ReadonlySet<PackId> = new Set(["docker-runtime", "github-governance", "cloudflare-edge", "secrets-state", "kubernetes-runtime", "monitoring", "backup-recovery"]);
const RULE_ID = /^([A-Z][A-Z0-9]*)-\d{3}$/;

/** Validate a declaration and derive its metadata; throws naming the rule (a programming error). */
export function ruleMetaOf(spec: RuleSpec): RuleMeta {
  const m = RULE_ID.exec(spec.id);
  const where = `rule ${JSON.stringify(spec.id)}`;
  if (!m || !DOMAINS.has(m[1] as RuleDomain)) throw new Error(`${where}: the id must be <DOMAIN>-<nnn> with a domain of ${[...DOMAINS].join(", ")}`);
  if (!PACKS.has(spec.pack)) throw new Error(`${where}: unknown pack ${JSON.stringify(spec.pack)} (one of ${[...PACKS].join(", ")})`);
  for (const key of ["title", "description", "fix"] as const) {
    if (typeof spec[key] !== "string" || spec[key].trim() === "") throw new Error(`${where}: ${key} must be a non-empty string`);
  }
  if (spec.references.length === 0) throw new Error(`${where}: give at least one reference a user can open`);
  return {
    id: spec.id,
    severity: spec.severity,
    domain: m[1] as RuleDomain,
    pack: spec.pack,
    title: spec.title,
    description: spec.description,
    fix: spec.fix,
    references: spec.references,
    anchor: spec.references.map((r) => r.title).join("; "),
  };
}

export interface ResourceRuleDeclaration extends RuleSpec {
  /** Resource types this rule judges (`docker_container`). */
  readonly types: readonly string[];
  check(resource: IndexedResource, index: StackIndex): readonly RuleResult[];
}

export interface StackRuleDeclaration extends RuleSpec {
  check(index: StackIndex): readonly RuleResult[];
}

export interface AppRuleDeclaration<F> extends RuleSpec {
  collect(index: StackIndex): F;
  check(stacks: readonly StackFacts<F>[]): readonly AppRuleResult[];
}

/** A rule over each resource of the given types (plus a read-only index of its stack). */
export function defineResourceRule(d: ResourceRuleDeclaration): ResourceRule {
  const check = d.check;
  return { kind: "resource", meta: ruleMetaOf(d), types: d.types, check };
}

/** A rule over one stack's index. */
export function defineStackRule(d: StackRuleDeclaration): StackRule {
  const check = d.check;
  return { kind: "stack", meta: ruleMetaOf(d), check };
}

/** A rule over every stack of a run (see AppRule in types.ts). */
export function defineAppRule<F>(d: AppRuleDeclaration<F>): AppRule<F> {
  const { collect, check } = d;
  return { kind: "app", meta: ruleMetaOf(d), collect, check };
}

/** The metadata fields of a declaration (for helpers that build the check themselves). */
export type { RuleSpec };
