/**
 * Secrets reach resources only as references to sensitive values, never as literals.
 *
 * - `Secret.named(name, description)`: a neutral reference; each renderer binds it (the Docker
 *   renderer declares a sensitive Terraform variable of that name in the container's stack, once).
 * - `Secret.fromVariable(scope, name, description)`: declare the sensitive variable now.
 * - `Secret.fromSensitiveValue(value, source)`: a sensitive value Terraform computes (a data source
 *   attribute such as a tunnel token).
 *
 * `named` and `fromVariable` take optional `{ owner, rotationDays, blastRadius }` for the secrets
 * inventory (`bulwark secrets`, docs/security/SECRETS_INVENTORY.md). They are recorded in the
 * variable's description as a suffix the inventory parses (policy/secrets/metadata.ts), so
 * Terraform and HCL users declare them the same way:
 *
 *   description = "MariaDB root password [bulwark: owner=dba-team; rotation=30d; blast-radius=all library data]"
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { SecretRef } from "../service/spec";

const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

/** What the secrets inventory records about a secret besides its description. */
export interface SecretOptions {
  /**
   * Who rotates the secret and answers for it (a team, `@org/team` or an e-mail).
   * @default the `bulwark.owner` label of the containers using it (the configuration's `owner`), else "unassigned"
   */
  readonly owner?: string;
  /**
   * Days between rotations (1 to 3650).
   * @default 90 (DEFAULT_ROTATION_DAYS of policy/secrets/metadata.ts, applied by the inventory)
   */
  readonly rotationDays?: number;
  /**
   * What an attacker holding the secret reaches, in one sentence; it is shown before what the
   * inventory derives from where the secret is used.
   * @default only the derived blast radius
   */
  readonly blastRadius?: string;
}

/** Characters the description suffix uses as delimiters. */
const METADATA_DELIMITERS = /[;\]\[\n\r]/;

function checkOptions(where: string, name: string, options: SecretOptions | undefined): void {
  if (options === undefined) return;
  const at = `${where}(${name})`;
  if (typeof options !== "object" || options === null) throw new Error(`${at}: options must be an object { owner?, rotationDays?, blastRadius? }`);
  for (const key of ["owner", "blastRadius"] as const) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || v.trim() === "") throw new Error(`${at}: ${key} must be a non-empty string`);
    if (METADATA_DELIMITERS.test(v)) throw new Error(`${at}: ${key} ${JSON.stringify(v)} must not contain ";", "[", "]" or a line break (they delimit the inventory metadata in the description). Fix: reword it`);
  }
  const days = options.rotationDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
    throw new Error(`${at}: rotationDays ${JSON.stringify(days)} must be a whole number of days from 1 to 3650, e.g. 90`);
  }
}

/**
 * The description with the inventory metadata suffix (`… [bulwark: owner=…; rotation=30d;
 * blast-radius=…]`), or the description unchanged when no option is given.
 */
export function describeSecret(description: string, options: SecretOptions = {}): string {
  const parts: string[] = [];
  if (options.owner !== undefined) parts.push(`owner=${options.owner.trim()}`);
  if (options.rotationDays !== undefined) parts.push(`rotation=${options.rotationDays}d`);
  if (options.blastRadius !== undefined) parts.push(`blast-radius=${options.blastRadius.trim()}`);
  return parts.length === 0 ? description : `${description} [bulwark: ${parts.join("; ")}]`;
}

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
  named(name: string, description: string, options?: SecretOptions): SecretRef {
    checkName("Secret.named", name, description);
    checkOptions("Secret.named", name, options);
    return { kind: "secret", name, description: describeSecret(description, options), source: `secret ${name}` };
  },

  /**
   * Declare a sensitive string variable without default (SECRET-002) and return a reference to it.
   * Supply the value with `TF_VAR_<name>` or a `*.tfvars` file kept out of git.
   */
  fromVariable(scope: Construct, name: string, description: string, options?: SecretOptions): SecretRef {
    checkName("Secret.fromVariable", name, description);
    checkOptions("Secret.fromVariable", name, options);
    const described = describeSecret(description, options);
    const v = declareVariable(scope, name, described);
    return { kind: "secret", name, description: described, expression: v.stringValue, source: `var.${name}` };
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
