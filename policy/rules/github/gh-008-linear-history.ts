import type { ResourceRule } from "../../types";
import { doc } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-008: linear history required (W). */
export const gh008: ResourceRule = protectionRule({
  id: "GH-008",
  severity: "warning",
  pack: "github-governance",
  title: "Linear history not required",
  description: "Linear history is not required on the default branch.",
  fix: "Set `required_linear_history = true`.",
  references: [doc("GitHub documentation: About protected branches (require linear history)", "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-linear-history")],
}, [
  (p, ctx) => requireFlag(p.linearHistory, "warning", "Linear history is not required", "linear history", ctx),
]);
