/**
 * Suppressions travel inside the synthesized JSON so the CLI, the synth gate and the jest
 * matchers honour the same ones.
 *
 * Format (Terraform ignores every "//" key):
 * - on a resource or data source: `"//": { "bulwark": { "suppressions": [{ "rule": "DOCKER-020", "reason": "…" }] } }`
 * - for stack-level findings (variables, providers, backend) or any address, at the top level:
 *   `"//": { "bulwark": { "suppressions": [{ "rule": "STATE-001", "address": "terraform.backend", "reason": "…" }] } }`
 */
import { MIN_REASON_LENGTH, suppressionFormatProblem } from "../knowledge/suppressions";
import { isKnownRuleId } from "./catalog";
import { isObject } from "./stack-index";
import type { DeclaredSuppression } from "./hcl/notes";
import type { Finding, StackIndex } from "./types";

export { MIN_REASON_LENGTH };

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

/** A problem with a suppression written in the JSON: an input error, not a finding. */
export class SuppressionError extends Error {}

/** Validate one suppression; returns the problem in words, or null when it is valid. */
export function suppressionProblem(rule: unknown, reason: unknown): string | null {
  if (typeof rule !== "string" || !isKnownRuleId(rule)) {
    return `unknown rule id ${JSON.stringify(rule)} (run \`bulwark rules\` for the list)`;
  }
  return suppressionFormatProblem(rule, reason);
}

/** A suppression as the engine applies it: the reason, and what it covers when it is granular. */
export interface SuppressionEntry {
  readonly reason: string;
  /** Only findings whose subject is listed (cdk-nag's appliesTo); absent: every finding of the rule. */
  readonly appliesTo?: readonly string[];
}

export type SuppressionMap = ReadonlyMap<string, ReadonlyMap<string, SuppressionEntry>>;

/** The reason a suppression gives for this finding, or null when none covers it. */
export function suppressionFor(map: SuppressionMap, address: string, ruleId: string, subject: string | undefined): string | null {
  const e = map.get(address)?.get(ruleId);
  if (!e) return null;
  if (e.appliesTo !== undefined && (subject === undefined || !e.appliesTo.includes(subject))) return null;
  return e.reason;
}

function readList(where: string, meta: unknown, withAddress: boolean): Array<Suppression & { address?: string; appliesTo?: string[] }> {
  if (!isObject(meta) || !isObject(meta.bulwark)) return [];
  const list = meta.bulwark.suppressions;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new SuppressionError(`${where}: "//".bulwark.suppressions must be an array`);
  return list.map((entry, i) => {
    if (!isObject(entry)) throw new SuppressionError(`${where}: suppression #${i + 1} must be an object`);
    const problem = suppressionProblem(entry.rule, entry.reason);
    if (problem) throw new SuppressionError(`${where}: ${problem}`);
    if (withAddress && (typeof entry.address !== "string" || entry.address === "")) {
      throw new SuppressionError(`${where}: stack-level suppression of ${String(entry.rule)} needs an "address"`);
    }
    const appliesTo = entry.appliesTo;
    if (appliesTo !== undefined && (!Array.isArray(appliesTo) || appliesTo.length === 0 || appliesTo.some((a) => typeof a !== "string" || a.trim() === ""))) {
      throw new SuppressionError(`${where}: suppression of ${String(entry.rule)}: "appliesTo" must be a non-empty list of what it covers (e.g. host paths)`);
    }
    return {
      rule: entry.rule as string,
      reason: (entry.reason as string).trim(),
      address: typeof entry.address === "string" ? entry.address : undefined,
      appliesTo: appliesTo as string[] | undefined,
    };
  });
}

