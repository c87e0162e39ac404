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
import type { Severity, StackIndex } from "../../types";

/** Marker for a value that is a reference this stack cannot resolve. */
export const UNKNOWN: unique symbol = Symbol("unknown value");
export type Unknown = typeof UNKNOWN;

export type Json = Record<string, unknown>;

// `${…}` or `%{…}` not escaped as `$${` / `%%{` (Terraform's literal escapes).
const INTERPOLATION = /(^|[^$%])[$%]\{/;
const NUMERIC = /^\s*[-+]?\d+(?:\.\d*)?\s*$/;

export function hasInterpolation(s: string): boolean {
  return INTERPOLATION.test(s);
}

/** undefined when absent or null; UNKNOWN for an unresolvable reference; otherwise the literal. */
export function resolved(value: unknown, index: StackIndex): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && hasInterpolation(value)) {
    const r = index.resolveString(value);
    return r === null ? UNKNOWN : r;
  }
  return value;
}

/** true / "true" / "1" are true; any other literal is false; undefined when absent. */
export function readBool(value: unknown, index: StackIndex): boolean | undefined | Unknown {
  const v = resolved(value, index);
  if (v === undefined || v === UNKNOWN) return v;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    return s === "true" || s === "1";
  }
  if (typeof v === "number") return v !== 0;
  return false;
}

/** A number or numeric string; NaN for another literal; undefined when absent or "". */
export function readNumber(value: unknown, index: StackIndex): number | undefined | Unknown {
  const v = resolved(value, index);
  if (v === undefined || v === UNKNOWN) return v;
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    if (v.trim() === "") return undefined;
    return NUMERIC.test(v) ? Number(v) : NaN;
  }
  return NaN;
}

/** A string (numbers and booleans stringified); undefined when absent or not scalar. */
export function readString(value: unknown, index: StackIndex): string | undefined | Unknown {
  const v = resolved(value, index);
  if (v === undefined || v === UNKNOWN) return v;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * A list of strings, each element resolved (or UNKNOWN); UNKNOWN when the whole list is a
 * reference; [] when absent. A lone string is accepted as a one-element list.
 */
export function readStringList(value: unknown, index: StackIndex): (string | Unknown)[] | Unknown {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return hasInterpolation(value) ? UNKNOWN : [value];
  if (!Array.isArray(value)) return [];
  const out: (string | Unknown)[] = [];
  for (const e of value) {
    const s = readString(e, index);
    if (s !== undefined) out.push(s);
  }
  return out;
}

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
