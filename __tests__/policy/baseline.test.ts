/**
 * Baselines (issue 14): `bulwark check --write-baseline FILE` records today's findings,
 * `--baseline FILE` fails only on findings not recorded there. Written on an HCL module copied
 * from __tests__/fixtures/hcl/privileged (DOCKER-001 and STATE-001 today); a new finding is then
 * added (a docker.sock mount, DOCKER-016) and the blocks moved down, so only the new one fails and
 * the recorded ones keep matching at their new lines.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../policy/cli";
import { applyBaseline, baselineKey } from "../../policy/baseline";
import type { Finding } from "../../policy/types";

const FIX = path.join(__dirname, "..", "fixtures", "hcl");

interface JsonFinding {
  ruleId: string;
  severity: string;
  address: string;
  message: string;
  suppressed: boolean;
  subject?: string;
  baselineState?: string;
  location?: { file: string; line: number | null };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-baseline-"));
  fs.cpSync(path.join(FIX, "privileged"), path.join(tmp, "infra"), { recursive: true });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(args, { cwd: tmp, env: {}, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function json(args: string[]): { code: number; findings: JsonFinding[]; summary: Record<string, number> } {
  const r = run(["check", "--format", "json", ...args]);
  expect(r.stderr).toBe("");
  const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: Record<string, number> };
  return { code: r.code, findings: doc.findings, summary: doc.summary };
}

const MAIN = () => path.join(tmp, "infra", "main.tf");

/** A new finding (the Docker socket mounted, DOCKER-016), and every block moved three lines down. */
function addSocketMount(): void {
  const text = fs.readFileSync(MAIN(), "utf8");
  const mount = '  volumes {\n    host_path      = "/var/run/docker.sock"\n    container_path = "/var/run/docker.sock"\n    read_only      = true\n  }\n\n  capabilities {';
  fs.writeFileSync(MAIN(), `# moved\n# down\n\n${text.replace("  capabilities {", mount)}`);
}

const states = (fs: readonly JsonFinding[]) => fs.map((f) => `${f.ruleId} ${f.severity} ${f.address} ${f.baselineState ?? "-"} ${f.location ? `${f.location.file}:${f.location.line}` : "-"}`);

