/**
 * Report for people at a terminal: findings grouped by stack, then by resource (with its construct
 * path), one line per finding followed by its fix hint and reference; suppressed findings keep their place
 * and show their reason; one summary line at the end.
 *
 * The grouping and summary wording are shared with the markdown report.
 */
import { CATALOG } from "../catalog";
import type { Report, Summary } from "../engine";
import type { Finding, RuleMeta, Severity } from "../types";
import { printable } from "./printable";

export interface TextOptions {
  /** ANSI colours; the CLI enables them only for a TTY without NO_COLOR. @default false */
  readonly color?: boolean;
}

const META = new Map(CATALOG.map((m) => [m.id, m]));

/** Catalog entry of a finding's rule; undefined for a rule outside the catalog (custom rules). */
export function metaOf(ruleId: string): RuleMeta | undefined {
  return META.get(ruleId);
}

const HAS_FIX = /\bFix:/;

/**
 * The catalog's fix for a finding, unless its message already says how to fix it (rule messages
 * name the offending value and the concrete fix, which beats the catalog's generic wording).
 */
export function catalogFix(f: Finding): string | null {
  const meta = metaOf(f.ruleId);
  return meta && !HAS_FIX.test(f.message) ? meta.fix : null;
}

export interface StackGroup {
  readonly stack: string;
  readonly file: string;
  readonly resources: readonly ResourceGroup[];
}

export interface ResourceGroup {
  readonly address: string;
  readonly constructPath: string | null;
  /** `main.tf:12`, when the reader knows where the resource is declared (HCL input). */
  readonly location: string | null;
  readonly findings: readonly Finding[];
}

/** Findings by stack (and file), then by address, keeping the engine's order. */
export function groupFindings(findings: readonly Finding[]): StackGroup[] {
  interface MutableResource { address: string; constructPath: string | null; location: string | null; findings: Finding[] }
  interface MutableStack { stack: string; file: string; resources: MutableResource[]; byAddress: Map<string, MutableResource> }
  const stacks: MutableStack[] = [];
  const byStack = new Map<string, MutableStack>();
  for (const f of findings) {
    const key = `${f.stack}\u0000${f.file}`;
    let s = byStack.get(key);
    if (!s) {
      s = { stack: f.stack, file: f.file, resources: [], byAddress: new Map() };
      byStack.set(key, s);
      stacks.push(s);
    }
    let r = s.byAddress.get(f.address);
    if (!r) {
      r = { address: f.address, constructPath: f.constructPath, location: f.location ? `${f.location.file}${f.location.line !== undefined ? `:${f.location.line}` : ""}` : null, findings: [] };
      s.byAddress.set(f.address, r);
      s.resources.push(r);
    }
    if (r.constructPath === null && f.constructPath !== null) r.constructPath = f.constructPath;
    r.findings.push(f);
  }
  return stacks.map(({ stack, file, resources }) => ({ stack, file, resources }));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * `2 errors, 1 warning, 0 infos, 1 suppressed in 2 stacks (5 resources)`; against a baseline
 * `…, 1 suppressed, 3 baselined, 1 fixed in …` (errors, warnings and infos are then the new ones only).
 */
export function summarySentence(s: Summary): string {
  const where = `in ${plural(s.stacks, "stack")} (${plural(s.resources, "resource")})`;
  const against = s.baselined !== undefined || s.fixed !== undefined;
  const baseline = against ? `, ${s.baselined ?? 0} baselined, ${s.fixed ?? 0} fixed` : "";
  if (s.errors + s.warnings + s.infos + s.suppressed + (s.baselined ?? 0) + (s.fixed ?? 0) === 0) return `No findings ${where}.`;
  return `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "info")}, ${s.suppressed} suppressed${baseline} ${where}.`;
}

/** `suppressed`, `baselined` (in the baseline, found again), `fixed` (in the baseline, gone), else null. */
export function standingOf(f: Finding): "suppressed" | "baselined" | "fixed" | null {
  if (f.suppressed) return "suppressed";
  if (f.baselineState === "unchanged") return "baselined";
  if (f.baselineState === "absent") return "fixed";
  return null;
}

const SGR = {
  reset: "\u001b[0m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  red: "\u001b[31m",
  green: "\u001b[32m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
} as const;

type Style = keyof typeof SGR;

const SEVERITY_STYLE: Record<Severity, Style> = { error: "red", warning: "yellow", info: "cyan" };

const LABEL_WIDTH = 10; // "suppressed"
const RULE_WIDTH = 10; // "SECRET-001"
const CONTINUATION = " ".repeat(4 + LABEL_WIDTH + 1);

/**
 * The text report, one line per entry. Everything taken from the judged input (stack, file,
 * address, construct path, message, reason) is shown with its control characters escaped
 * (`printable`), so a value in the JSON cannot drive the terminal; messages keep their line breaks.
 */
export function formatText(report: Report, options: TextOptions = {}): string {
  const paint = (style: Style, s: string) => (options.color ? `${SGR[style]}${s}${SGR.reset}` : s);
  const lines: string[] = [];
  for (const group of groupFindings(report.findings)) {
    lines.push(`${paint("bold", printable(group.stack))}  ${paint("dim", printable(group.file))}`);
    for (const res of group.resources) {
      const at = res.location ? `  ${paint("dim", printable(res.location))}` : "";
      lines.push(`  ${paint("bold", printable(res.address))}${res.constructPath ? `  ${paint("dim", `(${printable(res.constructPath)})`)}` : ""}${at}`);
      for (const f of res.findings) {
        const standing = standingOf(f);
        const label = standing ?? f.severity;
        const style: Style = standing === "fixed" ? "green" : standing !== null ? "dim" : SEVERITY_STYLE[f.severity];
        const message = (standing === "suppressed" || standing === "baselined" ? `[${f.severity}] ` : "") + printable(f.message, { keepNewlines: true }).replace(/\n/g, `\n${CONTINUATION}`);
        lines.push(`    ${paint(style, label.padEnd(LABEL_WIDTH))} ${paint("bold", printable(f.ruleId).padEnd(RULE_WIDTH))} ${message}`);
        if (f.suppressed) {
          lines.push(`${CONTINUATION}${paint("dim", `reason: ${printable(f.suppressionReason ?? "")}`)}`);
        } else if (standing === "fixed") {
          // The message says what was fixed; no fix hint.
        } else {
          const meta = metaOf(f.ruleId);
          const fix = catalogFix(f);
          if (fix) lines.push(`${CONTINUATION}${paint("dim", `fix: ${fix}${meta ? ` (${meta.anchor})` : ""}`)}`);
          else if (meta) lines.push(`${CONTINUATION}${paint("dim", `ref: ${meta.anchor}`)}`);
        }
      }
    }
    lines.push("");
  }
  const s = report.summary;
  const summaryStyle: Style = s.errors > 0 ? "red" : s.warnings > 0 ? "yellow" : "green";
  lines.push(paint(summaryStyle, summarySentence(s)));
  return `${lines.join("\n")}\n`;
}
