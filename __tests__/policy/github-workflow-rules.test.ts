/**
 * GH-015 (a required status check that no workflow of the stack produces and nobody declared) and
 * GH-016 (workflow files of the stack with unpinned actions or a write-all / missing token
 * permission), over hand-written Terraform JSON in the three protection modes, and over what
 * RepositoryGovernance synthesizes.
 */
import { TerraformStack, Testing } from "cdktf";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { RepositoryGovernance } from "../../constructs/github/repository-governance";
import { terraformLiteral, terraformStringValue } from "../../knowledge/github";
import { synthStackJson } from "../../policy/testing";
import {
  DECLARED_LOCAL,
  PROTECTION_ADDRESS,
  branchProtection,
  ghFindings,
  ghHits,
  ghMessages,
  githubStack,
  producedChecks,
  workflowFile,
  workflowYaml,
  type ProtectionMode,
} from "./github-fixtures";

const MODES: ProtectionMode[] = ["graphql", "v3", "ruleset"];
const WF = "github_repository_file.ci";
/** Every protection (and the files) ordered after the workflow file, so GH-014 stays quiet. */
const ORDERED = { depends_on: ["github_repository_file.codeowners", WF] };

function withWorkflow(mode: ProtectionMode, content: string, extra: { declared?: Record<string, string> | null; file?: Record<string, unknown> } = {}) {
  return githubStack({
    mode,
    protection: ORDERED,
    declared: extra.declared === undefined ? null : extra.declared,
    extra: { github_repository_file: { ci: workflowFile(content, extra.file) } },
  });
}

