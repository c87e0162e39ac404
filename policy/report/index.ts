/**
 * One entry point for every report format, shared by the CLI, the synth gate and the jest matchers
 * so that a finding reads the same wherever it surfaces.
 */
import type { Report } from "../engine";
import { joinPieces, type Pieces } from "./chunks";
import { formatJson, jsonPieces } from "./json";
import { formatMarkdown, markdownPieces } from "./markdown";
import { formatSarif, sarifPieces, type Locate } from "./sarif";
import { formatText, textPieces } from "./text";

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
  return joinPieces(reportPieces(report, format, options));
}

/**
 * The same text in pieces, produced as they are consumed: what the CLI writes out, so that a
 * report of any size never exists as one string (policy/report/chunks.ts).
 */
export function reportPieces(report: Report, format: ReportFormat, options: FormatOptions = {}): Pieces {
  switch (format) {
    case "text":
      return textPieces(report, { color: options.color ?? false });
    case "json":
      return jsonPieces(report);
    case "sarif":
      return sarifPieces(report, { locate: options.locate });
    case "markdown":
      return markdownPieces(report);
    default: {
      const never: never = format;
      throw new Error(`unknown report format ${String(never)}`);
    }
  }
}

export { formatJson, formatMarkdown, formatSarif, formatText };
export { writeBatched, type Pieces } from "./chunks";
export type { Locate };
export { TOOL_NAME, TOOL_VERSION } from "./sarif";
