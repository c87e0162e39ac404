import type { ResourceRule } from "../../types";
import { protectionRule } from "./protection-rule";
import { UNKNOWN } from "./util";

/** GH-002: pull-request reviews required with at least 1 approval (E), 2 or more wanted (W). */
export const gh002: ResourceRule = protectionRule("GH-002", [
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
