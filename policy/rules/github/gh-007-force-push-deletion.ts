import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-007: force pushes and branch deletion disallowed (ruleset: `non_fast_forward` and `deletion` rules). */
export const gh007: ResourceRule = protectionRule("GH-007", [
  (p, ctx) => requireFlag(p.forcePushesBlocked, "error", "Force pushes are allowed", "blocking of force pushes", ctx),
  (p, ctx) => requireFlag(p.deletionsBlocked, "error", "Deleting the branch is allowed", "blocking of branch deletion", ctx),
]);
