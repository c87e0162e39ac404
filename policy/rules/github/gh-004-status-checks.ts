import type { ResourceRule } from "../../types";
import { scorecard } from "../references";
import { protectionRule, requireFlag } from "./protection-rule";
import { NOT_APPLICABLE, UNKNOWN } from "./util";

/** GH-004: required status checks (E) on an up-to-date branch (`strict`, W). */
export const gh004: ResourceRule = protectionRule({
  id: "GH-004",
  severity: "error",
  pack: "github-governance",
  title: "No required status checks",
  description: "No status checks are required on the default branch (error), or the branch need not be up to date before merging (`strict`, warning).",
  fix: "Require status checks (contexts) and `strict = true`.",
  references: [scorecard("Branch-Protection")],
}, [
  (p, ctx) => {
    const s = p.statusChecks;
    if (s.contexts === UNKNOWN) {
      return { severity: "info", message: `Cannot verify before apply which status checks ${ctx.where} requires: ${s.contextsState}. Fix: list the checks literally.` };
    }
    if (s.contexts.length > 0) return null;
    const fix = s.required ? "list the CI checks that must pass (e.g. the job that runs tests)" : s.addFix;
    return { severity: "error", message: `No status checks are required on ${ctx.where}: ${s.contextsState}. Fix: ${fix}.` };
  },
  (p, ctx) => {
    const s = p.statusChecks;
    if (s.contexts !== UNKNOWN && s.contexts.length === 0) return NOT_APPLICABLE;
    return requireFlag(s.strict, "warning", "Pull requests need not be up to date with the base before they merge", "up-to-date branches before merging", ctx);
  },
]);
