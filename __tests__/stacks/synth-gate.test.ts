import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { spawnSync } from "child_process";
import { buildApp, main } from "../../main";
import { loadDeploymentConfig } from "../../config/load";
import { runSynthGate, type SynthManifest } from "../../policy/gate";
import { compliantContainer, dockerStack } from "../helpers/fixtures";

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

/** An outdir as app.synth() leaves it: one folder per stack and a manifest.json naming them. */
function outdirWith(stacks: Record<string, Json>, format: "json" | "hcl" = "json"): string {
  const dir = tempDir("bulwark-gate-");
  const file = format === "json" ? "cdk.tf.json" : "cdk.tf";
  const manifest: SynthManifest = { version: "0.21.0", stacks: {} };
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, file), format === "json" ? JSON.stringify(json) : "# HCL rendered by cdktf\n");
    (manifest.stacks as Record<string, unknown>)[name] = {
      name,
      constructPath: name,
      workingDirectory: `stacks/${name}`,
      synthesizedStackPath: `stacks/${name}/${file}`,
      stackMetadataPath: `stacks/${name}/metadata.json`,
      annotations: [],
      dependencies: [],
    };
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

function capture(run: (out: (s: string) => void, err: (s: string) => void) => number): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = run((s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
const STOPPED = /^bulwark: synth stopped: 1 unsuppressed policy error\(s\)\. Fix them or suppress each with a reason\.\n$/;
const privileged = () => dockerStack(compliantContainer({ privileged: true }));
const clean = () => dockerStack(compliantContainer());

describe("synth gate", () => {
  test("an unsuppressed error stops synthesis: the report once on stdout, one stop line on stderr", () => {
    const dir = outdirWith({ app: privileged() });
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("policy: 1 error(s)");
    expect(count(r.out, "DOCKER-001")).toBe(1);
    expect(r.err).toMatch(STOPPED);
  });

  test("a warnings-only report goes to stdout and nothing to stderr (the cdktf CLI shows stderr as [ERROR])", () => {
    const dir = outdirWith({ app: dockerStack(compliantContainer({ memory_swap: 512 })) });
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(0);
    expect(r.out).toContain("DOCKER-008");
    expect(r.err).toBe("");
  });

  test("a suppressed error does not stop it", () => {
    const c = compliantContainer({ privileged: true, "//": { bulwark: { suppressions: [{ rule: "DOCKER-001", reason: "hardware watchdog needs /dev/watchdog" }] } } });
    const r = capture((out, err) => runSynthGate(outdirWith({ app: dockerStack(c) }), { out, err }));
    expect(r.code).toBe(0);
    expect(r.out).toContain("hardware watchdog needs /dev/watchdog");
    expect(r.err).toBe("");
  });

  test("only the stacks of the manifest are judged: a folder left by an earlier run is named, not judged", () => {
    const dir = outdirWith({ app: clean() });
    mkdirSync(join(dir, "stacks", "retired"), { recursive: true });
    writeFileSync(join(dir, "stacks", "retired", "cdk.tf.json"), JSON.stringify(privileged()));
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/synthesized 1 stack\(s\)/);
    expect(r.out).toMatch(/not judged: retired \(left in .* by an earlier run, not part of this synthesis\)/);
    expect(r.out).not.toContain("DOCKER-001");
  });

  test("without a manifest there is no synthesis to judge: exit 2, one line", () => {
    const dir = tempDir("bulwark-gate-");
    mkdirSync(join(dir, "stacks", "app"), { recursive: true });
    writeFileSync(join(dir, "stacks", "app", "cdk.tf.json"), JSON.stringify(clean()));
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^bulwark: no manifest\.json in .*: the gate judges what app\.synth\(\) just wrote, run it first\n$/);
  });

  describe("HCL output", () => {
    test("an HCL stack is judged from the app's in-memory JSON", () => {
      const dir = outdirWith({ app: {} }, "hcl");
      const r = capture((out, err) => runSynthGate(dir, { out, err, synthesized: { app: privileged() } }));
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/app\s+\d+ resources/);
      expect(r.out).toContain("stacks/app/cdk.tf");
      expect(count(r.out, "DOCKER-001")).toBe(1);
    });

    test("without the in-memory JSON an HCL stack cannot be judged: exit 2 with the fix", () => {
      const r = capture((out, err) => runSynthGate(outdirWith({ app: {} }, "hcl"), { out, err }));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/cdk\.tf is HCL: .* pass runSynthGate\(outdir, \{ synthesized: \{ "app": stack\.toTerraform\(\) \} \}\)\n$/);
    });

    test.each(["hcl", "json"] as const)("a stale sibling of a %s synthesis is removed and not judged", (format) => {
      const dir = outdirWith({ app: clean() }, format);
      const stale = join(dir, "stacks", "app", format === "hcl" ? "cdk.tf.json" : "cdk.tf");
      writeFileSync(stale, format === "hcl" ? JSON.stringify(privileged()) : 'resource "docker_container" "x" { privileged = true }\n');
      const r = capture((out, err) => runSynthGate(dir, { out, err, synthesized: { app: clean() } }));
      expect(r.code).toBe(0);
      expect(existsSync(stale)).toBe(false);
      expect(r.out).toMatch(/removed stale .*stacks\/app\/cdk\.tf(\.json)?: this synthesis wrote cdk\.tf(\.json)?, and Terraform would read both/);
      expect(readdirSync(join(dir, "stacks", "app"))).toEqual([format === "hcl" ? "cdk.tf" : "cdk.tf.json"]);
    });
  });

  describe("under the cdktf CLI (annotateManifest)", () => {
    test("policy errors become one error annotation per failing stack; the report is printed once; exit 0 so the CLI does not replay it", () => {
      const dir = outdirWith({ app: privileged(), other: { variable: { region: { type: "string" } } } });
      const r = capture((out, err) => runSynthGate(dir, { out, err, annotateManifest: true }));
      expect(r.code).toBe(0);
      expect(count(r.out, "DOCKER-001")).toBe(1);
      expect(r.err).toMatch(/^bulwark: synth stopped: 1 unsuppressed policy error\(s\)\. .* \(recorded in .*manifest\.json for the cdktf CLI\)\n$/);
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as SynthManifest;
      expect(manifest.stacks.app.annotations).toEqual([
        { constructPath: "app", level: "@cdktf/error", message: expect.stringMatching(/^bulwark: 1 unsuppressed policy error\(s\): DOCKER-001 docker_container\.\w+\. See the policy report above/) },
      ]);
      expect(manifest.stacks.other.annotations).toEqual([]);
    });

    test("warnings only: the manifest is left alone", () => {
      const dir = outdirWith({ app: dockerStack(compliantContainer({ memory_swap: 512 })) });
      const before = readFileSync(join(dir, "manifest.json"), "utf8");
      const r = capture((out, err) => runSynthGate(dir, { out, err, annotateManifest: true }));
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(readFileSync(join(dir, "manifest.json"), "utf8")).toBe(before);
    });
  });
});

