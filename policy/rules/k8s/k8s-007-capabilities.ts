import { DANGEROUS_CAPABILITIES, normalizeCapability } from "../../../knowledge";
import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, containers, result, securityContextOf, workloadOf } from "./util";

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export const k8s007 = defineK8sResourceRule({
  id: "K8S-007",
  severity: "error",
  pack: K8S_PACK,
  title: "Capabilities not dropped, or dangerous ones added",
  description: "A container does not drop `ALL` capabilities, or adds one that breaks isolation (SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, …).",
  fix: "Set `capabilities: { drop: [\"ALL\"] }` and add back only the specific, justified capabilities the service needs.",
  references: [cisK8s("5.2.8", "5.2.9", "5.2.10"), pss("restricted", "Capabilities")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const caps = securityContextOf(c.container).capabilities;
      const drop = list(isObject(caps) ? caps.drop : undefined).map(normalizeCapability);
      const add = list(isObject(caps) ? caps.add : undefined).map(normalizeCapability);
      if (!drop.includes("ALL")) out.push(result(res, `${w.label}: container ${c.name} does not drop ALL capabilities (drop: ${JSON.stringify(drop)}), so it keeps the runtime's default set. Fix: set capabilities.drop: ["ALL"] and add back only what it needs.`));
      const bad = add.filter((a) => DANGEROUS_CAPABILITIES.has(a));
      if (bad.length > 0) out.push(result(res, `${w.label}: container ${c.name} adds ${bad.join(", ")}, which breaks container isolation. Fix: remove ${bad.length > 1 ? "them" : "it"}; find a way without.`));
    }
    return out;
  },
});
