/**
 * One entry point for every report format, shared by the CLI, the synth gate and the jest matchers
 * so that a finding reads the same wherever it surfaces.
 */
import type { Report } from "../engine";
import { formatJson } from "./json";
import { formatMarkdown } from "./markdown";
import { formatSarif, type Locate } from "./sarif";
import { formatText } from "./text";

export type ReportFormat = "text" | "json" | "sarif" | "markdown";

export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "sarif", "markdown"];

export interface FormatOptions {
  /** ANSI colours in the text format (ignored by the others). @default false */
  readonly color?: boolean;
  /** Line of a resource in its file, for SARIF regions. @default every finding on line 1 */
  readonly locate?: Locate;
}

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/** The report as text in the given format, ending with a newline. */
export function formatReport(report: Report, format: ReportFormat, options: FormatOptions = {}): string {
  switch (format) {
    case "text":
      return formatText(report, { color: options.color ?? false });
    case "json":
      return formatJson(report);
    case "sarif":
      return formatSarif(report, { locate: options.locate });
    case "markdown":
      return formatMarkdown(report);
    default: {
      const never: never = format;
      throw new Error(`unknown report format ${String(never)}`);
    }
  }
}

export { formatJson, formatMarkdown, formatSarif, formatText };
export type { Locate };
export { TOOL_NAME, TOOL_VERSION } from "./sarif";
