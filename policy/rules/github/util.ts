/**
 * Readers shared by the GH rules.
 *
 * Terraform JSON is lenient and so are we: booleans and numbers may arrive as strings ("true",
 * "2"), nested blocks as an object or an array of objects, absent attributes as missing keys or
 * `null` (plan JSON lists every attribute), and any value may be a `${…}` reference.
 *
 * Reference policy of every GH rule: a reference to a literal in the same stack is resolved and
 * judged like the literal. A reference that cannot be resolved (a variable, a computed attribute)
 * is never waved through silently: the rule reports an `info` finding saying the value cannot be
 * verified before apply.
 */
import { blocks } from "../../stack-index";
import type { Severity } from "../../types";

export { UNKNOWN, hasInterpolation, resolved, readBool, readNumber, readString, readStringList } from "../values";
export type { Unknown } from "../values";

export type Json = Record<string, unknown>;

/** The first nested block of an attribute (object or array of one object), or undefined. */
export function block(body: Readonly<Json> | undefined, key: string): Json | undefined {
  return body ? blocks(body[key])[0] : undefined;
}

/** A value for a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined || value === null) return "unset";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `github_repository_file.codeowners`, `${github_repository_file.codeowners}`, `…files[0]` → address. */
export function dependsOnAddress(entry: unknown): string | null {
  if (typeof entry !== "string") return null;
  let s = entry.trim();
  if (s.startsWith("${") && s.endsWith("}")) s = s.slice(2, -1).trim();
  const bracket = s.indexOf("[");
  if (bracket >= 0) s = s.slice(0, bracket);
  return s.length > 0 ? s : null;
}

/** What a per-aspect check concludes; `NOT_APPLICABLE` defers to another check of the same rule. */
export interface Verdict {
  readonly severity: Severity;
  readonly message: string;
}
export const NOT_APPLICABLE = "n/a" as const;
export type CheckOutcome = Verdict | null | typeof NOT_APPLICABLE;

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** Rank of an outcome: ok 0 < info < warning < error < not applicable. */
export function outcomeRank(o: CheckOutcome): number {
  if (o === null) return 0;
  if (o === NOT_APPLICABLE) return 4;
  return RANK[o.severity];
}
