import type { ResourceRule } from "../../types";
import { scorecard } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";
import { NOT_APPLICABLE } from "./util";

/** GH-003: stale approvals dismissed on push and code-owner review required (W). Without reviews, GH-002 speaks. */
export const gh003: ResourceRule = protectionRule({
  id: "GH-003",
  severity: "warning",
  pack: "github-governance",
  title: "Stale reviews kept or code owners not required",
  description: "Reviews are required but stale approvals survive new commits, or code-owner review is not required.",
  fix: "Dismiss stale reviews on push and require code-owner review.",
  references: [scorecard("Branch-Protection")],
}, [
  (p, ctx) => (p.reviews.required ? requireFlag(p.reviews.dismissStale, "warning", "Stale approvals survive new commits", "dismissal of stale approvals", ctx) : NOT_APPLICABLE),
  (p, ctx) => (p.reviews.required ? requireFlag(p.reviews.codeOwners, "warning", "Code-owner review is not required", "code-owner review", ctx) : NOT_APPLICABLE),
]);
