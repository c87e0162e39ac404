import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, nested, readString, result, show } from "./util";

const SHARED: ReadonlySet<string> = new Set(["shared", "rshared"]);

export const docker027 = defineResourceRule({
  id: "DOCKER-027",
  severity: "error",
  pack: "docker-runtime",
  title: "Shared mount propagation",
  description: "A mount's `bind_options.propagation` is `shared` or `rshared`.",
  fix: "Use `private`/`rprivate` bind propagation.",
  references: [cisDocker("5.20")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const m of nested(res.body, "mounts")) {
      for (const b of nested(m, "bind_options")) {
        const p = readString(b.propagation, index);
        const target = typeof m.target === "string" ? ` at ${show(m.target)}` : "";
        if (p === UNKNOWN) out.push(cannotVerify(res, `bind_options.propagation of the mount${target}`, b.propagation, "private propagation"));
        else if (p !== undefined && SHARED.has(p.trim().toLowerCase())) {
          out.push(result(res, `the mount${target} has bind_options.propagation ${show(p)}: mounts made inside the container appear on the host and vice versa. Fix: use "private" or "rprivate" propagation.`));
        }
      }
    }
    return out;
  },
});
