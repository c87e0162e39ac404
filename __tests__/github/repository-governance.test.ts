import { S3Backend, TerraformStack, Testing } from "cdktf";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { Secret } from "../../constructs/core/secret";
import { DEFAULT_REQUIRED_CHECKS, SHA_PINNING_CHECK } from "../../constructs/github/defaults";
import {
  RepositoryGovernance,
  logicalNameFor,
  type ProtectionMode,
  type RepositoryGovernanceProps,
} from "../../constructs/github/repository-governance";
import { renderCodeOwners } from "../../constructs/github/templates";
import type { RepositoryRole } from "../../constructs/github/workflows";
import { PINNED_ACTIONS } from "../../knowledge/github";
import { policyFindings, synthStackJson } from "../../policy/testing";
import type { Finding } from "../../policy/types";

type Json = Record<string, any>;

const OWNERS = [{ pattern: "*", owners: ["@example-org/platform"] }];

function setup(props: Partial<RepositoryGovernanceProps> = {}): { stack: TerraformStack; gov: RepositoryGovernance } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new GithubProvider(stack, "github", { owner: "example-org" });
  // A remote backend, so that the only findings left are the GitHub ones under test.
  new S3Backend(stack, { bucket: "state", key: "test.tfstate", region: "eu-central-1", encrypt: true, dynamodbTable: "locks" });
  const gov = new RepositoryGovernance(stack, "koha-deploy", { name: "koha-deploy", codeOwners: OWNERS, ...props });
  return { stack, gov };
}

function resources(stack: TerraformStack): Json {
  return (synthStackJson(stack) as Json).resource;
}

const open = (fs: Finding[]) => fs.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);

const MODES: ProtectionMode[] = ["ruleset", "branch-protection"];

describe("RepositoryGovernance defaults", () => {
  test.each(MODES)("%s mode passes every policy rule with no finding at all", (mode) => {
    const { stack } = setup({ mode });
    expect(stack).toPassPolicy();
    expect(open(policyFindings(stack))).toEqual([]);
  });

  test.each(MODES)("%s mode reaches Scorecard tier 5", (mode) => {
    const { gov } = setup({ mode });
    expect(gov.scorecard).toEqual({ tier: 5, label: "T5", score: 10, unmet: [] });
    const how = mode === "ruleset" ? "repository ruleset" : "branch protection";
    expect(gov.scorecardSummary()).toBe(`koha-deploy: OpenSSF Scorecard Branch-Protection T5 (10/10) via ${how} on main`);
  });

  test("repository settings: squash only, branches deleted, alerts, secret scanning with push protection, archived on destroy", () => {
    const repo = resources(setup().stack).github_repository.koha_deploy;
    expect(repo).toMatchObject({
      name: "koha-deploy",
      visibility: "private",
      allow_squash_merge: true,
      allow_merge_commit: false,
      allow_rebase_merge: false,
      delete_branch_on_merge: true,
      vulnerability_alerts: true,
      archive_on_destroy: true,
      auto_init: true,
      has_issues: true,
    });
    expect(repo.security_and_analysis).toEqual({
      advanced_security: { status: "enabled" },
      secret_scanning: { status: "enabled" },
      secret_scanning_push_protection: { status: "enabled" },
    });
  });

  test("public repositories never send advanced_security (HTTP 422) but keep secret scanning", () => {
    const { stack } = setup({ visibility: "public" });
    const repo = resources(stack).github_repository.koha_deploy;
    expect(repo.visibility).toBe("public");
    expect(repo.security_and_analysis).toEqual({
      secret_scanning: { status: "enabled" },
      secret_scanning_push_protection: { status: "enabled" },
    });
    expect(stack).toPassPolicy();
  });

  test("private repositories may turn secret scanning off (GH-011 warning only) and drop advanced security", () => {
    const { stack } = setup({ secretScanning: false, advancedSecurity: false });
    expect(resources(stack).github_repository.koha_deploy.security_and_analysis).toEqual({
      secret_scanning: { status: "disabled" },
      secret_scanning_push_protection: { status: "disabled" },
    });
    expect(open(policyFindings(stack))).toEqual(["GH-011 warning github_repository.koha_deploy", "GH-011 warning github_repository.koha_deploy"]);
    expect(stack).toPassPolicy();
  });

  test("Actions: GitHub-owned, verified and listed actions; read-only token; no PR approval by Actions; Dependabot updates", () => {
    const { stack, gov } = setup({ allowedActionPatterns: ["hadolint/hadolint-action@*"] });
    gov.allowAction("aquasecurity/*").allowAction("aquasecurity/*");
    const r = resources(stack);
    expect(r.github_actions_repository_permissions.koha_deploy).toMatchObject({
      enabled: true,
      allowed_actions: "selected",
      allowed_actions_config: {
        github_owned_allowed: true,
        verified_allowed: true,
        // The listed patterns, then the managed workflows' third-party actions at their pinned SHA only.
        patterns_allowed: [
          "hadolint/hadolint-action@*",
          "aquasecurity/*",
          `aquasecurity/trivy-action@${PINNED_ACTIONS.trivy.sha}`,
          `hadolint/hadolint-action@${PINNED_ACTIONS.hadolint.sha}`,
        ],
      },
    });
    expect(r.github_workflow_repository_permissions.koha_deploy).toMatchObject({ default_workflow_permissions: "read", can_approve_pull_request_reviews: false });
    expect(r.github_repository_dependabot_security_updates.koha_deploy).toMatchObject({ enabled: true, repository: "${github_repository.koha_deploy.name}" });
  });

  test("verified creators can be excluded", () => {
    const r = resources(setup({ allowVerifiedCreatorActions: false }).stack);
    expect(r.github_actions_repository_permissions.koha_deploy.allowed_actions_config.verified_allowed).toBe(false);
  });
});

