/**
 * Baselines: adopt bulwark on an existing repository and fail only on new findings.
 *
 *   bulwark check infra/ --write-baseline .bulwark-baseline.json   # record today's findings
 *   bulwark check infra/ --baseline .bulwark-baseline.json         # fail only on findings not recorded
 *
 * A finding is recognized by its fingerprint: rule id, address and subject (what in the resource
 * it is about: a host path, a hostname), within its input (the stack file or HCL directory as the
 * report names it, relative to the working directory: run from the repository root, it is the
 * same in every clone, where an HCL stack's name, the directory's own name, may not be). Line
 * numbers and message text are not part of it, so moving a block, reformatting a file or a
 * reworded message does not make a finding "new".
 * The same fingerprint may occur more than once (a rule reporting one resource twice): each
 * recorded occurrence covers one current finding.
 *
 * Against a baseline every finding gets SARIF's `baselineState` (SARIF 2.1.0 §3.27.24): `new` (not
 * recorded: judged as usual), `unchanged` (recorded: reported as baselined, never fails), and a
 * recorded finding no longer found is reported once as `absent` (fixed, info), so the team sees
 * what to drop from the baseline with the next `--write-baseline`.
 *
 * The file is JSON (reviewable in a pull request), entries sorted by fingerprint:
 *   { "bulwarkBaseline": 1, "findings": [{ "ruleId", "stack", "address", "subject"?, "severity", "file", "message" }] }
 * `stack`, `severity` and `message` are for readers (and for the fixed report); they do not match.
 */
import * as fs from "node:fs";
import { z } from "zod";
import type { Finding } from "./types";

/** Format version of the baseline file (the value of its `bulwarkBaseline` key). */
export const BASELINE_VERSION = 1;

/** A problem with a baseline file: one line naming the file, the problem and the fix. */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

export interface BaselineEntry {
  readonly ruleId: string;
  readonly stack: string;
  readonly address: string;
  readonly subject?: string;
  readonly severity: "error" | "warning" | "info";
  readonly file: string;
  readonly message: string;
}

export interface Baseline {
  readonly entries: readonly BaselineEntry[];
}

const ENTRY = z.object({
  ruleId: z.string().min(1),
  stack: z.string(),
  address: z.string().min(1),
  subject: z.string().optional(),
  severity: z.enum(["error", "warning", "info"]),
  file: z.string(),
  message: z.string(),
});

const FILE = z.object({ bulwarkBaseline: z.literal(BASELINE_VERSION), findings: z.array(ENTRY) });

/** The fingerprint of a finding (or of a baseline entry): rule id, input file, address, subject. */
export function baselineKey(f: { readonly ruleId: string; readonly file: string; readonly address: string; readonly subject?: string }): string {
  return `${f.ruleId}\u0000${f.file}\u0000${f.address}\u0000${f.subject ?? ""}`;
}

/** True when the text is a bulwark baseline of any version (the `bulwarkBaseline` key at the top). */
function looksLikeBaseline(text: string): boolean {
  try {
    const doc = JSON.parse(text) as unknown;
    return typeof doc === "object" && doc !== null && !Array.isArray(doc) && "bulwarkBaseline" in doc;
  } catch {
    return false;
  }
}

