/**
 * Memoized facts about resources, shared by the rules of every pack (network attachments, image
 * names, mounts, uploaded files). A leaf of `policy/rules/`: it imports only types.
 */
import type { IndexedResource, StackIndex } from "../types";

/**
 * A fact about a resource, computed once: resources are the index's own objects, read-only, and
 * rules of several packs ask the same questions of every container.
 */
let nextSlot = 0;

export function perResource<T>(fn: (c: IndexedResource, index: StackIndex) => T): (c: IndexedResource, index: StackIndex) => T {
  // A slot in the resource's own `facts` array: measured much faster than a WeakMap per fact at
  // 10,000 containers (WeakMap lookups were a tenth of the rules' time). The value is stored as
  // itself (no wrapper object: fewer objects for the garbage collector to copy), `undefined` as
  // UNDEFINED. Hand-built resources without slots fall back to a WeakMap.
  const slot = nextSlot++;
  const memo = new WeakMap<IndexedResource, { v: T }>();
  return (c, index) => {
    const facts = c.facts;
    if (facts !== undefined) {
      const hit = facts[slot];
      if (hit !== undefined) return (hit === UNDEFINED ? undefined : hit) as T;
      const v = fn(c, index);
      facts[slot] = v === undefined ? UNDEFINED : v;
      return v;
    }
    let hit = memo.get(c);
    if (!hit) memo.set(c, (hit = { v: fn(c, index) }));
    return hit.v;
  };
}

/** A fact whose value is `undefined`, in a memo slot (where `undefined` means "not computed yet"). */
const UNDEFINED: unique symbol = Symbol("undefined fact");

/** `perResource` for facts that read only the resource's body. */
export function perResourceOnly<T>(fn: (c: IndexedResource) => T): (c: IndexedResource) => T {
  const memo = perResource((c: IndexedResource) => fn(c));
  return (c) => memo(c, undefined as unknown as StackIndex);
}
