import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, containers, result, securityContextOf, workloadOf } from "./util";

const CONFINED = new Set(["RuntimeDefault", "Localhost"]);

export const k8s016 = defineK8sResourceRule({
  id: "K8S-016",
  severity: "error",
  pack: K8S_PACK,
  title: "No seccomp profile",
  description: "Neither the container nor the pod sets `seccompProfile.type` to RuntimeDefault or Localhost: on most clusters the container then runs Unconfined, with every system call available.",
  fix: "Set `seccompProfile: { type: RuntimeDefault }` in the pod's securityContext.",
  references: [cisK8s("5.7.2"), pss("restricted", "Seccomp")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const podProfile = securityContextOf(w.pod).seccompProfile;
    const out = [];
    for (const c of containers(w)) {
      const profile = securityContextOf(c.container).seccompProfile ?? podProfile;
      const type = isObject(profile) ? profile.type : undefined;
      if (typeof type === "string" && CONFINED.has(type)) continue;
      out.push(result(res, `${w.label}: container ${c.name} has seccomp profile ${type === undefined ? "unset (Unconfined on most clusters)" : JSON.stringify(type)}, so every system call is available to it. Fix: set seccompProfile.type: RuntimeDefault on the pod.`));
    }
    return out;
  },
});
