/**
 * The description of a service: a plain typed object, free of any provider type and of any
 * renderer's syntax (durations are `Duration`s, secrets are neutral references), so that the same
 * profile renders to `docker_container` today and to Kubernetes workloads tomorrow.
 *
 * Every default is an exported constant of ./defaults.ts; `validateServiceSpec` and
 * `resolveDefaults` (./validate.ts) are the one validation and the one defaulting that profiles
 * and renderers share.
 */
import type { Duration } from "./units";

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
  /** Time between probes. @default DEFAULT_HEALTH_INTERVAL (30 s) */
  readonly interval?: Duration;
  /** Time one probe may take. @default DEFAULT_HEALTH_TIMEOUT (5 s) */
  readonly timeout?: Duration;
  /** Failed probes in a row before the service counts as unhealthy. @default DEFAULT_HEALTH_RETRIES (3) */
  readonly retries?: number;
  /** Time after start during which failures do not count. @default DEFAULT_HEALTH_START_PERIOD (30 s) */
  readonly startPeriod?: Duration;
}

export interface ResourceSpec {
  /** Hard memory limit in MB (swap is never allowed: memory_swap = memory). */
  readonly memoryMb: number;
  /** Relative CPU weight. @default DEFAULT_CPU_SHARES (1024, Docker's own default) */
  readonly cpuShares?: number;
  /** Hard CPU cap in cores (0.5 = half a core), rendered as cpu_period/cpu_quota. @default none */
  readonly cpuLimit?: number;
  /** Max processes for the container user (ulimit nproc; the provider has no pids_limit). @default DEFAULT_MAX_PROCESSES (512) */
  readonly maxProcesses?: number;
  /** Max open files (ulimit nofile). @default DEFAULT_MAX_OPEN_FILES (8192) */
  readonly maxOpenFiles?: number;
}

/** A writable path on the otherwise read-only root filesystem, mounted as tmpfs. */
export interface WritablePath {
  readonly path: string;
  /** @default DEFAULT_WRITABLE_PATH_SIZE_MB (64) */
  readonly sizeMb?: number;
  /** Octal mode of the tmpfs root, e.g. "1777" for /tmp. @default DEFAULT_WRITABLE_PATH_MODE ("0755") */
  readonly mode?: string;
  /**
   * Who owns the mount's root: `root`, or the service's own user (rendered as tmpfs `uid=`/`gid=`).
   * Use `service` for directories the service creates sockets, pid or lock files in: on runc
   * before 1.1.8 a tmpfs `mode=` is ignored for a directory that exists in the image (runc#3911),
   * so only ownership keeps such a directory writable after a restart.
   * @default "root"
   */
  readonly owner?: "root" | "service";
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
 * A secret value, by reference only, never a literal. Neutral: `Secret.named("db_password", …)`
 * names a secret that each renderer binds its own way (the Docker renderer to a sensitive
 * Terraform variable of that name, a Kubernetes renderer to a key of a Secret). `Secret.fromVariable`
 * and `Secret.fromSensitiveValue` return references already bound to a Terraform expression.
 */
export interface SecretRef {
  readonly kind: "secret";
  /** snake_case name of the secret (`db_password`); the Terraform variable name when bound to one. */
  readonly name: string;
  /** What the secret is and who rotates it; required for secrets a renderer declares. */
  readonly description?: string;
  /** A Terraform `${…}` expression when the reference is already bound (a variable, a data source). */
  readonly expression?: string;
  /** Human description for reports: `var.db_password`. */
  readonly source: string;
}

export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== "object" || v === null || (v as SecretRef).kind !== "secret") return false;
  const r = v as SecretRef;
  return typeof r.name === "string" && (r.expression === undefined || typeof r.expression === "string");
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
   * Time the service gets to shut down cleanly after its stop signal before it is killed
   * (datastores flush and checkpoint). @default DEFAULT_STOP_GRACE_PERIOD (10 s, Docker's own default)
   */
  readonly stopGracePeriod?: Duration;
  /** Where each fact of this spec comes from (image version, Dockerfile/entrypoint read). */
  readonly provenance?: string;
  /** How the service's data is backed up (engine, data volume, change log for PITR). @default none: the service holds no data to back up */
  readonly backup?: import("./backup").BackupSpec;
  /** How the service is observed (metrics, exporter, probes); read by constructs/monitoring, ignored by the Docker renderer. @default not observed */
  readonly observability?: import("./observability").ObservabilitySpec;
}
