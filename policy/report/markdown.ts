/**
 * Report for a pull-request comment: a summary table, then one table per stack with the findings
 * to act on; suppressed findings fold into a <details> block under their stack.
 *
 * Every cell is escaped: messages quote values from the judged JSON, which must not be able to
 * break the table or inject HTML into the comment.
 */
import type { Report } from "../engine";
import type { Finding, Severity } from "../types";
import { printable } from "./printable";
import { catalogFix, groupFindings, metaOf, plural, standingOf, summarySentence } from "./text";

const BADGE: Record<Severity, string> = { error: "🔴 error", warning: "🟡 warning", info: "🔵 info" };

/** Text safe inside a table cell: no raw HTML, no column break, no line break, no control character. */
export function cell(s: string): string {
  return printable(s.replace(/\r\n/g, "\n"), { keepNewlines: true })
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, "<br>");
}

/** Inline code in a cell; backticks cannot occur in addresses but may in odd stack names. */
function code(s: string): string {
  return "`" + cell(s.replace(/`/g, "'")) + "`";
}

function resourceCell(f: Finding): string {
  const at = f.location ? `<br><sub>${cell(`${f.location.file}${f.location.line !== undefined ? `:${f.location.line}` : ""}`)}</sub>` : "";
  return code(f.address) + (f.constructPath ? `<br><sub>${cell(f.constructPath)}</sub>` : "") + at;
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
  return `${[...markdownLines(report)].join("\n")}\n`;
}

function* markdownLines(report: Report): Generator<string> {
  const s = report.summary;
  yield* ["## bulwark policy report", ""];
  const verdict = s.errors > 0 ? "❌" : s.warnings > 0 ? "⚠️" : "✅";
  yield* [`${verdict} ${summarySentence(s)}`, ""];
  const against = s.baselined !== undefined || s.fixed !== undefined;
  yield `| Stacks | Resources | Errors | Warnings | Infos | Suppressed |${against ? " Baselined | Fixed |" : ""}`;
  yield `| ---: | ---: | ---: | ---: | ---: | ---: |${against ? " ---: | ---: |" : ""}`;
  yield `| ${s.stacks} | ${s.resources} | ${s.errors} | ${s.warnings} | ${s.infos} | ${s.suppressed} |${against ? ` ${s.baselined ?? 0} | ${s.fixed ?? 0} |` : ""}`;

  for (const group of groupFindings(report.findings)) {
    const all = group.resources.flatMap((r) => r.findings);
    const open = all.filter((f) => standingOf(f) === null);
    const suppressed = all.filter((f) => f.suppressed);
    const baselined = all.filter((f) => standingOf(f) === "baselined");
    const fixed = all.filter((f) => standingOf(f) === "fixed");
    yield* ["", `### Stack ${code(group.stack)}`, "", `File: ${code(group.file)}`, ""];
    if (open.length > 0) {
      yield "| Severity | Rule | Resource | Finding | Reference |";
      yield "| --- | --- | --- | --- | --- |";
      for (const f of open) {
        yield `| ${BADGE[f.severity]} | ${cell(f.ruleId)} | ${resourceCell(f)} | ${findingCell(f)} | ${referenceCell(f.ruleId)} |`;
      }
    } else {
      yield "No unsuppressed findings.";
    }
    if (suppressed.length > 0) {
      yield* ["", "<details>", `<summary>${plural(suppressed.length, "suppressed finding")}</summary>`, ""];
      yield "| Severity | Rule | Resource | Finding | Reason |";
      yield "| --- | --- | --- | --- | --- |";
      for (const f of suppressed) {
        yield `| ${f.severity} | ${cell(f.ruleId)} | ${resourceCell(f)} | ${cell(f.message)} | ${cell(f.suppressionReason ?? "")} |`;
      }
      yield* ["", "</details>"];
    }
    if (baselined.length > 0) {
      yield* ["", "<details>", `<summary>${plural(baselined.length, "baselined finding")} (recorded in the baseline; they do not fail)</summary>`, ""];
      yield "| Severity | Rule | Resource | Finding |";
      yield "| --- | --- | --- | --- |";
      for (const f of baselined) yield `| ${f.severity} | ${cell(f.ruleId)} | ${resourceCell(f)} | ${cell(f.message)} |`;
      yield* ["", "</details>"];
    }
    if (fixed.length > 0) {
      yield* ["", `${plural(fixed.length, "finding")} of the baseline fixed:`, ""];
      yield "| Rule | Resource | Finding |";
      yield "| --- | --- | --- |";
      for (const f of fixed) yield `| ${cell(f.ruleId)} | ${resourceCell(f)} | ${cell(f.message)} |`;
    }
  }
}
