import { defineK8sResourceRule, K8S_PACK } from "./define";
import { nsaK8s } from "./references";
import { doc } from "../references";
import { POD_RESOURCE_TYPES, UNKNOWN, cannotVerify, containers, readBool, result, securityContextOf, workloadOf } from "./util";

export const k8s005 = defineK8sResourceRule({
  id: "K8S-005",
  severity: "error",
  pack: K8S_PACK,
  title: "Root filesystem is writable",
  description: "A container's `readOnlyRootFilesystem` is not true, so an intruder can change its binaries and configuration.",
  fix: "Set `readOnlyRootFilesystem: true` and mount each writable path as an emptyDir (or a claim for data).",
  references: [nsaK8s("Immutable container file systems"), doc("Polaris: readOnlyRootFilesystem", "https://polaris.docs.fairwinds.com/checks/security/")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const raw = securityContextOf(c.container).readOnlyRootFilesystem;
      const v = readBool(raw, index);
      if (v === UNKNOWN) out.push(cannotVerify(res, w, `container ${c.name} readOnlyRootFilesystem`, raw, "a read-only root filesystem"));
      else if (v !== true) out.push(result(res, `${w.label}: container ${c.name} has readOnlyRootFilesystem ${raw === undefined ? "unset" : JSON.stringify(raw)}: its root filesystem is writable. Fix: set readOnlyRootFilesystem: true and mount writable paths as emptyDir volumes.`));
    }
    return out;
  },
});