describe("RepositoryGovernance protection", () => {
  test("ruleset mode: active, default branch, every rule, required checks and no bypass", () => {
    const { stack } = setup({ mode: "ruleset" });
    const r = resources(stack);
    expect(r.github_branch_protection).toBeUndefined();
    const rs = r.github_repository_ruleset.koha_deploy;
    expect(rs).toMatchObject({ enforcement: "active", target: "branch", repository: "${github_repository.koha_deploy.name}" });
    expect(rs.conditions.ref_name).toEqual({ include: ["~DEFAULT_BRANCH"], exclude: [] });
    expect(rs.bypass_actors).toBeUndefined();
    expect(rs.rules).toMatchObject({ deletion: true, non_fast_forward: true, required_linear_history: true, required_signatures: true });
    expect(rs.rules.pull_request).toEqual({
      required_approving_review_count: 2,
      dismiss_stale_reviews_on_push: true,
      require_code_owner_review: true,
      require_last_push_approval: true,
      required_review_thread_resolution: true,
    });
    expect(rs.rules.required_status_checks).toEqual({
      strict_required_status_checks_policy: true,
      required_check: DEFAULT_REQUIRED_CHECKS.map((context) => ({ context })),
    });
  });

  test("branch-protection mode: enforced on admins, signed, linear, no force push or deletion", () => {
    const { stack } = setup({ mode: "branch-protection" });
    const r = resources(stack);
    expect(r.github_repository_ruleset).toBeUndefined();
    const bp = r.github_branch_protection.koha_deploy;
    expect(bp).toMatchObject({
      repository_id: "${github_repository.koha_deploy.node_id}",
      pattern: "main",
      enforce_admins: true,
      require_signed_commits: true,
      required_linear_history: true,
      require_conversation_resolution: true,
      allows_deletions: false,
      allows_force_pushes: false,
    });
    expect(bp.required_pull_request_reviews).toEqual([
      { required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true, require_last_push_approval: true },
    ]);
    expect(bp.required_status_checks).toEqual([{ strict: true, contexts: [...DEFAULT_REQUIRED_CHECKS] }]);
  });

  test.each(MODES)("%s mode: every governance file exists on the default branch and is ordered before the protection (no 409)", (mode) => {
    const { stack } = setup({ mode });
    const r = resources(stack);
    const files = r.github_repository_file as Json;
    expect(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.file]))).toEqual({
      koha_deploy_codeowners: ".github/CODEOWNERS",
      koha_deploy_pull_request_template: ".github/pull_request_template.md",
      koha_deploy_issue_template_bug: ".github/ISSUE_TEMPLATE/bug.md",
      koha_deploy_issue_template_security: ".github/ISSUE_TEMPLATE/security.md",
      koha_deploy_issue_template_ops: ".github/ISSUE_TEMPLATE/ops.md",
      koha_deploy_issue_template_config: ".github/ISSUE_TEMPLATE/config.yml",
      koha_deploy_security_policy: "SECURITY.md",
      koha_deploy_dependabot: ".github/dependabot.yml",
      koha_deploy_gitignore: ".gitignore",
      koha_deploy_dockerignore: ".dockerignore",
      koha_deploy_pre_commit_config: ".pre-commit-config.yaml",
      koha_deploy_workflow_checks: ".github/workflows/bulwark-checks.yml",
      koha_deploy_workflow_image: ".github/workflows/bulwark-image.yml",
    });
    for (const f of Object.values(files)) {
      expect(f).toMatchObject({ branch: "main", overwrite_on_create: false, lifecycle: { ignore_changes: ["content"] } });
    }
    const protection = mode === "ruleset" ? r.github_repository_ruleset.koha_deploy : r.github_branch_protection.koha_deploy;
    expect(protection.depends_on).toEqual(Object.keys(files).map((k) => `github_repository_file.${k}`));
  });

  test("templates: PR template has risks, rollback and test plan; issue templates bug/security/ops; SECURITY.md and dependabot", () => {
    const files = resources(setup({ securityContact: "security@example.org", dependabotEcosystems: ["github-actions", "docker-compose"] }).stack).github_repository_file;
    const pr = files.koha_deploy_pull_request_template.content;
    for (const h of ["## Risks", "## Rollback plan", "## Test plan"]) expect(pr).toContain(h);
    expect(files.koha_deploy_issue_template_bug.content).toMatch(/^---\nname: Bug report\n/);
    expect(files.koha_deploy_issue_template_security.content).toContain("Do NOT report vulnerabilities");
    expect(files.koha_deploy_issue_template_ops.content).toContain("## Rollback plan");
    expect(files.koha_deploy_issue_template_config.content).toContain("blank_issues_enabled: false");
    expect(files.koha_deploy_issue_template_config.content).toContain("url: ${github_repository.koha_deploy.html_url}/security/advisories/new");
    expect(files.koha_deploy_security_policy.content).toContain("or write to security@example.org.");
    expect(files.koha_deploy_dependabot.content).toBe(
      [
        "# Managed by bulwark (RepositoryGovernance).",
        "version: 2",
        "updates:",
        '  - package-ecosystem: "github-actions"',
        '    directory: "/"',
        "    schedule:",
        '      interval: "weekly"',
        "    open-pull-requests-limit: 5",
        "    commit-message:",
        '      prefix: "deps"',
        '  - package-ecosystem: "docker-compose"',
        '    directory: "/"',
        "    schedule:",
        '      interval: "weekly"',
        "    open-pull-requests-limit: 5",
        "    commit-message:",
        '      prefix: "deps"',
        "",
      ].join("\n"),
    );
  });

  test("trackFileContent keeps content under management (no ignore_changes)", () => {
    const files = resources(setup({ trackFileContent: true }).stack).github_repository_file;
    for (const f of Object.values(files) as Json[]) expect(f.lifecycle).toBeUndefined();
  });

  test("a default branch other than main renames it first; files and protection follow it", () => {
    const { stack } = setup({ defaultBranch: "trunk", mode: "branch-protection" });
    const r = resources(stack);
    expect(r.github_branch_default.koha_deploy).toMatchObject({ branch: "trunk", rename: true, repository: "${github_repository.koha_deploy.name}" });
    expect(r.github_repository_file.koha_deploy_codeowners).toMatchObject({ branch: "trunk", depends_on: ["github_branch_default.koha_deploy"] });
    expect(r.github_branch_protection.koha_deploy.pattern).toBe("trunk");
    expect(stack).toPassPolicy();
    expect(open(policyFindings(stack))).toEqual([]);
  });

  test("weaker but allowed settings give the warnings of the catalog and a lower tier", () => {
    const { stack, gov } = setup({
      mode: "branch-protection",
      requiredApprovals: 1,
      dismissStaleReviews: false,
      requireUpToDateBranches: false,
      requireLinearHistory: false,
      requireConversationResolution: false,
      mergeMethods: ["squash", "merge"],
    });
    expect(stack).toPassPolicy();
    expect(open(policyFindings(stack)).sort()).toEqual(
      [
        "GH-002 warning github_branch_protection.koha_deploy",
        "GH-003 warning github_branch_protection.koha_deploy",
        "GH-004 warning github_branch_protection.koha_deploy",
        "GH-008 warning github_branch_protection.koha_deploy",
        "GH-009 warning github_branch_protection.koha_deploy",
      ].sort(),
    );
    expect(resources(stack).github_repository.koha_deploy).toMatchObject({ allow_merge_commit: true, allow_squash_merge: true });
    expect(gov.scorecardTier).toBe(1);
    expect(gov.scorecard.unmet).toEqual([
      "T2: branches up to date before merging",
      "T4: at least 2 approvals (now 1)",
      "T5: stale approvals dismissed on push",
    ]);
  });

  test("a justified ruleset bypass is written, suppresses GH-005 with the reason, and caps the tier at 4", () => {
    const { stack, gov } = setup({
      bypassActors: [
        { actorType: "OrganizationAdmin", reason: "break-glass for incidents, audited monthly" },
        { actorType: "Integration", actorId: 123456, bypassMode: "always", reason: "release bot pushes signed tags" },
      ],
    });
    const rs = resources(stack).github_repository_ruleset.koha_deploy;
    expect(rs.bypass_actors).toEqual([
      { actor_type: "OrganizationAdmin", actor_id: 1, bypass_mode: "pull_request" },
      { actor_type: "Integration", actor_id: 123456, bypass_mode: "always" },
    ]);
    const fs = policyFindings(stack);
    expect(open(fs)).toEqual([]);
    const gh005 = fs.filter((f) => f.ruleId === "GH-005");
    expect(gh005.map((f) => [f.severity, f.address, f.suppressed])).toEqual([["warning", "github_repository_ruleset.koha_deploy", true]]);
    expect(gh005[0].suppressionReason).toBe(
      "ruleset bypass justified: OrganizationAdmin (pull_request): break-glass for incidents, audited monthly; Integration#123456 (always): release bot pushes signed tags",
    );
    expect(gov.scorecard).toMatchObject({ tier: 4, score: 9, unmet: ["T5: enforced on administrators (no bypass actors)"] });
    expect(stack).toPassPolicy();
  });
});

