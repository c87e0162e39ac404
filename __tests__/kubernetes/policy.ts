/** Synthesis and policy helpers for the Kubernetes tests (the K8S rules are in the catalog). */
import { Testing, type TerraformStack } from "cdktf";
import type { Finding } from "../../policy/types";
import { checkStack } from "../../policy/engine";

export function stackJson(stack: TerraformStack): Record<string, any> {
  Testing.synth(stack, true);
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

export function findings(json: Record<string, unknown>, stack = "stack"): Finding[] {
  return checkStack({ stack, file: `${stack}/cdk.tf.json`, json }).findings;
}

export function errors(json: Record<string, unknown>, stack = "stack"): Finding[] {
  return findings(json, stack).filter((f) => !f.suppressed && f.severity === "error");
}
