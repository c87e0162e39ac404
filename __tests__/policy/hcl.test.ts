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
  message: string;
  suppressed: boolean;
  location?: { file: string; line: number | null };
}

function findingsOf(args: string[], cwd = FIX): { code: number; findings: JsonFinding[] } {
  const r = run(["check", "--format", "json", ...args], cwd);
  expect(r.stderr).toBe("");
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
  return { code: r.code, findings: report.findings };
}

const hits = (fs: readonly JsonFinding[], ruleId?: string) =>
  fs.filter((f) => ruleId === undefined || f.ruleId === ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);

/** Unsuppressed errors and warnings, STATE-001 aside (no fixture declares a backend). */
const serious = (fs: readonly JsonFinding[]) => hits(fs.filter((f) => f.severity !== "info" && f.ruleId !== "STATE-001" && !f.suppressed));

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

  test("known variables are replaced, also inside templates; variable blocks keep their defaults; other references stay", () => {
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
      name: "vol-/var/run/docker.sock",
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

describe("findings point at the .tf file and line of the block", () => {
  test("json: location is the file and line of the resource block; terraform.backend at the terraform block", () => {
    const { findings } = findingsOf(["privileged"]);
    const f = findings.find((x) => x.ruleId === "DOCKER-001")!;
    expect(f.file).toBe("privileged");
    expect(f.location).toEqual({ file: path.join("privileged", "main.tf"), line: 2 });
    const state = findings.find((x) => x.ruleId === "STATE-001")!;
    expect(state.location).toEqual({ file: path.join("privileged", "versions.tf"), line: 1 });
  });

  test("a resource in the second file, after other blocks, has that file's line", () => {
    const { findings } = findingsOf(["github-local-repository"]);
    expect(findings.filter((x) => x.address === "github_repository_ruleset.main").map((x) => x.location)).toContainEqual({
      file: path.join("github-local-repository", "main.tf"),
      line: 24,
    });
  });

  test("sarif: physicalLocation is the .tf file with the block's line as region", () => {
    const r = run(["check", "--format", "sarif", "privileged"]);
    const log = JSON.parse(r.stdout);
    const result = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "DOCKER-001");
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "privileged/main.tf" }, region: { startLine: 2 } });
  });

  test("text and markdown name file:line next to the resource", () => {
    expect(run(["check", "privileged"]).stdout).toContain(`docker_container.app  ${path.join("privileged", "main.tf")}:2\n`);
    expect(run(["check", "--format", "markdown", "privileged"]).stdout).toContain(`<sub>${path.join("privileged", "main.tf")}:2</sub>`);
  });

  test("Terraform JSON input carries no location (its file is the finding's file)", () => {
    const json = path.join(__dirname, "..", "fixtures", "cli", "severity", "error.tf.json");
    const { findings } = findingsOf([json]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.location === undefined)).toBe(true);
  });
});

describe("locals and command-line variables", () => {
  test("a local built from a variable default, through another local, mounts docker.sock: DOCKER-016 at main.tf:2", () => {
    const { findings } = findingsOf(["locals-socket"]);
    expect(serious(findings)).toEqual(["DOCKER-016 error docker_container.app"]);
    expect(findings.find((f) => f.ruleId === "DOCKER-016")!.location).toEqual({ file: path.join("locals-socket", "main.tf"), line: 2 });
  });

  test("--var overrides the default (the locals follow); --var-file too; --var wins over --var-file", () => {
    expect(serious(findingsOf(["locals-socket", "--var", "socket_name=app.sock"]).findings)).toEqual([]);
    const file = path.join(tmp, "safe.tfvars");
    fs.writeFileSync(file, 'socket_name = "app.sock"\n');
    expect(serious(findingsOf(["locals-socket", "--var-file", file]).findings)).toEqual([]);
    expect(serious(findingsOf(["locals-socket", "--var-file", file, "--var", "socket_name=docker.sock"]).findings)).toEqual([
      "DOCKER-016 error docker_container.app",
    ]);
  });

  test("--var-file is applied after *.auto.tfvars", () => {
    const dir = copyFixture("locals-socket", "auto-vs-file", { "a.auto.tfvars": 'socket_name = "docker.sock"\n' });
    const file = path.join(tmp, "safe2.tfvars");
    fs.writeFileSync(file, 'socket_name = "app.sock"\n');
    expect(serious(findingsOf([dir]).findings)).toEqual(["DOCKER-016 error docker_container.app"]);
    expect(serious(findingsOf([dir, "--var-file", file]).findings)).toEqual([]);
  });

  test("an expression that is not known stays an expression (never guessed)", () => {
    const doc = loadHclModule(path.join(FIX, "locals-socket"), "locals-socket") as Record<string, any>;
    expect(doc.locals.upper).toBe("${upper(var.socket_dir)}");
    expect(doc.resource.docker_container.app.volumes[0].host_path).toBe("/var/run/docker.sock");
    const cycle = copyFixture("locals-socket", "cycle", { "cycle.tf": 'locals {\n  a = local.b\n  b = local.a\n}\nresource "docker_volume" "v" {\n  name = local.a\n}\n' });
    expect((loadHclModule(cycle, "cycle") as Record<string, any>).resource.docker_volume.v.name).toBe("${local.a}");
  });

  test("a bad --var or a missing --var-file is exit 2 with one line", () => {
    expect(run(["check", "locals-socket", "--var", "nonsense"]).stderr).toBe("bulwark: --var nonsense: expected name=value (a variable name, then =, then its value)\n");
    expect(run(["check", "locals-socket", "--var-file", "missing.tfvars"])).toMatchObject({ code: 2, stderr: "bulwark: --var-file missing.tfvars: no such file\n" });
  });

  test("a repository named through local.github.repository is covered by its ruleset, whose weaknesses are reported", () => {
    const { findings } = findingsOf(["github-local-repository"]);
    expect(hits(findings, "GH-001")).toEqual([]);
    const ruleset = hits(findings.filter((f) => f.address === "github_repository_ruleset.main"));
    expect(ruleset).toEqual(expect.arrayContaining([
      "GH-005 warning github_repository_ruleset.main",
      "GH-006 error github_repository_ruleset.main",
      "GH-007 error github_repository_ruleset.main",
    ]));
    expect(findings.filter((f) => f.ruleId === "GH-007").map((f) => f.message).join("\n")).toMatch(/Force pushes are allowed[\s\S]*|Deleting the branch/);
  });
});

