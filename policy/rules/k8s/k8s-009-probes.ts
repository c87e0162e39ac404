import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { POD_RESOURCE_TYPES, containers, result, workloadOf } from "./util";

/** Run-to-completion pods are not probed. */
const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicationController", "Pod"]);

export const k8s009 = defineK8sResourceRule({
  id: "K8S-009",
  severity: "error",
  pack: K8S_PACK,
  title: "Missing liveness or readiness probe",
  description: "A long-running container has no liveness probe (a hung process is never restarted) or no readiness probe (it takes traffic before it can serve, and rolling updates cannot wait for it).",
  fix: "Give every container a `livenessProbe` and a `readinessProbe` (and a `startupProbe` for slow starts), from the service's health check.",
  references: [doc("Kubernetes: configure liveness, readiness and startup probes", "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"), doc("Polaris: reliability checks", "https://polaris.docs.fairwinds.com/checks/reliability/")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w || !LONG_RUNNING.has(w.kind)) return [];
    const out = [];
    for (const c of containers(w)) {
      if (c.list !== "containers") continue;
      const missing = ["livenessProbe", "readinessProbe"].filter((p) => !isObject(c.container[p]));
      if (missing.length > 0) out.push(result(res, `${w.label}: container ${c.name} has no ${missing.join(" and no ")}. Fix: probe it with the service's health check (livenessProbe and readinessProbe).`));
    }
    return out;
  },
});
