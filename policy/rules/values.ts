/**
 * Lenient readers of Terraform JSON values shared by the rule domains: booleans and numbers may
 * arrive as strings ("true", "256"), absent attributes as missing keys or `null` (plan JSON lists
 * every attribute), and any value may be a `${…}` reference, resolved within the stack when it
 * can be and reported as UNKNOWN when it cannot.
 */
import type { StackIndex } from "../types";

/** Marker for a value that is a reference this stack cannot resolve. */
export const UNKNOWN: unique symbol = Symbol("unknown value");
export type Unknown = typeof UNKNOWN;

// `${…}` or `%{…}` not escaped as `$${` / `%%{` (Terraform's literal escapes).
const INTERPOLATION = /(^|[^$%])[$%]\{/;
const NUMERIC = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** True when a string holds a Terraform interpolation or directive (a reference, not a literal). */
export function hasInterpolation(s: string): boolean {
  // Most strings hold no brace at all: one indexOf instead of a regex scan.
  return s.indexOf("{") >= 0 && INTERPOLATION.test(s);
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

/** true / "true" / "1" are true; anything else present is false. */
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

/** A number, or a numeric string; NaN for a literal that is not a number; undefined when absent or "". */
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
 * A list of strings: each element resolved (or UNKNOWN); UNKNOWN when the whole list is a
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