describe("--write-baseline, then --baseline", () => {
  test("writing records today's findings (fingerprints without lines or messages) and the run passes", () => {
    const w = json(["infra", "--write-baseline", "baseline.json"]);
    expect(w.code).toBe(0);
    expect(states(w.findings)).toEqual([
      `DOCKER-001 error docker_container.app unchanged ${path.join("infra", "main.tf")}:2`,
      `STATE-001 warning terraform.backend unchanged ${path.join("infra", "versions.tf")}:1`,
    ]);
    expect(w.summary).toMatchObject({ errors: 0, warnings: 0, baselined: 2, fixed: 0 });
    const file = JSON.parse(fs.readFileSync(path.join(tmp, "baseline.json"), "utf8"));
    expect(file.bulwarkBaseline).toBe(1);
    expect(file.findings.map((e: { ruleId: string; stack: string; address: string; file: string }) => [e.ruleId, e.stack, e.address, e.file])).toEqual([
      ["DOCKER-001", "infra", "docker_container.app", "infra"],
      ["STATE-001", "infra", "terraform.backend", "infra"],
    ]);
    expect(JSON.stringify(file)).not.toMatch(/"line"/);
  });

  test("with a new finding added, only that one fails; the recorded ones are baselined at their new lines", () => {
    expect(run(["check", "infra", "--write-baseline", "baseline.json"]).code).toBe(0);
    addSocketMount();
    const r = json(["infra", "--baseline", "baseline.json"]);
    expect(r.code).toBe(1);
    expect(states(r.findings)).toEqual([
      `DOCKER-001 error docker_container.app unchanged ${path.join("infra", "main.tf")}:5`,
      `DOCKER-016 error docker_container.app new ${path.join("infra", "main.tf")}:5`,
      `STATE-001 warning terraform.backend unchanged ${path.join("infra", "versions.tf")}:1`,
    ]);
    expect(r.findings.find((f) => f.ruleId === "DOCKER-016")!.subject).toBe("/var/run/docker.sock");
    expect(r.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0, baselined: 2, fixed: 0 });
    // Without the baseline, all three fail as before.
    expect(json(["infra"]).findings.every((f) => f.baselineState === undefined)).toBe(true);
  });

  test("a recorded finding that is gone is reported as fixed (info, absent), and does not fail", () => {
    run(["check", "infra", "--write-baseline", "baseline.json"]);
    fs.writeFileSync(MAIN(), fs.readFileSync(MAIN(), "utf8").replace("  privileged = true", "  privileged = false"));
    const r = json(["infra", "--baseline", "baseline.json", "--fail-on", "info"]);
    expect(r.code).toBe(0);
    const fixed = r.findings.find((f) => f.baselineState === "absent")!;
    expect(fixed).toMatchObject({ ruleId: "DOCKER-001", severity: "info", address: "docker_container.app" });
    expect(fixed.message).toMatch(/^Fixed: DOCKER-001 \(error\) recorded in the baseline baseline\.json is no longer found on docker_container\.app\. Fix: nothing to fix; run bulwark check with --write-baseline baseline\.json/);
    expect(r.summary).toMatchObject({ baselined: 1, fixed: 1, infos: 0 });
  });

  test("every report format shows the baselined and fixed findings as such", () => {
    run(["check", "infra", "--write-baseline", "baseline.json"]);
    addSocketMount();
    const text = run(["check", "infra", "--baseline", "baseline.json"]).stdout;
    expect(text).toMatch(/ {4}baselined {2}DOCKER-001 \[error\] privileged is true/);
    expect(text).toMatch(/ {4}error {6}DOCKER-016 /);
    expect(text).toContain("1 error, 0 warnings, 0 infos, 0 suppressed, 2 baselined, 0 fixed in 1 stack (2 resources).");
    const md = run(["check", "infra", "--baseline", "baseline.json", "--format", "markdown"]).stdout;
    expect(md).toContain("| Stacks | Resources | Errors | Warnings | Infos | Suppressed | Baselined | Fixed |");
    expect(md).toContain("<summary>2 baselined findings (recorded in the baseline; they do not fail)</summary>");
    expect(md).toMatch(/\| 🔴 error \| DOCKER-016 \|/);
    const sarif = JSON.parse(run(["check", "infra", "--baseline", "baseline.json", "--format", "sarif"]).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string; baselineState: string }) => `${r.ruleId} ${r.baselineState}`).sort()).toEqual(["DOCKER-001 unchanged", "DOCKER-016 new", "STATE-001 unchanged"]);
    fs.writeFileSync(MAIN(), fs.readFileSync(MAIN(), "utf8").replace("  privileged = true", "  privileged = false"));
    const fixedText = run(["check", "infra", "--baseline", "baseline.json"]).stdout;
    expect(fixedText).toMatch(/ {4}fixed {6}DOCKER-001 Fixed: DOCKER-001 \(error\)/);
    const fixedSarif = JSON.parse(run(["check", "infra", "--baseline", "baseline.json", "--format", "sarif"]).stdout);
    expect(fixedSarif.runs[0].results.find((r: { baselineState: string }) => r.baselineState === "absent")).toMatchObject({ ruleId: "DOCKER-001", level: "note" });
  });

  test("--write-baseline updates an existing baseline (the fixed entry is dropped)", () => {
    run(["check", "infra", "--write-baseline", "baseline.json"]);
    fs.writeFileSync(MAIN(), fs.readFileSync(MAIN(), "utf8").replace("  privileged = true", "  privileged = false"));
    expect(run(["check", "infra", "--write-baseline", "baseline.json"]).code).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(tmp, "baseline.json"), "utf8"));
    expect(file.findings.map((e: { ruleId: string }) => e.ruleId)).toEqual(["STATE-001"]);
  });
});

