import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, containers, readBool, result, securityContextOf, workloadOf } from "./util";
import { readNumber } from "../values";

export const k8s004 = defineK8sResourceRule({
  id: "K8S-004",
  severity: "error",
  pack: K8S_PACK,
  title: "Container may run as root",
  description: "Neither the container nor the pod sets `runAsNonRoot: true`, or the effective `runAsUser` is 0.",
  fix: "Set `runAsNonRoot: true` and the image's non-root `runAsUser`/`runAsGroup` in the pod's securityContext.",
  references: [cisK8s("5.2.7"), pss("restricted", "Running as Non-root")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const pod = securityContextOf(w.pod);
    const out = [];
    for (const c of containers(w)) {
      const sc = securityContextOf(c.container);
      const rawNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
      const rawUser = sc.runAsUser ?? pod.runAsUser;
      const nonRoot = readBool(rawNonRoot, index);
      const user = readNumber(rawUser, index);
      if (nonRoot === UNKNOWN) out.push(cannotVerify(res, w, `container ${c.name} runAsNonRoot`, rawNonRoot, "that it runs as non-root"));
      else if (user === 0) out.push(result(res, `${w.label}: container ${c.name} runs as user 0 (root). Fix: run as the image's non-root UID (runAsUser) with runAsNonRoot: true.`));
      else if (nonRoot !== true) out.push(result(res, `${w.label}: container ${c.name} does not set runAsNonRoot: true (neither does the pod), so an image whose user is root runs as root. Fix: set runAsNonRoot: true and the image's runAsUser/runAsGroup.`));
    }
    return out;
  },
});
