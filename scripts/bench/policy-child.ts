/**
 * One policy measurement in a fresh process (so JIT state and peak RSS belong to this run alone):
 * argv: <file.tf.json> <mode: parse|check>
 * - parse: the file's text read first (not timed), then one bare JSON.parse (cold, like check's).
 * - check: the file's text read (timed as readMs), then what `bulwark check` does with it: parse
 *   and validate, index, every rule, the JSON report string (timed as ms).
 * Prints one JSON line.
 */
import { readFileSync } from "fs";
import { performance } from "perf_hooks";
import { parseTerraformJson, stackName } from "../../policy/load";
import { checkStacks } from "../../policy/engine";
import { formatReport } from "../../policy/report";

const [file, mode] = process.argv.slice(2);
const r0 = performance.now();
const text = readFileSync(file, "utf8");
const readMs = performance.now() - r0;
if (mode === "parse") {
  const t0 = performance.now();
  JSON.parse(text);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, rssKb: process.resourceUsage().maxRSS })}\n`);
} else {
  const t0 = performance.now();
  const json = parseTerraformJson(text, file);
  const t1 = performance.now();
  const report = checkStacks([{ stack: stackName(file), file, json }]);
  const t2 = performance.now();
  const out = formatReport(report, "json", { color: false });
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({ ms: t3 - t0, readMs, parseMs: t1 - t0, rulesMs: t2 - t1, reportMs: t3 - t2, findings: report.findings.length, bytes: out.length, rssKb: process.resourceUsage().maxRSS })}\n`,
  );
}