describe("bad baseline files: one line, exit 2", () => {
  const bad = (content: string | null, args: string[] = []) => {
    if (content !== null) fs.writeFileSync(path.join(tmp, "baseline.json"), content);
    return run(["check", "infra", "--baseline", "baseline.json", ...args]);
  };

  test.each([
    ["missing", null, /^bulwark: --baseline baseline\.json: no such file \(create it with `bulwark check <path>\.\.\. --write-baseline baseline\.json`\)\n$/],
    ["not JSON", "ruleId: DOCKER-001\n", /^bulwark: --baseline baseline\.json: not a bulwark baseline: invalid JSON \(.*\); write a new one with --write-baseline baseline\.json\n$/],
    ["another JSON document", '{"findings": []}', /^bulwark: --baseline baseline\.json: not a bulwark baseline: no "bulwarkBaseline" key at the top level; write a new one with --write-baseline baseline\.json\n$/],
    ["an unknown version", '{"bulwarkBaseline": 7, "findings": []}', /^bulwark: --baseline baseline\.json: not a bulwark baseline: version 7 is not 1; /],
    ["an entry without its address", '{"bulwarkBaseline": 1, "findings": [{"ruleId": "DOCKER-001", "stack": "infra", "severity": "error", "file": "infra", "message": "m"}]}', /^bulwark: --baseline baseline\.json: not a bulwark baseline: .* at findings\[0\]\.address; /],
  ])("%s", (_what, content, expected) => {
    const r = bad(content);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(expected);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  test("--write-baseline refuses to overwrite a file that is not a bulwark baseline, and leaves it untouched", () => {
    fs.writeFileSync(path.join(tmp, "notes.json"), '{"todo": "keep me"}\n');
    const r = run(["check", "infra", "--write-baseline", "notes.json"]);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe("bulwark: --write-baseline notes.json: refusing to overwrite notes.json, which exists and is not a bulwark baseline; remove it or choose another file name\n");
    expect(fs.readFileSync(path.join(tmp, "notes.json"), "utf8")).toBe('{"todo": "keep me"}\n');
  });

  test("--write-baseline onto an input file or the --output report is refused", () => {
    const input = run(["check", path.join("infra", "main.tf"), "--write-baseline", path.join("infra", "main.tf")]);
    expect(input.code).toBe(2);
    expect(input.stderr).toMatch(/^bulwark: --write-baseline infra\/main\.tf: that is the input file .*; give the baseline its own file/);
    const output = run(["check", "infra", "--output", "report.json", "--write-baseline", "report.json"]);
    expect(output).toMatchObject({ code: 2 });
    expect(output.stderr).toMatch(/that is also the --output report file/);
  });
});

describe("applyBaseline", () => {
  const f = (over: Partial<Finding>): Finding => ({
    ruleId: "DOCKER-016", severity: "error", stack: "s", address: "docker_container.a", constructPath: null, file: "s", message: "m",
    suppressed: false, suppressionReason: null, ...over,
  });
  const entry = (over: Partial<Finding>) => {
    const x = f(over);
    return { ruleId: x.ruleId, stack: x.stack, address: x.address, subject: x.subject, severity: x.severity, file: x.file, message: x.message };
  };

  test("the subject is part of the fingerprint; each recorded occurrence covers one finding", () => {
    expect(baselineKey(f({ subject: "/a" }))).not.toBe(baselineKey(f({ subject: "/b" })));
    expect(baselineKey(f({ message: "one" }))).toBe(baselineKey(f({ message: "two" })));
    const out = applyBaseline([f({ subject: "/a" }), f({ subject: "/a" }), f({ subject: "/b" })], { entries: [entry({ subject: "/a" })] }, "b.json");
    expect(out.map((x) => `${x.subject} ${x.baselineState}`)).toEqual(["/a unchanged", "/a new", "/b new"]);
  });

  test("suppressed findings keep no baseline state and do not consume an entry", () => {
    const out = applyBaseline([f({ suppressed: true, suppressionReason: "reason here" })], { entries: [entry({})] }, "b.json");
    expect(out.map((x) => x.baselineState ?? "-")).toEqual(["-", "absent"]);
  });
});
