/**
 * Helpers for rule tests: build a Terraform JSON document and run one rule (or all) over it.
 */
import { serialize } from "node:v8";
import { checkStack } from "../../policy/engine";
import { ALL_RULES } from "../../policy/rules";
import type { Finding } from "../../policy/types";

export type Json = Record<string, unknown>;

/** Terraform JSON with the given resources (`{ docker_container: { app: {...} } }`) and extras. */
export function tf(resources: Json, extra: Json = {}): Json {
  return { resource: resources, ...extra };
}

/**
 * Findings of one rule (or all rules when ruleId is omitted) for a Terraform JSON document.
 * Every call also checks that the rules left the document as they found it: rules must be pure,
 * and the streaming reader shares equal blocks between resources of large inputs, so a change made
 * for one resource would show in others.
 */
export function findings(json: Json, ruleId?: string, stack = "test"): Finding[] {
  const rules = ruleId ? ALL_RULES.filter((r) => r.meta.id === ruleId) : ALL_RULES;
  if (ruleId && rules.length !== 1) throw new Error(`rule ${ruleId} is not registered exactly once`);
  const before = serialize(json);
  const result = checkStack({ stack, file: `${stack}.tf.json`, json }, rules).findings;
  if (!serialize(json).equals(before)) throw new Error(`${ruleId ?? "a rule"} changed the document it judged`);
  return result;
}

/** Compact `severity address` strings of one rule's findings, for readable assertions. */
export function hits(json: Json, ruleId: string): string[] {
  return findings(json, ruleId).map((f) => `${f.severity} ${f.address}`);
}

/** `RULE severity address` strings of one rule's findings. */
export function ruleHits(json: Json, ruleId: string): string[] {
  return findings(json, ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);
}
