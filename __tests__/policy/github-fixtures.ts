/**
 * Hand-written integrations/github Terraform JSON for the GH rule tests: each builder returns a
 * body that passes every GH rule on its own; tests override the attribute under test.
 */
import { checkStack } from "../../policy/engine";
import { RULES } from "../../policy/rules/github";
import type { Finding } from "../../policy/types";
import { tf, type Json } from "../helpers/policy";

export const REPO_ADDRESS = "github_repository.app";

export function repository(overrides: Json = {}): Json {
  return {
    name: "app",
    visibility: "public",
    vulnerability_alerts: true,
    security_and_analysis: {
      secret_scanning: { status: "enabled" },
      secret_scanning_push_protection: { status: "enabled" },
    },
    ...overrides,
  };
}

/** `github_branch_protection` (GraphQL) of `main` with every requirement on. */
export function branchProtection(overrides: Json = {}): Json {
  return {
    repository_id: "${github_repository.app.node_id}",
    pattern: "main",
    enforce_admins: true,
    require_signed_commits: true,
    required_linear_history: true,
    require_conversation_resolution: true,
    allows_deletions: false,
    allows_force_pushes: false,
    required_status_checks: [{ strict: true, contexts: ["ci / test"] }],
    required_pull_request_reviews: [{
      required_approving_review_count: 2,
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
      require_last_push_approval: true,
    }],
    depends_on: ["github_repository_file.codeowners"],
    ...overrides,
  };
}

/** `github_branch_protection_v3` of `main` with everything v3 can express on. */
export function branchProtectionV3(overrides: Json = {}): Json {
  return {
    repository: "${github_repository.app.name}",
    branch: "main",
    enforce_admins: true,
    require_signed_commits: true,
    require_conversation_resolution: true,
    required_status_checks: { strict: true, checks: ["ci / test:15368"] },
    required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true },
    depends_on: ["github_repository_file.codeowners"],
    ...overrides,
  };
}

export function rulesetRules(overrides: Json = {}): Json {
  return {
    deletion: true,
    non_fast_forward: true,
    required_linear_history: true,
    required_signatures: true,
    pull_request: {
      required_approving_review_count: 2,
      dismiss_stale_reviews_on_push: true,
      require_code_owner_review: true,
      require_last_push_approval: true,
      required_review_thread_resolution: true,
    },
    required_status_checks: { strict_required_status_checks_policy: true, required_check: [{ context: "ci / test" }] },
    ...overrides,
  };
}

/** An active `github_repository_ruleset` for the default branch, no bypass actors. */
export function ruleset(overrides: Json = {}): Json {
  return {
    name: "default-branch",
    repository: "${github_repository.app.name}",
    target: "branch",
    enforcement: "active",
    conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
    rules: rulesetRules(),
    depends_on: ["github_repository_file.codeowners"],
    ...overrides,
  };
}

export function codeownersFile(overrides: Json = {}): Json {
  return {
    repository: "${github_repository.app.name}",
    file: ".github/CODEOWNERS",
    content: "* @example/maintainers\n",
    overwrite_on_create: true,
    ...overrides,
  };
}

export function workflowPermissions(overrides: Json = {}): Json {
  return { repository: "${github_repository.app.name}", default_workflow_permissions: "read", can_approve_pull_request_reviews: false, ...overrides };
}

export function actionsPermissions(overrides: Json = {}): Json {
  return {
    repository: "${github_repository.app.name}",
    enabled: true,
    allowed_actions: "selected",
    allowed_actions_config: { github_owned_allowed: true, verified_allowed: false, patterns_allowed: ["example/*"] },
    ...overrides,
  };
}

export type ProtectionMode = "graphql" | "v3" | "ruleset";

export const PROTECTION_ADDRESS: Record<ProtectionMode, string> = {
  graphql: "github_branch_protection.main",
  v3: "github_branch_protection_v3.main",
  ruleset: "github_repository_ruleset.main",
};

