/**
 * The readiness report as text (terminals), JSON (machines; the HTML page's numbers are these),
 * and markdown (a pull-request comment). The HTML page is html.ts.
 */
import { TOOL_VERSION } from "../report";
import type { ItemResult, PhaseCounts, ReadinessReport, RoadmapResult } from "./evaluate";
import { openItems } from "./evaluate";
import type { StackTopology } from "./topology";

export const READINESS_FORMATS = ["text", "json", "markdown", "html"] as const;
export type ReadinessFormat = (typeof READINESS_FORMATS)[number];

/** Reasons shown per item in text, markdown and HTML (JSON has them all). */
export const MAX_REASONS_SHOWN = 5;

export function scoreText(score: number | null): string {
  return score === null ? "n/a" : `${score}%`;
}

export function countsText(c: PhaseCounts): string {
  return `${c.met} met, ${c.notMet} not met, ${c.unknown} unknown, ${c.manual} manual, ${c.notApplicable} n/a`;
}

export function shownReasons(item: ItemResult): string[] {
  const r = item.reasons;
  if (r.length <= MAX_REASONS_SHOWN) return [...r];
  return [...r.slice(0, MAX_REASONS_SHOWN), `… and ${r.length - MAX_REASONS_SHOWN} more (the JSON report lists them all)`];
}

function inputsNote(report: ReadinessReport): string {
  const drills = report.inputs.drillResults ? "drill results given" : "no drill results given, so drills are unknown";
  const manual = report.inputs.manualStatuses > 0 ? `${report.inputs.manualStatuses} manual status(es) recorded` : "no manual statuses recorded, so manual items are pending";
  return `${drills}; ${manual}`;
}

export function readinessText(report: ReadinessReport): string {
  const out: string[] = [];
  out.push(`bulwark readiness over ${report.stacks.join(", ") || "no stack"} (${inputsNote(report)})`);
  for (const r of report.roadmaps) {
    out.push("", `${r.roadmap}: ${scoreText(r.score)}  ${r.title}  [stacks: ${r.stacks.join(", ")}]`);
    const w = Math.max(...r.phases.map((p) => p.id.length));
    for (const p of r.phases) out.push(`  phase ${p.id.padEnd(w)}  ${scoreText(p.score).padStart(4)}  ${countsText(p.counts)}  ${p.title}`);
  }
  const open = openItems(report);
  if (open.length > 0) {
    out.push("", `open items (${open.length}):`);
    for (const { item } of open) {
      out.push(`  ${item.status === "unknown" ? "UNKNOWN" : "NOT MET"}  ${item.id}  ${item.text}`);
      for (const reason of shownReasons(item)) out.push(`      - ${reason}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export interface JsonOptions {
  readonly topology?: readonly StackTopology[];
}

export function readinessJson(report: ReadinessReport, opts: JsonOptions = {}): string {
  return `${JSON.stringify({ tool: "bulwark", version: TOOL_VERSION, ...report, ...(opts.topology ? { topology: opts.topology } : {}) }, null, 2)}\n`;
}

/** Markdown table cells: no pipes or line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function roadmapMarkdown(r: RoadmapResult): string[] {
  const out = [`### ${cell(r.title)} (\`${r.roadmap}\`): ${scoreText(r.score)}`, "", `Stacks judged: ${r.stacks.map((s) => `\`${s}\``).join(", ")}`, ""];
  out.push("| Phase | Score | Met | Not met | Unknown | Manual | N/A |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const p of r.phases) {
    const c = p.counts;
    out.push(`| ${cell(`${p.id}: ${p.title}`)} | ${scoreText(p.score)} | ${c.met} | ${c.notMet} | ${c.unknown} | ${c.manual} | ${c.notApplicable} |`);
  }
  return out;
}

export function readinessMarkdown(report: ReadinessReport): string {
  const out = ["## bulwark readiness", "", `Over ${report.stacks.map((s) => `\`${s}\``).join(", ")}; ${inputsNote(report)}.`, ""];
  out.push("| Roadmap | Score | Met | Not met | Unknown | Manual | N/A |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const r of report.roadmaps) {
    const c = r.counts;
    out.push(`| ${r.roadmap} | ${scoreText(r.score)} | ${c.met} | ${c.notMet} | ${c.unknown} | ${c.manual} | ${c.notApplicable} |`);
  }
  for (const r of report.roadmaps) out.push("", ...roadmapMarkdown(r));
  const open = openItems(report);
  if (open.length > 0) {
    out.push("", `<details><summary>Open items (${open.length})</summary>`, "");
    for (const { item } of open) {
      out.push(`- **${item.id}** (${item.status}): ${item.text}`);
      for (const reason of shownReasons(item)) out.push(`  - ${reason.replace(/\r?\n/g, " ")}`);
    }
    out.push("", "</details>");
  }
  return `${out.join("\n")}\n`;
}
