/**
 * HCL input (issue 14, first cut): `bulwark check` on a `.tf` file or a module directory of
 * `*.tf` files, parsed by @cdktf/hcl2json, merged into one Terraform JSON document, normalized
 * to Terraform's JSON syntax, with `${var.x}` resolved from defaults and tfvars files.
 * Fixtures: __tests__/fixtures/hcl/<case>/ (tfvars files are written at test time, since the
 * repository's .gitignore ignores *.tfvars).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../policy/cli";
import { loadHclModule } from "../../policy/hcl";
import { InputError, findStacks, loadStacks } from "../../policy/load";

const FIX = path.join(__dirname, "..", "fixtures", "hcl");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = FIX): Run {
  let stdout = "";
  let stderr = "";
  const code = main(args, {
    cwd,
    env: {},
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  stack: string;
  address: string;
  file?: string;
}

function findingsOf(args: string[], cwd = FIX): { code: number; findings: JsonFinding[] } {
  const r = run(["check", "--format", "json", ...args], cwd);
  expect(r.stderr).toBe("");
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
  return { code: r.code, findings: report.findings };
}

const hits = (fs: readonly JsonFinding[], ruleId?: string) =>
  fs.filter((f) => ruleId === undefined || f.ruleId === ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);

/** Errors and warnings, STATE-001 aside (no fixture declares a backend). */
const serious = (fs: readonly JsonFinding[]) => hits(fs.filter((f) => f.severity !== "info" && f.ruleId !== "STATE-001"));

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-hcl-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A copy of a fixture directory in the temp directory, with extra files. */
function copyFixture(name: string, as: string, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, as);
  fs.cpSync(path.join(FIX, name), dir, { recursive: true });
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

