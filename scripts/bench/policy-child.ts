/**
 * One policy measurement in a fresh process (so JIT state and peak RSS belong to this run alone):
 * argv: <file.tf.json> <mode: parse|check>
 * - parse: the file's text read first (not timed, readMs), then one bare JSON.parse of the whole
 *   text (cold, like check's): the yardstick.
 * - check: what `bulwark check --format json <file>` does, through the same code: loadStacks (the
 *   loader picks the whole-text or the streaming reader by size), checkInputs (index, every rule),
 *   the JSON report string. `ms` is all of it except the time spent reading bytes from disk
 *   (`readMs`; with the streaming reader, the readSync calls), so it compares with the parse mode,
 *   whose text is read before timing; `totalMs` includes it.
 * Prints one JSON line; rssKb is the process's peak RSS at that point.
 */
import { readFileSync } from "fs";
import { performance } from "perf_hooks";
import { loadStacks, type LoadTimings } from "../../policy/load";
import { checkInputs } from "../../policy/cli";
import { formatReport } from "../../policy/report";

const [file, mode] = process.argv.slice(2);
if (mode === "parse") {
  const r0 = performance.now();
  const text = readFileSync(file, "utf8");
  const readMs = performance.now() - r0;
  const t0 = performance.now();
  JSON.parse(text);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, readMs, rssKb: process.resourceUsage().maxRSS })}\n`);
} else {
  const timings: LoadTimings = { readMs: 0, parseMs: 0 };
  const t0 = performance.now();
  let inputs: ReturnType<typeof loadStacks> | null = loadStacks([file], { timings });
  const streamed = inputs[0].streamed;
  const t1 = performance.now();
  const report = checkInputs(inputs);
  // As the CLI does: release the parsed configuration before building the report.
  inputs = null;
  const t2 = performance.now();
  const out = formatReport(report, "json", { color: false });
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      ms: t3 - t0 - timings.readMs,
      totalMs: t3 - t0,
      readMs: timings.readMs,
      parseMs: t1 - t0 - timings.readMs,
      streamed,
      rulesMs: t2 - t1,
      reportMs: t3 - t2,
      findings: report.findings.length,
      bytes: out.length,
      rssKb: process.resourceUsage().maxRSS,
    })}\n`,
  );
}
