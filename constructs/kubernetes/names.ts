/**
 * Names, labels and quantities of the Kubernetes renderer. Label keys are part of the contract:
 * selectors and NetworkPolicies match on them, and the K8S rules read the role label, so they are
 * chosen once here.
 */
import { ROLE_LABEL } from "../../knowledge/roles";

/** Selector label: the service name (unique within a namespace). */
export const NAME_LABEL = "app.kubernetes.io/name";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "bulwark";
/** The role label the Docker renderer writes too (knowledge/roles.ts); the rules read it. */
export { ROLE_LABEL };
export const TIER_LABEL = "bulwark.tier";
/** Annotations (values may be long or hold any character; labels may not). */
export const OWNER_ANNOTATION = "bulwark.owner";
export const PROVENANCE_ANNOTATION = "bulwark.provenance";
/** Facts of the service spec that have no Kubernetes field (see unexpressed.ts). */
export const UNEXPRESSED_ANNOTATION = "bulwark.unexpressed";
/** Why a workload runs exactly once (singleton). */
export const SINGLETON_ANNOTATION = "bulwark.singleton";

/** RFC 1123 label: what Kubernetes accepts as a namespace, Service or workload name. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** IANA_SVC_NAME: port names (at most 15 characters, a letter, no double dash). */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
/** Label value: at most 63 characters, alphanumeric at both ends. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export function isDnsLabel(v: unknown): v is string {
  return typeof v === "string" && DNS_LABEL.test(v);
}

export function isPortName(v: unknown): v is string {
  return typeof v === "string" && PORT_NAME.test(v) && /[a-z]/.test(v) && !v.includes("--");
}

export function isLabelValue(v: unknown): v is string {
  return typeof v === "string" && LABEL_VALUE.test(v);
}

/** `/var/run/postgresql` → `var-run-postgresql`: a volume name from a path (RFC 1123 label). */
export function pathSlug(path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" ? "root" : slug;
}

/** A name of at most 63 characters that stays a valid label after truncation. */
export function clampName(name: string): string {
  return name.slice(0, 63).replace(/-+$/, "");
}

/** Memory in MiB as a Kubernetes quantity. Docker's `memory` in MB is MiB (the provider multiplies by 1024²). */
export function mebibytes(mb: number): string {
  return `${mb}Mi`;
}

/** CPU in millicores as a Kubernetes quantity. */
export function millicores(m: number): string {
  return `${m}m`;
}

/** Kubernetes converts a CPU request to cgroup cpu.shares at 1024 per core: the same weight as Docker's cpu_shares. */
export function cpuSharesToMillicores(shares: number): number {
  return Math.max(1, Math.round((shares * 1000) / 1024));
}
