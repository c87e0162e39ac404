/**
 * Readers shared by the K8S rules. Every rule judges the Kubernetes manifest form of a resource
 * (./manifest.ts), so `kubernetes_deployment_v1`, `kubernetes_deployment` and a
 * `kubernetes_manifest` holding a Deployment are judged alike.
 *
 * Reference policy, as in the DOCKER rules: a value that is a `${…}` reference this stack cannot
 * resolve gives an info finding saying it cannot be verified, never a silent pass or a claimed
 * failure.
 */
import { BACKEND_ROLES, ROLE_LABEL, isDatastoreImage, isServiceRole } from "../../../knowledge";
import { isObject } from "../../stack-index";
import type { IndexedResource, RuleResult, Severity, StackIndex } from "../../types";
import { UNKNOWN, readBool, type Unknown } from "../values";
import { POD_RESOURCE_TYPES, containersOf, podLabelsOf, podSpecOf, resolveNamespaceName, toManifest } from "./manifest";

export { UNKNOWN, readBool };
export type { Unknown };
export { POD_RESOURCE_TYPES };

type Json = Record<string, unknown>;

export interface Workload {
  readonly manifest: Json;
  readonly pod: Json;
  /** `Deployment single-server/api`: how messages name the workload. */
  readonly label: string;
  readonly kind: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

const cache = new WeakMap<object, Workload | null>();

/** The workload a resource runs, or null when it carries no pod spec. */
export function workloadOf(res: IndexedResource, index: StackIndex): Workload | null {
  const hit = cache.get(res.body);
  if (hit !== undefined) return hit;
  const manifest = toManifest(res.type, res.body, index.json as Json);
  const pod = podSpecOf(manifest);
  let w: Workload | null = null;
  if (manifest && pod) {
    const meta = isObject(manifest.metadata) ? manifest.metadata : {};
    const namespace = resolveNamespaceName(meta.namespace, index.json as Json) ?? (meta.namespace === undefined ? "default" : String(meta.namespace));
    const name = typeof meta.name === "string" ? meta.name : res.name;
    const kind = String(manifest.kind);
    w = { manifest, pod, kind, namespace, label: `${kind} ${namespace}/${name}`, podLabels: podLabelsOf(manifest) };
  }
  cache.set(res.body, w);
  return w;
}

/** Every pod-carrying resource of the stack with its workload. */
export function workloadsOf(index: StackIndex): Array<{ res: IndexedResource; w: Workload }> {
  const out: Array<{ res: IndexedResource; w: Workload }> = [];
  for (const t of POD_RESOURCE_TYPES) {
    for (const res of index.byType(t)) {
      const w = workloadOf(res, index);
      if (w) out.push({ res, w });
    }
  }
  return out;
}

export function containers(w: Workload): Array<{ list: string; container: Json; name: string }> {
  return containersOf(w.pod).map(({ list, container }) => ({ list, container, name: typeof container.name === "string" ? container.name : "?" }));
}

export function securityContextOf(o: Json): Json {
  return isObject(o.securityContext) ? o.securityContext : {};
}

export function result(res: IndexedResource, message: string, severity?: Severity): RuleResult {
  return severity ? { address: res.address, message, severity } : { address: res.address, message };
}

export function cannotVerify(res: IndexedResource, w: Workload, field: string, raw: unknown, what: string): RuleResult {
  return {
    address: res.address,
    severity: "info",
    message: `${w.label}: ${field} (${JSON.stringify(raw)}) is a reference that cannot be resolved in this stack, so ${what} cannot be verified before apply. Fix: use a literal value, or verify the applied value by hand.`,
  };
}

/** True when the workload is a backend (role label, or a datastore image in any container). */
export function isBackendWorkload(w: Workload): boolean {
  const role = w.podLabels[ROLE_LABEL] ?? (isObject(w.manifest.metadata) && isObject(w.manifest.metadata.labels) ? w.manifest.metadata.labels[ROLE_LABEL] : undefined);
  if (isServiceRole(role)) return BACKEND_ROLES.has(role);
  return containersOf(w.pod).some(({ container }) => typeof container.image === "string" && isDatastoreImage(container.image));
}

/** Does a label selector (`matchLabels`, `matchExpressions`) select these labels? Unknown expressions count as a match. */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return true;
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isObject(e) || typeof e.key !== "string") continue;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In": if (!has || !values.includes(labels[e.key])) return false; break;
      case "NotIn": if (has && values.includes(labels[e.key])) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: break;
    }
  }
  return true;
}

/** An empty selector (`{}`): every pod. */
export function isEmptySelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  const ml = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const me = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return ml === 0 && me === 0;
}
