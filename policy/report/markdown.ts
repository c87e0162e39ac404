/**
 * Report for a pull-request comment: a summary table, then one table per stack with the findings
 * to act on; suppressed findings fold into a <details> block under their stack.
 *
 * Every cell is escaped: messages quote values from the judged JSON, which must not be able to
 * break the table or inject HTML into the comment.
 */
import type { Report } from "../engine";
import type { Finding, Severity } from "../types";
import { catalogFix, groupFindings, metaOf, plural, summarySentence } from "./text";

const BADGE: Record<Severity, string> = { error: "🔴 error", warning: "🟡 warning", info: "🔵 info" };

/** Text safe inside a table cell: no raw HTML, no column break, no line break. */
export function cell(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

/** Inline code in a cell; backticks cannot occur in addresses but may in odd stack names. */
function code(s: string): string {
  return "`" + cell(s.replace(/`/g, "'")) + "`";
}

function resourceCell(f: Finding): string {
  return code(f.address) + (f.constructPath ? `<br><sub>${cell(f.constructPath)}</sub>` : "");
}

/** The message, then the catalog's fix when the message does not give one. */
function findingCell(f: Finding): string {
  const fix = f.suppressed ? null : catalogFix(f);
  return cell(f.message) + (fix ? `<br>**Fix:** ${cell(fix)}` : "");
}

function referenceCell(ruleId: string): string {
  return cell(metaOf(ruleId)?.anchor ?? "");
}

export function formatMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [];
  out.push("## bulwark policy report", "");
  const verdict = s.errors > 0 ? "❌" : s.warnings > 0 ? "⚠️" : "✅";
  out.push(`${verdict} ${summarySentence(s)}`, "");
  out.push("| Stacks | Resources | Errors | Warnings | Infos | Suppressed |");
  out.push("| ---: | ---: | ---: | ---: | ---: | ---: |");
  out.push(`| ${s.stacks} | ${s.resources} | ${s.errors} | ${s.warnings} | ${s.infos} | ${s.suppressed} |`);

  for (const group of groupFindings(report.findings)) {
    const all = group.resources.flatMap((r) => r.findings);
    const open = all.filter((f) => !f.suppressed);
    const suppressed = all.filter((f) => f.suppressed);
    out.push("", `### Stack ${code(group.stack)}`, "", `File: ${code(group.file)}`, "");
    if (open.length > 0) {
      out.push("| Severity | Rule | Resource | Finding | Reference |");
      out.push("| --- | --- | --- | --- | --- |");
      for (const f of open) {
        out.push(`| ${BADGE[f.severity]} | ${cell(f.ruleId)} | ${resourceCell(f)} | ${findingCell(f)} | ${referenceCell(f.ruleId)} |`);
      }
    } else {
      out.push("No unsuppressed findings.");
    }
    if (suppressed.length > 0) {
      out.push("", "<details>", `<summary>${plural(suppressed.length, "suppressed finding")}</summary>`, "");
      out.push("| Severity | Rule | Resource | Finding | Reason |");
      out.push("| --- | --- | --- | --- | --- |");
      for (const f of suppressed) {
        out.push(`| ${f.severity} | ${cell(f.ruleId)} | ${resourceCell(f)} | ${cell(f.message)} | ${cell(f.suppressionReason ?? "")} |`);
      }
      out.push("", "</details>");
    }
  }
  return out.join("\n") + "\n";
}
