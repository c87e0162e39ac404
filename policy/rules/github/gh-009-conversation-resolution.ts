import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-009: conversations resolved before merging (W). */
export const gh009: ResourceRule = protectionRule("GH-009", [
  (p, ctx) => requireFlag(p.conversationResolution, "warning", "Conversation resolution is not required", "resolved conversations", ctx),
]);