describe("bulwark check on HCL module directories", () => {
  test("a privileged docker_container is a DOCKER-001 error, exit 1, in one stack named after the directory", () => {
    const r = run(["check", "privileged"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/DOCKER-001 privileged is true/);
    const { findings } = findingsOf(["privileged"]);
    expect(serious(findings)).toEqual(["DOCKER-001 error docker_container.app"]);
    expect(new Set(findings.map((f) => f.stack))).toEqual(new Set(["privileged"]));
  });

  test("the same container without privileged passes (three files, one comment-only), exit 0", () => {
    const { code, findings } = findingsOf(["compliant"]);
    expect(code).toBe(0);
    expect(serious(findings)).toEqual([]);
    expect(run(["check", "compliant"]).stdout).toMatch(/in 1 stack \(2 resources\)/);
  });

  test("a branch protection in one file covers the repository in another: no GH-001", () => {
    const { findings } = findingsOf(["github-cross-file"]);
    expect(hits(findings, "GH-001")).toEqual([]);
    // Control: the repository file alone has no protection, and GH-001 is raised.
    expect(hits(findingsOf([path.join("github-cross-file", "repository.tf")]).findings, "GH-001")).toEqual([
      "GH-001 error github_repository.app",
    ]);
  });

  test("a docker.sock mount through a variable default is a DOCKER-016 error", () => {
    const { code, findings } = findingsOf(["docker-sock-default"]);
    expect(code).toBe(1);
    expect(serious(findings)).toEqual(["DOCKER-016 error docker_container.app"]);
  });

  test("terraform.tfvars overrides the default, and *.auto.tfvars overrides terraform.tfvars", () => {
    const base = findingsOf([path.join(FIX, "docker-sock-tfvars-base")]);
    expect(serious(base.findings)).toEqual([]);
    const tfvars = copyFixture("docker-sock-tfvars-base", "tfvars", { "terraform.tfvars": 'docker_socket = "/var/run/docker.sock"\n' });
    expect(serious(findingsOf([tfvars]).findings)).toEqual(["DOCKER-016 error docker_container.app"]);
    const auto = copyFixture("docker-sock-tfvars-base", "auto", {
      "terraform.tfvars": 'docker_socket = "/var/run/docker.sock"\n',
      "z.auto.tfvars": 'docker_socket = "/srv/app/other"\n',
    });
    expect(serious(findingsOf([auto]).findings)).toEqual([]);
  });

  test("log_opts = var.log_opts whose default rotates logs is not reported as missing rotation", () => {
    const { code, findings } = findingsOf(["log-opts-variable"]);
    expect(code).toBe(0);
    expect(hits(findings, "DOCKER-014")).toEqual([]);
    expect(serious(findings)).toEqual([]);
  });

  test("a syntax error is exit 2 with one line naming the file, line and column", () => {
    const r = run(["check", "syntax-error"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `bulwark: ${path.join("syntax-error", "main.tf")}: HCL syntax error at line 3, column 10: Invalid expression; Expected the start of an expression, but found an invalid expression token\n`,
    );
  });

  test("a syntax error in a tfvars file names that file", () => {
    const dir = copyFixture("docker-sock-tfvars-base", "bad-tfvars", { "terraform.tfvars": "docker_socket = \n" });
    const r = run(["check", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: .*bad-tfvars\/terraform\.tfvars: HCL syntax error at line \d+, column \d+: [^\n]+\n$/);
  });

  test("a comment-only module is no crash: one stack, no resources, exit 0", () => {
    const r = run(["check", "comment-only"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/in 1 stack \(0 resources\)/);
  });

  test("a single .tf file is judged alone, as a stack named after its directory", () => {
    const { findings } = findingsOf([path.join("privileged", "main.tf")]);
    expect(hits(findings, "DOCKER-001")).toEqual(["DOCKER-001 error docker_container.app"]);
    expect(new Set(findings.map((f) => f.stack))).toEqual(new Set(["privileged"]));
  });

  test("HCL directories and Terraform JSON files mix in one run", () => {
    const json = path.join(__dirname, "..", "fixtures", "cli", "severity", "error.tf.json");
    const { findings } = findingsOf(["privileged", json]);
    expect(new Set(findings.map((f) => f.stack))).toEqual(new Set(["privileged", "error"]));
  });

  test("a directory with *.tf.json keeps today's behaviour (each JSON file its own stack, *.tf ignored)", () => {
    const dir = copyFixture("privileged", "mixed", { "extra.tf.json": JSON.stringify({ resource: { docker_network: { n: { name: "n", internal: true } } } }) });
    expect(findStacks([dir]).map((s) => path.basename(s.abs))).toEqual(["extra.tf.json"]);
  });
});

describe("loadHclModule: Terraform JSON syntax", () => {
  const doc = loadHclModule(path.join(FIX, "compliant"), "compliant") as Record<string, any>;

  test("resources are resource.<type>.<name> = body, nested blocks stay arrays", () => {
    const app = doc.resource.docker_container.app;
    expect(Array.isArray(app)).toBe(false);
    expect(app.privileged).toBe(false);
    expect(app.capabilities).toEqual([{ drop: ["ALL"] }]);
    expect(app.ulimit).toHaveLength(2);
    expect(app.networks_advanced).toEqual([{ name: "${docker_network.backnet.name}" }]);
    expect(doc.resource.docker_network.backnet).toEqual({ name: "backnet", internal: true });
  });

  test("depends_on and lifecycle are unwrapped; terraform is one object", () => {
    const app = doc.resource.docker_container.app;
    expect(app.depends_on).toEqual(["docker_network.backnet"]);
    expect(app.lifecycle).toEqual({ ignore_changes: ["image"] });
    expect(doc.terraform).toEqual({ required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" } } });
  });

  test("only a whole ${var.x} is replaced; variable blocks keep their defaults; other references stay", () => {
    const dir = copyFixture("docker-sock-default", "partial", {
      "extra.tf": [
        'variable "expr" {',
        "  default = local.x",
        "}",
        'resource "docker_volume" "v" {',
        '  name   = "vol-${var.docker_socket}"',
        "  driver = var.expr",
        "  labels = var.missing",
        "  provider = docker.remote",
        "}",
        "",
      ].join("\n"),
    });
    const d = loadHclModule(dir, "partial") as Record<string, any>;
    expect(d.resource.docker_container.app.volumes[0].host_path).toBe("/var/run/docker.sock");
    expect(d.variable.docker_socket).toMatchObject({ type: "string", default: "/var/run/docker.sock" });
    expect(d.resource.docker_volume.v).toMatchObject({
      name: "vol-${var.docker_socket}",
      driver: "${var.expr}",
      labels: "${var.missing}",
      provider: "docker.remote",
    });
  });

  test("a resource declared twice in the module is an input error", () => {
    const dir = copyFixture("privileged", "twice", { "again.tf": 'resource "docker_network" "backnet" {\n  name = "x"\n}\n' });
    expect(() => loadStacks([dir])).toThrow(InputError);
    const same = copyFixture("privileged", "twice-in-file", { "again.tf": 'resource "docker_volume" "v" {\n  name = "a"\n}\nresource "docker_volume" "v" {\n  name = "b"\n}\n' });
    expect(() => loadStacks([same])).toThrow(/again\.tf: docker_volume\.v is declared more than once in the module \(twice in this file\)$/);
    expect(() => loadStacks([dir])).toThrow(/twice\/network\.tf: docker_network\.backnet is declared more than once in the module \(also in .*twice\/again\.tf\)$/);
  });
});
