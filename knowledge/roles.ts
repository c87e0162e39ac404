/**
 * What a service is for, as constructs write it and rules read it. The construct labels every
 * container with its role (`bulwark.role`); the rules honour that label, so a backend service is
 * the same thing on both sides whatever its image is called.
 */

/** The service's job; backend roles (datastores, brokers, caches, search) may only join internal networks. */
export type ServiceRole = "app" | "worker" | "ingress" | "datastore" | "broker" | "cache" | "search";

export const SERVICE_ROLES: readonly ServiceRole[] = ["app", "worker", "ingress", "datastore", "broker", "cache", "search"];

/** Roles whose containers hold or move data and must never sit on a public network. */
export const BACKEND_ROLES: ReadonlySet<ServiceRole> = new Set(["datastore", "broker", "cache", "search"]);

/** Container label that carries the role (written by HardenedContainer, read by NET-001/NET-002). */
export const ROLE_LABEL = "bulwark.role";
export const INGRESS_ROLE: ServiceRole = "ingress";

export function isServiceRole(v: unknown): v is ServiceRole {
  return typeof v === "string" && (SERVICE_ROLES as readonly string[]).includes(v);
}

/** True when a role label value names a backend role. */
export function isBackendRole(v: unknown): boolean {
  return isServiceRole(v) && BACKEND_ROLES.has(v);
}
