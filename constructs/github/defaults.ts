/**
 * The governance defaults, in one place so the construct, the templates,
 * the tests and the README quote the same lists.
 */

/**
 * The required check that enforces SHA-pinned `uses:` in workflows. integrations/github 6.9.0
 * has no `sha_pinning_required` (it arrives in 6.11), so pinning can only be required through a
 * status check that a workflow in the repository reports under this name.
 */
export const SHA_PINNING_CHECK = "actions-pinned";

/** Check names: each is the `name:` of the managed job that reports it. */
export const HADOLINT_CHECK = "hadolint";
export const SHELLCHECK_CHECK = "shellcheck";
export const TRIVY_CONFIG_CHECK = "trivy-config";
export const TRIVY_IMAGE_CHECK = "trivy-image";
export const SECRET_SCAN_CHECK = "secret-scan";
export const COMPOSE_VALIDATE_CHECK = "compose-validate";
/** `bulwark check` of the synthesized stacks, with its SARIF report uploaded to code scanning. */
export const BULWARK_CHECK = "bulwark-check";
/** `cdktf diff` on pull requests (only from branches of the repository: forks get no secrets). */
export const CDKTF_DIFF_CHECK = "cdktf-diff";

/**
 * Status checks required on the default branch of a repository with role "other" (hadolint,
 * shellcheck, trivy config, trivy image, secret scan, compose validation) plus the SHA-pinning
 * check (§2.2). The names are the check-run names the managed workflows report (the job `name:`).
 */
export const DEFAULT_REQUIRED_CHECKS: readonly string[] = [
  HADOLINT_CHECK,
  SHELLCHECK_CHECK,
  TRIVY_CONFIG_CHECK,
  TRIVY_IMAGE_CHECK,
  SECRET_SCAN_CHECK,
  COMPOSE_VALIDATE_CHECK,
  SHA_PINNING_CHECK,
];

/** Build repository ([roadmap koha.1.3], [roadmap koha.2.1]): lint, scan the config and the built image, secrets, pinning. */
export const BUILD_REQUIRED_CHECKS: readonly string[] = [
  HADOLINT_CHECK,
  SHELLCHECK_CHECK,
  TRIVY_CONFIG_CHECK,
  TRIVY_IMAGE_CHECK,
  SECRET_SCAN_CHECK,
  SHA_PINNING_CHECK,
];

/** Deploy repository: the policy gate over the synthesized stacks, secrets, pinning. */
export const DEPLOY_REQUIRED_CHECKS: readonly string[] = [BULWARK_CHECK, SECRET_SCAN_CHECK, SHA_PINNING_CHECK];

/** GitHub user or organization names. */
export const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** A path that always gets code owners, and why. */
export interface CriticalPath {
  /** CODEOWNERS pattern (gitignore syntax; a leading `/` anchors it at the repository root). */
  readonly pattern: string;
  readonly why: string;
}

/**
 * Critical paths (build, CI/CD, runtime topology) plus the governance files themselves (whoever may edit
 * CODEOWNERS or the workflows may grant themselves anything else). They are written last in
 * CODEOWNERS because the last matching pattern wins, so a catch-all `*` cannot override them.
 */
export const CRITICAL_PATHS: readonly CriticalPath[] = [
  { pattern: "/.github/workflows/", why: "CI/CD definitions" },
  { pattern: "/.github/CODEOWNERS", why: "who owns review" },
  { pattern: "/.github/dependabot.yml", why: "dependency update policy" },
  { pattern: "/SECURITY.md", why: "vulnerability reporting policy" },
  { pattern: "/.gitignore", why: "keeps .env, *.tfvars and state out of git" },
  { pattern: "/.dockerignore", why: "keeps .env, *.tfvars and state out of the build context" },
  { pattern: "/.pre-commit-config.yaml", why: "the local secret scan" },
  { pattern: "Dockerfile", why: "image build" },
  { pattern: "/scripts/koha-setup/", why: "instance setup scripts" },
  { pattern: "docker-compose.yaml", why: "runtime topology, deploy repository" },
];

/** Dependabot version-update ecosystems the construct can write into `.github/dependabot.yml`. */
export type DependabotEcosystem = "github-actions" | "docker" | "docker-compose" | "npm" | "pip" | "composer" | "gomod" | "terraform";

/** `github-actions` keeps SHA pins current; `docker` keeps base images current (OpenSSF Scorecard Dependency-Update-Tool). */
export const DEFAULT_DEPENDABOT_ECOSYSTEMS: readonly DependabotEcosystem[] = ["github-actions", "docker"];

/** CODEOWNERS owner: `@user`, `@org/team` or an e-mail address (same rule as config/schema.ts). */
export const CODE_OWNER = /^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/;

/** GitHub repository names. */
export const REPOSITORY_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Actions secret names (GitHub: letters, digits, underscores; no leading digit; no GITHUB_ prefix). */
export const ACTIONS_SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
