import type { ResourceRule } from "../../types";
import { doc } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-006: signed commits required. */
export const gh006: ResourceRule = protectionRule({
  id: "GH-006",
  severity: "error",
  pack: "github-governance",
  title: "Signed commits not required",
  description: "Signed commits are not required on the default branch.",
  fix: "Set `require_signed_commits = true` (ruleset: `required_signatures`).",
  references: [doc("GitHub documentation: About protected branches (require signed commits)", "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-signed-commits")],
}, [
  (p, ctx) => requireFlag(p.signedCommits, "error", "Signed commits are not required", "signed commits", ctx),
]);
