import { Testing } from "cdktf";
import type { DeploymentConfig } from "../../config/schema";
import { GovernanceStack } from "../../stacks/governance";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { exampleConfig } from "../helpers/reference";

type Json = Record<string, any>;

function governanceStack(config: DeploymentConfig = exampleConfig()): GovernanceStack {
  return new GovernanceStack(Testing.app(), "governance", { config });
}

describe("GovernanceStack", () => {
  test("snapshot of the example's build and deploy repositories ([roadmap koha.1.1]), which pass policy", () => {
    const stack = governanceStack();
    const json = synthStackJson(stack);
    expect(json).toMatchSnapshot();
    expect(stack).toPassPolicy();
    // The example uses the local backend: its STATE-001 warning is the only finding.
    expect(policyFindings(stack).map((f) => `${f.ruleId} ${f.severity} ${f.address} ${f.suppressed}`)).toEqual(["STATE-001 warning terraform.backend false"]);
  });

  test("synthesis is deterministic", () => {
    expect(JSON.stringify(synthStackJson(governanceStack()))).toBe(JSON.stringify(synthStackJson(governanceStack())));
  });

  test("one RepositoryGovernance per configured repository, with readable addresses", () => {
    const stack = governanceStack();
    expect(stack.governance.map((g) => g.repositoryName)).toEqual(["koha-docker-build", "koha-deploy"]);
    const r = (synthStackJson(stack) as Json).resource;
    expect(Object.keys(r.github_repository)).toEqual(["koha_docker_build", "koha_deploy"]);
    expect(Object.keys(r.github_repository_ruleset)).toEqual(["koha_docker_build", "koha_deploy"]);
    expect(stack.governance.map((g) => [g.scorecardTier, g.protectionMode])).toEqual([[5, "ruleset"], [5, "ruleset"]]);
    expect(stack.governance.map((g) => g.scorecardSummary())).toEqual([
      "koha-docker-build: OpenSSF Scorecard Branch-Protection T5 (10/10) via repository ruleset on main",
      "koha-deploy: OpenSSF Scorecard Branch-Protection T5 (10/10) via repository ruleset on main",
    ]);
  });

  test("the provider names the owner and holds no token (GITHUB_TOKEN comes from the environment)", () => {
    const json = synthStackJson(governanceStack()) as Json;
    expect(json.provider.github).toEqual([{ owner: "example-org" }]);
    expect(json.terraform.required_providers.github).toEqual({ source: "integrations/github", version: "6.9.0" });
    expect(json.terraform.backend).toEqual({ local: { path: "../../../state/governance.tfstate" } });
  });

  test("configuration drives mode, checks, visibility, branch and owners", () => {
    const base = exampleConfig();
    const config: DeploymentConfig = {
      ...base,
      backend: { type: "s3", bucket: "bulwark-state", region: "eu-central-1", keyPrefix: "bulwark", dynamodbTable: "locks" },
      github: {
        owner: "acme",
        mode: "branch-protection",
        repositories: [
          {
            name: "site",
            description: "Public site",
            visibility: "public",
            requiredChecks: ["hadolint", "actions-pinned"],
            codeOwners: [{ pattern: "*", owners: ["@acme/web"] }],
            defaultBranch: "trunk",
            secretScanning: true,
            advancedSecurity: false,
          },
        ],
      },
    };
    const stack = governanceStack(config);
    const json = synthStackJson(stack) as Json;
    expect(json.provider.github).toEqual([{ owner: "acme" }]);
    const r = json.resource;
    expect(r.github_repository.site).toMatchObject({ name: "site", visibility: "public", description: "Public site" });
    expect(r.github_repository.site.security_and_analysis.advanced_security).toBeUndefined();
    expect(r.github_branch_protection.site).toMatchObject({ pattern: "trunk", required_status_checks: [{ strict: true, contexts: ["hadolint", "actions-pinned"] }] });
    expect(r.github_branch_default.site).toMatchObject({ branch: "trunk", rename: true });
    expect(r.github_repository_file.site_codeowners.content).toContain("*  @acme/web\n");
    expect(stack).toPassPolicy();
    expect(policyFindings(stack).filter((f) => !f.suppressed)).toEqual([]);
  });

  test("every required check of every governed repository is the name of a job in a managed workflow of that repository", () => {
    const stack = governanceStack();
    const files = (synthStackJson(stack) as Json).resource.github_repository_file as Record<string, { file: string; content: string }>;
    for (const gov of stack.governance) {
      const jobNames = gov.workflows.flatMap((w) => w.jobs);
      for (const check of gov.requiredChecks) expect({ repo: gov.repositoryName, check, produced: jobNames.includes(check) }).toEqual({ repo: gov.repositoryName, check, produced: true });
      // What the construct reports is what the stack writes.
      for (const w of gov.workflows) expect(files[`${gov.logicalName}_${w.id}`]).toMatchObject({ file: w.path });
    }
  });

  test("workflow settings of a repository entry reach the construct: role, owner guard, external checks, verified images", () => {
    const base = exampleConfig();
    const digest = `ghcr.io/example-org/koha-docker-build:24.11@sha256:${"b".repeat(64)}`;
    // The settings of RepositoryWorkflowSettings (stacks/governance.ts), declared by the schema.
    const config: DeploymentConfig = {
      ...base,
      github: {
        ...base.github,
        repositories: [
          { ...base.github.repositories[0], requiredChecks: undefined, role: "build" },
          { ...base.github.repositories[1], role: "deploy", verifyImages: [{ image: digest, signer: "example-org/koha-docker-build" }], externalChecks: { e2e: "e2e.yml, maintained in the repository" }, requiredChecks: ["bulwark-check", "secret-scan", "actions-pinned", "e2e"] },
        ],
      },
    };
    const stack = governanceStack(config);
    expect(stack.governance.map((g) => g.role)).toEqual(["build", "deploy"]);
    const files = (synthStackJson(stack) as Json).resource.github_repository_file;
    expect(files.koha_docker_build_workflow_publish.content).toContain("if: github.repository == 'example-org/koha-docker-build' && github.event_name == 'push'");
    expect(files.koha_deploy_workflow_deploy.content).toContain(`IMAGE: ${digest}`);
    expect(Object.fromEntries(stack.governance[1].externalChecks)).toEqual({ e2e: "e2e.yml, maintained in the repository" });
    expect(stack).toPassPolicy();
  });

  test("declares no services: no name under images: is valid for it", () => {
    expect(GovernanceStack.services).toEqual([]);
  });

  test("without a github section the stack names the missing section and the fix", () => {
    const { github: _github, ...rest } = exampleConfig();
    void _github;
    expect(() => governanceStack(rest)).toThrow("GovernanceStack governance: props.config.github is missing. Fix: add a github section");
  });

  test("two repositories with the same address stem are refused", () => {
    const base = exampleConfig();
    const config: DeploymentConfig = {
      ...base,
      github: { ...base.github, repositories: [base.github.repositories[0], { ...base.github.repositories[0], name: "Koha.Docker-Build" }] },
    };
    expect(() => governanceStack(config)).toThrow(
      /GovernanceStack governance: github\.repositories "koha-docker-build" and "Koha\.Docker-Build" map to the same Terraform address stem "koha_docker_build".*Fix: list each repository once/,
    );
  });
});
