/**
 * Ingresses of a stack in manifest form (`kubernetes_ingress_v1`, or a `kubernetes_manifest`
 * holding an Ingress), with what the Ingress rules judge: hosts, TLS hosts, class, annotations,
 * and the workloads behind each backend Service, so a finding names what the Ingress exposes.
 */
import { INGRESS_NGINX_CLASSES, LEGACY_INGRESS_CLASS_ANNOTATION } from "../../../knowledge/ingress";
import { isObject } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { toManifest } from "./manifest";
import { selects, workloadsOf } from "./util";

type Json = Record<string, unknown>;

export const INGRESS_TYPES: readonly string[] = ["kubernetes_ingress_v1", "kubernetes_manifest"];
const SERVICE_TYPES: readonly string[] = ["kubernetes_service", "kubernetes_service_v1"];

export interface IngressRuleView {
  /** The rule's host, or "*" for a rule without one (every host the controller serves). */
  readonly host: string;
  /** Backend Service names of its paths. */
  readonly services: readonly string[];
}

export interface IngressView {
  readonly res: IndexedResource;
  readonly manifest: Json;
  /** `Ingress koha/koha-opac-example-org`. */
  readonly label: string;
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, unknown>>;
  /** `spec.ingressClassName`, else the legacy class annotation, else undefined (the cluster's default class). */
  readonly className?: string;
  readonly rules: readonly IngressRuleView[];
  /** Hosts covered by a `spec.tls` entry with a Secret; "*" when an entry with a Secret lists no hosts. */
  readonly tlsHosts: ReadonlySet<string>;
}

const cache = new WeakMap<object, IngressView[]>();

export function ingressesOf(index: StackIndex): IngressView[] {
  const hit = cache.get(index);
  if (hit) return hit;
  const out: IngressView[] = [];
  for (const t of INGRESS_TYPES) {
    for (const res of index.byType(t)) {
      const m = toManifest(t, res.body, index.json as Json);
      if (!m || m.kind !== "Ingress") continue;
      const meta = isObject(m.metadata) ? m.metadata : {};
      const spec = isObject(m.spec) ? m.spec : {};
      const annotations = isObject(meta.annotations) ? meta.annotations : {};
      const namespace = typeof meta.namespace === "string" ? meta.namespace : "default";
      const name = typeof meta.name === "string" ? meta.name : res.name;
      const legacy = annotations[LEGACY_INGRESS_CLASS_ANNOTATION];
      const className = typeof spec.ingressClassName === "string" ? spec.ingressClassName : typeof legacy === "string" ? legacy : undefined;
      const rules: IngressRuleView[] = (Array.isArray(spec.rules) ? spec.rules.filter(isObject) : []).map((r) => {
        const http = isObject(r.http) ? r.http : {};
        const paths = Array.isArray(http.paths) ? http.paths.filter(isObject) : [];
        const services = paths.map((p) => (isObject(p.backend) && isObject(p.backend.service) ? p.backend.service.name : undefined)).filter((s): s is string => typeof s === "string");
        return { host: typeof r.host === "string" && r.host.trim() !== "" ? r.host.trim().toLowerCase() : "*", services };
      });
      const defaultBackend = isObject(spec.defaultBackend) && isObject(spec.defaultBackend.service) ? spec.defaultBackend.service.name : undefined;
      if (typeof defaultBackend === "string") rules.push({ host: "*", services: [defaultBackend] });
      const tlsHosts = new Set<string>();
      for (const t of Array.isArray(spec.tls) ? spec.tls.filter(isObject) : []) {
        if (typeof t.secretName !== "string" || t.secretName.trim() === "") continue;
        const hosts = Array.isArray(t.hosts) ? t.hosts.filter((h): h is string => typeof h === "string") : [];
        if (hosts.length === 0) tlsHosts.add("*");
        for (const h of hosts) tlsHosts.add(h.trim().toLowerCase());
      }
      out.push({ res, manifest: m, label: `Ingress ${namespace}/${name}`, namespace, annotations, className, rules, tlsHosts });
    }
  }
  cache.set(index, out);
  return out;
}

/** True when ingress-nginx serves the Ingress (class `nginx`, or no class: the cluster's default). */
export function servedByIngressNginx(i: IngressView): boolean {
  return i.className === undefined || INGRESS_NGINX_CLASSES.has(i.className);
}

/** `Service koha (StatefulSet koha/koha)`: the backend Services of the Ingress and the workloads they select. */
export function describeBackends(i: IngressView, index: StackIndex, services?: readonly string[]): string {
  const names = [...new Set(services ?? i.rules.flatMap((r) => r.services))];
  if (names.length === 0) return "no backend Service";
  const workloads = workloadsOf(index);
  const parts = names.map((svc) => {
    const selector = serviceSelector(index, i.namespace, svc);
    const behind = selector ? workloads.filter(({ w }) => w.namespace === i.namespace && selects({ matchLabels: selector }, w.podLabels)).map(({ w }) => w.label) : [];
    return behind.length > 0 ? `Service ${svc} (${behind.join(", ")})` : `Service ${svc}`;
  });
  return parts.join(", ");
}

function serviceSelector(index: StackIndex, namespace: string, name: string): Record<string, string> | undefined {
  for (const t of SERVICE_TYPES) {
    for (const res of index.byType(t)) {
      const m = toManifest(t, res.body, index.json as Json);
      const meta = m && isObject(m.metadata) ? m.metadata : {};
      if (meta.name !== name || (typeof meta.namespace === "string" ? meta.namespace : "default") !== namespace) continue;
      const spec = isObject(m!.spec) ? m!.spec : {};
      const sel = isObject(spec.selector) ? spec.selector : undefined;
      if (!sel || Object.keys(sel).length === 0) return undefined;
      return Object.fromEntries(Object.entries(sel).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    }
  }
  return undefined;
}
