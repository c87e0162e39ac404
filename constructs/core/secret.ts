/**
 * Secrets reach resources only as references to sensitive Terraform values, never as literals.
 */
import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { SecretRef } from "../service/spec";

const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

export const Secret = {
  /**
   * Declare a sensitive string variable without default (SECRET-002) and return a reference to it.
   * Supply the value with `TF_VAR_<name>` or a `*.tfvars` file kept out of git.
   */
  fromVariable(scope: Construct, name: string, description: string): SecretRef {
    if (!VARIABLE_NAME.test(name)) {
      throw new Error(`Secret.fromVariable: variable name "${name}" must be snake_case ([a-z][a-z0-9_]*), e.g. "db_password"`);
    }
    if (description.trim() === "") {
      throw new Error(`Secret.fromVariable(${name}): give a description saying what the secret is and who rotates it`);
    }
    const v = new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false, description });
    return { kind: "secret", expression: v.stringValue, source: `var.${name}` };
  },

  /**
   * Wrap a sensitive value that Terraform computes (a data source attribute such as a tunnel
   * token). `value` must be a token/reference, not a literal.
   */
  fromSensitiveValue(value: string, source: string): SecretRef {
    if (!value.includes("${")) {
      throw new Error(`Secret.fromSensitiveValue(${source}): got a literal; pass a Terraform reference (a token) to a sensitive value`);
    }
    return { kind: "secret", expression: value, source };
  },
};

/** Throw when a SecretRef was forged from a literal. */
export function assertSecretRef(where: string, ref: SecretRef): void {
  if (typeof ref.expression !== "string" || !ref.expression.includes("${")) {
    throw new Error(`${where}: secret ${ref.source ?? "?"} is a literal; create it with Secret.fromVariable() or Secret.fromSensitiveValue()`);
  }
}
