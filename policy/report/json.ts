/**
 * Machine-readable report. The shape is a public contract (scripts and CI parse it): keys appear
 * in this exact order, and `version` changes only when a field changes meaning or disappears.
 */
import type { Report } from "../engine";
import type { Finding } from "../types";

export const JSON_REPORT_VERSION = 1;

function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    stack: f.stack,
    address: f.address,
    constructPath: f.constructPath,
    file: f.file,
    message: f.message,
    suppressed: f.suppressed,
    suppressionReason: f.suppressionReason,
    // Only where the reader knows the declaring file and line (HCL input): `{ file, line }`.
    ...(f.location ? { location: { file: f.location.file, line: f.location.line ?? null } } : {}),
    // Only when the rule names what in the resource the finding is about (a host path).
    ...(f.subject !== undefined ? { subject: f.subject } : {}),
    // Only against a baseline (`--baseline`): "new", "unchanged" (baselined) or "absent" (fixed).
    ...(f.baselineState !== undefined ? { baselineState: f.baselineState } : {}),
  };
}

/** `JSON.stringify(doc, null, 2)` plus a newline. */
export function formatJson(report: Report): string {
  const doc = {
    version: JSON_REPORT_VERSION,
    findings: report.findings.map(findingJson),
    summary: {
      stacks: report.summary.stacks,
      resources: report.summary.resources,
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      infos: report.summary.infos,
      suppressed: report.summary.suppressed,
      ...(report.summary.baselined !== undefined ? { baselined: report.summary.baselined } : {}),
      ...(report.summary.fixed !== undefined ? { fixed: report.summary.fixed } : {}),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
