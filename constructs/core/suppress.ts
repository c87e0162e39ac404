/**
 * Suppress one policy rule on one resource, with a written reason. The suppression is written
 * into the synthesized JSON ("//".bulwark.suppressions), so the CLI, the synth gate and the jest
 * matchers all honour the same ones, and every report still shows it.
 */
import { TerraformElement, TerraformStack } from "cdktf";
import { suppressionFormatProblem as suppressionProblem } from "../../knowledge/suppressions";

interface Entry {
  readonly rule: string;
  readonly reason: string;
  readonly address?: string;
  /** Only the findings about these subjects (host paths for DOCKER-016/017). */
  readonly appliesTo?: readonly string[];
}

const written = new WeakMap<object, Entry[]>();

function record(target: TerraformElement | TerraformStack, entry: Entry): void {
  const list = written.get(target) ?? [];
  if (list.some((e) => e.rule === entry.rule && e.address === entry.address)) {
    throw new Error(`${target.node.path}: ${entry.rule} is already suppressed${entry.address ? ` for ${entry.address}` : ""}; keep one suppression with one reason`);
  }
  list.push(entry);
  written.set(target, list);
  target.addOverride("//.bulwark.suppressions", list.map((e) => ({ ...e })));
}

/**
 * Set the suppression of `ruleId` on an element, replacing an earlier one of the same rule (for
 * constructs that grow one reason as grants are added, e.g. allowHostPath).
 */
export function setSuppression(element: TerraformElement, ruleId: string, reason: string, appliesTo?: readonly string[]): void {
  const problem = suppressionProblem(ruleId, reason);
  if (problem) throw new Error(`${element.node.path}: ${problem}`);
  const list = (written.get(element) ?? []).filter((e) => !(e.rule === ruleId && e.address === undefined));
  written.set(element, list);
  record(element, appliesTo ? { rule: ruleId, reason: reason.trim(), appliesTo: [...appliesTo] } : { rule: ruleId, reason: reason.trim() });
}

/** Suppress `ruleId` on a resource, data source or variable. */
export function suppress(element: TerraformElement, ruleId: string, reason: string): void {
  const problem = suppressionProblem(ruleId, reason);
  if (problem) throw new Error(`${element.node.path}: ${problem}`);
  record(element, { rule: ruleId, reason: reason.trim() });
}

/**
 * Suppress `ruleId` for a stack-level address (`terraform.backend`, `provider.github`,
 * `var.x`) or any address in the stack.
 */
export function suppressInStack(stack: TerraformStack, ruleId: string, address: string, reason: string): void {
  const problem = suppressionProblem(ruleId, reason);
  if (problem) throw new Error(`${stack.node.path}: ${problem}`);
  if (address.trim() === "") throw new Error(`${stack.node.path}: suppression of ${ruleId} needs the address it applies to`);
  record(stack, { rule: ruleId, address, reason: reason.trim() });
}
