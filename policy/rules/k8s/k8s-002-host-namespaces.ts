import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, readBool, result, workloadOf } from "./util";

const FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const k8s002 = defineK8sResourceRule({
  id: "K8S-002",
  severity: "error",
  pack: K8S_PACK,
  title: "Pod shares a host namespace",
  description: "`hostNetwork`, `hostPID` or `hostIPC` is true: the pod sees the node's network stack, processes or shared memory.",
  fix: "Remove `hostNetwork`, `hostPID` and `hostIPC`; expose the service through a Service instead.",
  references: [cisK8s("5.2.3", "5.2.4", "5.2.5"), pss("baseline", "Host Namespaces")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const f of FIELDS) {
      const v = readBool(w.pod[f], index);
      if (v === UNKNOWN) out.push(cannotVerify(res, w, f, w.pod[f], "that the pod keeps its own namespace"));
      else if (v === true) out.push(result(res, `${w.label}: ${f} is true: the pod shares the node's ${f === "hostNetwork" ? "network stack" : f === "hostPID" ? "process table" : "IPC namespace"}. Fix: remove ${f}.`));
    }
    return out;
  },
});
