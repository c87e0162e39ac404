/**
 * One policy measurement in a fresh process (so JIT state and peak RSS belong to this run alone):
 * argv: <file.tf.json> <mode: parse|check>
 * - parse: the file's text read first (not timed, readMs), then one bare JSON.parse of the whole
 *   text (cold, like check's): the yardstick.
 * - check: what `bulwark check --format json --output /dev/null <file>` does, through the same
 *   code: checkSources (the loader picks the whole-text or the streaming reader by size; index,
 *   every rule), then the JSON report written out in batches. `ms` is all of it except the time
 *   spent reading bytes from disk (`readMs`; with the streaming reader, the readSync calls), so it
 *   compares with the parse mode, whose text is read before timing; `totalMs` includes it.
 * Prints one JSON line; rssKb is the process's peak RSS at that point.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "fs";
import { performance } from "perf_hooks";
import { STREAM_THRESHOLD_BYTES, findStacks, type LoadTimings } from "../../policy/load";
import { checkSources } from "../../policy/cli";
import { reportPieces, writeBatched } from "../../policy/report";

const [file, mode] = process.argv.slice(2);
if (mode === "parse") {
  const r0 = performance.now();
  const text = readFileSync(file, "utf8");
  const readMs = performance.now() - r0;
  const t0 = performance.now();
  JSON.parse(text);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, readMs, rssKb: process.resourceUsage().maxRSS })}\n`);
} else {
  // As `bulwark check --format json --output /dev/null <file>` does it, with a clock between steps.
  const timings: LoadTimings = { readMs: 0, parseMs: 0 };
  const t0 = performance.now();
  const sources = findStacks([file]);
  const { report } = checkSources(sources, { timings });
  const t2 = performance.now();
  const fd = openSync("/dev/null", "w");
  let bytes = 0;
  writeBatched(reportPieces(report, "json"), (chunk) => {
    bytes += chunk.length;
    writeSync(fd, chunk);
  });
  closeSync(fd);
  const t3 = performance.now();
  const parseMs = timings.parseMs;
  process.stdout.write(
    `${JSON.stringify({
      ms: t3 - t0 - timings.readMs,
      totalMs: t3 - t0,
      readMs: timings.readMs,
      parseMs,
      streamed: statSync(file).size >= STREAM_THRESHOLD_BYTES,
      rulesMs: t2 - t0 - timings.readMs - parseMs,
      reportMs: t3 - t2,
      findings: report.findings.length,
      bytes,
      rssKb: process.resourceUsage().maxRSS,
    })}\n`,
  );
}
