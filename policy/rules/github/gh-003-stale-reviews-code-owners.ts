import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";
import { NOT_APPLICABLE } from "./util";

/** GH-003: stale approvals dismissed on push and code-owner review required (W). Without reviews, GH-002 speaks. */
export const gh003: ResourceRule = protectionRule("GH-003", [
  (p, ctx) => (p.reviews.required ? requireFlag(p.reviews.dismissStale, "warning", "Stale approvals survive new commits", "dismissal of stale approvals", ctx) : NOT_APPLICABLE),
  (p, ctx) => (p.reviews.required ? requireFlag(p.reviews.codeOwners, "warning", "Code-owner review is not required", "code-owner review", ctx) : NOT_APPLICABLE),
]);
