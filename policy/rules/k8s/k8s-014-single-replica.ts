import { isObject } from "../../stack-index";
import { defineK8sStackRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { PDB_TYPES, toManifest } from "./manifest";
import { selects, workloadsOf } from "./util";
import type { RuleResult } from "../../types";

export const k8s014 = defineK8sStackRule({
  id: "K8S-014",
  severity: "warning",
  pack: K8S_PACK,
  title: "Deployment with one replica and no disruption budget",
  description: "A Deployment runs one replica and no PodDisruptionBudget covers it: a node drain or a rollout takes the service down.",
  fix: "Run at least two replicas with a PodDisruptionBudget (and a rolling update with maxUnavailable 0), or suppress with the reason the service must run once.",
  references: [doc("Kubernetes: specifying a disruption budget for your application", "https://kubernetes.io/docs/tasks/run-application/configure-pdb/"), doc("Polaris: reliability checks", "https://polaris.docs.fairwinds.com/checks/reliability/")],
  check(index) {
    const budgets: Array<{ namespace: string; selector: unknown }> = [];
    for (const t of PDB_TYPES) {
      for (const res of index.byType(t)) {
        const m = toManifest(t, res.body, index.json as Record<string, unknown>);
        if (!m) continue;
        const meta = isObject(m.metadata) ? m.metadata : {};
        const spec = isObject(m.spec) ? m.spec : {};
        budgets.push({ namespace: typeof meta.namespace === "string" ? meta.namespace : "default", selector: spec.selector });
      }
    }
    const out: RuleResult[] = [];
    for (const { res, w } of workloadsOf(index)) {
      if (w.kind !== "Deployment") continue;
      const spec = isObject(w.manifest.spec) ? w.manifest.spec : {};
      const replicas = spec.replicas === undefined ? 1 : Number(spec.replicas);
      if (!Number.isFinite(replicas) || replicas >= 2) continue;
      if (budgets.some((b) => b.namespace === w.namespace && selects(b.selector, w.podLabels))) continue;
      out.push({ address: res.address, message: `${w.label}: runs ${replicas} replica${replicas === 1 ? "" : "s"} and no PodDisruptionBudget covers it, so a node drain or a rollout interrupts it. Fix: run at least two replicas with a PodDisruptionBudget, or suppress K8S-014 with the reason it must run once.` });
    }
    return out;
  },
});
