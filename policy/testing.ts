/**
 * Policy in tests: synthesize a stack with its metadata (construct paths and suppressions, which
 * `Testing.synth` strips) and judge it with the engine.
 */
import { Testing, TerraformStack } from "cdktf";
import { checkStack } from "./engine";
import type { Finding } from "./types";

/**
 * The stack's Terraform JSON as `cdktf synth` writes it, with "//" metadata. Runs aspects and
 * construct validations first (like a full synth) so invalid constructs fail here too.
 */
export function synthStackJson(stack: TerraformStack): Record<string, unknown> {
  Testing.synth(stack, true);
  return JSON.parse(JSON.stringify(stack.toTerraform())) as Record<string, unknown>;
}

export type PolicySubject = TerraformStack | Record<string, unknown> | string;

function toJson(subject: PolicySubject): { stack: string; json: Record<string, unknown> } {
  if (subject instanceof TerraformStack) return { stack: subject.node.id, json: synthStackJson(subject) };
  if (typeof subject === "string") return { stack: "stack", json: JSON.parse(subject) as Record<string, unknown> };
  return { stack: "stack", json: subject };
}

/** All findings (suppressed ones included) for a stack, its JSON or a JSON string. */
export function policyFindings(subject: PolicySubject): Finding[] {
  const { stack, json } = toJson(subject);
  return checkStack({ stack, file: `${stack}/cdk.tf.json`, json }).findings;
}