/** Read a baseline file; anything wrong is one BaselineError line. `given` is the path as the user wrote it. */
export function readBaseline(abs: string, given: string): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BaselineError(`--baseline ${given}: no such file (create it with \`bulwark check <path>... --write-baseline ${given}\`)`);
    throw new BaselineError(`--baseline ${given}: cannot read (${code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new BaselineError(`--baseline ${given}: not a bulwark baseline: invalid JSON (${(e as Error).message}); write a new one with --write-baseline ${given}`);
  }
  const parsed = FILE.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? ` at ${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "")}` : "";
    const what = typeof doc === "object" && doc !== null && !Array.isArray(doc) && "bulwarkBaseline" in doc
      ? (doc as { bulwarkBaseline: unknown }).bulwarkBaseline === BASELINE_VERSION ? `${issue.message}${at}` : `version ${JSON.stringify((doc as { bulwarkBaseline: unknown }).bulwarkBaseline)} is not ${BASELINE_VERSION}`
      : "no \"bulwarkBaseline\" key at the top level";
    throw new BaselineError(`--baseline ${given}: not a bulwark baseline: ${what}; write a new one with --write-baseline ${given}`);
  }
  return { entries: parsed.data.findings };
}

/** The findings a baseline records: the open ones (not suppressed, not reported as fixed). */
function recorded(findings: readonly Finding[]): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const f of findings) {
    if (f.suppressed || f.baselineState === "absent") continue;
    out.push({
      ruleId: f.ruleId, stack: f.stack, address: f.address, ...(f.subject !== undefined ? { subject: f.subject } : {}),
      severity: f.severity, file: f.file, message: f.message,
    });
  }
  return out.sort((a, b) => (baselineKey(a) < baselineKey(b) ? -1 : baselineKey(a) > baselineKey(b) ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** The baseline file's text for these findings. */
export function formatBaseline(findings: readonly Finding[]): string {
  return `${JSON.stringify({ bulwarkBaseline: BASELINE_VERSION, findings: recorded(findings) }, null, 2)}\n`;
}

/**
 * Write the findings as a baseline, returning what was written. An existing file is replaced
 * only when it is a bulwark baseline: anything else is refused, never overwritten silently.
 */
export function writeBaseline(abs: string, given: string, findings: readonly Finding[]): Baseline {
  let existing: string | null = null;
  try {
    existing = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new BaselineError(`--write-baseline ${given}: it is a directory; give a file name`);
    if (code !== "ENOENT") throw new BaselineError(`--write-baseline ${given}: cannot read the existing file (${code ?? (e as Error).message})`);
  }
  if (existing !== null && existing.trim() !== "" && !looksLikeBaseline(existing.charCodeAt(0) === 0xfeff ? existing.slice(1) : existing)) {
    throw new BaselineError(`--write-baseline ${given}: refusing to overwrite ${given}, which exists and is not a bulwark baseline; remove it or choose another file name`);
  }
  const text = formatBaseline(findings);
  try {
    fs.writeFileSync(abs, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BaselineError(`--write-baseline ${given}: cannot write (${code === "EACCES" ? "permission denied" : code === "ENOENT" ? "its directory does not exist" : code ?? (e as Error).message})`);
  }
  return { entries: (JSON.parse(text) as { findings: BaselineEntry[] }).findings };
}

/**
 * The findings judged against a baseline: each one `new` or `unchanged`, then one `absent`
 * (fixed, info) finding per recorded occurrence no longer found, at the end of its stack's
 * findings. Suppressed findings keep no state (a suppression already covers them).
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, baselineFile: string): Finding[] {
  const remaining = new Map<string, BaselineEntry[]>();
  for (const e of baseline.entries) {
    const k = baselineKey(e);
    let list = remaining.get(k);
    if (!list) remaining.set(k, (list = []));
    list.push(e);
  }
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.suppressed) {
      out.push(f);
      continue;
    }
    const list = remaining.get(baselineKey(f));
    const hit = list !== undefined && list.length > 0;
    if (hit) list.pop();
    out.push({ ...f, baselineState: hit ? "unchanged" : "new" });
  }
  // Each fixed finding after the last finding of its input (or at the end, for an input not checked now).
  const lastOf = new Map<string, { index: number; stack: string }>();
  out.forEach((f, i) => lastOf.set(f.file, { index: i, stack: f.stack }));
  const after = new Map<number, Finding[]>();
  const tail: Finding[] = [];
  for (const list of remaining.values()) {
    for (const e of list) {
      const at = lastOf.get(e.file);
      const fixed: Finding = {
        ruleId: e.ruleId, severity: "info", stack: at?.stack ?? e.stack, address: e.address, constructPath: null, file: e.file,
        message: `Fixed: ${e.ruleId} (${e.severity}) recorded in the baseline ${baselineFile}${e.subject !== undefined ? ` for ${e.subject}` : ""} is no longer found on ${e.address}. Fix: nothing to fix; run bulwark check with --write-baseline ${baselineFile} to drop it from the baseline.`,
        suppressed: false, suppressionReason: null, subject: e.subject, baselineState: "absent",
      };
      if (at === undefined) tail.push(fixed);
      else {
        let l = after.get(at.index);
        if (!l) after.set(at.index, (l = []));
        l.push(fixed);
      }
    }
  }
  if (after.size === 0 && tail.length === 0) return out;
  const merged: Finding[] = [];
  out.forEach((f, i) => {
    merged.push(f);
    const extra = after.get(i);
    if (extra) for (const x of extra) merged.push(x);
  });
  return merged.concat(tail);
}