/** address → rule id → reason, for one stack. Throws SuppressionError on an invalid entry. */
export function collectSuppressions(json: Record<string, unknown>, index: StackIndex): Map<string, Map<string, SuppressionEntry>> {
  const out = new Map<string, Map<string, SuppressionEntry>>();
  const add = (address: string, s: { rule: string; reason: string; appliesTo?: string[] }) => {
    let byRule = out.get(address);
    if (!byRule) out.set(address, (byRule = new Map()));
    byRule.set(s.rule, s.appliesTo ? { reason: s.reason, appliesTo: s.appliesTo } : { reason: s.reason });
  };
  for (const s of readList(`stack ${index.stack}`, json["//"], true)) add(s.address!, s);
  for (const r of index.resources) {
    for (const s of readList(r.address, r.body["//"], false)) add(r.address, s);
  }
  for (const v of index.variables.values()) {
    for (const s of readList(v.address, v.body["//"], false)) add(v.address, s);
  }
  return out;
}

/** The rule that reports suppressions of HCL input that expired or matched nothing (with what it cannot judge). */
export const SUPPRESSION_REPORT_RULE = "STATE-002";

/** `module.app.*` as a matcher of addresses as shown (`*` spans anything). */
function addressPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Does a suppression written for `address` (as shown) cover a finding at `found`? */
function covers(s: DeclaredSuppression, found: string): boolean {
  if (s.kind === "inline") return found === s.address || (found.startsWith(s.address) && found.charCodeAt(s.address.length) === 0x5b /* [ */);
  return s.address.includes("*") ? addressPattern(s.address).test(found) : found === s.address;
}

/**
 * Findings about the suppressions written for one HCL stack (`# bulwark:ignore` comments and
 * `.bulwark.yaml` entries, policy/hcl/notes.ts): one info finding (STATE-002) per entry that
 * expired (it applied to nothing) and per entry that suppressed no finding of this run, located
 * at the comment or entry. `findings` are the stack's findings (addresses as shown); `ran`
 * the ids of the rules of this run (a suppression of a rule left out by `--pack` is not judged).
 * Runs once per stack over its suppressed findings: nothing is added to the engine's loops.
 */
export function suppressionUseFindings(
  declared: readonly DeclaredSuppression[], findings: readonly Finding[], stack: string, file: string, ran: ReadonlySet<string>,
): Finding[] {
  if (declared.length === 0 || !ran.has(SUPPRESSION_REPORT_RULE)) return [];
  const suppressed = findings.filter((f) => f.suppressed);
  const out: Finding[] = [];
  const report = (s: DeclaredSuppression, message: string) =>
    out.push({ ruleId: SUPPRESSION_REPORT_RULE, severity: "info", stack, address: s.address, constructPath: null, file, message, suppressed: false, suppressionReason: null, subject: `${s.kind === "inline" ? "bulwark:ignore" : ".bulwark.yaml"} ${s.rule}`, location: { file: s.file, line: s.line } });
  // A comment in a module called twice is written once: it is used when any call's resource used it.
  const byPlace = new Map<string, DeclaredSuppression[]>();
  for (const s of declared) {
    const place = `${s.kind}\u0000${s.file}\u0000${s.line}\u0000${s.rule}`;
    let list = byPlace.get(place);
    if (!list) byPlace.set(place, (list = []));
    list.push(s);
  }
  for (const copies of byPlace.values()) {
    const s = copies[0];
    const what = s.kind === "inline" ? `\`# bulwark:ignore ${s.rule}\`` : `the suppression of ${s.rule} for ${s.address}`;
    if (s.expired !== undefined) {
      report(s, `${s.file}:${s.line}: ${what} expired on ${s.expired}${s.owner ? ` (owner ${s.owner})` : ""}, so it no longer applies. Fix: fix the finding, or renew the suppression with a new date and reason.`);
      continue;
    }
    if (!ran.has(s.rule)) continue;
    if (copies.some((c) => suppressed.some((f) => f.ruleId === c.rule && covers(c, f.address)))) continue;
    report(s, `${s.file}:${s.line}: ${what} matched no finding, so it suppresses nothing (the finding is gone, or the rule id or the address is not the one reported). Fix: remove it, or correct its rule id or address to those the report shows.`);
  }
  return out;
}
