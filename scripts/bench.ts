/**
 * `npm run bench`: prints figures, asserts nothing (targets are shown next to the figures).
 *
 * 1. Policy engine: stacks of 1k, 10k and 50k hardened containers (cloned from the reference
 *    stacks, with their images, volumes and networks), pretty-printed (as cdktf writes them) and
 *    compact — check time (load + index + all rules + JSON report written out, as the CLI does
 *    it), the bare
 *    JSON.parse time of the same file, the ratio, and the peak RSS of both; each measurement in a
 *    fresh process.
 * 2. Synth: wall time and peak RSS of synthesizing every reference stack with our runner
 *    (`npm run synth`: node + tsx, no type checking) and the way the cdktf template does it
 *    (`ts-node main.ts`, type-checking), with the ratio.
 * 3. The wall time of `npm test`.
 *
 * Options: --sizes 1000,10000 (policy sizes), --formats pretty,compact (policy file layouts),
 * --runs N (synth runs per way, default 3),
 * --skip-policy, --skip-synth, --skip-test.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { performance } from "perf_hooks";
import { STREAM_THRESHOLD_BYTES } from "../policy/load";
import { INTERN_MIN_BYTES } from "../policy/stream-json";
import { generateStack } from "./bench/generate";

const ROOT = resolve(__dirname, "..");
const RSS_HOOK = join(ROOT, "scripts/bench/rss.js");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const has = (name: string) => process.argv.includes(`--${name}`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null", NO_COLOR: "1", ...extra };
}

/** Run a node process with the RSS hook; returns wall ms, peak RSS KB and stdout. */
function runNode(args: string[], extraEnv: Record<string, string> = {}): { ms: number; rssKb: number; stdout: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-"));
  const rssFile = join(dir, "rss");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--require", RSS_HOOK, ...args], {
    cwd: ROOT,
    env: env({ BULWARK_BENCH_RSS_FILE: rssFile, ...extraEnv }),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  let rssKb = 0;
  try {
    rssKb = Number(readFileSync(rssFile, "utf8"));
  } catch {
    /* the process died before exit handlers ran */
  }
  rmSync(dir, { recursive: true, force: true });
  return { ms, rssKb, stdout: r.stdout, status: r.status, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// 1. Policy engine

function synthReferenceStacks(outdir: string): void {
  const r = runNode(["--require", "tsx/cjs", "main.ts"], { CDKTF_OUTDIR: outdir });
  if (r.status !== 0) throw new Error(`synth for the benchmark failed:\n${r.stderr}`);
}

function benchPolicy(): void {
  const sizes = (arg("sizes") ?? "1000,10000,50000").split(",").map(Number);
  const formats = (arg("formats") ?? "pretty,compact").split(",").filter((f): f is "pretty" | "compact" => f === "pretty" || f === "compact");
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-policy-"));
  try {
    synthReferenceStacks(join(work, "out"));
    const templates = ["koha", "single-server"].map((s) => JSON.parse(readFileSync(join(work, "out/stacks", s, "cdk.tf.json"), "utf8")));
    console.log("\n== Policy engine (median of 3 fresh processes each; peak RSS is the highest of the 3):");
    console.log("   JSON.parse = one bare parse of the whole text, read first (untimed);");
    console.log(`   check = what \`bulwark check --format json -o /dev/null\` does (load: the whole text below ${(STREAM_THRESHOLD_BYTES / 1048576).toFixed(0)} MiB, the`);
    console.log(`   streaming reader from there on, sharing equal values from ${(INTERN_MIN_BYTES / 1048576).toFixed(0)} MiB on; validate, index, every rule, the JSON`);
    console.log("   report written out in pieces) without the time spent reading bytes from disk (read); total = read + check;");
    console.log("   load = check's part before the rules; ratio = check / JSON.parse");
    console.log("containers | format  | file     | JSON.parse | RSS parse | read     | check    | ratio | total    | load     | rules    | findings | RSS check");
    const rows: Array<{ n: number; format: string; check: number; parse: number }> = [];
    for (const n of sizes) {
      const stack = generateStack(templates, n);
      for (const format of formats) {
        const file = join(work, `stack-${n}-${format}.tf.json`);
        const text = format === "pretty" ? JSON.stringify(stack, null, 2) : JSON.stringify(stack);
        writeFileSync(file, text);
        const bytes = Buffer.byteLength(text);
        const child = ["--require", "tsx/cjs", "scripts/bench/policy-child.ts", file];
        const parses = [0, 1, 2].map(() => runNode([...child, "parse"]));
        const parse = median(parses.map((p) => JSON.parse(p.stdout).ms));
        const parseRss = Math.max(...parses.map((p) => p.rssKb));
        const checks = [0, 1, 2].map(() => runNode([...child, "check"]));
        const parsed = checks.map((c) => {
          if (c.status !== 0) throw new Error(`policy check for the benchmark failed:\n${c.stderr}`);
          return JSON.parse(c.stdout);
        });
        const mid = parsed.sort((a, b) => a.ms - b.ms)[1];
        const rss = Math.max(...checks.map((c) => c.rssKb));
        rows.push({ n, format, check: mid.ms, parse });
        console.log(
          `${String(n).padStart(10)} | ${format.padEnd(7)} | ${(bytes / 1e6).toFixed(1).padStart(5)} MB | ${fmtMs(parse).padStart(10)} | ${fmtMb(parseRss).padStart(9)} | ${fmtMs(mid.readMs).padStart(8)} | ${fmtMs(mid.ms).padStart(8)} | ${(mid.ms / parse).toFixed(1).padStart(4)}x | ${fmtMs(mid.totalMs ?? mid.ms + mid.readMs).padStart(8)} | ${fmtMs(mid.parseMs).padStart(8)} | ${fmtMs(mid.rulesMs).padStart(8)} | ${String(mid.findings).padStart(8)} | ${fmtMb(rss).padStart(9)}${mid.streamed ? " (streamed)" : ""}`,
        );
        rmSync(file, { force: true });
      }
    }
    for (const format of formats) {
      const fr = rows.filter((r) => r.format === format);
      if (fr.length < 2) continue;
      const a = fr[0];
      const b = fr[fr.length - 1];
      console.log(`growth (${format}): ${b.n / a.n}x containers -> ${(b.check / a.check).toFixed(1)}x check time (linear = ${b.n / a.n}x)`);
    }
    console.log("targets: 10k containers < 1 s, check <= 3x JSON.parse, linear growth, peak RSS < 300 MB at 50k");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Synth

function benchSynth(): void {
  const runs = Number(arg("runs") ?? 3);
  const ways: Array<[string, string[]]> = [
    ["bulwark runner (npm run synth: node + tsx + V8 code cache)", ["--require", "v8-compile-cache", "--require", "tsx/cjs", "main.ts"]],
    ["cdktf template way (ts-node main.ts, type-checking)", ["--require", "ts-node/register", "main.ts"]],
  ];
  console.log(`\n== Synth of every reference stack (median of ${runs} runs, wall time and peak RSS of the app process)`);
  const results: number[] = [];
  for (const [label, args] of ways) {
    const times: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      const out = mkdtempSync(join(tmpdir(), "bulwark-bench-synth-"));
      const r = runNode(args, { CDKTF_OUTDIR: out });
      rmSync(out, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
      times.push(r.ms);
      rss = Math.max(rss, r.rssKb);
    }
    results.push(median(times));
    console.log(`${label.padEnd(58)} ${fmtMs(median(times)).padStart(8)}  peak RSS ${fmtMb(rss)}  (runs: ${times.map(fmtMs).join(", ")})`);
  }
  console.log(`speed-up: ${(results[1] / results[0]).toFixed(1)}x   targets: < 2.5 s wall, >= 3x faster than the template way`);
}

// ---------------------------------------------------------------------------------------------
// 3. npm test

function benchTests(): void {
  console.log("\n== Test suite (`npm test`: tsc --noEmit, then jest)");
  const t0 = performance.now();
  const r = spawnSync("npm", ["test", "--silent"], { cwd: ROOT, env: env({ CI: "true" }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const summary = (r.stderr + r.stdout).split("\n").filter((l) => /^(Tests|Test Suites):/.test(l)).join("; ");
  console.log(`npm test: ${fmtMs(ms)} wall, exit ${r.status} (${summary || "no jest summary"})   target: < 60 s`);
}

console.log(`bulwark bench on ${process.platform}/${process.arch}, node ${process.version}, ${require("os").cpus().length} cores`);
if (!has("skip-policy")) benchPolicy();
if (!has("skip-synth")) benchSynth();
if (!has("skip-test")) benchTests();
