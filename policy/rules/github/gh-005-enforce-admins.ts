import type { ResourceRule } from "../../types";
import { scorecard } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";

/** GH-005: protection binds administrators: `enforce_admins` (E); a ruleset with bypass actors (W). */
export const gh005: ResourceRule = protectionRule({
  id: "GH-005",
  severity: "error",
  pack: "github-governance",
  title: "Protection not enforced for admins",
  description: "The protection does not bind administrators (`enforce_admins`, error), or a ruleset has bypass actors (warning).",
  fix: "Set `enforce_admins = true`; avoid ruleset bypass actors.",
  references: [scorecard("Branch-Protection")],
}, [
  (p, ctx) =>
    p.kind === "ruleset"
      ? requireFlag(p.admins, "warning", `Ruleset \`${p.address}\` can be bypassed`, "no bypass actors", ctx)
      : requireFlag(p.admins, "error", "Protection is not enforced for administrators", "enforcement for administrators", ctx),
]);
