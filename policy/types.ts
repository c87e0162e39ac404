/**
 * Types shared by the policy engine, its rules and its reports.
 *
 * Rules are pure functions: a resource rule sees one resource plus a read-only index of its stack;
 * a stack rule sees only the index; an app rule sees every stack of a run (what it collected from
 * each). None touches the file system or mutates its input.
 */

export type Severity = "error" | "warning" | "info";

export type RuleDomain = "DOCKER" | "NET" | "GH" | "CF" | "SECRET" | "STATE" | "K8S" | "MON" | "BACKUP";

/** A rule pack: rules that are run (or left out) together (`bulwark check --pack`). */
export type PackId = "docker-runtime" | "github-governance" | "cloudflare-edge" | "secrets-state" | "kubernetes-runtime" | "monitoring" | "backup-recovery";

/** A public document a rule comes from, that a user can open. */
export interface RuleReference {
  /** `CIS Docker Benchmark 1.6 §5.5`, `OpenSSF Scorecard Branch-Protection`. */
  readonly title: string;
  /** Where to read it, when it has a public address. */
  readonly url?: string;
}

/**
 * What a rule file declares about its rule, in one object with its check (policy/rule.ts): a
 * public contract (ids never change meaning).
 */
export interface RuleSpec {
  readonly id: string;
  /** The rule's headline severity; individual findings may be lower. */
  readonly severity: Severity;
  readonly pack: PackId;
  readonly title: string;
  /** What the rule checks, in a sentence or two (docs/rules.md, SARIF full description). */
  readonly description: string;
  /** How to fix a finding of this rule, for people (reports, SARIF help). */
  readonly fix: string;
  /** Public standards and documentation the rule comes from; at least one. */
  readonly references: readonly RuleReference[];
}

/** Static description of a rule, derived from its declaration. */
export interface RuleMeta extends RuleSpec {
  readonly domain: RuleDomain;
  /** The references' titles in one line (`CIS Docker Benchmark 1.6 §5.5; OWASP …`), for reports. */
  readonly anchor: string;
}

/** What a rule returns; the engine adds stack, file, construct path and suppression. */
export interface RuleResult {
  /** Terraform address: `docker_container.db`, `var.db_password`, `provider.github`, `terraform.backend`. */
  readonly address: string;
  readonly message: string;
  /** Defaults to the rule's severity. */
  readonly severity?: Severity;
  /**
   * What in the resource the finding is about (a host path for DOCKER-016/017): a suppression with
   * `appliesTo` covers only findings whose subject it lists.
   */
  readonly subject?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly stack: string;
  readonly address: string;
  readonly constructPath: string | null;
  readonly file: string;
  readonly message: string;
  readonly suppressed: boolean;
  readonly suppressionReason: string | null;
  /**
   * Where the resource is declared, when the reader knows better than `file`: an HCL module's
   * `.tf` file and the line of the block (policy/hcl.ts). @default absent: the finding is in `file`
   */
  readonly location?: FindingLocation;
  /** What in the resource the finding is about (RuleResult.subject); part of its baseline fingerprint. @default absent */
  readonly subject?: string;
  /**
   * Against a baseline (`bulwark check --baseline FILE`, policy/baseline.ts), SARIF's terms: `new`
   * (not in the baseline: it fails as usual), `unchanged` (in the baseline: reported, does not
   * fail), `absent` (in the baseline, gone now: reported as fixed, info). @default absent: no baseline
   */
  readonly baselineState?: BaselineState;
}

export type BaselineState = "new" | "unchanged" | "absent";

/** A file (as shown in reports) and, when known, the 1-based line of a block in it. */
export interface FindingLocation {
  readonly file: string;
  readonly line?: number;
}

/** A resource or data source of a stack, as indexed once per stack. */
export interface IndexedResource {
  /** `resource` or `data`. */
  readonly mode: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `docker_container.db` or `data.cloudflare_zone.main`. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly constructPath: string | null;
  /**
   * Memo slots for facts the rules compute once per resource (policy/rules/monitoring/containers.ts
   * `perResource`); the index gives every resource its own. Absent on hand-built resources.
   */
  readonly facts?: unknown[];
}

