/**
 * `npm run bench`: measures and prints figures, and says for each target whether it is met.
 * Asserts nothing and exits 0 whatever the figures (a broken measurement is printed as such).
 * See USAGE for what it measures; each policy measurement runs in a fresh process.
 */
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import { join, resolve } from "path";
import { performance } from "perf_hooks";
import { buildSync, type BuildOptions } from "esbuild";
import { generateStack, type Json } from "./bench/generate";
import { PACKS } from "../policy/packs";
// Plain JS (npm pack runs it without tsx): the esbuild options of the published CLI bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleOptions } = require("./build-cli.js") as { bundleOptions: (entry: string, outfile: string) => BuildOptions };

const USAGE = `Usage: npm run bench -- [options]

Measures, each in fresh processes, and prints every figure with the targets met or not:
  1. policy engine: generated stacks of hardened containers (cloned from the reference stacks),
     bulwark check (read, parse, every rule, JSON report written once) against one bare
     JSON.parse of the same file; peak RSS of both.
     Targets: 10,000 containers checked in under 1 s, and in at most 3x the bare JSON.parse;
     50,000 containers checked without crashing (peak RSS reported, no target).
  2. synth of every reference stack: npm run synth's way against ts-node (the cdktf template).
     Targets: under 2.5 s, at least 3x faster than ts-node.
  3. only with --with-test: npm test (tsc --noEmit, then jest). Target: under 60 s.
  4. backups (backup/test/bench.sh, about 5 minutes): 1,000,000 rows on MariaDB and PostgreSQL
     (Debian servers on a temp dir), the real backup scripts: backup time and size, PITR and full
     restore time, RPO achieved with continuous binlog/WAL capture.
     Targets: each restore under 2 minutes, RPO under 60 s.

Options:
  --sizes N,N      containers per generated stack (default 10000,50000)
  --formats F,F    file layouts: pretty (as cdktf writes), compact (default pretty)
  --runs N         runs per measurement; the median is shown (default 3)
  --skip-policy    skip 1
  --skip-synth     skip 2
  --skip-backup    skip 4
  --with-test      also run 3 (it adds the whole suite's time to the bench)
  --by-pack        also time each rule pack alone on the first size and format (bulwark check
                   --pack <id>, fresh processes; "no rules" is read, parse, index and report only):
                   where the check's time goes, pack by pack
  --by-rule        also time every rule inside one full check on the first size and format (each
                   rule's check wrapped in a timer, median per rule of --runs fresh processes): the
                   slowest rules
  -h, --help       print this and exit
`;

interface Options {
  readonly sizes: number[];
  readonly formats: Array<"pretty" | "compact">;
  readonly runs: number;
  readonly skip: ReadonlySet<string>;
  readonly withTest: boolean;
  readonly byPack: boolean;
  readonly byRule: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const fail = (message: string): never => {
    process.stderr.write(`bench: ${message}\n\n${USAGE}`);
    process.exit(2);
  };
  let sizes = [10000, 50000];
  let formats: Array<"pretty" | "compact"> = ["pretty"];
  let runs = 3;
  const skip = new Set<string>();
  let withTest = false;
  let byPack = false;
  let byRule = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (a === "--sizes") {
      sizes = value().split(",").map(Number);
      if (sizes.some((n) => !Number.isInteger(n) || n < 1)) fail("--sizes takes positive integers, e.g. 10000,50000");
    } else if (a === "--formats") {
      const list = value().split(",");
      if (list.some((f) => f !== "pretty" && f !== "compact")) fail("--formats takes pretty and/or compact");
      formats = list as Array<"pretty" | "compact">;
    } else if (a === "--runs") {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1) fail("--runs takes a positive integer");
    } else if (a === "--skip-policy" || a === "--skip-synth" || a === "--skip-backup") {
      skip.add(a.slice("--skip-".length));
    } else if (a === "--by-pack") {
      byPack = true;
    } else if (a === "--by-rule") {
      byRule = true;
    } else if (a === "--with-test") {
      withTest = true;
    } else {
      fail(`unknown option ${a}`);
    }
  }
  return { sizes, formats, runs, skip, withTest, byPack, byRule };
}

