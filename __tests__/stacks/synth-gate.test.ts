import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../../main";
import { runSynthGate } from "../../policy/gate";
import { compliantContainer, dockerStack } from "../helpers/fixtures";

function outdirWith(stacks: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-gate-"));
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
  }
  return dir;
}

function capture(run: (out: (s: string) => void, err: (s: string) => void) => number): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = run((s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe("synth gate", () => {
  test("an unsuppressed error stops synthesis with the report", () => {
    const dir = outdirWith({ app: dockerStack(compliantContainer({ privileged: true })) });
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("policy: 1 error(s)");
    expect(r.err).toContain("DOCKER-001");
    expect(r.err).toContain("synth stopped: 1 unsuppressed policy error(s)");
  });

  test("warnings are printed and do not stop it", () => {
    const dir = outdirWith({ app: dockerStack(compliantContainer({ memory_swap: 512 })) });
    const r = capture((out, err) => runSynthGate(dir, { out, err }));
    expect(r.code).toBe(0);
    expect(r.err).toContain("DOCKER-008");
    expect(r.err).not.toContain("synth stopped");
  });

  test("a suppressed error does not stop it", () => {
    const c = compliantContainer({ privileged: true, "//": { bulwark: { suppressions: [{ rule: "DOCKER-001", reason: "hardware watchdog needs /dev/watchdog" }] } } });
    const r = capture((out, err) => runSynthGate(outdirWith({ app: dockerStack(c) }), { out, err }));
    expect(r.code).toBe(0);
    expect(r.err).toContain("hardware watchdog needs /dev/watchdog");
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

  test("synthesizes every reference stack and prints the summary", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-main-"));
    expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
    const out = written(stdout);
    expect(out).toMatch(/synthesized 3 stack\(s\)/);
    expect(out).toMatch(/koha-docker-build: OpenSSF Scorecard Branch-Protection T5/);
    expect(out).toMatch(/policy: 0 error\(s\)/);
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
