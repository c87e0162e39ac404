import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CATALOG, ruleMeta } from "../../policy/catalog";
import { main, type CliIO } from "../../policy/cli";
import type { ResourceRule, Rule } from "../../policy/types";

const ROOT = path.join(__dirname, "..", "..");
const FIX = path.join(__dirname, "..", "fixtures", "cli");

/**
 * Small stand-in rules with fixed severities, so the exit-code matrix does not depend on the real
 * rule set (which the integration tests below exercise on clear-cut violations).
 */
const privileged: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-001"),
  types: ["docker_container"],
  check: (r) => (r.body.privileged === true ? [{ address: r.address, message: "privileged is true" }] : []),
};
const swap: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-008"),
  types: ["docker_container"],
  check: (r) => (r.body.memory_swap === undefined ? [{ address: r.address, message: "memory_swap is not set" }] : []),
};
const cgroup: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-028"),
  types: ["docker_container"],
  check: (r) => (r.body.cgroup_parent !== undefined ? [{ address: r.address, message: "cgroup_parent is set", severity: "info" }] : []),
};
const TEST_RULES: readonly Rule[] = [privileged, swap, cgroup];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], io: Partial<CliIO> & { tty?: boolean } = {}): Run {
  let stdout = "";
  let stderr = "";
  const code = main(args, {
    cwd: FIX,
    env: {},
    rules: TEST_RULES,
    ...io,
    stdout: { write: (s: string) => (stdout += s), isTTY: io.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** Exit 2, nothing on stdout, exactly one `bulwark: …` line on stderr, no stack trace. */
function expectUsageError(r: Run, message: string | RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (typeof message === "string") expect(r.stderr).toBe(`bulwark: ${message}\n`);
  else expect(r.stderr).toMatch(message);
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-cli-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sev = (name: string) => `severity/${name}.tf.json`;
const rel = (...parts: string[]) => path.join(...parts);

describe("exit codes and --fail-on", () => {
  test.each([
    // file, --fail-on ("default": option not given), expected exit
    ["clean", "default", 0],
    ["error", "default", 1],
    ["warning", "default", 0],
    ["info", "default", 0],
    ["suppressed", "default", 0],
    ["error", "error", 1],
    ["warning", "warning", 1],
    ["info", "warning", 0],
    ["info", "info", 1],
    ["suppressed", "info", 0],
    ["clean", "info", 0],
    ["error", "never", 0],
    ["warning", "never", 0],
  ] as const)("%s with --fail-on %s → %i", (file, failOn, expected) => {
    const args = ["check", sev(file), ...(failOn === "default" ? [] : ["--fail-on", failOn])];
    const r = run(args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(expected);
  });

  test("several paths: the worst stack decides", () => {
    expect(run(["check", sev("clean"), sev("warning")]).code).toBe(0);
    expect(run(["check", sev("clean"), sev("warning"), sev("error")]).code).toBe(1);
  });
});

describe("exit 2: usage and input errors, one line on stderr", () => {
  test("missing file", () => {
    expectUsageError(run(["check", "nope.tf.json"]), "nope.tf.json: no such file or directory");
  });

  test("directory without stacks", () => {
    fs.mkdirSync(path.join(tmp, "nothing"));
    expectUsageError(run(["check", "nothing"], { cwd: tmp }), /^bulwark: nothing: no Terraform JSON found \(looked for /);
  });

  test("empty file", () => {
    expectUsageError(run(["check", "invalid/empty.tf.json"]), `${rel("invalid", "empty.tf.json")}: empty file`);
  });

  test("invalid JSON, with line and column", () => {
    expectUsageError(
      run(["check", "invalid/trailing-comma.tf.json"]),
      `${rel("invalid", "trailing-comma.tf.json")}: invalid JSON at line 4, column 3: Expected double-quoted property name`,
    );
    expectUsageError(
      run(["check", "invalid/unexpected-token.tf.json"]),
      `${rel("invalid", "unexpected-token.tf.json")}: invalid JSON at line 3, column 23: Unexpected token '}'`,
    );
  });

  test("JSON that is not Terraform", () => {
    expectUsageError(
      run(["check", "invalid/not-terraform.json"]),
      /^bulwark: invalid[/\\]not-terraform\.json: not a Terraform JSON configuration \(none of the top-level blocks resource, data, /,
    );
    expectUsageError(run(["check", "invalid/array.tf.json"]), /top level is an array, expected an object\)\n$/);
  });

  test("invalid suppressions: unknown rule id, short reason", () => {
    expectUsageError(
      run(["check", "invalid/bad-suppression.tf.json"]),
      `${rel("invalid", "bad-suppression.tf.json")}: invalid suppression: docker_container.app: unknown rule id "DOCKER-999" (run \`bulwark rules\` for the list)`,
    );
    expectUsageError(
      run(["check", "invalid/short-reason.tf.json"]),
      `${rel("invalid", "short-reason.tf.json")}: invalid suppression: docker_container.app: suppression of DOCKER-001 needs a reason of at least 10 characters`,
    );
  });

  test("unknown format, unknown --fail-on value", () => {
    expectUsageError(
      run(["check", sev("clean"), "--format", "xml"]),
      "option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif, markdown.",
    );
    expectUsageError(run(["check", sev("clean"), "--fail-on", "critical"]), /argument 'critical' is invalid/);
    expectUsageError(run(["rules", "--format", "sarif"]), /argument 'sarif' is invalid\. Allowed choices are text, json\./);
  });

  test("unknown option, unknown command, missing arguments", () => {
    expectUsageError(run(["check", sev("clean"), "--fromat", "json"]), "unknown option '--fromat' (Did you mean --format?)");
    expectUsageError(run(["chek", sev("clean")]), /^bulwark: unknown command 'chek'/);
    expectUsageError(run(["check"]), "missing required argument 'path'");
    expectUsageError(run([]), /^bulwark: missing command/);
    expectUsageError(run(["check", sev("clean"), "--output"]), /argument missing/);
  });

  test("the first input error wins and nothing is reported", () => {
    expectUsageError(run(["check", sev("error"), "invalid/empty.tf.json"]), /empty\.tf\.json: empty file/);
  });

  test("an internal error is one line too (trace only with BULWARK_DEBUG)", () => {
    const boom: Rule = { kind: "stack", meta: ruleMeta("STATE-001"), check: () => { throw new TypeError("boom"); } };
    expectUsageError(run(["check", sev("clean")], { rules: [boom] }), "internal error: boom (set BULWARK_DEBUG=1 for the stack trace)");
    const debug = run(["check", sev("clean")], { rules: [boom], env: { BULWARK_DEBUG: "1" } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/TypeError: boom\n\s+at /);
  });
});

describe("--help and --version", () => {
  test("exit 0 and print to stdout", () => {
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: bulwark/);
    expect(help.stdout).toMatch(/Exit codes: 0 /);
    const checkHelp = run(["check", "--help"]);
    expect(checkHelp.code).toBe(0);
    expect(checkHelp.stdout).toMatch(/--fail-on <severity>/);
    const version = run(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("check output", () => {
  test("--format json: the documented shape", () => {
    const r = run(["check", sev("suppressed"), sev("warning"), "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      findings: [
        {
          ruleId: "DOCKER-001",
          severity: "error",
          stack: "suppressed",
          address: "docker_container.app",
          constructPath: null,
          file: rel("severity", "suppressed.tf.json"),
          message: "privileged is true",
          suppressed: true,
          suppressionReason: "FUSE mount tool needs it until #42 lands",
        },
        {
          ruleId: "DOCKER-008",
          severity: "warning",
          stack: "warning",
          address: "docker_container.app",
          constructPath: null,
          file: rel("severity", "warning.tf.json"),
          message: "memory_swap is not set",
          suppressed: false,
          suppressionReason: null,
        },
      ],
      summary: { stacks: 2, resources: 4, errors: 0, warnings: 1, infos: 0, suppressed: 1 },
    });
  });

  test("--format sarif: regions point at the resource's line", () => {
    const r = run(["check", "synth", "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const results = log.runs[0].results;
    expect(results.map((x: { ruleId: string; locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string }> }> }) => [x.ruleId, x.locations[0].logicalLocations[0].fullyQualifiedName])).toEqual([
      ["DOCKER-001", "koha/docker_container.db"],
      ["DOCKER-001", "koha/docker_container.tools"],
    ]);
    const text = fs.readFileSync(path.join(FIX, "synth/stacks/koha/cdk.tf.json"), "utf8").split("\n");
    const db = results[0].locations[0].physicalLocation;
    expect(db.artifactLocation.uri).toBe("synth/stacks/koha/cdk.tf.json");
    expect(text[db.region.startLine - 1].trim()).toBe('"db": {');
    expect(results[1].suppressions).toEqual([{ kind: "inSource", justification: "FUSE mount tool needs it until #42 lands" }]);
  });

  test("--format text: grouped, with construct path, fix and summary", () => {
    const r = run(["check", "synth"]);
    expect(r.stdout).toContain(`koha  ${rel("synth", "stacks", "koha", "cdk.tf.json")}\n  docker_container.db  (koha/db/container)\n    error      DOCKER-001 privileged is true\n               fix: Remove`);
    expect(r.stdout).toContain("    suppressed DOCKER-001 [error] privileged is true\n               reason: FUSE mount tool needs it until #42 lands\n");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("1 error, 0 warnings, 0 infos, 1 suppressed in 2 stacks (5 resources).");
  });

  test("--format markdown", () => {
    const r = run(["check", "synth", "-f", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## bulwark policy report\n/);
    expect(r.stdout).toContain("| 🔴 error | DOCKER-001 | `docker_container.db`<br><sub>koha/db/container</sub> |");
    expect(r.stdout).toContain("<details>\n<summary>1 suppressed finding</summary>");
  });

  test("colour only for a TTY without NO_COLOR", () => {
    expect(run(["check", sev("error")], { tty: true }).stdout).toMatch(/\u001b\[31m/);
    expect(run(["check", sev("error")], { tty: false }).stdout).not.toMatch(/\u001b\[/);
    expect(run(["check", sev("error")], { tty: true, env: { NO_COLOR: "1" } }).stdout).not.toMatch(/\u001b\[/);
    expect(run(["check", sev("error")], { tty: true, env: { TERM: "dumb" } }).stdout).not.toMatch(/\u001b\[/);
    // Other formats never colour.
    expect(run(["check", sev("error"), "-f", "json"], { tty: true }).stdout).not.toMatch(/\u001b\[/);
  });
});

describe("--output", () => {
  test("writes the report to FILE, creating directories; stdout stays empty; no colour", () => {
    const out = path.join(tmp, "reports", "deep", "bulwark.sarif");
    const r = run(["check", sev("error"), "--format", "sarif", "--output", out], { tty: true });
    expect(r).toEqual({ code: 1, stdout: "", stderr: "" });
    expect(JSON.parse(fs.readFileSync(out, "utf8")).runs[0].results[0].ruleId).toBe("DOCKER-001");

    const textOut = path.join(tmp, "report.txt");
    expect(run(["check", sev("error"), "-o", textOut], { tty: true }).code).toBe(1);
    expect(fs.readFileSync(textOut, "utf8")).not.toMatch(/\u001b\[/);
  });

  test("`-o -` is stdout", () => {
    const r = run(["check", sev("warning"), "-f", "json", "-o", "-"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.warnings).toBe(1);
    expect(fs.existsSync(path.join(FIX, "-"))).toBe(false);
  });

  test("refuses to overwrite an input file, however it is spelled", () => {
    const input = path.join(FIX, sev("error"));
    const before = fs.readFileSync(input, "utf8");
    expectUsageError(
      run(["check", sev("error"), "--output", sev("error")]),
      `--output ${sev("error")}: refusing to overwrite the input file ${rel("severity", "error.tf.json")}`,
    );
    expectUsageError(run(["check", sev("error"), "-o", "./severity/../severity/error.tf.json"]), /refusing to overwrite the input file/);
    expectUsageError(run(["check", "synth", "-o", input.replace("severity/error", "synth/stacks/koha/cdk")]), /refusing to overwrite the input file synth/);
    expect(fs.readFileSync(input, "utf8")).toBe(before);
  });

  test("refuses through a symlink to an input file", () => {
    const link = path.join(tmp, "link.json");
    fs.symlinkSync(path.join(FIX, sev("error")), link);
    expectUsageError(run(["check", sev("error"), "-o", link]), /refusing to overwrite the input file/);
  });

  test("an unwritable target is an input error", () => {
    fs.mkdirSync(path.join(tmp, "dir"));
    expectUsageError(run(["check", sev("clean"), "-o", path.join(tmp, "dir")]), `cannot write ${path.join(tmp, "dir")}: it is a directory`);
  });
});

describe("large inputs and reports", () => {
  /** A pretty-printed stack of n privileged containers (about 2.6 MB for n = 1500). */
  function bigStack(n: number): string {
    const containers: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      containers[`c${i}`] = { name: `c${i}`, image: "nginx:1.27", privileged: true, labels: [{ label: "padding", value: "x".repeat(1200) }] };
    }
    const file = path.join(tmp, "big.tf.json");
    fs.writeFileSync(file, JSON.stringify({ resource: { docker_container: containers } }, null, 2));
    return file;
  }

  test("a large file: SARIF regions point at each resource's line", () => {
    const file = bigStack(1500);
    const r = run(["check", file, "-f", "sarif"]);
    expect(r.code).toBe(1);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const results = JSON.parse(r.stdout).runs[0].results;
    expect(results).toHaveLength(3000); // DOCKER-001 and DOCKER-008 for each container
    for (const x of [results[0], results[1555], results[2999]]) {
      const name = x.locations[0].logicalLocations[0].name.split(".")[1];
      expect(lines[x.locations[0].physicalLocation.region.startLine - 1].trim()).toBe(`"${name}": {`);
    }
  });

  test("the report is written once, in every format; --output gets the very same bytes", () => {
    const file = bigStack(1500);
    for (const format of ["json", "sarif", "text", "markdown"]) {
      const writes: string[] = [];
      const code = main(["check", file, "-f", format], {
        cwd: FIX, env: {}, rules: TEST_RULES,
        stdout: { write: (s: string) => writes.push(s), isTTY: false },
        stderr: { write: () => undefined },
      });
      expect(code).toBe(1);
      expect(writes).toHaveLength(1);
      const out = path.join(tmp, `report.${format}`);
      expect(run(["check", file, "-f", format, "-o", out]).code).toBe(1);
      expect(fs.readFileSync(out, "utf8")).toBe(writes.join(""));
    }
  });
});

describe("rules", () => {
  test("text: aligned columns with id, pack, severity, title, anchor", () => {
    const r = run(["rules"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(CATALOG.length + 1);
    expect(lines[0]).toMatch(/^ID\s+PACK\s+SEVERITY\s+TITLE\s+ANCHOR$/);
    const packCol = lines[0].indexOf("PACK");
    const col = lines[0].indexOf("SEVERITY");
    const titleCol = lines[0].indexOf("TITLE");
    for (const [i, m] of CATALOG.entries()) {
      const line = lines[i + 1];
      expect(line.startsWith(m.id)).toBe(true);
      expect(line.slice(packCol).startsWith(m.pack)).toBe(true);
      expect(line.slice(col).startsWith(m.severity)).toBe(true);
      expect(line.slice(titleCol).startsWith(m.title)).toBe(true);
      expect(line.endsWith(m.anchor)).toBe(true);
    }
  });

  test("json: the catalog as {id, pack, severity, title, anchor, fix}", () => {
    const r = run(["rules", "--format", "json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list).toEqual(CATALOG.map(({ id, pack, severity, title, anchor, fix }) => ({ id, pack, severity, title, anchor, fix })));
    expect(Object.keys(list[0])).toEqual(["id", "pack", "severity", "title", "anchor", "fix"]);
  });

  test("rejects extra arguments", () => {
    expectUsageError(run(["rules", "extra"]), /too many arguments/);
  });
});

describe("with the real rule set", () => {
  test("a privileged container is DOCKER-001 (error), the suppressed one is marked; exit 1", () => {
    const r = run(["check", "synth", "--format", "json"], { rules: undefined });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const docker001 = doc.findings.filter((f: { ruleId: string }) => f.ruleId === "DOCKER-001");
    expect(docker001.map((f: { address: string; severity: string; suppressed: boolean; constructPath: string }) => [f.address, f.severity, f.suppressed, f.constructPath])).toEqual([
      ["docker_container.db", "error", false, "koha/db/container"],
      ["docker_container.tools", "error", true, "koha/tools/container"],
    ]);
    expect(doc.summary.stacks).toBe(2);
    expect(doc.summary.resources).toBe(5);
  });
});

describe("bin/bulwark.js in a real process", () => {
  const bin = path.join(ROOT, "bin", "bulwark.js");
  const node = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: FIX, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

  test("check finds DOCKER-001 and exits 1", () => {
    const r = node(["check", "synth/stacks/koha/cdk.tf.json", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ ruleId: "DOCKER-001", severity: "error", stack: "koha", address: "docker_container.db", suppressed: false }),
    );
  });

  test("an input error exits 2 with one line and no trace", () => {
    const r = node(["check", "invalid/unexpected-token.tf.json"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`bulwark: ${rel("invalid", "unexpected-token.tf.json")}: invalid JSON at line 3, column 23: Unexpected token '}'\n`);
  });
});

describe("bad input: one line on stderr, exit 2, never a trace or a raw control character", () => {
  /** Exit 2 and one line, as expectUsageError, and not one control character in it but its newline. */
  function expectCleanUsageError(r: Run, message: string | RegExp): void {
    expectUsageError(r, message);
    expect(r.stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  }

  /** A Terraform JSON file whose one container has labels nested `depth` objects deep. */
  function deeplyNested(depth: number): string {
    const file = path.join(tmp, "deep.tf.json");
    const labels = `${'{"x":'.repeat(depth)}1${"}".repeat(depth)}`;
    fs.writeFileSync(file, `{"resource":{"docker_container":{"app":{"name":"app","labels":${labels}}}}}`);
    return file;
  }

  /** A rule that walks every value of a body recursively, as rules that look for values do. */
  const walker: ResourceRule = {
    kind: "resource",
    meta: ruleMeta("SECRET-001"),
    types: ["docker_container"],
    check: (r) => {
      const walk = (v: unknown): number =>
        v !== null && typeof v === "object" ? 1 + Object.values(v).reduce<number>((n, x) => n + walk(x), 0) : 0;
      walk(r.body);
      return [];
    },
  };

  test("a document nested 100,000 deep", () => {
    const file = deeplyNested(100_000);
    const message = `${file}: nested deeper than 1000 levels; not a Terraform configuration`;
    expectCleanUsageError(run(["check", file], { rules: [walker] }), message);
    // The real rule set, and every format (SARIF also finds lines).
    for (const format of ["text", "sarif"]) expectCleanUsageError(run(["check", file, "-f", format], { rules: undefined }), message);
  });

  test("a modest depth is judged as usual; an overflow that is not the input's is an internal error", () => {
    expect(run(["check", deeplyNested(200), "-f", "sarif"], { rules: [walker] }).code).toBe(0);
    const runaway: ResourceRule = { ...walker, check: (r) => { const f = (n: number): number => f(n + 1) + 1; f(0); return [{ address: r.address, message: "never" }]; } };
    expectCleanUsageError(run(["check", sev("clean")], { rules: [runaway] }), /^bulwark: internal error: Maximum call stack size exceeded/);
  });

  test("--output under /proc (where mkdir -p never returned) fails at once, in a real process", () => {
    if (!fs.existsSync("/proc/self")) return; // not Linux
    const bin = path.join(ROOT, "bin", "bulwark.js");
    for (const out of ["/proc/bulwark-no-such-dir/report.json", "/proc/report.json"]) {
      const r = spawnSync(process.execPath, [bin, "check", sev("clean"), "-o", out], { cwd: FIX, encoding: "utf8", timeout: 20_000 });
      expect(r.error).toBeUndefined(); // not killed by the timeout
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`bulwark: cannot write ${out}: no such file or directory, and it cannot be created there\n`);
    }
  });

  test("--output below a file, or onto a directory", () => {
    const file = path.join(tmp, "plain-file");
    fs.writeFileSync(file, "x");
    const below = path.join(file, "reports", "r.json");
    expectCleanUsageError(run(["check", sev("clean"), "-o", below]), `cannot write ${below}: a component of the path is not a directory`);
    expectCleanUsageError(run(["check", sev("clean"), "-o", tmp]), `cannot write ${tmp}: it is a directory`);
    // Directories that can be created still are.
    const deep = path.join(tmp, "a", "b", "c", "r.json");
    expect(run(["check", sev("clean"), "-o", deep]).code).toBe(0);
    expect(fs.readFileSync(deep, "utf8")).toMatch(/No findings/);
  });

  test("a binary file", () => {
    const file = path.join(tmp, "image.tf.json");
    fs.writeFileSync(file, Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0x07, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x9b, 0xff]));
    expectCleanUsageError(run(["check", file]), `${file}: not a text file (binary data)`);
    const latin1 = path.join(tmp, "latin1.tf.json");
    fs.writeFileSync(latin1, Buffer.from([0x7b, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xe9, 0x0d, 0x9b]));
    expectCleanUsageError(run(["check", latin1]), `${latin1}: not a text file (binary data, or text in another encoding than UTF-8)`);
  });

  test("control characters from the input are escaped in messages", () => {
    const file = path.join(tmp, "esc.tf.json");
    fs.writeFileSync(file, '{"resource": \u001b[2J\u0007}');
    expectCleanUsageError(run(["check", file]), `${file}: invalid JSON at line 1, column 14: Unexpected token '\\x1b'`);
    expectCleanUsageError(run(["check", "nope\u001b[31m\u202e.tf.json"]), "nope\\x1b[31m\\u202e.tf.json: no such file or directory");
    const badRule = path.join(tmp, "bad-rule.tf.json");
    fs.writeFileSync(badRule, JSON.stringify({ resource: { docker_container: { app: { name: "app", "//": { bulwark: { suppressions: [{ rule: "DOCKER-\u001b[31m1", reason: "a reason long enough" }] } } } } } }));
    expectCleanUsageError(run(["check", badRule]), /unknown rule id "DOCKER-\\(x1b|u001b)\[31m1"/);
  });

  test("control characters quoted in findings are escaped in the text and markdown reports", () => {
    const quoting: ResourceRule = {
      kind: "resource",
      meta: ruleMeta("DOCKER-022"),
      types: ["docker_container"],
      check: (r) => [{ address: r.address, message: `image ${String(r.body.image)} is not pinned\nsecond line` }],
    };
    const file = path.join(tmp, "quote.tf.json");
    fs.writeFileSync(file, JSON.stringify({ resource: { docker_container: { "app\u009b": { name: "app", image: "nginx\u001b]0;pwned\u0007\r" } } } }));
    for (const format of ["text", "markdown"]) {
      const r = run(["check", file, "-f", format], { rules: [quoting], tty: true });
      expect(r.code).toBe(1);
      // Only the report's own colours (SGR sequences) and line breaks remain.
      expect(r.stdout.replace(/\u001b\[[0-9;]*m/g, "")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toContain("nginx\\x1b]0;pwned\\x07\\x0d");
      expect(r.stdout).toContain("app\\x9b");
    }
    // Machine formats keep the exact value (JSON escapes it).
    expect(JSON.parse(run(["check", file, "-f", "json"], { rules: [quoting] }).stdout).findings[0].message).toContain("nginx\u001b]0;pwned\u0007\r");
  });

  test("JSON that is not Terraform, an empty file, a directory without Terraform JSON, a device", () => {
    const notTf = path.join(tmp, "package.json");
    fs.writeFileSync(notTf, '{"name": "x", "version": "1.0.0"}');
    expectCleanUsageError(run(["check", notTf]), /^bulwark: .*package\.json: not a Terraform JSON configuration \(none of the top-level blocks /);
    const empty = path.join(tmp, "empty.tf.json");
    fs.writeFileSync(empty, "");
    expectCleanUsageError(run(["check", empty]), `${empty}: empty file`);
    const dir = path.join(tmp, "docs");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "notes.json"), "{}");
    expectCleanUsageError(run(["check", dir]), /^bulwark: .*docs: no Terraform JSON found \(looked for /);
    if (fs.existsSync("/dev/null")) expectCleanUsageError(run(["check", "/dev/null"]), "/dev/null: not a file or directory");
  });
});
