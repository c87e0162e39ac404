import type { ResourceRule } from "../../types";
import { scorecard } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-007: force pushes and branch deletion disallowed (ruleset: `non_fast_forward` and `deletion` rules). */
export const gh007: ResourceRule = protectionRule({
  id: "GH-007",
  severity: "error",
  pack: "github-governance",
  title: "Force pushes or deletion allowed",
  description: "Force pushes or deletion of the default branch are allowed (rulesets: no `non_fast_forward` or `deletion` rule).",
  fix: "Disallow force pushes and deletions (ruleset: `non_fast_forward` and `deletion` rules).",
  references: [scorecard("Branch-Protection")],
}, [
  (p, ctx) => requireFlag(p.forcePushesBlocked, "error", "Force pushes are allowed", "blocking of force pushes", ctx),
  (p, ctx) => requireFlag(p.deletionsBlocked, "error", "Deleting the branch is allowed", "blocking of branch deletion", ctx),
]);
