/**
 * The pod template of a resolved ServiceSpec: the Kubernetes form of what HardenedContainer does
 * on one Docker host. Pure: the workload construct adds metadata and the controller around it.
 *
 * | Docker (HardenedContainer) | Kubernetes (here) |
 * |---|---|
 * | `user = "UID:GID"` | `runAsUser`/`runAsGroup` (pod and container), `runAsNonRoot: true`, `fsGroup: GID` |
 * | `read_only = true` | `readOnlyRootFilesystem: true` |
 * | `no-new-privileges:true` | `allowPrivilegeEscalation: false` |
 * | `capabilities { drop = ["ALL"] }` + justified adds | `capabilities: { drop: ["ALL"], add }` |
 * | default seccomp profile | `seccompProfile: RuntimeDefault` (pod and container) |
 * | no Docker socket, no API | `automountServiceAccountToken: false`, `enableServiceLinks: false` |
 * | tmpfs per writable path | `emptyDir { medium: Memory, sizeLimit }` (memory-backed, like tmpfs) |
 * | `memory = memory_swap` | `requests.memory = limits.memory` (swap is off on Kubernetes nodes by default) |
 * | `cpu_shares` / `cpu_period`+`cpu_quota` | `requests.cpu` (same cgroup weight) / `limits.cpu` |
 * | healthcheck | startup, readiness and liveness probes running the same command |
 * | `stop_timeout` | `terminationGracePeriodSeconds` |
 */
