import type { ResourceRule } from "../../types";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-005: protection binds administrators: `enforce_admins` (E); a ruleset with bypass actors (W). */
export const gh005: ResourceRule = protectionRule("GH-005", [
  (p, ctx) =>
    p.kind === "ruleset"
      ? requireFlag(p.admins, "warning", `Ruleset \`${p.address}\` can be bypassed`, "no bypass actors", ctx)
      : requireFlag(p.admins, "error", "Protection is not enforced for administrators", "enforcement for administrators", ctx),
]);