describe("read-only /etc/localtime and /etc/timezone", () => {
  test("bound read-only they are no sensitive mount (DOCKER-016) nor a writable bind (DOCKER-017)", () => {
    const { code, findings } = findingsOf(["localtime"]);
    expect(serious(findings)).toEqual([]);
    expect(code).toBe(0);
  });

  test("bound writable, /etc/localtime stays sensitive; other /etc files stay sensitive read-only", () => {
    const text = fs.readFileSync(path.join(FIX, "localtime", "main.tf"), "utf8");
    const writable = copyFixture("localtime", "localtime-rw", {
      "main.tf": text.replace(/("\/etc\/localtime"\n    read_only      = )true/, "$1false"),
    });
    expect(serious(findingsOf([writable]).findings)).toEqual(["DOCKER-016 error docker_container.app", "DOCKER-017 warning docker_container.app"]);
    const passwd = copyFixture("localtime", "passwd-ro", { "main.tf": text.replace('host_path      = "/etc/timezone"', 'host_path      = "/etc/passwd"') });
    expect(serious(findingsOf([passwd]).findings)).toEqual(["DOCKER-016 error docker_container.app"]);
  });
});

describe("inline suppressions (# bulwark:ignore RULE-ID reason)", () => {
  test("a comment on the line before the resource suppresses that rule there, with its reason", () => {
    const { code, findings } = findingsOf(["inline-ignore"]);
    expect(code).toBe(0);
    const f = findings.find((x) => x.ruleId === "DOCKER-016") as JsonFinding & { suppressed: boolean; suppressionReason: string };
    expect(f).toMatchObject({ address: "docker_container.app", suppressed: true, suppressionReason: "monitoring agent lists containers through the socket" });
    expect(f.location).toEqual({ file: path.join("inline-ignore", "main.tf"), line: 3 });
    // Control: the same module without the comment has the error unsuppressed.
    expect(serious(findingsOf(["docker-sock-default"]).findings)).toEqual(["DOCKER-016 error docker_container.app"]);
  });

  test("a comment inside the block works too; another rule id does not cover DOCKER-016", () => {
    const text = fs.readFileSync(path.join(FIX, "docker-sock-default", "main.tf"), "utf8");
    const inside = copyFixture("docker-sock-default", "ignore-inside", { "main.tf": text.replace("  volumes {", "  # bulwark:ignore DOCKER-016 monitoring agent lists containers\n  volumes {") });
    expect(serious(findingsOf([inside]).findings)).toEqual([]);
    const other = copyFixture("docker-sock-default", "ignore-other", { "main.tf": text.replace("  volumes {", "  # bulwark:ignore DOCKER-001 unrelated rule, for the test\n  volumes {") });
    expect(serious(findingsOf([other]).findings)).toEqual(["DOCKER-016 error docker_container.app"]);
  });

  test("a short reason or an unknown rule is exit 2 naming the file and line", () => {
    const text = fs.readFileSync(path.join(FIX, "inline-ignore", "main.tf"), "utf8");
    const short = copyFixture("inline-ignore", "ignore-short", { "main.tf": text.replace("monitoring agent lists containers through the socket", "needed") });
    expect(run(["check", short]).stderr).toMatch(/ignore-short\/main\.tf:2: bulwark:ignore: suppression of DOCKER-016 needs a reason of at least 10 characters/);
    const unknown = copyFixture("inline-ignore", "ignore-unknown", { "main.tf": text.replace("DOCKER-016", "DOCKER-999") });
    const r = run(["check", unknown]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid suppression: .*unknown rule id "DOCKER-999"/);
  });
});
