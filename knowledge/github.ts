/**
 * Facts about GitHub Actions workflows, shared by RepositoryGovernance (the workflows it writes)
 * and the GH-015/GH-016 rules (the workflows they read back from Terraform JSON): where workflow
 * files live, what a pinned `uses:` is, how jobs name their check runs, how a file content is
 * written into a Terraform string, and the pinned actions and tools of the managed workflows.
 *
 * Check-run naming follows GitHub's workflow syntax documentation (a job's check run is its
 * `name:`, or its id); real GitHub is not reachable from this machine, so it was not observed live.
 */

/**
 * Terraform reads `\${` and `%{` inside strings (JSON and HCL alike) as template sequences, so a
 * file content holding GitHub expressions (`\${{ github.sha }}`) or shell expansions
 * (`"\${files[@]}"`) must be written `$\${` and `%%{` to arrive literally. Function replacements:
 * in a replacement string `$$` would be ONE `$` (the bug this once had).
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The literal text of a Terraform string written by `terraformLiteral` (`$\${` → `\${`, `%%{` → `%{`). */
export function terraformStringValue(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

/** Whether a Terraform string holds a real (unescaped) interpolation or directive. */
export function hasTerraformTemplate(text: string): boolean {
  return /(?<!\$)\$\{|(?<!%)%\{/.test(text);
}

/** Workflow files live here, relative to the repository root. */
export const WORKFLOW_DIR = ".github/workflows/";

/** Whether a repository path is a workflow file GitHub runs (`.github/workflows/*.yml|yaml`, not nested). */
export function isWorkflowPath(path: string): boolean {
  const p = path.replace(/^\.?\//, "");
  if (!p.startsWith(WORKFLOW_DIR)) return false;
  const rest = p.slice(WORKFLOW_DIR.length);
  return /^[^/]+\.ya?ml$/.test(rest);
}

/** A full commit SHA: the only immutable action reference (a tag or branch can be moved). */
export const FULL_COMMIT_SHA = /^[0-9a-f]{40}$/;

/** A container image pinned by digest (`docker://image@sha256:<64 hex>`). */
const DOCKER_DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Whether a `uses:` value is immutable: `owner/repo[/path]@<40-hex sha>`, a local action
 * (`./path`, same commit as the workflow) or `docker://…@sha256:<digest>`.
 */
export function isPinnedUses(uses: string): boolean {
  const u = uses.trim();
  if (u.startsWith("./")) return true;
  if (u.startsWith("docker://")) return DOCKER_DIGEST.test(u);
  const at = u.lastIndexOf("@");
  if (at <= 0) return false;
  return FULL_COMMIT_SHA.test(u.slice(at + 1));
}

/** The `permissions:` shorthands that grant write to every scope. */
export const WRITE_ALL_PERMISSIONS: readonly string[] = ["write-all"];

/**
 * Where a workflow declares that a required check is produced outside the stack's managed
 * workflows (another CI system, a GitHub App, a workflow maintained by hand): a Terraform local
 * whose name starts with this prefix, holding `{ repository = "<name>", checks = { "<check>" =
 * "<what produces it>" } }`. Terraform ignores unused locals; HCL and JSON users write it alike.
 */
export const PRODUCED_CHECKS_LOCAL_PREFIX = "bulwark_produced_checks";

/** GitHub expression syntax; a job name that contains one is only known at run time. */
export const ACTIONS_EXPRESSION = /\$\{\{/;

/** One check run a job reports: its name, or null when only known at run time. */
export interface JobCheck {
  readonly jobId: string;
  /** The check-run name (`name:` or the job id), or null when it contains an expression. */
  readonly name: string | null;
  /** A matrix job reports one check per combination, `<name> (<values>)`. */
  readonly matrix: boolean;
  /** A reusable-workflow call reports `<name> / <called job>`, not `<name>`. */
  readonly reusable: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The check runs the jobs of a parsed workflow report. GitHub names a job's check run after its
 * `name:` (or its id when unnamed); matrix jobs add the combination in parentheses and calls of
 * reusable workflows add ` / <job>`, so neither reports the plain name.
 */
export function jobChecks(workflow: unknown): JobCheck[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) return [];
  return Object.entries(workflow.jobs).map(([jobId, job]) => {
    const j = isRecord(job) ? job : {};
    const raw = typeof j.name === "string" ? j.name : jobId;
    const strategy = isRecord(j.strategy) ? j.strategy : undefined;
    return {
      jobId,
      name: ACTIONS_EXPRESSION.test(raw) ? null : raw,
      matrix: strategy !== undefined && strategy.matrix !== undefined,
      reusable: typeof j.uses === "string",
    };
  });
}

/** Every `uses:` of a parsed workflow, with the job that holds it. */
export function usesOf(workflow: unknown): { jobId: string; uses: string }[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) return [];
  const out: { jobId: string; uses: string }[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (!isRecord(job)) continue;
    if (typeof job.uses === "string") out.push({ jobId, uses: job.uses });
    if (Array.isArray(job.steps)) for (const s of job.steps) if (isRecord(s) && typeof s.uses === "string") out.push({ jobId, uses: s.uses });
  }
  return out;
}

// ---- pinned actions and tools of the managed workflows ([roadmap koha.2.2]) ---------------------

/**
 * Every third-party action the managed workflows use, pinned by full commit SHA, in ONE place
 * (OpenSSF Scorecard Pinned-Dependencies). Dependabot's `github-actions` ecosystem (on by default
 * in the managed dependabot.yml) proposes updates of these pins in each governed repository.
 *
 * Where each SHA came from: `git rev-parse <version>^{commit}` in a snapshot of the action's own
 * GitHub repository (actions/checkout, actions/setup-node, actions/setup-go,
 * hashicorp/setup-terraform, github/codeql-action, hadolint/hadolint-action,
 * aquasecurity/trivy-action, docker/metadata-action, docker/login-action, anchore/sbom-action,
 * actions/attest-build-provenance, sigstore/cosign-installer), mirrored for this project on
 * 2026-12-02; each tag was the newest release tag of its snapshot, and the inputs the workflows
 * pass were read from that commit's action.yml. actions/checkout v7.0.1 = 3d3c42e5… is also what
 * independent public workflows pin. NOT verified live against github.com (not reachable from
 * here): a tag moved after the snapshot would not be noticed. Before trusting a new pin, check it
 * with `git ls-remote https://github.com/<owner>/<repo> refs/tags/<version>^{}` (or `refs/tags/<version>`
 * for a lightweight tag).
 */
export interface PinnedAction {
  /** `owner/repo` or `owner/repo/path`. */
  readonly action: string;
  /** Full 40-hex commit SHA. */
  readonly sha: string;
  /** The release tag the SHA was taken from, written as the line comment (`# v4.2.2`). */
  readonly version: string;
}

function pin(action: string, sha: string, version: string): PinnedAction {
  return { action, sha, version };
}

export const PINNED_ACTIONS = {
  checkout: pin("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
  setupNode: pin("actions/setup-node", "820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
  setupGo: pin("actions/setup-go", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0"),
  setupTerraform: pin("hashicorp/setup-terraform", "dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),
  uploadSarif: pin("github/codeql-action/upload-sarif", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
  hadolint: pin("hadolint/hadolint-action", "2332a7b74a6de0dda2e2221d575162eba76ba5e5", "v3.3.0"),
  trivy: pin("aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0"),
  metadata: pin("docker/metadata-action", "dc802804100637a589fabce1cb79ff13a1411302", "v6.2.0"),
  login: pin("docker/login-action", "4907a6ddec9925e35a0a9e82d7399ccc52663121", "v4.1.0"),
  sbom: pin("anchore/sbom-action", "e22c389904149dbc22b58101806040fa8d37a610", "v0.24.0"),
  attestProvenance: pin("actions/attest-build-provenance", "a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32", "v4.1.0"),
  cosignInstaller: pin("sigstore/cosign-installer", "6f9f17788090df1f26f669e9d70d6ae9567deba6", "v4.1.2"),
} as const satisfies Record<string, PinnedAction>;

/** `owner/repo@<sha>`, the value of a `uses:` key. */
export function usesRef(a: PinnedAction): string {
  return `${a.action}@${a.sha}`;
}

/**
 * The secret scanner, run the same way in CI and in the pre-commit hook: gitleaks, installed in
 * CI with `go install` (the Go checksum database verifies the module; gitleaks-action needs a
 * licence key for organization accounts) and in pre-commit from its repository at this commit.
 * Source: `git rev-parse v8.30.1^{commit}` in the mirrored snapshot of gitleaks/gitleaks
 * (2026-12-02); its go.mod declares `module github.com/zricethezav/gitleaks/v8` and `go 1.24.11`,
 * and its `.pre-commit-hooks.yaml` the `gitleaks` hook. Not verified live against github.com.
 */
export const GITLEAKS = {
  module: "github.com/zricethezav/gitleaks/v8",
  version: "v8.30.1",
  repository: "https://github.com/gitleaks/gitleaks",
  sha: "83d9cd684c87d95d656c1458ef04895a7f1cbd8e",
  /** gitleaks v8.30.1's go.mod asks for Go 1.24. */
  goVersion: "1.24",
} as const;

/** Trivy (the binary trivy-action installs) is pinned too, not left to the action's default (v0.36.0's default is the same v0.70.0). */
export const TRIVY_VERSION = "v0.70.0";

/** The OIDC issuer of GitHub Actions' keyless (Fulcio) signing certificates. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** Runner image of every managed job (a fixed version, not `ubuntu-latest`, so upgrades are deliberate). */
export const WORKFLOW_RUNNER = "ubuntu-24.04";

/** Node.js version of the bulwark/cdktf jobs in deploy repositories. */
export const WORKFLOW_NODE_VERSION = "22";