describe("RepositoryGovernance additive methods", () => {
  test("addRequiredCheck appends to the required checks in both modes", () => {
    for (const mode of MODES) {
      const { stack, gov } = setup({ mode, requiredChecks: ["build", SHA_PINNING_CHECK], externalChecks: { build: "build.yml, maintained in the repository" } });
      gov.addRequiredCheck("e2e", { producedBy: "the e2e GitHub App" });
      expect(Object.fromEntries(gov.externalChecks)).toEqual({ build: "build.yml, maintained in the repository", e2e: "the e2e GitHub App" });
      expect(gov.requiredChecks).toEqual(["build", SHA_PINNING_CHECK, "e2e"]);
      const r = resources(stack);
      const contexts =
        mode === "ruleset"
          ? r.github_repository_ruleset.koha_deploy.rules.required_status_checks.required_check.map((c: Json) => c.context)
          : r.github_branch_protection.koha_deploy.required_status_checks[0].contexts;
      expect(contexts).toEqual(["build", SHA_PINNING_CHECK, "e2e"]);
    }
  });

  test("requiredChecks without the SHA-pinning check warn at synth", () => {
    const { stack, gov } = setup({ requiredChecks: ["build"], externalChecks: { build: "build.yml, maintained in the repository" } });
    expect(gov.enforcesActionPinning).toBe(false);
    const warnings = (stack.node.findAll().flatMap((c) => c.node.metadata) as Array<{ type: string; data: string }>).filter((m) => m.type === "@cdktf/warn");
    expect(warnings.map((w) => w.data)).toEqual([expect.stringContaining(`requiredChecks does not include "${SHA_PINNING_CHECK}"`)]);
    expect(setup().gov.enforcesActionPinning).toBe(true);
  });

  test("addCodeOwner adds entries before the critical paths; a user owner of a critical path replaces the default", () => {
    const { stack, gov } = setup({ codeOwners: [{ pattern: "*", owners: ["@org/platform"] }] });
    gov.addCodeOwner("/docs/", "@org/docs", "docs@example.org").addCodeOwner("Dockerfile", "@org/images");
    const content = resources(stack).github_repository_file.koha_deploy_codeowners.content as string;
    expect(content.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual([
      "*       @org/platform",
      "/docs/  @org/docs docs@example.org",
      "/.github/workflows/       @org/platform",
      "/.github/CODEOWNERS       @org/platform",
      "/.github/dependabot.yml   @org/platform",
      "/SECURITY.md              @org/platform",
      "/.gitignore               @org/platform",
      "/.dockerignore            @org/platform",
      "/.pre-commit-config.yaml  @org/platform",
      "Dockerfile                @org/images",
      "/scripts/koha-setup/      @org/platform",
      "docker-compose.yaml       @org/platform",
    ]);
  });

  test("criticalPathOwners own the critical paths when there is no catch-all entry", () => {
    const { stack } = setup({ codeOwners: [], criticalPathOwners: ["@org/security"] });
    const content = resources(stack).github_repository_file.koha_deploy_codeowners.content as string;
    expect(content).not.toContain("# Repository owners");
    expect(content).toContain("/.github/workflows/       @org/security\n");
    expect(stack).toPassPolicy();
  });

  test("owners may be supplied after construction with addCodeOwner", () => {
    const { stack, gov } = setup({ codeOwners: [] });
    gov.addCodeOwner("*", "@org/platform");
    expect(() => synthStackJson(stack)).not.toThrow();
  });

  test("addActionsSecret takes the value from a sensitive variable, never a literal", () => {
    const { stack, gov } = setup();
    gov.addActionsSecret("REGISTRY_TOKEN", Secret.fromVariable(stack, "registry_token", "ghcr.io push token, rotated quarterly by platform"));
    const json = synthStackJson(stack) as Json;
    expect(json.resource.github_actions_secret.koha_deploy_registry_token).toMatchObject({
      repository: "${github_repository.koha_deploy.name}",
      secret_name: "REGISTRY_TOKEN",
      plaintext_value: "${var.registry_token}",
    });
    expect(json.variable.registry_token).toMatchObject({ sensitive: true, type: "string" });
    expect(json.variable.registry_token.default).toBeUndefined();
    expect(stack).toPassPolicy();
    expect(open(policyFindings(stack))).toEqual([]);
  });

  test("logicalNameFor gives stable Terraform identifiers", () => {
    expect(logicalNameFor("koha-deploy")).toBe("koha_deploy");
    expect(logicalNameFor("Koha.Docker-Build")).toBe("koha_docker_build");
    expect(logicalNameFor(".github")).toBe("_github");
    expect(logicalNameFor("2fa-tools")).toBe("repo_2fa_tools");
    const r = resources(setup({ logicalName: "deploy" }).stack);
    expect(Object.keys(r.github_repository)).toEqual(["deploy"]);
    expect(Object.keys(r.github_repository_ruleset)).toEqual(["deploy"]);
  });
});

describe("RepositoryGovernance validation errors name the construct, the prop and the fix", () => {
  const where = "RepositoryGovernance test/koha-deploy";
  const cases: Array<[string, Partial<RepositoryGovernanceProps>, RegExp]> = [
    ["approvals < 1", { requiredApprovals: 0 }, /requiredApprovals is 0; a protected branch needs at least 1 approval.*Fix: set requiredApprovals to 2/],
    ["approvals not an integer", { requiredApprovals: 1.5 }, /requiredApprovals is 1.5/],
    ["approvals above GitHub's maximum", { requiredApprovals: 7 }, /requiredApprovals is 7.*at most 6/],
    ["empty required checks", { requiredChecks: [] }, /requiredChecks is empty, so nothing has to pass before merging \(GH-004\)\. Fix: list your CI check names/],
    ["blank check name", { requiredChecks: ["hadolint", " "] }, /requiredChecks has an empty or padded check name " "\. Fix:/],
    ["duplicate check", { requiredChecks: ["hadolint", "hadolint"] }, /requiredChecks requires "hadolint" twice/],
    [
      "a required check nothing produces",
      { requiredChecks: ["build", SHA_PINNING_CHECK] },
      /requiredChecks requires check "build", but no managed workflow produces it and nothing was declared to, so every pull request would wait for it forever \(GH-015\)\. Fix: use a managed check \(actions-pinned, .*\), or say what reports it: externalChecks: \{ "build": /,
    ],
    ["external check without a producer", { externalChecks: { e2e: " " } }, /externalChecks check "e2e": producedBy " " does not say what reports the check\. Fix: name the workflow/],
    ["bad role", { role: "release" as RepositoryRole }, /role "release" is not a repository role.*Fix: use "build", "deploy" or "other"/],
    ["build role without owner", { role: "build" }, /owner is missing; role "build" writes a publish job guarded by `github\.repository == '<owner>\/koha-deploy'`.*Fix: give owner:/],
    ["bad owner", { owner: "-bad owner" }, /owner "-bad owner" is not a GitHub user or organization name/],
    ["bad image", { owner: "example-org", role: "build", image: "GHCR.io/Org/App:1.0" }, /image "GHCR\.io\/Org\/App:1\.0" is not an image name without tag/],
    ["dockerfile outside the repository", { dockerfile: "../Dockerfile" }, /dockerfile "\.\.\/Dockerfile" is not a relative path inside the repository/],
    ["verifyImages outside a deploy repository", { verifyImages: [{ image: `ghcr.io/o/a:1@sha256:${"a".repeat(64)}`, signer: "o/a" }] }, /verifyImages only applies to role "deploy"/],
    [
      "verifyImages without a digest",
      { role: "deploy", owner: "example-org", verifyImages: [{ image: "ghcr.io/o/a:1.0", signer: "o/a" }] },
      /verifyImages\[0\]\.image "ghcr\.io\/o\/a:1\.0" is not pinned by digest; a tag can be moved after its signature was checked\. Fix: pin it as/,
    ],
    [
      "verifyImages with a bad signer",
      { role: "deploy", owner: "example-org", verifyImages: [{ image: `ghcr.io/o/a:1@sha256:${"a".repeat(64)}`, signer: "o" }] },
      /verifyImages\[0\]\.signer "o" is not an owner\/name repository/,
    ],
    ["deploy secret given as a literal", { role: "deploy", owner: "example-org", deploySecrets: { TF_VAR_db_password: "hunter2 hunter2" } }, /deploySecrets\["TF_VAR_db_password"\] "hunter2 hunter2" is not an Actions secret name \(the value comes from secrets\.<NAME>, never a literal\)/],
    [
      "ruleset bypass without a reason",
      { bypassActors: [{ actorType: "OrganizationAdmin", reason: "" }] },
      /bypassActors\[0\] \(OrganizationAdmin\) has no reason; .*GH-005.*Fix: give reason:/,
    ],
    ["ruleset bypass with a too short reason", { bypassActors: [{ actorType: "OrganizationAdmin", reason: "because" }] }, /bypassActors\[0\] \(OrganizationAdmin\) has no reason/],
    ["bypass actor without id", { bypassActors: [{ actorType: "Team", reason: "the release team merges hotfixes" }] }, /bypassActors\[0\]\.actorId is missing for actor type Team/],
    [
      "bypass in branch-protection mode",
      { mode: "branch-protection", bypassActors: [{ actorType: "OrganizationAdmin", reason: "break-glass for incidents" }] },
      /bypassActors only apply to mode "ruleset".*Fix: remove bypassActors, or set mode: "ruleset"/,
    ],
    ["rebase merges with signed commits", { mergeMethods: ["rebase"] }, /mergeMethods includes "rebase", but signed commits are required and GitHub cannot sign rebased commits.*Fix: use "squash"/],
    ["merge commits with linear history", { mergeMethods: ["merge"] }, /mergeMethods includes "merge", but merge commits break the required linear history/],
    ["no merge method", { mergeMethods: [] }, /mergeMethods is empty/],
    ["secret scanning off on a public repository", { visibility: "public", secretScanning: false }, /secretScanning is false on a public repository/],
    ["advanced security on a public repository", { visibility: "public", advancedSecurity: true }, /advancedSecurity is true on a public repository; GitHub rejects `advanced_security` there with HTTP 422/],
    ["bad repository name", { name: "koha deploy" }, /name "koha deploy" is not a GitHub repository name/],
    ["bad default branch", { defaultBranch: "feature..x" }, /defaultBranch "feature\.\.x" is not a valid branch name/],
    ["bad logical name", { logicalName: "Koha-Deploy" }, /logicalName "Koha-Deploy" is not a Terraform identifier/],
    ["bad mode", { mode: "classic" as ProtectionMode }, /mode "classic" is not a protection mode/],
    ["action pattern allowing everything", { allowedActionPatterns: ["*"] }, /allowedActionPatterns entry "\*" is not an owner-scoped action pattern.*Fix: use "owner\/\*"/],
    ["bad security contact", { securityContact: "call Bob" }, /securityContact "call Bob" is neither an e-mail address nor an https URL/],
    ["duplicate ecosystem", { dependabotEcosystems: ["docker", "docker"] }, /dependabotEcosystems lists an ecosystem twice/],
    ["bad code owner", { codeOwners: [{ pattern: "*", owners: ["platform-team"] }] }, /codeOwners "\*" owner "platform-team" is not a code owner\. Fix: use @user, @org\/team or an e-mail address/],
    ["code owner entry without owners", { codeOwners: [{ pattern: "*", owners: [] }] }, /codeOwners entry "\*" has no owners/],
    ["bad code owner pattern", { codeOwners: [{ pattern: "!docs", owners: ["@org/docs"] }] }, /codeOwners pattern "!docs" is not a CODEOWNERS pattern/],
    ["duplicate code owner pattern", { codeOwners: [...OWNERS, ...OWNERS] }, /codeOwners pattern "\*" is listed twice/],
    ["empty critical path owners", { criticalPathOwners: [] }, /criticalPathOwners is empty/],
  ];

  test.each(cases)("%s", (_name, props, message) => {
    let error: Error | undefined;
    try {
      setup(props);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message.startsWith(`${where}: `)).toBe(true);
    expect(error?.message).toContain("Fix:");
  });

  test("a protected branch without CODEOWNERS fails at synth", () => {
    const { stack } = setup({ codeOwners: [] });
    expect(() => synthStackJson(stack)).toThrow(
      /RepositoryGovernance test\/koha-deploy: codeOwners has no CODEOWNERS entries, so the protected branch main would have no owners for its critical paths \(GH-010, code-owner review\)\. Fix: add codeOwners: \[\{ pattern: "\*"/,
    );
  });

  test("CODEOWNERS entries without a catch-all and without criticalPathOwners fail at synth", () => {
    const { stack } = setup({ codeOwners: [{ pattern: "/docs/", owners: ["@org/docs"] }] });
    expect(() => synthStackJson(stack)).toThrow(/codeOwners has CODEOWNERS entries but no `\*` entry.*or set criticalPathOwners/);
  });

  test("additive methods validate too", () => {
    const { stack, gov } = setup();
    expect(() => gov.addRequiredCheck("hadolint")).toThrow(/addRequiredCheck requires "hadolint" twice/);
    expect(() => gov.addRequiredCheck("")).toThrow(/addRequiredCheck has an empty or padded check name/);
    expect(() => gov.allowAction("*/*")).toThrow(/not an owner-scoped action pattern/);
    expect(() => gov.addCodeOwner("/docs/")).toThrow(/entry "\/docs\/" has no owners/);
    expect(() => gov.addActionsSecret("GITHUB_TOKEN", Secret.fromVariable(stack, "t1", "a token for the tests"))).toThrow(/name "GITHUB_TOKEN" is not a valid Actions secret name/);
    expect(() => gov.addActionsSecret("1TOKEN", Secret.fromVariable(stack, "t2", "a token for the tests"))).toThrow(/not a valid Actions secret name/);
    expect(() => gov.addActionsSecret("API_TOKEN", { kind: "secret", name: "api_token", expression: "hunter2-literal", source: "literal" })).toThrow(
      /addActionsSecret\(API_TOKEN\): secret literal is a literal; create it with Secret\.named\(\), Secret\.fromVariable\(\)/,
    );
    gov.addActionsSecret("API_TOKEN", Secret.fromVariable(stack, "api_token", "API token for the deploy job"));
    expect(() => gov.addActionsSecret("api_token", Secret.fromVariable(stack, "api_token_2", "API token again"))).toThrow(/secret "api_token" is added twice/);
  });
});

test("renderCodeOwners is deterministic and puts critical paths last", () => {
  const text = renderCodeOwners([{ pattern: "*", owners: ["@a/b"] }], ["@a/b"]);
  expect(renderCodeOwners([{ pattern: "*", owners: ["@a/b"] }], ["@a/b"])).toBe(text);
  const lines = text.trimEnd().split("\n");
  expect(lines[lines.length - 1]).toBe("docker-compose.yaml       @a/b");
  expect(lines.indexOf("*  @a/b")).toBeLessThan(lines.indexOf("/.github/workflows/       @a/b"));
});

describe("RepositoryGovernance never overwrites a person's files unless asked", () => {
  test("overwriteExistingFiles opts in to replacing existing files on first create", () => {
    const { Testing, TerraformStack } = require("cdktf");
    const { GithubProvider } = require("@cdktf/provider-github/lib/provider");
    const { RepositoryGovernance } = require("../../constructs/github/repository-governance");
    const { synthStackJson } = require("../../policy/testing");
    const stack = new TerraformStack(Testing.app(), "t");
    new GithubProvider(stack, "github", { owner: "acme" });
    new RepositoryGovernance(stack, "r", { name: "r", overwriteExistingFiles: true, codeOwners: [{ pattern: "*", owners: ["@acme/team"] }] });
    const files = Object.values(synthStackJson(stack).resource.github_repository_file) as Array<Record<string, unknown>>;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.overwrite_on_create).toBe(true);
  });
});
