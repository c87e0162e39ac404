import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-008: linear history required (W). */
export const gh008: ResourceRule = protectionRule("GH-008", [
  (p, ctx) => requireFlag(p.linearHistory, "warning", "Linear history is not required", "linear history", ctx),
]);