describe("main", () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });
  const written = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join("");
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as SynthManifest;
  /** Repository names of the synthesized JSON stacks, from the files the manifest names. */
  const repositories = (dir: string): string[] =>
    Object.values(manifestOf(dir).stacks).flatMap((s) => {
      const json = JSON.parse(readFileSync(join(dir, s.synthesizedStackPath), "utf8")) as { resource?: Record<string, Record<string, { name: string }>> };
      return Object.values(json.resource?.github_repository ?? {}).map((r) => r.name);
    });
  /** The summary without the outdir, which differs between runs. */
  const summary = (out: string) => out.slice(0, out.indexOf("\npolicy:")).replace(/ into .*/, "");

  test("judges the stacks of the manifest and prints each repository's Scorecard tier from the JSON; warnings stay off stderr", () => {
    const dir = tempDir("bulwark-main-");
    expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
    const out = written(stdout);
    const stacks = Object.keys(manifestOf(dir).stacks);
    expect(stacks.length).toBeGreaterThan(0);
    expect(out).toContain(`synthesized ${stacks.length} stack(s)`);
    for (const name of stacks) expect(out).toMatch(new RegExp(`\\n  ${name}\\s+\\d+ resources`));
    const repos = repositories(dir);
    expect(count(out, "OpenSSF Scorecard Branch-Protection")).toBe(repos.length);
    for (const repo of repos) expect(out).toMatch(new RegExp(`\\n  github ${repo}: OpenSSF Scorecard Branch-Protection T5 \\(10/10\\) via (repository ruleset|branch protection) on \\S+\\n`));
    expect(out).toMatch(/policy: 0 error\(s\)/);
    expect(written(stderr)).toBe("");
  });

  test("a stack folder left by an earlier run is not judged", () => {
    const dir = tempDir("bulwark-main-");
    mkdirSync(join(dir, "stacks", "retired"), { recursive: true });
    writeFileSync(join(dir, "stacks", "retired", "cdk.tf.json"), JSON.stringify(privileged()));
    expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
    expect(Object.keys(manifestOf(dir).stacks)).not.toContain("retired");
    expect(written(stdout)).toContain("not judged: retired");
    expect(written(stdout)).not.toContain("DOCKER-001");
  });

  test("the in-memory JSON the gate judges for HCL output is the JSON a JSON synthesis writes", () => {
    const dir = tempDir("bulwark-main-");
    const { app, stacks } = buildApp(loadDeploymentConfig({}), dir);
    app.synth();
    const manifest = manifestOf(dir);
    expect(stacks.map((s) => s.node.id).sort()).toEqual(Object.keys(manifest.stacks).sort());
    for (const s of stacks) {
      expect(s.toTerraform()).toEqual(JSON.parse(readFileSync(join(dir, manifest.stacks[s.node.id].synthesizedStackPath), "utf8")));
    }
  });

  test("cdktf synth --hcl (SYNTH_HCL_OUTPUT=true): judged like the JSON synthesis, and the stale cdk.tf.json files are removed", () => {
    const dir = tempDir("bulwark-main-");
    expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
    const jsonSummary = summary(written(stdout));
    stdout.mockClear();
    const saved = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = saved;
    }
    const out = written(stdout);
    const manifest = manifestOf(dir);
    const names = Object.keys(manifest.stacks);
    for (const name of names) {
      expect(manifest.stacks[name].synthesizedStackPath).toBe(`stacks/${name}/cdk.tf`);
      expect(existsSync(join(dir, "stacks", name, "cdk.tf"))).toBe(true);
      expect(existsSync(join(dir, "stacks", name, "cdk.tf.json"))).toBe(false);
    }
    expect(count(out, "removed stale")).toBe(names.length);
    expect(summary(out).split("\n").filter((l) => !l.includes("removed stale")).join("\n")).toBe(jsonSummary);
    expect(written(stderr)).toBe("");
    // Loadable HCL: Terraform's own parser reads every file (`terraform fmt` needs no providers or
    // registry; `validate` would). Terraform is on this machine and CI's; say so when it is not.
    const terraform = ["/usr/local/bin/terraform", "/usr/bin/terraform"].find((t) => existsSync(t));
    if (!terraform) {
      if (process.env.CI) throw new Error("terraform is not installed: the HCL output cannot be parsed");
      console.warn("terraform not found: the synthesized HCL was not parsed by Terraform");
      return;
    }
    for (const name of names) {
      const r = spawnSync(terraform, ["fmt", "-check=false", "-list=false", "-write=false", join(dir, "stacks", name, "cdk.tf")], {
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
      });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: "" });
    }
  });

  test("an invalid configuration is one clear message and exit 2, no stack trace", () => {
    expect(main({ BULWARK_CONFIG: "/nonexistent/deploy.yaml" })).toBe(2);
    const err = written(stderr);
    expect(err).toMatch(/^bulwark: cannot read deployment configuration \/nonexistent\/deploy\.yaml: ENOENT/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test("invalid construct props are one clear message and exit 2", () => {
    expect(main({ BULWARK_STAFF_HOSTNAME: "staff.elsewhere.net" })).toBe(2);
    const err = written(stderr);
    expect(err).toMatch(/^bulwark: .*staff\.elsewhere\.net/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
