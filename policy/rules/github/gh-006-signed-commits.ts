import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-006: signed commits required. */
export const gh006: ResourceRule = protectionRule("GH-006", [
  (p, ctx) => requireFlag(p.signedCommits, "error", "Signed commits are not required", "signed commits", ctx),
]);
