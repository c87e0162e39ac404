import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { nsaK8s } from "./references";
import { doc } from "../references";
import { POD_RESOURCE_TYPES, containers, result, workloadOf } from "./util";

const has = (m: unknown, k: string) => isObject(m) && m[k] !== undefined && m[k] !== null && m[k] !== "";

export const k8s008 = defineK8sResourceRule({
  id: "K8S-008",
  severity: "error",
  pack: K8S_PACK,
  title: "No memory limit or no requests",
  description: "A container has no memory limit (error: one leak can starve the node), or no CPU/memory requests (warning: the scheduler cannot place it and the autoscaler cannot measure it).",
  fix: "Set `resources.limits.memory` and `resources.requests` for cpu and memory on every container.",
  references: [nsaK8s("Resource policies"), doc("Kubernetes: resource management for pods and containers", "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const r = isObject(c.container.resources) ? c.container.resources : {};
      if (!has(r.limits, "memory")) out.push(result(res, `${w.label}: container ${c.name} has no memory limit: one leak can exhaust the node and get its neighbours killed. Fix: set resources.limits.memory.`));
      const missing = ["cpu", "memory"].filter((k) => !has(r.requests, k) && !has(r.limits, k));
      if (missing.length > 0) out.push(result(res, `${w.label}: container ${c.name} requests no ${missing.join(" or ")}, so the scheduler cannot reserve it and an autoscaler cannot measure it. Fix: set resources.requests.${missing.join(" and resources.requests.")}.`, "warning"));
    }
    return out;
  },
});
