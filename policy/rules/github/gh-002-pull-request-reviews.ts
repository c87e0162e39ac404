import type { ResourceRule } from "../../types";
import { scorecard } from "../references";
import { protectionRule } from "./protection-rule";
import { UNKNOWN } from "./util";

/** GH-002: pull-request reviews required with at least 1 approval (E), 2 or more wanted (W). */
export const gh002: ResourceRule = protectionRule({
  id: "GH-002",
  severity: "error",
  pack: "github-governance",
  title: "Pull-request reviews not required",
  description: "The default branch's protection does not require pull-request reviews (error), or requires fewer than 2 approvals (warning).",
  fix: "Require pull-request reviews with at least 2 approvals.",
  references: [scorecard("Branch-Protection"), scorecard("Code-Review")],
}, [
  (p, ctx) => {
    const r = p.reviews;
    if (!r.required) {
      return { severity: "error", message: `Pull-request reviews are not required on ${ctx.where}: ${r.count.state}. Fix: ${r.addFix}.` };
    }
    const c = r.count;
    if (c.value === UNKNOWN) {
      return { severity: "info", message: `Cannot verify before apply how many approvals ${ctx.where} requires: ${c.state}. Fix: ${c.fix} as a literal value.` };
    }
    if (c.value < 1) {
      return { severity: "error", message: `Pull requests on ${ctx.where} need no approving review: ${c.state}. Fix: ${c.fix}.` };
    }
    if (c.value < 2) {
      return { severity: "warning", message: `Pull requests on ${ctx.where} need only ${c.value} approving review: ${c.state}. Fix: ${c.fix} so that no single reviewer decides alone.` };
    }
    return null;
  },
]);
