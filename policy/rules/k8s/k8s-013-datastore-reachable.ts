import { isObject } from "../../stack-index";
import { defineK8sStackRule, K8S_PACK } from "./define";
import { cisK8s, nsaK8s } from "./references";
import { deniesByDefault, policiesOf } from "./netpol";
import { isBackendWorkload, isEmptySelector, selects, workloadsOf } from "./util";
import type { RuleResult } from "../../types";

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/** Why an ingress rule admits every pod (of the namespace or of the cluster), or null. */
function openness(rule: Record<string, unknown>): string | null {
  const from = Array.isArray(rule.from) ? rule.from.filter(isObject) : [];
  if (!Array.isArray(rule.from) || from.length === 0) return "an ingress rule without `from` (every source)";
  for (const peer of from) {
    const hasPods = peer.podSelector !== undefined;
    const hasNs = peer.namespaceSelector !== undefined;
    if (hasNs && isEmptySelector(peer.namespaceSelector) && (!hasPods || isEmptySelector(peer.podSelector))) return "`namespaceSelector: {}` (every pod of every namespace)";
    if (hasPods && !hasNs && isEmptySelector(peer.podSelector)) return "`podSelector: {}` (every pod of the namespace)";
    const ip = isObject(peer.ipBlock) ? peer.ipBlock.cidr : undefined;
    if (typeof ip === "string" && OPEN_CIDRS.has(ip.trim())) return `ipBlock ${ip} (every address)`;
  }
  return null;
}

export const k8s013 = defineK8sStackRule({
  id: "K8S-013",
  severity: "error",
  pack: K8S_PACK,
  title: "Datastore reachable from every pod",
  description: "A backend workload (datastore, broker, cache or search, by role label or image) accepts connections from every pod: its namespace does not deny ingress by default, or a NetworkPolicy selecting it allows every source.",
  fix: "Deny ingress by default in the namespace and allow the backend only from the workloads that use it, on its port (`KubernetesNamespace.connect(client, server, port)`).",
  references: [nsaK8s("Network separation and hardening"), cisK8s("5.3.2")],
  check(index) {
    const policies = policiesOf(index);
    const out: RuleResult[] = [];
    for (const { res, w } of workloadsOf(index)) {
      if (!isBackendWorkload(w)) continue;
      const selecting = policies.filter((p) => p.namespace === w.namespace && p.types.includes("Ingress") && selects(p.podSelector, w.podLabels));
      if (!deniesByDefault(policies, w.namespace, "Ingress") && selecting.length === 0) {
        out.push({ address: res.address, message: `${w.label}: no NetworkPolicy restricts ingress to this backend, so every pod in the cluster can connect to it. Fix: deny ingress by default in namespace ${w.namespace} and allow it only from its clients, on its port.` });
        continue;
      }
      for (const p of selecting) {
        for (const rule of p.ingress) {
          const why = openness(rule);
          if (why) out.push({ address: res.address, message: `${w.label}: NetworkPolicy ${p.name} admits ${why}, so every pod can connect to this backend. Fix: allow it only from the pods that use it (podSelector with their labels).` });
        }
      }
    }
    return out;
  },
});
