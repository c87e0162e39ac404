import type { ResourceRule } from "../../types";
import { doc } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-009: conversations resolved before merging (W). */
export const gh009: ResourceRule = protectionRule({
  id: "GH-009",
  severity: "warning",
  pack: "github-governance",
  title: "Conversation resolution not required",
  description: "Conversations need not be resolved before merging into the default branch.",
  fix: "Set `require_conversation_resolution = true`.",
  references: [doc("GitHub documentation: About protected branches (require conversation resolution)", "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-conversation-resolution-before-merging")],
}, [
  (p, ctx) => requireFlag(p.conversationResolution, "warning", "Conversation resolution is not required", "resolved conversations", ctx),
]);