describe("GH-015 required check that nothing produces", () => {
  test.each(MODES)("%s: compliant, a workflow job of the stack is named after the required check", (mode) => {
    const json = withWorkflow(mode, workflowYaml(["ci / test"]));
    expect(json).not.toViolate("GH-015", PROTECTION_ADDRESS[mode]);
    expect(ghHits(json)).toEqual(mode === "v3" ? [`GH-008 warning ${PROTECTION_ADDRESS.v3}`] : []);
  });

  test.each(MODES)("%s: compliant, the check is declared as produced elsewhere (local bulwark_produced_checks_*)", (mode) => {
    const json = githubStack({ mode });
    expect(json).not.toViolate("GH-015", PROTECTION_ADDRESS[mode]);
  });

  test.each(MODES)("%s: non-compliant, no workflow and no declaration: error on the protection, one per check, the check as subject", (mode) => {
    const json = githubStack({ mode, declared: null });
    expect(json).toViolate("GH-015", PROTECTION_ADDRESS[mode]);
    const fs = ghFindings(json, "GH-015");
    expect(fs.map((f) => [f.severity, f.address, f.subject])).toEqual([["error", PROTECTION_ADDRESS[mode], "ci / test"]]);
    expect(fs[0].message).toMatch(/requires status check "ci \/ test" on repository `app`, but no workflow file of the stack has a job of that name/);
    expect(fs[0].message).toMatch(/Fix: .*externalChecks: \{ "ci \/ test"/);
    expect(fs[0].message).toMatch(/\.$/);
  });

  test("a declaration for another repository does not count", () => {
    const json = githubStack({ declared: null });
    const other = { ...json, locals: { [DECLARED_LOCAL]: producedChecks({ "ci / test": "ci.yml" }, "other-repo") } };
    expect(other).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
    const byName = { ...json, locals: { [DECLARED_LOCAL]: producedChecks({ "ci / test": "ci.yml" }, "app") } };
    expect(byName).not.toViolate("GH-015", PROTECTION_ADDRESS.graphql);
  });

  test("a job with another name, a workflow without pull_request, a matrix job or a reusable call do not produce the plain name", () => {
    expect(withWorkflow("graphql", workflowYaml(["lint"]))).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
    const pushOnly = withWorkflow("graphql", workflowYaml(["ci / test"], "permissions: {}\n", "on:\n  push:\n"));
    expect(ghMessages(pushOnly, "GH-015")).toEqual([expect.stringMatching(/runs only on push \(not pull_request\), so a pull request never gets it\. Fix: /)]);
    const matrix = "name: ci\non: pull_request\npermissions: {}\njobs:\n  t:\n    name: ci / test\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        node: [20, 22]\n    steps:\n      - run: true\n";
    expect(ghMessages(withWorkflow("graphql", matrix), "GH-015")).toEqual([expect.stringMatching(/is a matrix job, which reports "ci \/ test \(<combination>\)"/)]);
    const reusable = "name: ci\non: [pull_request]\npermissions: {}\njobs:\n  t:\n    name: ci / test\n    uses: ./.github/workflows/test.yml\n";
    expect(ghMessages(withWorkflow("graphql", reusable), "GH-015")).toEqual([expect.stringMatching(/calls a reusable workflow, which reports "ci \/ test \/ <job>"/)]);
  });

  test("an unnamed job reports its id; a job name with an expression is only known at run time", () => {
    const byId = "on: pull_request\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n";
    const json = withWorkflow("graphql", byId, {});
    const protected_ = { ...json, resource: { ...(json.resource as object), github_branch_protection: { main: branchProtection({ ...ORDERED, required_status_checks: [{ strict: true, contexts: ["build"] }] }) } } };
    expect(protected_).not.toViolate("GH-015", PROTECTION_ADDRESS.graphql);
    const expr = "on: pull_request\npermissions: {}\njobs:\n  t:\n    name: ci / $${{ matrix.x }}\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n";
    expect(withWorkflow("graphql", expr)).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
  });

  test("a workflow of another repository, or outside .github/workflows/, does not count", () => {
    expect(withWorkflow("graphql", workflowYaml(), { file: { repository: "other" } })).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
    expect(withWorkflow("graphql", workflowYaml(), { file: { file: "docs/ci.yml" } })).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
    expect(withWorkflow("graphql", workflowYaml(), { file: { file: ".github/workflows/sub/ci.yml" } })).toViolate("GH-015", PROTECTION_ADDRESS.graphql);
  });

  test("a workflow content that is a Terraform reference cannot be verified: info, not error", () => {
    const json = withWorkflow("graphql", "${file(\"ci.yml\")}");
    expect(ghHits(json, "GH-015")).toEqual([`GH-015 info ${PROTECTION_ADDRESS.graphql}`]);
    expect(ghMessages(json, "GH-015")[0]).toMatch(/^Cannot verify before apply .* Fix: /);
  });
});

describe("GH-016 workflow actions pinned, token not write-all", () => {
  test.each(MODES)("%s: compliant workflow (SHA-pinned, permissions: {} at the top, read per job)", (mode) => {
    expect(withWorkflow(mode, workflowYaml())).not.toViolate("GH-016", WF);
  });

  test("non-compliant: an action pinned by tag or branch, one finding per reference, the reference as subject", () => {
    const content = workflowYaml().replace("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "actions/checkout@v4") +
      "      - uses: actions/setup-node@main\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/local\n      - uses: docker://alpine:3.20\n      - uses: docker://alpine@sha256:" + "a".repeat(64) + "\n";
    const json = withWorkflow("graphql", content, { declared: {} });
    expect(json).toViolate("GH-016", WF);
    const fs = ghFindings(json, "GH-016");
    expect(fs.map((f) => [f.severity, f.subject])).toEqual([
      ["warning", "actions/checkout@v4"],
      ["warning", "actions/setup-node@main"],
      ["warning", "docker://alpine:3.20"],
    ]);
    expect(fs[0].message).toMatch(/uses `actions\/checkout@v4`, which is not pinned by a full commit SHA.* Fix: pin it as `uses: actions\/checkout@<40-hex commit SHA> # <version>`/);
  });

  test("a short SHA is not a pin", () => {
    const content = workflowYaml().replace("@3d3c42e5aac5ba805825da76410c181273ba90b1", "@3d3c42e");
    expect(withWorkflow("graphql", content)).toViolate("GH-016", WF);
  });

  test("non-compliant: no top-level permissions, or write-all at the top or in a job", () => {
    const none = withWorkflow("graphql", workflowYaml(["ci / test"], ""));
    expect(none).toViolate("GH-016", WF);
    expect(ghMessages(none, "GH-016")).toEqual([expect.stringMatching(/sets no top-level `permissions`.* Fix: add top-level `permissions: \{\}`/)]);
    const top = withWorkflow("graphql", workflowYaml(["ci / test"], "permissions: write-all\n"));
    expect(ghFindings(top, "GH-016").map((f) => f.subject)).toEqual(["permissions"]);
    const job = withWorkflow("graphql", workflowYaml().replace("    permissions:\n      contents: read\n", "    permissions: write-all\n"));
    expect(ghFindings(job, "GH-016").map((f) => f.subject)).toEqual(["jobs.job0.permissions"]);
    const readAll = withWorkflow("graphql", workflowYaml(["ci / test"], "permissions: read-all\n"));
    expect(readAll).not.toViolate("GH-016", WF);
  });

  test("files that are not workflows are not judged; unreadable workflows are info", () => {
    expect(withWorkflow("graphql", "uses: actions/checkout@v4\n", { file: { file: "docs/example.yml" } })).not.toViolate("GH-016", WF);
    expect(ghHits(withWorkflow("graphql", "jobs: [unclosed", {}), "GH-016")).toEqual([`GH-016 info ${WF}`]);
    expect(ghHits(withWorkflow("graphql", "${var.workflow}", {}), "GH-016")).toEqual([`GH-016 info ${WF}`]);
  });

  test(".yaml is a workflow extension too", () => {
    const bad = withWorkflow("graphql", workflowYaml(["ci / test"], ""), { file: { file: ".github/workflows/ci.yaml" } });
    expect(bad).toViolate("GH-016", WF);
  });
});

describe("Terraform string escaping of workflow contents", () => {
  test("terraformLiteral and terraformStringValue round-trip GitHub expressions, shell expansions and directives", () => {
    const text = 'group: x-${{ github.ref }}\nfor f in "${files[@]}"; do\n%{ if }\n$HOME ${#files[@]} {{index .RepoDigests 0}}\n';
    const literal = terraformLiteral(text);
    expect(literal).toBe('group: x-$${{ github.ref }}\nfor f in "$${files[@]}"; do\n%%{ if }\n$HOME $${#files[@]} {{index .RepoDigests 0}}\n');
    expect(terraformStringValue(literal)).toBe(text);
  });
});

describe("over RepositoryGovernance", () => {
  function synth(props: Partial<ConstructorParameters<typeof RepositoryGovernance>[2]> = {}) {
    const app = Testing.app();
    const stack = new TerraformStack(app, "t");
    new GithubProvider(stack, "github", { owner: "example-org" });
    const gov = new RepositoryGovernance(stack, "app", { name: "app", owner: "example-org", codeOwners: [{ pattern: "*", owners: ["@example-org/platform"] }], ...props });
    return { gov, json: synthStackJson(stack) as Record<string, any> };
  }

  test.each(["build", "deploy", "other"] as const)("role %s: the managed workflows produce every required check and pass GH-016", (role) => {
    const { json } = synth({ role });
    expect(ghHits(json, "GH-015")).toEqual([]);
    expect(ghHits(json, "GH-016")).toEqual([]);
  });

  test("an external check is declared in the JSON; removing the declaration makes GH-015 fire (the rule is what catches drift)", () => {
    const { gov, json } = synth({ requiredChecks: ["actions-pinned", "secret-scan", "e2e"], externalChecks: { e2e: "e2e.yml, maintained in the repository" } });
    expect(gov.requiredChecks).toEqual(["actions-pinned", "secret-scan", "e2e"]);
    expect(json.locals).toEqual({ bulwark_produced_checks_app: { repository: "${github_repository.app.name}", checks: { e2e: "e2e.yml, maintained in the repository" } } });
    expect(ghHits(json, "GH-015")).toEqual([]);
    const { locals: _dropped, ...undeclared } = json;
    expect(ghFindings(undeclared, "GH-015").map((f) => [f.severity, f.address, f.subject])).toEqual([["error", "github_repository_ruleset.app", "e2e"]]);
  });

  test("removing a managed workflow file makes GH-015 fire for its checks", () => {
    const { json } = synth({ role: "deploy" });
    const files = { ...json.resource.github_repository_file };
    delete files.app_workflow_deploy;
    const without = { ...json, resource: { ...json.resource, github_repository_file: files } };
    expect(ghFindings(without, "GH-015").map((f) => f.subject)).toEqual(["bulwark-check"]);
  });
});
