/**
 * One policy measurement in a fresh process (so peak RSS belongs to this size alone):
 * argv: <file.tf.json> <mode: parse|check>
 * - parse: median of 3 bare JSON.parse of the file's text (read once);
 * - check: what `bulwark check` does: read, parse, index, every rule, JSON report string.
 * Prints one JSON line {ms, rssKb, findings?}.
 */
import { readFileSync } from "fs";
import { performance } from "perf_hooks";
import { loadStacks } from "../../policy/load";
import { checkStacks } from "../../policy/engine";
import { formatReport } from "../../policy/report";

const [file, mode] = process.argv.slice(2);
if (mode === "parse") {
  const text = readFileSync(file, "utf8");
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    JSON.parse(text);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ ms: times[1], rssKb: process.resourceUsage().maxRSS })}\n`);
} else {
  const t0 = performance.now();
  const stacks = loadStacks([file]);
  const t1 = performance.now();
  const report = checkStacks(stacks);
  const t2 = performance.now();
  const out = formatReport(report, "json", { color: false });
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({ ms: t3 - t0, loadMs: t1 - t0, rulesMs: t2 - t1, reportMs: t3 - t2, findings: report.findings.length, bytes: out.length, rssKb: process.resourceUsage().maxRSS })}\n`,
  );
}