export interface ProviderBlock {
  /** Local provider name (`docker`, `github`, `cloudflare`). */
  readonly name: string;
  readonly alias: string | null;
  /** `provider.github` or `provider.github.alias`. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface VariableBlock {
  readonly name: string;
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface BackendBlock {
  readonly type: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** A reference found inside a string: `${docker_image.app.image_id}` → {address, attribute}. */
export interface Reference {
  /** `docker_image.app`, `var.x`, `data.cloudflare_zone.z`, `local.y`. */
  readonly address: string;
  /** Attribute path after the address, possibly empty (`image_id`). */
  readonly attribute: string;
}

/** Read-only view of one stack, built once, shared by every rule. */
export interface StackIndex {
  readonly stack: string;
  readonly file: string;
  /** The whole configuration as read (for rules that must see locals, outputs, modules). */
  readonly json: Readonly<Record<string, unknown>>;
  readonly resources: readonly IndexedResource[];
  byType(type: string): readonly IndexedResource[];
  /** Resource (`type.name`) or data source (`data.type.name`) by address. */
  byAddress(address: string): IndexedResource | undefined;
  readonly variables: ReadonlyMap<string, VariableBlock>;
  readonly providers: readonly ProviderBlock[];
  /** Declared backend; null when the stack declares none (Terraform falls back to local). */
  readonly backend: BackendBlock | null;
  /** `required_providers` entries: local name → {source, version}. */
  readonly requiredProviders: ReadonlyMap<string, { source: string; version: string | null }>;
  /** Version pinned for a provider source (`kreuzwerker/docker`), or null when unknown. */
  providerVersion(source: string): string | null;
  /** References inside a value (strings, nested arrays/objects). */
  referencesIn(value: unknown): Reference[];
  /** True when the string contains any `${…}` interpolation (a reference, not a literal). */
  isReference(value: unknown): boolean;
  /**
   * Best-effort literal value of a string: itself when it holds no interpolation; the target's
   * attribute when it is exactly one reference to a resource in this stack whose attribute is a
   * literal (with `docker_image.x.image_id`/`.name`/`.id` resolving to that image's `name`);
   * otherwise null (unknown at plan time).
   */
  resolveString(value: unknown): string | null;
  /** Resources in this stack that reference the given address anywhere in their body. */
  referencedBy(address: string): readonly IndexedResource[];
}

export interface ResourceRule {
  readonly kind: "resource";
  readonly meta: RuleMeta;
  /** Resource types this rule judges (`docker_container`). */
  readonly types: readonly string[];
  check(resource: IndexedResource, index: StackIndex): readonly RuleResult[];
}

export interface StackRule {
  readonly kind: "stack";
  readonly meta: RuleMeta;
  check(index: StackIndex): readonly RuleResult[];
}

/** What one stack contributed to an app rule. */
export interface StackFacts<F> {
  readonly stack: string;
  readonly file: string;
  readonly facts: F;
}

/** An app rule's result: it names the stack (and file) of the resource it points at. */
export interface AppRuleResult extends RuleResult {
  readonly stack: string;
  readonly file: string;
  /** The construct path of the resource, as the rule saw it while collecting. @default null */
  readonly constructPath?: string | null;
}

/**
 * A rule over every stack of a run (several stacks often share one Docker host or one zone).
 * `collect` reads what the rule needs while a stack's index is alive (keep it small: the stack's
 * tree is let go after); `check` runs once over what every stack contributed, in input order, also
 * when there is one stack.
 */
export interface AppRule<F = unknown> {
  readonly kind: "app";
  readonly meta: RuleMeta;
  collect(index: StackIndex): F;
  check(stacks: readonly StackFacts<F>[]): readonly AppRuleResult[];
}

export type Rule = ResourceRule | StackRule | AppRule;
