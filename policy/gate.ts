/**
 * The synth gate: after the app has written cdktf.out, judge every stack. Errors stop `npm run
 * synth` and `cdktf synth|diff|deploy` (the app exits non-zero); warnings are printed only.
 */
import { checkStacks, failsAt } from "./engine";
import { loadStacks } from "./load";
import { formatReport } from "./report";

export interface GateOptions {
  /** Lines appended to the summary (e.g. Scorecard tiers). */
  readonly extraSummary?: readonly string[];
  readonly color?: boolean;
  readonly out?: (s: string) => void;
  readonly err?: (s: string) => void;
}

function countByType(json: Record<string, unknown>): Array<[string, number]> {
  const resources = (json.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(resources)
    .map(([type, byName]) => [type, Object.keys(byName).length] as [string, number])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Returns the process exit code: 0 pass, 1 policy errors, 2 unreadable output. */
export function runSynthGate(outdir: string, opts: GateOptions = {}): number {
  const out = opts.out ?? ((s: string) => process.stdout.write(s));
  const err = opts.err ?? ((s: string) => process.stderr.write(s));
  let stacks;
  try {
    stacks = loadStacks([outdir]);
  } catch (e) {
    err(`bulwark: ${(e as Error).message}\n`);
    return 2;
  }
  const report = checkStacks(stacks);
  const lines = [`bulwark: synthesized ${stacks.length} stack(s) into ${outdir}`];
  const width = Math.max(...stacks.map((s) => s.stack.length));
  for (const s of stacks) {
    const types = countByType(s.json);
    const total = types.reduce((n, [, c]) => n + c, 0);
    lines.push(`  ${s.stack.padEnd(width)}  ${String(total).padStart(3)} resources  (${types.map(([t, c]) => `${c} ${t}`).join(", ")})`);
  }
  lines.push(...(opts.extraSummary ?? []));
  const { errors, warnings, suppressed } = report.summary;
  lines.push(`policy: ${errors} error(s), ${warnings} warning(s), ${suppressed} suppressed`);
  out(`${lines.join("\n")}\n`);
  if (report.findings.length > 0) {
    err(formatReport(report, "text", { color: opts.color ?? false }));
  }
  if (failsAt(report.findings, "error")) {
    err(`bulwark: synth stopped: ${errors} unsuppressed policy error(s). Fix them or suppress each with a reason.\n`);
    return 1;
  }
  return 0;
}
