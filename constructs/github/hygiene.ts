/**
 * Repository hygiene files RepositoryGovernance writes: `.gitignore` and `.dockerignore` that keep
 * environment files, Terraform variables and state and local secret folders out of git and out of
 * every Docker build context, and a pre-commit configuration running the same secret scanner as
 * the `secret-scan` check before each commit.
 *
 * Verified (__tests__/github/hygiene.test.ts): `git check-ignore` in a temporary repository, and
 * the build context as Docker computes it from `.dockerignore` (moby/patternmatcher semantics
 * re-implemented in the test, then packed with `tar`; a real `docker build` runs too when an
 * engine answers). Not verified: pre-commit itself (not installed here).
 */
import { GITLEAKS } from "../../knowledge/github";

const HEADER = "# Managed by bulwark (RepositoryGovernance). Change it through a pull request.";

/**
 * Paths that must never be committed or sent to a Docker daemon, gitignore syntax (a pattern
 * without `/` matches at any depth). Exported for the tests and the README.
 */
export const NEVER_COMMITTED: readonly { readonly pattern: string; readonly why: string }[] = [
  { pattern: ".env", why: "environment files hold secrets" },
  { pattern: ".env.*", why: "per-environment variants (.env.production, .env.local)" },
  { pattern: "*.tfvars", why: "Terraform variable files may hold secrets" },
  { pattern: "*.tfvars.json", why: "the same, in JSON" },
  { pattern: "*.tfstate", why: "Terraform state holds every secret in plain text" },
  { pattern: "*.tfstate.*", why: "state backups (terraform.tfstate.backup)" },
  { pattern: ".terraform/", why: "provider plugins and a copy of remote state settings" },
  { pattern: ".secrets/", why: "local secret files" },
  { pattern: "cdktf.out/", why: "synthesized output, rebuilt by cdktf synth" },
];

/** The documented example of `.env` may be committed (it holds no values); it never enters an image. */
export const ENV_EXAMPLE = ".env.example";

export const GITIGNORE = [
  HEADER,
  "# Secrets, Terraform variables and state never enter git.",
  ...NEVER_COMMITTED.flatMap((p) => [`# ${p.why}`, p.pattern]),
  `# ${ENV_EXAMPLE} documents the variables, without values.`,
  `!${ENV_EXAMPLE}`,
  "",
].join("\n");

/**
 * `.dockerignore` patterns are relative to the context root and do NOT match at any depth by
 * themselves (unlike .gitignore), so every one is written as `**\/<pattern>`.
 */
export const DOCKERIGNORE = [
  HEADER,
  "# Nothing secret enters a build context: a COPY . would bake it into an image layer.",
  ".git",
  ...NEVER_COMMITTED.flatMap((p) => [`# ${p.why}`, `**/${p.pattern.replace(/\/$/, "")}`]),
  "",
].join("\n");

export const PRE_COMMIT_CONFIG = [
  "# Managed by bulwark (RepositoryGovernance): the secret scanner of the secret-scan check, before every commit.",
  "# Once per clone: pipx install pre-commit && pre-commit install",
  "repos:",
  `  - repo: ${GITLEAKS.repository}`,
  `    rev: ${GITLEAKS.sha} # frozen: ${GITLEAKS.version}`,
  "    hooks:",
  "      - id: gitleaks",
  "",
].join("\n");
