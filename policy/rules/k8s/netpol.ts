/** NetworkPolicies of a stack, in manifest form, by namespace. */
import { isObject } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { NAMESPACE_TYPES, NETWORK_POLICY_TYPES, toManifest } from "./manifest";
import { isEmptySelector } from "./util";

type Json = Record<string, unknown>;

export interface Policy {
  readonly res: IndexedResource;
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: unknown;
  readonly types: readonly string[];
  readonly ingress: readonly Json[];
  readonly egress: readonly Json[];
}

export function policiesOf(index: StackIndex): Policy[] {
  const out: Policy[] = [];
  for (const t of NETWORK_POLICY_TYPES) {
    for (const res of index.byType(t)) {
      const m = toManifest(t, res.body, index.json as Json);
      if (!m) continue;
      const meta = isObject(m.metadata) ? m.metadata : {};
      const spec = isObject(m.spec) ? m.spec : {};
      const ingress = Array.isArray(spec.ingress) ? spec.ingress.filter(isObject) : [];
      const egress = Array.isArray(spec.egress) ? spec.egress.filter(isObject) : [];
      // Kubernetes: policyTypes defaults to Ingress, plus Egress when egress rules exist.
      const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : ["Ingress", ...(egress.length > 0 ? ["Egress"] : [])];
      out.push({ res, name: typeof meta.name === "string" ? meta.name : res.name, namespace: typeof meta.namespace === "string" ? meta.namespace : "default", podSelector: spec.podSelector, types, ingress, egress });
    }
  }
  return out;
}

/** Does the namespace deny `direction` to every pod unless another policy allows it? */
export function deniesByDefault(policies: readonly Policy[], namespace: string, direction: "Ingress" | "Egress"): boolean {
  return policies.some((p) => p.namespace === namespace && isEmptySelector(p.podSelector) && p.types.includes(direction) && (direction === "Ingress" ? p.ingress.length === 0 : p.egress.length === 0));
}

/** Namespaces the stack declares, by name, with their resources. */
export function namespacesOf(index: StackIndex): Map<string, IndexedResource> {
  const out = new Map<string, IndexedResource>();
  for (const t of NAMESPACE_TYPES) {
    for (const res of index.byType(t)) {
      const m = toManifest(t, res.body, index.json as Json);
      const name = m && isObject(m.metadata) ? m.metadata.name : undefined;
      if (typeof name === "string" && !name.includes("${")) out.set(name, res);
    }
  }
  return out;
}
