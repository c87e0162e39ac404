import { defineK8sStackRule, K8S_PACK } from "./define";
import { cisK8s, nsaK8s } from "./references";
import { deniesByDefault, namespacesOf, policiesOf } from "./netpol";
import { workloadsOf } from "./util";
import type { RuleResult } from "../../types";

export const k8s012 = defineK8sStackRule({
  id: "K8S-012",
  severity: "error",
  pack: K8S_PACK,
  title: "Namespace without a default-deny NetworkPolicy",
  description: "A namespace the stack declares or runs workloads in has no NetworkPolicy that selects every pod and denies both ingress and egress: every pod can reach every other pod, and the internet.",
  fix: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` and no rules, then allow each needed connection explicitly (KubernetesNamespace does this).",
  references: [cisK8s("5.3.2"), nsaK8s("Network separation and hardening")],
  check(index) {
    const policies = policiesOf(index);
    const declared = namespacesOf(index);
    const targets = new Map(declared);
    for (const { res, w } of workloadsOf(index)) if (!targets.has(w.namespace)) targets.set(w.namespace, res);
    const out: RuleResult[] = [];
    for (const [ns, res] of [...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const missing = (["Ingress", "Egress"] as const).filter((d) => !deniesByDefault(policies, ns, d));
      if (missing.length > 0) {
        out.push({ address: res.address, message: `namespace ${ns} has no default-deny ${missing.join(" or ")} NetworkPolicy, so its pods are open to${missing.length === 2 ? " and from" : ""} everything. Fix: add a NetworkPolicy with podSelector {} and policyTypes [${missing.join(", ")}] and no rules, then allow each connection explicitly.` });
      }
    }
    return out;
  },
});
