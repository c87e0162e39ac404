/**
 * Secrets reach resources only as references to sensitive values, never as literals.
 *
 * - `Secret.named(name, description)`: a neutral reference; each renderer binds it (the Docker
 *   renderer declares a sensitive Terraform variable of that name in the container's stack, once).
 * - `Secret.fromVariable(scope, name, description)`: declare the sensitive variable now.
 * - `Secret.fromSensitiveValue(value, source)`: a sensitive value Terraform computes (a data source
 *   attribute such as a tunnel token).
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { SecretRef } from "../service/spec";

const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

function checkName(where: string, name: string, description: string): void {
  if (typeof name !== "string" || !VARIABLE_NAME.test(name)) {
    throw new Error(`${where}: secret name ${JSON.stringify(name)} must be snake_case ([a-z][a-z0-9_]*), e.g. "db_password"`);
  }
  if (typeof description !== "string" || description.trim() === "") {
    throw new Error(`${where}(${name}): give a description saying what the secret is and who rotates it`);
  }
}

function declareVariable(scope: Construct, name: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false, description });
}

export const Secret = {
  /** A neutral reference to the secret `name`, bound by the renderer that uses it. */
  named(name: string, description: string): SecretRef {
    checkName("Secret.named", name, description);
    return { kind: "secret", name, description, source: `secret ${name}` };
  },

  /**
   * Declare a sensitive string variable without default (SECRET-002) and return a reference to it.
   * Supply the value with `TF_VAR_<name>` or a `*.tfvars` file kept out of git.
   */
  fromVariable(scope: Construct, name: string, description: string): SecretRef {
    checkName("Secret.fromVariable", name, description);
    const v = declareVariable(scope, name, description);
    return { kind: "secret", name, description, expression: v.stringValue, source: `var.${name}` };
  },

  /**
   * Wrap a sensitive value that Terraform computes (a data source attribute such as a tunnel
   * token). `value` must be a token/reference, not a literal.
   */
  fromSensitiveValue(value: string, source: string): SecretRef {
    if (typeof value !== "string" || !value.includes("${")) {
      throw new Error(`Secret.fromSensitiveValue(${source}): got a literal; pass a Terraform reference (a token) to a sensitive value`);
    }
    const name = source.replace(/[^a-z0-9_]+/gi, "_").toLowerCase().replace(/^_+|_+$/g, "") || "value";
    return { kind: "secret", name, expression: value, source };
  },
};

/**
 * The Terraform expression of a secret in `scope`'s stack: its own expression when bound, else a
 * sensitive variable named after it, declared once per stack (two services sharing one secret
 * share the variable).
 */
export function bindSecretToTerraform(scope: Construct, ref: SecretRef, where: string): string {
  if (ref.expression !== undefined) {
    assertSecretRef(where, ref);
    return ref.expression;
  }
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ref.name);
  if (existing instanceof TerraformVariable) return existing.stringValue;
  if (existing !== undefined) {
    throw new Error(`${where}: secret ${ref.name} would be declared as a variable, but stack ${stack.node.id} already has a construct with id "${ref.name}". Fix: rename the secret`);
  }
  checkName(where, ref.name, ref.description ?? "");
  return declareVariable(stack, ref.name, ref.description as string).stringValue;
}

/** Throw when a SecretRef was forged from a literal. */
export function assertSecretRef(where: string, ref: SecretRef): void {
  if (ref.expression !== undefined && (typeof ref.expression !== "string" || !ref.expression.includes("${"))) {
    throw new Error(`${where}: secret ${ref.source ?? "?"} is a literal; create it with Secret.named(), Secret.fromVariable() or Secret.fromSensitiveValue()`);
  }
}
