/**
 * hashicorp/kubernetes resources (Terraform JSON, snake_case, blocks as objects or arrays) in
 * their Kubernetes manifest form (camelCase, plural list names, int-or-string fields, `apiVersion`
 * and `kind`), so the K8S rules judge the shape Kubernetes itself defines, whoever wrote the
 * Terraform, and tests can validate what we render against the official schemas.
 *
 * `kubernetes_manifest` resources are manifests already. Values that are references stay strings
 * (`${...}`), except a namespace that names a namespace resource of the stack, which resolves to
 * its literal name.
 */
import { isObject } from "../../stack-index";

type Json = Record<string, unknown>;

export interface Kind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Terraform type (with and without `_v1`) → Kubernetes kind. */
const KINDS: Readonly<Record<string, Kind>> = (() => {
  const k: Record<string, Kind> = {};
  const add = (kind: Kind, ...types: string[]) => { for (const t of types) k[t] = kind; };
  add({ apiVersion: "apps/v1", kind: "Deployment" }, "kubernetes_deployment", "kubernetes_deployment_v1");
  add({ apiVersion: "apps/v1", kind: "StatefulSet" }, "kubernetes_stateful_set", "kubernetes_stateful_set_v1");
  add({ apiVersion: "apps/v1", kind: "DaemonSet" }, "kubernetes_daemonset", "kubernetes_daemon_set_v1");
  add({ apiVersion: "v1", kind: "ReplicationController" }, "kubernetes_replication_controller", "kubernetes_replication_controller_v1");
  add({ apiVersion: "v1", kind: "Pod" }, "kubernetes_pod", "kubernetes_pod_v1");
  add({ apiVersion: "batch/v1", kind: "Job" }, "kubernetes_job", "kubernetes_job_v1");
  add({ apiVersion: "batch/v1", kind: "CronJob" }, "kubernetes_cron_job", "kubernetes_cron_job_v1");
  add({ apiVersion: "v1", kind: "Service" }, "kubernetes_service", "kubernetes_service_v1");
  add({ apiVersion: "v1", kind: "Namespace" }, "kubernetes_namespace", "kubernetes_namespace_v1");
  add({ apiVersion: "v1", kind: "Secret" }, "kubernetes_secret", "kubernetes_secret_v1");
  add({ apiVersion: "v1", kind: "ConfigMap" }, "kubernetes_config_map", "kubernetes_config_map_v1");
  add({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" }, "kubernetes_network_policy", "kubernetes_network_policy_v1");
  add({ apiVersion: "networking.k8s.io/v1", kind: "Ingress" }, "kubernetes_ingress_v1");
  add({ apiVersion: "policy/v1", kind: "PodDisruptionBudget" }, "kubernetes_pod_disruption_budget_v1");
  add({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" }, "kubernetes_horizontal_pod_autoscaler_v2");
  return k;
})();

/** Terraform types whose resources carry a pod template (or are a pod). */
export const POD_RESOURCE_TYPES: readonly string[] = Object.keys(KINDS).filter((t) =>
  ["Deployment", "StatefulSet", "DaemonSet", "ReplicationController", "Pod", "Job", "CronJob"].includes(KINDS[t].kind),
).concat(["kubernetes_manifest"]);

export const NAMESPACE_TYPES: readonly string[] = ["kubernetes_namespace", "kubernetes_namespace_v1"];
export const NETWORK_POLICY_TYPES: readonly string[] = ["kubernetes_network_policy", "kubernetes_network_policy_v1"];
export const PDB_TYPES: readonly string[] = ["kubernetes_pod_disruption_budget_v1"];
export const SECRET_TYPES: readonly string[] = ["kubernetes_secret", "kubernetes_secret_v1"];

export function kindOf(type: string): Kind | undefined {
  return KINDS[type];
}

/** Terraform list blocks whose Kubernetes field has a plural name. */
const PLURAL: Readonly<Record<string, string>> = {
  container: "containers", init_container: "initContainers", ephemeral_container: "ephemeralContainers",
  volume: "volumes", volume_mount: "volumeMounts", volume_device: "volumeDevices", port: "ports",
  toleration: "tolerations", topology_spread_constraint: "topologySpreadConstraints", readiness_gate: "readinessGates",
  host_aliases: "hostAliases", image_pull_secrets: "imagePullSecrets", sysctl: "sysctls",
  volume_claim_template: "volumeClaimTemplates", metric: "metrics", rule: "rules", path: "paths",
  http_header: "httpHeaders", option: "options", policy: "policies",
};

/** snake_case names whose Kubernetes spelling is not plain camelCase. */
const SPECIAL: Readonly<Record<string, string>> = {
  host_ipc: "hostIPC", host_pid: "hostPID", cluster_ip: "clusterIP", cluster_ips: "clusterIPs",
  external_ips: "externalIPs", load_balancer_ip: "loadBalancerIP", host_ip: "hostIP", pod_ip: "podIP",
};

/** Kubernetes fields holding a list (a one-element array under any other name is a Terraform block). */
const LISTS: ReadonlySet<string> = new Set([
  ...Object.values(PLURAL), "env", "envFrom", "ingress", "egress", "from", "to", "tls", "matchExpressions", "matchFields",
  "items", "nodeSelectorTerms", "preferredDuringSchedulingIgnoredDuringExecution", "args", "command", "accessModes",
  "policyTypes", "drop", "add", "except", "hosts", "values", "ipFamilies", "finalizers", "supplementalGroups", "nameservers", "searches",
]);

/** Fields whose values are maps with user keys (never renamed). */
const MAPS: ReadonlySet<string> = new Set(["labels", "annotations", "matchLabels", "nodeSelector", "data", "stringData", "limits", "requests", "volumeAttributes", "capacity", "parameters"]);

const INT_FIELDS: ReadonlySet<string> = new Set(["replicas", "runAsUser", "runAsGroup", "fsGroup", "tolerationSeconds"]);
const OCTAL_FIELDS: ReadonlySet<string> = new Set(["defaultMode", "mode"]);
const INT_OR_STRING_FIELDS: ReadonlySet<string> = new Set(["maxSurge", "maxUnavailable", "minAvailable", "targetPort", "port"]);

/** Terraform-only arguments of the resources (meta-arguments, waits, timeouts, write-only revisions). */
const TERRAFORM_ONLY: ReadonlySet<string> = new Set([
  "//", "count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "timeouts", "id",
  "wait_for_rollout", "wait_for_load_balancer", "wait_for_default_service_account", "wait_for_service_account_token",
  "wait_for_completion", "data_wo_revision", "binary_data_wo_revision",
]);

function camel(key: string): string {
  return SPECIAL[key] ?? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function convertScalar(key: string, v: unknown): unknown {
  if (typeof v !== "string") return v;
  if (INT_FIELDS.has(key) && /^\d+$/.test(v)) return Number(v);
  if (OCTAL_FIELDS.has(key) && /^0?[0-7]{3,4}$/.test(v)) return parseInt(v, 8);
  if (INT_OR_STRING_FIELDS.has(key) && /^\d+$/.test(v)) return Number(v);
  return v;
}

function convertValue(key: string, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (!LISTS.has(key) && v.length === 1 && isObject(v[0])) return convertObject(v[0]);
    if (!LISTS.has(key) && v.length === 0) return undefined;
    return v.map((e) => (isObject(e) ? convertObject(e) : convertScalar(key, e)));
  }
  if (isObject(v)) {
    if (MAPS.has(key) || (key === "selector" && Object.values(v).every((x) => typeof x === "string"))) return { ...v };
    return convertObject(v);
  }
  return convertScalar(key, v);
}

function convertObject(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "//") continue;
    const name = Array.isArray(v) && PLURAL[k] ? PLURAL[k] : camel(k);
    const c = convertValue(name, v);
    if (c !== undefined) out[name] = c;
  }
  return out;
}

const NAMESPACE_REF = /^\$\{(kubernetes_namespace(?:_v1)?)\.([A-Za-z_][\w-]*)\.(?:metadata(?:\[0\]|\.0)\.name|id)\}$/;

/** The literal name of a namespace a string names, itself or through a namespace resource of the stack. */
export function resolveNamespaceName(value: unknown, stackJson: Json | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = NAMESPACE_REF.exec(value);
  if (!m) return value.includes("${") ? undefined : value;
  const resources = isObject(stackJson?.resource) ? stackJson!.resource : {};
  const byType = isObject(resources[m[1]]) ? resources[m[1]] as Json : {};
  const body = byType[m[2]];
  const meta = isObject(body) ? convertValue("metadata", body.metadata) : undefined;
  return isObject(meta) && typeof meta.name === "string" ? meta.name : undefined;
}

/**
 * The manifest of one resource body, or undefined for a type with no Kubernetes kind.
 * `stackJson` (the whole configuration) resolves namespace references.
 */
export function toManifest(type: string, body: Readonly<Json>, stackJson?: Json): Json | undefined {
  if (type === "kubernetes_manifest") return isObject(body.manifest) ? (body.manifest as Json) : undefined;
  const kind = KINDS[type];
  if (!kind) return undefined;
  const src: Json = {};
  for (const [k, v] of Object.entries(body)) if (!TERRAFORM_ONLY.has(k)) src[k] = v;
  if (kind.kind === "Secret") {
    // The provider base64-encodes `data` itself: in manifest terms it is `stringData`.
    const data = { ...(isObject(src.data) ? src.data : {}), ...(isObject(src.data_wo) ? src.data_wo : {}) };
    delete src.data;
    delete src.data_wo;
    if (Object.keys(data).length > 0) src.string_data = data;
  }
  const converted = convertObject(src);
  const metadata = isObject(converted.metadata) ? { ...converted.metadata } : {};
  if (metadata.namespace !== undefined) {
    const ns = resolveNamespaceName(metadata.namespace, stackJson);
    if (ns !== undefined) metadata.namespace = ns;
  }
  return { apiVersion: kind.apiVersion, kind: kind.kind, ...converted, metadata };
}

/** The pod spec a workload manifest runs (its template's, a CronJob's job template's, or a Pod's own). */
export function podSpecOf(manifest: Json | undefined): Json | undefined {
  if (!manifest) return undefined;
  const spec = isObject(manifest.spec) ? manifest.spec : undefined;
  if (!spec) return undefined;
  switch (manifest.kind) {
    case "Pod":
      return spec;
    case "CronJob": {
      const jt = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
      return jt && isObject(jt.template) && isObject(jt.template.spec) ? (jt.template.spec as Json) : undefined;
    }
    case "Deployment": case "StatefulSet": case "DaemonSet": case "ReplicaSet": case "ReplicationController": case "Job":
      return isObject(spec.template) && isObject(spec.template.spec) ? (spec.template.spec as Json) : undefined;
    default:
      return undefined;
  }
}

/** Labels of the pods a workload manifest creates. */
export function podLabelsOf(manifest: Json | undefined): Record<string, string> {
  if (!manifest) return {};
  const spec = isObject(manifest.spec) ? manifest.spec : {};
  let meta: unknown;
  if (manifest.kind === "Pod") meta = manifest.metadata;
  else if (manifest.kind === "CronJob") meta = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) && isObject(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template.metadata : undefined;
  else meta = isObject(spec.template) ? spec.template.metadata : undefined;
  const labels = isObject(meta) && isObject(meta.labels) ? meta.labels : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Every container of a pod spec (init and ephemeral included), with the list it came from. */
export function containersOf(pod: Json | undefined): Array<{ list: string; container: Json }> {
  if (!pod) return [];
  const out: Array<{ list: string; container: Json }> = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    const v = pod[list];
    if (Array.isArray(v)) for (const c of v) if (isObject(c)) out.push({ list, container: c });
  }
  return out;
}
