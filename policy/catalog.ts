/**
 * The rule catalog, derived from the rule declarations (policy/rules/<domain>/<domain>-<nnn>-*.ts,
 * each declaring its id, severity, pack, title, description, fix and references next to its
 * check). Ids are a public contract: never renamed, never re-purposed.
 *
 * Constructs do not load this module: they check the suppression format with the knowledge leaf
 * (knowledge/suppressions.ts); whether an id exists is judged here, by the engine.
 */
import { ALL_RULES } from "./rules";
import type { RuleMeta } from "./types";

export const CATALOG: readonly RuleMeta[] = ALL_RULES.map((r) => r.meta);

const BY_ID = new Map<string, RuleMeta>();
for (const meta of CATALOG) {
  if (BY_ID.has(meta.id)) throw new Error(`policy rule id ${meta.id} is declared twice`);
  BY_ID.set(meta.id, meta);
}

export const RULE_IDS: readonly string[] = CATALOG.map((r) => r.id);

export function isKnownRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** Catalog entry for an id; throws for an unknown id (a programming error). */
export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown policy rule id ${id}`);
  return meta;
}
