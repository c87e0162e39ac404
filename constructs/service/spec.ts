/**
 * The description of a service: a plain typed object, free of any provider type, so that the
 * same profile can render to `docker_container` today and to a Kubernetes Deployment later.
 */

import type { ServiceRole } from "../../knowledge/roles";
export { BACKEND_ROLES, type ServiceRole } from "../../knowledge/roles";

/**
 * Linux capabilities a hardened service may add back after `drop ALL`. Closed set: the
 * dangerous ones (SYS_ADMIN, NET_ADMIN, NET_RAW, …) cannot be expressed at all.
 */
export type Capability =
  | "CHOWN"
  | "DAC_OVERRIDE"
  | "FOWNER"
  | "FSETID"
  | "KILL"
  | "SETGID"
  | "SETUID"
  | "SETPCAP"
  | "NET_BIND_SERVICE"
  | "SYS_CHROOT"
  | "SYS_NICE"
  | "SYS_RESOURCE"
  | "IPC_LOCK";

export const CAPABILITIES: readonly Capability[] = [
  "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
  "NET_BIND_SERVICE", "SYS_CHROOT", "SYS_NICE", "SYS_RESOURCE", "IPC_LOCK",
];

export interface CapabilityGrant {
  readonly capability: Capability;
  /** Why the service needs it; required, at least 10 characters. */
  readonly reason: string;
}

/** An image: repository plus a version tag (never `latest`) and, recommended, a digest. */
export interface ImageSpec {
  /** `mariadb`, `docker.io/library/mariadb`, `ghcr.io/org/app`. */
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<64 hex>`; strongly recommended (DOCKER-022 warns without it). */
  readonly digest?: string;
}

/** How the platform asks a service whether it is healthy. Build with `HealthProbe`. */
export type ProbeCommand =
  | { readonly kind: "exec"; readonly command: readonly string[] }
  | { readonly kind: "shell"; readonly script: string };

export interface HealthSpec {
  readonly probe: ProbeCommand;
  /** @default "30s" */
  readonly interval?: string;
  /** @default "5s" */
  readonly timeout?: string;
  /** @default 3 */
  readonly retries?: number;
  /** @default "30s" */
  readonly startPeriod?: string;
}

export interface ResourceSpec {
  /** Hard memory limit in MB (swap is never allowed: memory_swap = memory). */
  readonly memoryMb: number;
  /** Relative CPU weight (Docker default 1024). @default 1024 */
  readonly cpuShares?: number;
  /** Hard CPU cap in cores (0.5 = half a core), rendered as cpu_period/cpu_quota. @default none */
  readonly cpuLimit?: number;
  /** Max processes for the container user (ulimit nproc; the provider has no pids_limit). @default 256 */
  readonly maxProcesses?: number;
  /** Max open files (ulimit nofile). @default 4096 */
  readonly maxOpenFiles?: number;
}

/** A writable path on the otherwise read-only root filesystem, mounted as tmpfs. */
export interface WritablePath {
  readonly path: string;
  /** @default 64 */
  readonly sizeMb?: number;
  /** Octal mode of the tmpfs root, e.g. "1777" for /tmp. @default "0755" (owned by root!) */
  readonly mode?: string;
  /**
   * Allow executing files from it (some runtimes unpack native code to /tmp).
   * @default false (mounted noexec)
   */
  readonly exec?: boolean;
}

/** Persistent data, kept in a named volume. */
export interface DataVolume {
  /** Short name, unique within the service (`data`); the volume is `<service>-<name>`. */
  readonly name: string;
  readonly path: string;
}

export interface ContainerPort {
  readonly port: number;
  /** @default "tcp" */
  readonly protocol?: "tcp" | "udp";
  /** What it serves (`http`, `mysql`, `metrics`). */
  readonly name: string;
}

/** A host port publication; only loopback addresses are accepted. */
export interface PublishedPort {
  readonly containerPort: number;
  readonly hostPort: number;
  /** @default "127.0.0.1" */
  readonly hostIp?: string;
  /** @default "tcp" */
  readonly protocol?: "tcp" | "udp";
}

/**
 * A secret value. Created only from sensitive Terraform variables (or sensitive data source
 * attributes), never from a literal: `expression` is a `${…}` reference.
 */
export interface SecretRef {
  readonly kind: "secret";
  /** The Terraform expression, e.g. `${var.db_password}`. */
  readonly expression: string;
  /** Human description for reports: `var.db_password`. */
  readonly source: string;
}

export function isSecretRef(v: unknown): v is SecretRef {
  return typeof v === "object" && v !== null && (v as SecretRef).kind === "secret" && typeof (v as SecretRef).expression === "string";
}

/** The full description of a service. Profiles return most of it; the stack adds the rest. */
export interface ServiceSpec {
  /** DNS-safe service name; also the container name and the network alias. */
  readonly name: string;
  readonly image: ImageSpec;
  readonly role: ServiceRole;
  /** Non-root `UID:GID` the image supports. */
  readonly user: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Ports the service listens on inside its network (documentation + probes; not published). */
  readonly ports?: readonly ContainerPort[];
  /** Plain, non-secret environment. Secret-looking names are refused here. */
  readonly env?: Readonly<Record<string, string>>;
  /** Secret environment: name → sensitive reference. */
  readonly secretEnv?: Readonly<Record<string, SecretRef>>;
  readonly health: HealthSpec;
  readonly resources: ResourceSpec;
  readonly writablePaths?: readonly WritablePath[];
  readonly dataVolumes?: readonly DataVolume[];
  readonly capabilities?: readonly CapabilityGrant[];
  /**
   * Seconds the service gets to shut down cleanly after its stop signal before it is killed
   * (datastores flush and checkpoint). @default 10 (Docker's default)
   */
  readonly stopGraceSeconds?: number;
  /** Where each fact of this spec comes from (image version, Dockerfile/entrypoint read). */
  readonly provenance?: string;
}