export interface GithubStackOptions {
  /** Which resource protects `main`; null for none. @default "graphql" */
  readonly mode?: ProtectionMode | null;
  /** Overrides of the repository body. */
  readonly repo?: Json;
  /** Overrides of the protection body. */
  readonly protection?: Json;
  /** More resources, merged by type (`{ github_actions_secret: { x: {...} } }`). */
  readonly extra?: Record<string, Record<string, Json>>;
  /** Addresses to leave out (`github_repository_file.codeowners`). */
  readonly omit?: readonly string[];
  /**
   * Checks of repository `app` declared as produced outside the stack (GH-015), check → producer.
   * @default DECLARED_CHECKS (the checks the protection builders require); null for none
   */
  readonly declared?: Record<string, string> | null;
}

/** The local GH-015 reads for repository `app`, as RepositoryGovernance writes it. */
export const DECLARED_LOCAL = "bulwark_produced_checks_app";

/** What the default protections require ("ci / test"; "ci" in a few tests), declared as produced by a workflow kept in the repository. */
export const DECLARED_CHECKS: Record<string, string> = {
  "ci / test": "ci.yml, maintained in the repository",
  ci: "ci.yml, maintained in the repository",
};

/** `locals` declaring checks of a repository as produced outside the stack's workflows. */
export function producedChecks(checks: Record<string, string>, repository = "${github_repository.app.name}"): Json {
  return { repository, checks };
}

/** A compliant workflow: pinned actions, `permissions: {}` at the top, a job per check name, on pull requests. */
export function workflowYaml(jobs: readonly string[] = ["ci / test"], header = "permissions: {}\n", on = "on:\n  pull_request:\n  push:\n    branches: [main]\n"): string {
  const body = jobs
    .map((name, i) =>
      `  job${i}:\n    name: ${JSON.stringify(name)}\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n    steps:\n` +
      "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n" +
      "      - run: echo \"$${{ github.sha }}\"\n",
    )
    .join("");
  return `name: ci\n${on}${header}jobs:\n${body}`;
}

/** A `github_repository_file` holding a workflow of repository `app` (content as Terraform JSON holds it: `$${`). */
export function workflowFile(content: string = workflowYaml(), overrides: Json = {}): Json {
  return {
    repository: "${github_repository.app.name}",
    file: ".github/workflows/ci.yml",
    content,
    overwrite_on_create: true,
    ...overrides,
  };
}

/** A compliant stack for repository `app`, protected in the given mode. */
export function githubStack(options: GithubStackOptions = {}): Json {
  const mode = options.mode === undefined ? "graphql" : options.mode;
  const resources: Record<string, Record<string, Json>> = {
    github_repository: { app: repository(options.repo) },
    github_repository_file: { codeowners: codeownersFile() },
    github_workflow_repository_permissions: { app: workflowPermissions() },
    github_actions_repository_permissions: { app: actionsPermissions() },
  };
  if (mode === "graphql") resources.github_branch_protection = { main: branchProtection(options.protection) };
  if (mode === "v3") resources.github_branch_protection_v3 = { main: branchProtectionV3(options.protection) };
  if (mode === "ruleset") resources.github_repository_ruleset = { main: ruleset(options.protection) };
  for (const [type, byName] of Object.entries(options.extra ?? {})) {
    resources[type] = { ...(resources[type] ?? {}), ...byName };
  }
  for (const address of options.omit ?? []) {
    const dot = address.indexOf(".");
    const byName = resources[address.slice(0, dot)];
    if (byName) delete byName[address.slice(dot + 1)];
  }
  const declared = options.declared === undefined ? DECLARED_CHECKS : options.declared;
  return declared === null ? tf(resources) : tf(resources, { locals: { [DECLARED_LOCAL]: producedChecks(declared) } });
}

/** Findings of the GH rules (or of one of them) only. */
export function ghFindings(json: Json, ruleId?: string): Finding[] {
  const rules = ruleId ? RULES.filter((r) => r.meta.id === ruleId) : RULES;
  if (ruleId && rules.length !== 1) throw new Error(`rule ${ruleId} is not registered exactly once`);
  return checkStack({ stack: "test", file: "test.tf.json", json }, rules).findings;
}

/** Every GH finding of a document as `RULE severity address`, in the engine's order. */
export function ghHits(json: Json, ruleId?: string): string[] {
  return ghFindings(json, ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);
}

/** Messages of one GH rule's findings. */
export function ghMessages(json: Json, ruleId: string): string[] {
  return ghFindings(json, ruleId).map((f) => f.message);
}
