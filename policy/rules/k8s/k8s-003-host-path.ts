import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { cisK8s, nsaK8s, pss } from "./references";
import { POD_RESOURCE_TYPES, result, workloadOf } from "./util";

export const k8s003 = defineK8sResourceRule({
  id: "K8S-003",
  severity: "error",
  pack: K8S_PACK,
  title: "Pod mounts a host path",
  description: "A volume is a `hostPath`: the pod reads or writes the node's file system, which survives the pod and is shared by every pod on the node.",
  fix: "Use an emptyDir for scratch space, a PersistentVolumeClaim for data, a Secret or ConfigMap for configuration.",
  references: [cisK8s("5.2.12"), pss("baseline", "HostPath Volumes"), nsaK8s("Pod security")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const volumes = Array.isArray(w.pod.volumes) ? w.pod.volumes : [];
    return volumes
      .filter((v) => isObject(v) && v.hostPath !== undefined)
      .map((v) => {
        const hp = (v as Record<string, unknown>).hostPath;
        const path = isObject(hp) ? hp.path : undefined;
        return result(res, `${w.label}: volume ${String((v as Record<string, unknown>).name)} mounts host path ${JSON.stringify(path)} of the node. Fix: use an emptyDir, a PersistentVolumeClaim, a Secret or a ConfigMap instead.`);
      });
  },
});
