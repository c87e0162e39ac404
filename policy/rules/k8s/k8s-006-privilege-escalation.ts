import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, containers, readBool, result, securityContextOf, workloadOf } from "./util";

export const k8s006 = defineK8sResourceRule({
  id: "K8S-006",
  severity: "error",
  pack: K8S_PACK,
  title: "Privilege escalation allowed",
  description: "A container's `allowPrivilegeEscalation` is not false (Kubernetes defaults it to true): setuid binaries and file capabilities can raise its privileges (Docker's `no-new-privileges`).",
  fix: "Set `allowPrivilegeEscalation: false` in every container's securityContext.",
  references: [cisK8s("5.2.6"), pss("restricted", "Privilege Escalation")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const raw = securityContextOf(c.container).allowPrivilegeEscalation;
      const v = readBool(raw, index);
      if (v === UNKNOWN) out.push(cannotVerify(res, w, `container ${c.name} allowPrivilegeEscalation`, raw, "that privilege escalation is off"));
      else if (raw === undefined || v !== false) out.push(result(res, `${w.label}: container ${c.name} has allowPrivilegeEscalation ${raw === undefined ? "unset (true by default)" : JSON.stringify(raw)}: setuid binaries can raise its privileges. Fix: set allowPrivilegeEscalation: false.`));
    }
    return out;
  },
});
