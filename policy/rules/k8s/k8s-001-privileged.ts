import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, containers, readBool, result, securityContextOf, workloadOf } from "./util";

export const k8s001 = defineK8sResourceRule({
  id: "K8S-001",
  severity: "error",
  pack: K8S_PACK,
  title: "Container runs privileged",
  description: "A container's `securityContext.privileged` is true: it gets every capability and every host device.",
  fix: "Remove `privileged: true`; add only the specific capabilities the service needs.",
  references: [cisK8s("5.2.2"), pss("baseline", "Privileged Containers")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const raw = securityContextOf(c.container).privileged;
      const v = readBool(raw, index);
      if (v === UNKNOWN) out.push(cannotVerify(res, w, `container ${c.name} securityContext.privileged`, raw, "that it is not privileged"));
      else if (v === true) out.push(result(res, `${w.label}: container ${c.name} runs privileged: it gets every capability and every host device, which defeats its isolation. Fix: remove privileged: true; add only the capabilities it needs.`));
    }
    return out;
  },
});