import type {
  DeploymentV1SpecTemplateSpec,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerEnv,
  DeploymentV1SpecTemplateSpecContainerLivenessProbe,
  DeploymentV1SpecTemplateSpecVolume,
  DeploymentV1SpecTemplateSpecContainerVolumeMount,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { ImageSpec, ProbeCommand } from "../service/spec";
import type { ResolvedServiceSpec } from "../service/validate";
import { clampName, cpuSharesToMillicores, mebibytes, millicores, pathSlug } from "./names";
import type { SecretKeySelector } from "./namespace";

export interface PodOptions {
  /** `name`/`key` of the Secret each secret env var reads, by variable name. */
  readonly secretKeys: ReadonlyMap<string, SecretKeySelector>;
  readonly readOnlyRootFilesystem: boolean;
  readonly automountServiceAccountToken: boolean;
  /** @default cpuShares converted at 1024 per core */
  readonly cpuRequestMillicores?: number;
  /** Names of the volume claim templates, by data volume name (StatefulSets). */
  readonly claimNames: ReadonlyMap<string, string>;
}

/** Probe periods at start and for readiness: never slower than 10 s, so a pod takes traffic soon after it is up. */
export const MAX_FAST_PROBE_PERIOD_SECONDS = 10;

export function imageName(image: ImageSpec): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ""}`;
}

export function probeCommand(probe: ProbeCommand): string[] {
  return probe.kind === "exec" ? [...probe.command] : ["/bin/sh", "-c", probe.script];
}

/** Startup, readiness and liveness probes with the semantics of Docker's healthcheck. */
export function probes(r: ResolvedServiceSpec): {
  startup: DeploymentV1SpecTemplateSpecContainerLivenessProbe;
  readiness: DeploymentV1SpecTemplateSpecContainerLivenessProbe;
  liveness: DeploymentV1SpecTemplateSpecContainerLivenessProbe;
} {
  const h = r.health;
  const exec = { command: probeCommand(h.probe) };
  const interval = Math.max(1, h.interval.toSeconds());
  const timeout = Math.max(1, h.timeout.toSeconds());
  const fast = Math.min(interval, MAX_FAST_PROBE_PERIOD_SECONDS);
  return {
    // Docker ignores failures during start_period, then counts `retries` in a row: the startup
    // probe allows the same time before liveness takes over.
    startup: { exec, periodSeconds: fast, timeoutSeconds: timeout, failureThreshold: Math.ceil(h.startPeriod.toSeconds() / fast) + h.retries, successThreshold: 1 },
    readiness: { exec, periodSeconds: fast, timeoutSeconds: timeout, failureThreshold: h.retries, successThreshold: 1 },
    liveness: { exec, periodSeconds: interval, timeoutSeconds: timeout, failureThreshold: h.retries, successThreshold: 1 },
  };
}

export function podSpec(r: ResolvedServiceSpec, opts: PodOptions): DeploymentV1SpecTemplateSpec {
  const [uid, gid] = r.user.split(":");
  const volumes: DeploymentV1SpecTemplateSpecVolume[] = [];
  const mounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[] = [];
  const names = new Set<string>(opts.claimNames.values());
  r.writablePaths.forEach((w, i) => {
    let name = clampName(`w-${pathSlug(w.path)}`);
    if (names.has(name)) name = clampName(`w${i}-${pathSlug(w.path)}`);
    names.add(name);
    // Memory-backed like Docker's tmpfs; the size counts against the container's memory limit on both.
    volumes.push({ name, emptyDir: { medium: "Memory", sizeLimit: mebibytes(w.sizeMb) } });
    mounts.push({ name, mountPath: w.path });
  });
  for (const d of r.dataVolumes) {
    const claim = opts.claimNames.get(d.name);
    if (claim === undefined) throw new Error(`podSpec: data volume ${d.name} has no volume claim`);
    mounts.push({ name: claim, mountPath: d.path });
  }

  const env: DeploymentV1SpecTemplateSpecContainerEnv[] = [];
  for (const [name, value] of Object.entries(r.env).sort(([a], [b]) => cmp(a, b))) env.push({ name, value });
  for (const name of Object.keys(r.secretEnv).sort(cmp)) {
    const sel = opts.secretKeys.get(name);
    if (!sel) throw new Error(`podSpec: secret env ${name} is not bound`);
    env.push({ name, valueFrom: { secretKeyRef: { name: sel.name, key: sel.key, optional: false } } });
  }

  const add = [...new Set(r.capabilities.map((g) => g.capability))].sort();
  const cpuRequest = opts.cpuRequestMillicores ?? cpuSharesToMillicores(r.resources.cpuShares);
  const limits: Record<string, string> = { memory: mebibytes(r.resources.memoryMb) };
  if (r.resources.cpuLimit !== undefined) limits.cpu = millicores(Math.max(1, Math.round(r.resources.cpuLimit * 1000)));
  const p = probes(r);

  const container: DeploymentV1SpecTemplateSpecContainer = {
    name: r.name,
    image: imageName(r.image),
    imagePullPolicy: "IfNotPresent",
    // Docker's entrypoint is Kubernetes' command; Docker's command is Kubernetes' args.
    command: r.entrypoint ? [...r.entrypoint] : undefined,
    args: r.command ? [...r.command] : undefined,
    env: env.length > 0 ? env : undefined,
    port: r.ports.length > 0 ? r.ports.map((x) => ({ containerPort: x.port, name: x.name, protocol: x.protocol.toUpperCase() })) : undefined,
    resources: {
      requests: { cpu: millicores(cpuRequest), memory: mebibytes(r.resources.memoryMb) },
      limits,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: opts.readOnlyRootFilesystem,
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
      capabilities: add.length > 0 ? { drop: ["ALL"], add } : { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    startupProbe: p.startup,
    readinessProbe: p.readiness,
    livenessProbe: p.liveness,
    terminationMessagePolicy: "FallbackToLogsOnError",
    volumeMount: mounts.length > 0 ? mounts : undefined,
  };

  return {
    automountServiceAccountToken: opts.automountServiceAccountToken,
    // Service links inject every Service of the namespace as env vars: noise, and a leak of the topology.
    enableServiceLinks: false,
    terminationGracePeriodSeconds: r.stopGracePeriod.toSeconds(),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
      // emptyDirs and volume claims become group-writable by the service's GID (the
      // Kubernetes form of tmpfs uid=/gid= for `owner: "service"`).
      fsGroup: gid,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    },
    container: [container],
    volume: volumes.length > 0 ? volumes : undefined,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
