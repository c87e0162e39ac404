/**
 * SECRET-002: a variable whose name looks like a secret (knowledge.ts `looksLikeSecretName`,
 * judged by words) must be `sensitive = true` and have no default. A `default = null` carries no
 * value and only makes the variable optional, so it passes; any other default (even "") is a
 * value committed to the configuration.
 */
import { looksLikeSecretName } from "../../../knowledge";
import { defineStackRule } from "../../rule";
import { OWASP_SECRETS, doc } from "../references";
import type { RuleResult } from "../../types";

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
}

export const secret002 = defineStackRule({
  id: "SECRET-002",
  severity: "error",
  pack: "secrets-state",
  title: "Secret variable not sensitive or has a default",
  description: "A variable whose name looks like a secret is not `sensitive = true`, or has a default value.",
  fix: "Mark the variable `sensitive = true` and remove its default.",
  references: [doc("Terraform documentation: Input variables (sensitive)", "https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output"), OWASP_SECRETS],
  check(index) {
    const results: RuleResult[] = [];
    for (const v of index.variables.values()) {
      if (!looksLikeSecretName(v.name)) continue;
      const problems: string[] = [];
      const fixes: string[] = [];
      if (!isTrue(v.body.sensitive)) {
        problems.push("is not marked sensitive (its value is printed in plans and outputs)");
        fixes.push("set `sensitive = true`");
      }
      if (v.body.default !== undefined && v.body.default !== null) {
        problems.push("has a default value (a secret committed to the configuration, or a silent fallback)");
        fixes.push("remove `default` and supply the value at apply time (TF_VAR_" + v.name + ")");
      }
      if (problems.length === 0) continue;
      results.push({
        address: v.address,
        message: `Variable "${v.name}" looks like a secret but ${problems.join(" and ")}. Fix: ${fixes.join(" and ")}.`,
      });
    }
    return results;
  },
});
