/**
 * Construct checks and `appliesTo` selectors: which resources of the judged stacks match a
 * declarative selector (a type, a name pattern, label patterns, attribute patterns). Pure: reads
 * the stack indexes the engine builds (policy/stack-index.ts).
 */
import { blocks, isObject } from "../stack-index";
import type { IndexedResource, StackIndex } from "../types";
import type { Selector } from "./schema";

/** A resource that matched, with its stack. */
export interface Match {
  readonly stack: string;
  readonly address: string;
}

/**
 * The values at a dotted path. A numeric segment indexes an array; any other segment over an
 * array applies to each element (Terraform JSON keeps blocks as objects or lists of objects).
 */
export function valuesAt(body: unknown, dotted: string): unknown[] {
  let current: unknown[] = [body];
  for (const seg of dotted.split(".")) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        if (/^\d+$/.test(seg)) {
          if (Number(seg) < v.length) next.push(v[Number(seg)]);
        } else for (const e of v) if (isObject(e) && seg in e) next.push(e[seg]);
      } else if (isObject(v) && seg in v) next.push(v[seg]);
    }
    current = next;
  }
  return current;
}

/** The text a pattern is tested against: a string as is, a list of strings one per line, anything else as JSON. */
export function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((e) => typeof e === "string")) return v.join("\n");
  return JSON.stringify(v) ?? "";
}

/** Labels of a resource: docker `labels` ({label, value} blocks or a map) and Kubernetes `metadata.labels`. */
export function labelsOf(res: IndexedResource, index: StackIndex): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: unknown, v: unknown) => {
    if (typeof k !== "string") return;
    const s = typeof v === "string" ? index.resolveString(v) ?? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;
    if (s !== null) out.set(k, s);
  };
  const labels = res.body.labels;
  if (Array.isArray(labels)) for (const l of labels) if (isObject(l)) put(l.label, l.value);
  if (isObject(labels)) for (const [k, v] of Object.entries(labels)) put(k, v);
  for (const m of blocks(res.body.metadata)) if (isObject(m.labels)) for (const [k, v] of Object.entries(m.labels)) put(k, v);
  return out;
}

const compiled = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = compiled.get(source);
  if (!r) compiled.set(source, (r = new RegExp(source, "m")));
  return r;
}

/** True when the resource matches the selector. */
export function matches(res: IndexedResource, selector: Selector, index: StackIndex): boolean {
  if (res.mode !== "resource" || res.type !== selector.type) return false;
  if (selector.name !== undefined && !re(selector.name).test(res.name)) return false;
  if (selector.labels) {
    const labels = labelsOf(res, index);
    for (const [k, pattern] of Object.entries(selector.labels)) {
      const v = labels.get(k);
      if (v === undefined || !re(pattern).test(v)) return false;
    }
  }
  if (selector.attributes) {
    for (const [p, pattern] of Object.entries(selector.attributes)) {
      if (!valuesAt(res.body, p).some((v) => re(pattern).test(valueText(v)))) return false;
    }
  }
  return true;
}

/** Every matching resource of the stacks, in stack then address order. */
export function select(indexes: readonly StackIndex[], selector: Selector): Match[] {
  const out: Match[] = [];
  for (const index of indexes) {
    for (const res of index.byType(selector.type)) if (matches(res, selector, index)) out.push({ stack: index.stack, address: res.address });
  }
  return out;
}
