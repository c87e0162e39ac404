/**
 * One policy measurement in a fresh process (so JIT state and peak RSS belong to this run alone):
 * argv: <file.tf.json> <mode: parse|check> [pack: a pack id, "none", "by-rule", or "without:<pack>,<pack>"]
 * - parse: the yardstick. The file's text is read (readMs), then parsed by one bare JSON.parse
 *   (ms): nothing else.
 * - check: what `bulwark check --format json --output /dev/null <file>` does, through the same
 *   code (checkSources: read, JSON.parse, validate, index, every rule; then the JSON report
 *   formatted and written once). `ms` is all of it except reading the file (`readMs`), so it
 *   compares with the parse mode's `ms`; `totalMs` includes the read. With a pack, only that pack's
 *   rules run (`bulwark check --pack <id>`); with "none", no rule runs (read, parse, index, report);
 *   with "without:<packs>", every rule but those packs' runs.
 *   With "by-rule", every rule runs, each wrapped in a timer: `byRule` lists [rule id, ms] (check
 *   and, for app rules, collect), slowest first. The timers add a little to every figure; a rule's
 *   figure includes the readers it is the first to ask (they are computed once, then shared).
 * Prints one JSON line; rssKb is the process's peak RSS at that point.
 */
import { readFileSync, writeFileSync } from "fs";
import { performance } from "perf_hooks";
import { checkSources } from "../../policy/cli";
import { findStacks, type LoadTimings } from "../../policy/load";
import { formatReport } from "../../policy/report";
import { ALL_RULES } from "../../policy/rules";
import { isPackId, rulesInPacks } from "../../policy/packs";
import type { PackId, Rule } from "../../policy/types";

const [file, mode, pack] = process.argv.slice(2);

/** The rule with its check (and collect) timed into `spent` by rule id. */
function timed(rule: Rule, spent: Map<string, number>): Rule {
  const time = <A extends unknown[], R>(fn: (...a: A) => R) => (...a: A): R => {
    const t0 = performance.now();
    try {
      return fn(...a);
    } finally {
      spent.set(rule.meta.id, (spent.get(rule.meta.id) ?? 0) + performance.now() - t0);
    }
  };
  if (rule.kind === "app") return { ...rule, collect: time(rule.collect), check: time(rule.check) };
  if (rule.kind === "stack") return { ...rule, check: time(rule.check) };
  return { ...rule, check: time(rule.check) };
}
const print = (o: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ ...o, rssKb: process.resourceUsage().maxRSS })}\n`);

if (mode === "parse") {
  const r0 = performance.now();
  const text = readFileSync(file, "utf8");
  const readMs = performance.now() - r0;
  const t0 = performance.now();
  JSON.parse(text);
  print({ ms: performance.now() - t0, readMs });
} else {
  const timings: LoadTimings = { readMs: 0, parseMs: 0 };
  const without = pack?.startsWith("without:") ? pack.slice("without:".length).split(",") : null;
  if (without !== null ? !without.every(isPackId) : pack !== undefined && pack !== "none" && pack !== "by-rule" && !isPackId(pack)) throw new Error(`policy-child: unknown pack ${JSON.stringify(pack)}`);
  const spent = new Map<string, number>();
  const rules =
    without !== null ? ALL_RULES.filter((r) => !(without as string[]).includes(r.meta.pack))
    : pack === undefined ? ALL_RULES : pack === "none" ? [] : pack === "by-rule" ? ALL_RULES.map((r) => timed(r, spent)) : rulesInPacks(ALL_RULES, [pack as PackId]);
  const t0 = performance.now();
  const { report } = checkSources(findStacks([file]), { timings, rules });
  const t1 = performance.now();
  const text = formatReport(report, "json");
  writeFileSync("/dev/null", text);
  const t2 = performance.now();
  print({
    ms: t2 - t0 - timings.readMs,
    totalMs: t2 - t0,
    readMs: timings.readMs,
    parseMs: timings.parseMs,
    rulesMs: t1 - t0 - timings.readMs - timings.parseMs,
    reportMs: t2 - t1,
    findings: report.findings.length,
    rules: rules.length,
    reportBytes: Buffer.byteLength(text),
    ...(pack === "by-rule" ? { byRule: [...spent].sort((a, b) => b[1] - a[1]) } : {}),
  });
}
