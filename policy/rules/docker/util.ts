/**
 * Readers shared by the DOCKER rules.
 *
 * Terraform JSON is lenient and so are we: booleans and numbers may arrive as strings ("true",
 * "256"), nested blocks as an object or an array of objects, absent attributes as missing keys or
 * `null` (plan JSON lists every attribute), and any value may be a `${…}` reference.
 *
 * Reference policy of every DOCKER rule: a reference to a literal in the same stack (including
 * `${docker_image.x.image_id}` → that image's `name`) is resolved and judged like the literal. A
 * reference that cannot be resolved (a variable, a computed attribute) is neither passed nor failed
 * silently: the rule reports an `info` finding saying the value cannot be verified before apply.
 * Infos never fail the default gate, and nothing unknown is waved through unseen.
 */
import { blocks } from "../../stack-index";
import type { IndexedResource, RuleResult, Severity, StackIndex } from "../../types";

export { normalizeHostPath } from "../../../knowledge";
export { UNKNOWN, hasInterpolation, resolved, readBool, readNumber, readString, readStringList } from "../values";
export type { Unknown } from "../values";
import { UNKNOWN, readNumber, readString, readStringList, type Unknown } from "../values";

type Json = Record<string, unknown>;

/** Nested blocks of an attribute (object or array of objects). */
export function nested(body: Readonly<Json>, key: string): Json[] {
  return blocks(body[key]);
}

/** Every element of a list-valued attribute inside each nested block (`capabilities.drop`). */
export function nestedList(body: Readonly<Json>, block: string, key: string, index: StackIndex): (string | Unknown)[] | Unknown {
  const out: (string | Unknown)[] = [];
  for (const b of nested(body, block)) {
    const list = readStringList(b[key], index);
    if (list === UNKNOWN) return UNKNOWN;
    out.push(...list);
  }
  return out;
}

/** A value for a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "unset";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function result(res: IndexedResource, message: string, severity?: Severity): RuleResult {
  return severity ? { address: res.address, message, severity } : { address: res.address, message };
}

/** The info finding for a value this stack cannot resolve. */
export function cannotVerify(res: IndexedResource, attribute: string, raw: unknown, what: string): RuleResult {
  const value = raw === undefined ? "" : ` (${show(raw)})`;
  return {
    address: res.address,
    severity: "info",
    message:
      `${attribute}${value} is a reference that cannot be resolved in this stack, so ${what} cannot be verified before apply. ` +
      "Fix: use a literal value (or a reference to a literal in this stack), or verify the applied value by hand.",
  };
}

/** A port number for messages and comparisons: a finite integer, else null. */
export function portNumber(n: number | undefined | Unknown): number | null {
  return typeof n === "number" && Number.isInteger(n) ? n : null;
}



/** One `ports` entry, read leniently. */
export interface PortEntry {
  readonly internal: number | undefined | Unknown;
  readonly external: number | undefined | Unknown;
  readonly ip: string | undefined | Unknown;
  readonly protocol: string;
  readonly raw: Readonly<Json>;
}

export function readPorts(body: Readonly<Json>, index: StackIndex): PortEntry[] {
  return nested(body, "ports").map((p) => {
    const protocol = readString(p.protocol, index);
    return {
      internal: readNumber(p.internal, index),
      external: readNumber(p.external, index),
      ip: readString(p.ip, index),
      protocol: typeof protocol === "string" && protocol.trim() !== "" ? protocol.trim().toLowerCase() : "tcp",
      raw: p,
    };
  });
}

function part(v: number | string | undefined | Unknown, raw: unknown, absent: string): string {
  if (v === UNKNOWN) return String(raw);
  if (v === undefined) return absent;
  return String(v);
}

/** Docker's notation: `0.0.0.0:5432->5432/tcp`, `127.0.0.1:(random)->80/tcp`. */
export function portLabel(p: PortEntry): string {
  const ip = p.ip === undefined || (typeof p.ip === "string" && p.ip.trim() === "") ? "0.0.0.0" : part(p.ip, p.raw.ip, "0.0.0.0");
  const ext = typeof p.external === "number" && p.external <= 0 ? "(random)" : part(p.external, p.raw.external, "(random)");
  return `${ip}:${ext}->${part(p.internal, p.raw.internal, "?")}/${p.protocol}`;
}
