/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run whose driver
 * lists the whole catalog (so `ruleIndex` is stable across runs), one result per finding.
 *
 * - `level`: error → error, warning → warning, info → note (per finding, which may be below the
 *   rule's headline severity).
 * - Location: the file (relative, forward slashes) with the line of the resource when the caller
 *   can tell (the finding's `location` for HCL input, else `locate`), else line 1; the Terraform
 *   address as a logical location.
 * - `partialFingerprints`: a hash of rule id, stack and address, so an alert survives unrelated
 *   edits and line moves.
 * - Suppressed findings stay in the log with an `inSource` suppression and its justification;
 *   code scanning then shows them as dismissed instead of open.
 * - Against a baseline (`--baseline`), each result has `baselineState`: `new`, `unchanged`
 *   (recorded in the baseline) or `absent` (recorded, no longer found: a fixed finding, level note).
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { packageInfo, type PackageInfo } from "../../knowledge/package-files";
import { CATALOG } from "../catalog";
import type { Report } from "../engine";
import type { RuleMeta, Severity } from "../types";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const pkg = packageInfo();

export const TOOL_NAME = "bulwark";
export const TOOL_VERSION: string = pkg.version;

/** Where people learn about the tool: package.json `homepage`, else its repository URL. */
export const TOOL_INFORMATION_URI: string | undefined = informationUri(pkg);

function informationUri(p: PackageInfo): string | undefined {
  const candidates = [p.homepage, typeof p.repository === "string" ? p.repository : p.repository?.url];
  for (const c of candidates) {
    if (!c) continue;
    const url = c.replace(/^git\+/, "").replace(/\.git$/, "");
    if (/^https?:\/\//.test(url)) return url;
  }
  return undefined;
}

export type Locate = (file: string, address: string) => number | undefined;

export interface SarifOptions {
  /** 1-based line of an address in a file, when known. */
  readonly locate?: Locate;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** GitHub maps security-severity to critical (≥ 9), high (≥ 7), medium (≥ 4), low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.0", info: "2.0" };

/** `Container runs privileged` → `ContainerRunsPrivileged`. */
export function ruleName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

function ruleDescriptor(meta: RuleMeta) {
  return {
    id: meta.id,
    name: ruleName(meta.title),
    shortDescription: { text: meta.title },
    fullDescription: { text: `${meta.title} (${meta.anchor}).` },
    help: {
      text: `${meta.title}. Fix: ${meta.fix} Reference: ${meta.anchor}.`,
      markdown: `**${meta.title}**\n\n**Fix:** ${meta.fix}\n\n**Reference:** ${meta.anchor}`,
    },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ["security", "terraform", meta.domain.toLowerCase()],
      "security-severity": SECURITY_SEVERITY[meta.severity],
      precision: "high",
    },
  };
}

/** A descriptor for a finding whose rule is outside the catalog (a user's custom rule). */
function unknownDescriptor(id: string) {
  return { id, name: ruleName(id), shortDescription: { text: id }, properties: { tags: ["security", "terraform"] } };
}

/** The file as a SARIF URI: relative paths with forward slashes, absolute ones as file: URLs. */
export function artifactUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  const forward = file.split(path.sep).join("/").replace(/\\/g, "/");
  return encodeURI(forward).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

export function fingerprint(ruleId: string, stack: string, address: string): string {
  return createHash("sha256").update(`${ruleId}\u0000${stack}\u0000${address}`).digest("hex").slice(0, 32);
}

/** The SARIF log as pretty JSON plus a newline. */
export function formatSarif(report: Report, options: SarifOptions = {}): string {
  const rules: Array<ReturnType<typeof ruleDescriptor> | ReturnType<typeof unknownDescriptor>> = CATALOG.map(ruleDescriptor);
  const ruleIndex = new Map(CATALOG.map((m, i) => [m.id, i]));
  // Rules outside the catalog (custom rules) get descriptors in order of first appearance.
  for (const f of report.findings) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length);
      rules.push(unknownDescriptor(f.ruleId));
    }
  }
  const uris = new Map<string, string>();
  const uriOf = (file: string) => {
    let uri = uris.get(file);
    if (uri === undefined) uris.set(file, (uri = artifactUri(file)));
    return uri;
  };
  const results = report.findings.map((f) => {
    // HCL input: the finding's own .tf file and line; JSON input: the stack file and `locate`.
    const file = f.location?.file ?? f.file;
    const line = f.location?.line ?? options.locate?.(f.file, f.address);
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(file) },
            region: { startLine: line !== undefined && line >= 1 ? line : 1 },
          },
          logicalLocations: [{ name: f.address, fullyQualifiedName: `${f.stack}/${f.address}`, kind: "resource" }],
        },
      ],
      partialFingerprints: { "bulwarkFindingHash/v1": fingerprint(f.ruleId, f.stack, f.address) },
      ...(f.suppressed ? { suppressions: [{ kind: "inSource", justification: f.suppressionReason ?? "" }] } : {}),
      // Against a baseline (`--baseline`): new, unchanged (baselined) or absent (fixed), SARIF 2.1.0 §3.27.24.
      ...(f.baselineState !== undefined ? { baselineState: f.baselineState } : {}),
      properties: { stack: f.stack, constructPath: f.constructPath },
    };
  });
  const driver = {
    name: TOOL_NAME,
    ...(TOOL_INFORMATION_URI ? { informationUri: TOOL_INFORMATION_URI } : {}),
    version: TOOL_VERSION,
    semanticVersion: TOOL_VERSION,
    rules,
  };
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{ tool: { driver }, columnKind: "utf16CodeUnits", results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