const ROOT = resolve(__dirname, "..");
const RSS_HOOK = join(ROOT, "scripts/bench/rss.js");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Target lines, printed together at the end. */
const verdicts: string[] = [];
function target(name: string, met: boolean | null, figure: string): void {
  verdicts.push(`  ${(met === null ? "not measured" : met ? "met" : "NOT MET").padEnd(12)}  ${name}: ${figure}`);
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // NODE_PATH: for the bench's children outside the repository; the bundled policy child lives in node_modules/.cache.
  return { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null", NO_COLOR: "1", NODE_PATH: join(ROOT, "node_modules"), ...extra };
}

interface NodeRun {
  ms: number;
  rssKb: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Run a node process with the RSS hook; returns wall ms, peak RSS KB and its output. */
function runNode(args: string[], extraEnv: Record<string, string> = {}): NodeRun {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-"));
  const rssFile = join(dir, "rss");
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ["--require", RSS_HOOK, ...args], {
      cwd: ROOT,
      env: env({ BULWARK_BENCH_RSS_FILE: rssFile, ...extraEnv }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - t0;
    let rssKb = 0;
    try {
      rssKb = Number(readFileSync(rssFile, "utf8"));
    } catch {
      /* the process died before its exit handlers ran */
    }
    return { ms, rssKb, stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lastLine = (s: string) => s.trim().split("\n").pop() ?? "";
/** The line of a failed process's output that says why: the first naming an error, else the last. */
const why = (s: string) => (s.split("\n").find((l) => /error/i.test(l)) ?? lastLine(s)).trim().slice(0, 200);

// ---------------------------------------------------------------------------------------------
// 1. Policy engine

const SNAPSHOT = join(ROOT, "scripts/bench/reference-containers.json");

/**
 * The reference stacks' Docker resources, synthesized now; when the app does not synthesize (a
 * tree in the middle of a change), the stored snapshot of them.
 */
function referenceTemplates(work: string): Json[] {
  const out = join(work, "out");
  const r = runNode(["--require", "tsx/cjs", "main.ts"], { CDKTF_OUTDIR: out });
  if (r.status === 0) {
    return ["koha", "single-server"].map((s) => JSON.parse(readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8")));
  }
  console.log(`   (the app did not synthesize: ${why(r.stderr + r.stdout)}; using the stored snapshot scripts/bench/reference-containers.json)`);
  return Object.values(JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, Json>);
}

interface CheckFigures {
  ms: number;
  totalMs: number;
  readMs: number;
  parseMs: number;
  rulesMs: number;
  reportMs: number;
  findings: number;
}

/**
 * `--by-pack`: the check with one pack's rules at a time, and with none, in fresh processes (median
 * of `runs`). A pack's "rules" figure includes warming up the helpers it shares with other packs, so
 * the packs' figures add up to more than the full check's.
 */
function packFigures(child: readonly string[], runs: number): void {
  console.log(`   by pack (median of ${runs}; the packs share readers, so their rules figures add up to more than the full check's):`);
  console.log("   pack                 | rules |    check |    rules | findings");
  // Last, every rule but the monitoring and backup packs: what those 7 rules add to a full check.
  for (const pack of ["none", ...PACKS.map((p) => p.id), "without:monitoring,backup-recovery"]) {
    const rs: CheckFigures[] = [];
    let count = 0;
    for (let i = 0; i < runs; i++) {
      const r = runNode([...child, "check", pack]);
      if (r.status !== 0) { console.log(`   ${pack.padEnd(20)} | crashed (exit ${r.status ?? "signal"}: ${why(r.stderr) || "no message"})`); break; }
      const f = JSON.parse(r.stdout) as CheckFigures & { rules: number };
      count = f.rules;
      rs.push(f);
    }
    if (rs.length < runs) continue;
    const mid = [...rs].sort((a, b) => a.ms - b.ms)[Math.floor(rs.length / 2)];
    console.log(`   ${(pack === "none" ? "(no rules)" : pack === "without:monitoring,backup-recovery" ? "all but mon+backup" : pack).padEnd(20)} | ${String(count).padStart(5)} | ${fmtMs(mid.ms).padStart(8)} | ${fmtMs(mid.rulesMs).padStart(8)} | ${String(mid.findings).padStart(8)}`);
  }
}

/** How many of the slowest rules `--by-rule` lists. */
const BY_RULE_SHOWN = 15;

/**
 * `--by-rule`: one full check per run with every rule's check timed (policy-child "by-rule"); the
 * median per rule over `runs` fresh processes, slowest first. A rule's figure includes the shared
 * readers it is the first to ask, so moving a rule moves its warm-up cost to the next one.
 */
function ruleFigures(child: readonly string[], runs: number): void {
  const perRule = new Map<string, number[]>();
  const rulesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runNode([...child, "check", "by-rule"]);
    if (r.status !== 0) {
      console.log(`   by rule: crashed (exit ${r.status ?? "signal"}: ${why(r.stderr) || "no message"})`);
      return;
    }
    const f = JSON.parse(r.stdout) as CheckFigures & { byRule: Array<[string, number]> };
    rulesMs.push(f.rulesMs);
    for (const [id, ms] of f.byRule) perRule.set(id, [...(perRule.get(id) ?? []), ms]);
  }
  const rows = [...perRule].map(([id, ms]) => [id, median(ms)] as const).sort((a, b) => b[1] - a[1]);
  const sum = rows.reduce((t, [, ms]) => t + ms, 0);
  console.log(`   by rule (median of ${runs}, timers in; rules ${fmtMs(median(rulesMs))} of which the rules' own checks ${fmtMs(sum)}, the rest index, suppressions, engine):`);
  console.log(`   ${rows.slice(0, BY_RULE_SHOWN).map(([id, ms]) => `${id} ${fmtMs(ms)}`).join(", ")}; the other ${Math.max(0, rows.length - BY_RULE_SHOWN)} rules that ran, together ${fmtMs(rows.slice(BY_RULE_SHOWN).reduce((t, [, ms]) => t + ms, 0))}`);
}

function benchPolicy(o: Options): void {
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-policy-"));
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  const childDir = mkdtempSync(join(ROOT, "node_modules", ".cache", "bulwark-bench-"));
  try {
    console.log(`\n== Policy engine (median of ${o.runs} fresh processes per figure, parse and check runs interleaved; peak RSS: the highest)`);
    const templates = referenceTemplates(work);
    // The engine as an installed bulwark runs it: bundled as `npm pack` bundles the CLI (scripts/build-cli.js).
    // Inside the package, as dist/cli is: the bundle finds the package's files (docs/roadmaps,
    // package.json) by walking up to its package.json (knowledge/package-files.ts).
    const childJs = join(childDir, "policy-child.js");
    buildSync(bundleOptions(join(ROOT, "scripts/bench/policy-child.ts"), childJs));
    console.log("   the engine runs bundled, as in the published package (scripts/build-cli.js); a checkout's bin/bulwark.js runs it");
    console.log("   through tsx instead, which adds start-up and about 0.3 s at 10,000 containers");
    console.log("   JSON.parse = one bare parse of the file's text, read first and untimed; check = bulwark check --format json");
    console.log("   -o /dev/null through the CLI's code (parse, validate, index, every rule, report written once), without reading");
    console.log("   the file; total = check + reading the file; ratio = median of check / JSON.parse, each run over the parse run before it");
    console.log("containers | format  |     file | JSON.parse | RSS parse |     read |    check | ratio |    total |    parse |    rules |   report | findings | RSS check");
    for (const n of o.sizes) {
      const stack = generateStack(templates, n);
      for (const format of o.formats) {
        const file = join(work, `stack-${n}-${format}.tf.json`);
        const text = format === "pretty" ? JSON.stringify(stack, null, 2) : JSON.stringify(stack);
        writeFileSync(file, text);
        const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);
        const child = [childJs, file];
        // Interleaved, so that each check and the parse before it see the same load on the machine.
        const parses: NodeRun[] = [];
        const checks: NodeRun[] = [];
        for (let i = 0; i < o.runs; i++) {
          parses.push(runNode([...child, "parse"]));
          checks.push(runNode([...child, "check"]));
        }
        if (o.byPack && n === o.sizes[0] && format === o.formats[0]) packFigures(child, o.runs);
        if (o.byRule && n === o.sizes[0] && format === o.formats[0]) ruleFigures(child, o.runs);
        rmSync(file, { force: true });
        const failed = [...parses, ...checks].find((r) => r.status !== 0);
        if (failed) {
          const reason = `exit ${failed.status ?? "signal"}: ${why(failed.stderr) || "no message"}`;
          console.log(`${String(n).padStart(10)} | ${format.padEnd(7)} | ${mb.padStart(5)} MB | crashed (${reason})`);
          if (n === 10000) target(`10,000 containers (${format}) checked in under 1 s`, false, `crashed (${reason})`);
          if (n === 50000) target(`50,000 containers (${format}) checked without crashing`, false, reason);
          continue;
        }
        const parseMs = parses.map((p) => JSON.parse(p.stdout).ms as number);
        const figures = checks.map((c) => JSON.parse(c.stdout) as CheckFigures);
        const parse = median(parseMs);
        const mid = [...figures].sort((a, b) => a.ms - b.ms)[Math.floor(figures.length / 2)];
        const parseRss = Math.max(...parses.map((p) => p.rssKb));
        const rss = Math.max(...checks.map((c) => c.rssKb));
        // The median of each check over the parse run just before it.
        const ratio = median(figures.map((f, i) => f.ms / parseMs[i]));
        const cols = [
          String(n).padStart(10), format.padEnd(7), `${mb.padStart(5)} MB`, fmtMs(parse).padStart(10), fmtMb(parseRss).padStart(9),
          fmtMs(mid.readMs).padStart(8), fmtMs(mid.ms).padStart(8), `${ratio.toFixed(1).padStart(4)}x`, fmtMs(mid.totalMs).padStart(8),
          fmtMs(mid.parseMs).padStart(8), fmtMs(mid.rulesMs).padStart(8), fmtMs(mid.reportMs).padStart(8),
          String(mid.findings).padStart(8), fmtMb(rss).padStart(9),
        ];
        console.log(cols.join(" | "));
        if (n === 10000) {
          target(`10,000 containers (${format}) checked in under 1 s`, mid.totalMs < 1000, `${fmtMs(mid.totalMs)} including reading the file (${fmtMs(mid.ms)} without)`);
          target(`10,000 containers (${format}) checked in at most 3x a bare JSON.parse`, ratio <= 3, `${ratio.toFixed(2)}x (median of check / the parse run before it; runs: ${figures.map((f, i) => (f.ms / parseMs[i]).toFixed(2)).join(", ")})`);
        }
        if (n === 50000) {
          target(`50,000 containers (${format}) checked without crashing`, true, `${fmtMs(mid.totalMs)}, ${mid.findings} findings, peak RSS ${fmtMb(rss)} (bare JSON.parse: ${fmtMb(parseRss)}; no memory target)`);
        }
      }
    }
    if (!o.sizes.includes(10000)) target("10,000 containers checked in under 1 s and at most 3x JSON.parse", null, "not in --sizes");
    if (!o.sizes.includes(50000)) target("50,000 containers checked without crashing", null, "not in --sizes");
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(childDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Synth

function benchSynth(o: Options): void {
  const ways: Array<[string, string[]]> = [
    ["bulwark runner (npm run synth: node + tsx + V8 code cache)", ["--require", "v8-compile-cache", "--require", "tsx/cjs", "main.ts"]],
    ["cdktf template way (ts-node main.ts, type-checking)", ["--require", "ts-node/register", "main.ts"]],
  ];
  console.log(`\n== Synth of every reference stack (median of ${o.runs} runs, wall time and peak RSS of the app process)`);
  const results: number[] = [];
  for (const [label, args] of ways) {
    const times: number[] = [];
    let rss = 0;
    for (let i = 0; i < o.runs; i++) {
      const out = mkdtempSync(join(tmpdir(), "bulwark-bench-synth-"));
      const r = runNode(args, { CDKTF_OUTDIR: out });
      rmSync(out, { recursive: true, force: true });
      if (r.status !== 0) {
        console.log(`${label.padEnd(58)} failed: ${why(r.stderr + r.stdout)}`);
        target("synth under 2.5 s and at least 3x faster than ts-node", null, `${label} failed: ${why(r.stderr + r.stdout)}`);
        return;
      }
      times.push(r.ms);
      rss = Math.max(rss, r.rssKb);
    }
    results.push(median(times));
    console.log(`${label.padEnd(58)} ${fmtMs(median(times)).padStart(8)}  peak RSS ${fmtMb(rss)}  (runs: ${times.map(fmtMs).join(", ")})`);
  }
  const speedUp = results[1] / results[0];
  target("synth under 2.5 s", results[0] < 2500, fmtMs(results[0]));
  target("synth at least 3x faster than ts-node", speedUp >= 3, `${speedUp.toFixed(1)}x`);
}

// ---------------------------------------------------------------------------------------------
// 4. Backups: backup/test/bench.sh measures, prints its table and says which targets it met.

function benchBackup(): void {
  console.log("\n== Backups: 1,000,000 rows per engine, the real backup scripts (backup/test/bench.sh, about 5 minutes)");
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-backup-"));
  const jsonFile = join(work, "backup-bench.json");
  try {
    const r = spawnSync("bash", ["backup/test/bench.sh", "--json", jsonFile], { cwd: ROOT, env: env(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20 * 60 * 1000, maxBuffer: 16 * 1024 * 1024 });
    process.stdout.write(r.stdout ?? "");
    if (r.status === 2 || r.error) {
      const reason = r.error ? r.error.message : why(r.stderr ?? "");
      target("backup restores under 2 minutes and RPO under 60 s", null, `not measured: ${reason}`);
      return;
    }
    let figures: { engines?: Array<{ engine: string; pitr_restore_seconds: number; full_restore_seconds: number; rpo_seconds: number }> } = {};
    try {
      figures = JSON.parse(readFileSync(jsonFile, "utf8"));
    } catch {
      target("backup restores under 2 minutes and RPO under 60 s", false, `bench.sh exit ${r.status} without a JSON report: ${why(r.stderr ?? "")}`);
      return;
    }
    for (const e of figures.engines ?? []) {
      const restore = Math.max(e.pitr_restore_seconds, e.full_restore_seconds);
      target(`${e.engine}: PITR and full restore of 1,000,000 rows under 2 minutes`, restore < 120, `PITR ${e.pitr_restore_seconds} s, full ${e.full_restore_seconds} s`);
      target(`${e.engine}: RPO with continuous capture under 60 s`, e.rpo_seconds < 60, `${e.rpo_seconds} s (worst sample)`);
    }
    if (r.status !== 0) console.log(`   (bench.sh exit ${r.status}: a check failed or a target was missed; see above)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. npm test

function benchTests(): void {
  console.log("\n== Test suite (`npm test`: tsc --noEmit, then jest)");
  const t0 = performance.now();
  const r = spawnSync("npm", ["test", "--silent"], { cwd: ROOT, env: env({ CI: "true" }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const summary = (r.stderr + r.stdout).split("\n").filter((l) => /^(Tests|Test Suites):/.test(l)).join("; ");
  console.log(`npm test: ${fmtMs(ms)} wall, exit ${r.status} (${summary || "no jest summary: tsc or jest did not get that far"})`);
  if (r.status === 0) target("npm test under 60 s", ms < 60000, fmtMs(ms));
  else target("npm test under 60 s", null, `npm test failed (exit ${r.status}) after ${fmtMs(ms)}: ${summary || why(r.stdout + r.stderr)}`);
}

const options = parseArgs(process.argv.slice(2));
const started = performance.now();
console.log(
  `bulwark bench on ${process.platform}/${process.arch}, node ${process.version}, ${cpus().length} cores, ` +
    `load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (wall times mean little on a busy machine; ratios hold better)`,
);
if (!options.skip.has("policy")) benchPolicy(options);
if (!options.skip.has("synth")) benchSynth(options);
if (options.withTest) benchTests();
if (!options.skip.has("backup")) benchBackup();
(require("./bench-hcl") as typeof import("./bench-hcl")).benchHcl({ target }); // issue 14: 100 HCL modules
console.log(`\n== Targets\n${verdicts.join("\n") || "  (none measured)"}`);
console.log(`\nbench took ${fmtMs(performance.now() - started)}`);
