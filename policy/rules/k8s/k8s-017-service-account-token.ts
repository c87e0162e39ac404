import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, nsaK8s } from "./references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, readBool, result, workloadOf } from "./util";

export const k8s017 = defineK8sResourceRule({
  id: "K8S-017",
  severity: "error",
  pack: K8S_PACK,
  title: "Service account token mounted",
  description: "`automountServiceAccountToken` is not false (Kubernetes mounts the token by default): a compromised container can call the Kubernetes API as the pod's service account.",
  fix: "Set `automountServiceAccountToken: false` on the pod, unless the workload calls the Kubernetes API (then suppress with the reason).",
  references: [cisK8s("5.1.6"), nsaK8s("Authentication and authorization")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const raw = w.pod.automountServiceAccountToken;
    const v = readBool(raw, index);
    if (v === UNKNOWN) return [cannotVerify(res, w, "automountServiceAccountToken", raw, "that no service account token is mounted")];
    if (raw !== undefined && v === false) return [];
    return [result(res, `${w.label}: automountServiceAccountToken is ${raw === undefined ? "unset (true by default)" : JSON.stringify(raw)}: the pod gets a token for the Kubernetes API. Fix: set automountServiceAccountToken: false.`)];
  },
});
