/**
 * KubernetesWorkload: renders the same ServiceSpec that HardenedContainer renders to
 * `docker_container`, as Kubernetes objects (hashicorp/kubernetes 2.38.0):
 *
 * - a Deployment for app, worker and ingress roles; a StatefulSet for backend roles (datastore,
 *   broker, cache, search) and for any service with data volumes, each data volume a volume claim
 *   template (claims are retained when the set is deleted or scaled down);
 * - the pod template of ./pod.ts (non-root, read-only root, no privilege escalation, drop ALL,
 *   RuntimeDefault seccomp, no service account token, memory-backed emptyDirs, requests and
 *   limits, startup/readiness/liveness probes, secrets by Secret key reference);
 * - a ClusterIP Service named after the service with every declared port (clients keep the host
 *   names the profiles use, e.g. `db`), plus a headless Service governing a StatefulSet;
 * - for Deployments: a rolling update with `maxUnavailable: 0`, a HorizontalPodAutoscaler and a
 *   PodDisruptionBudget, unless the workload is a justified singleton.
 *
 * What Kubernetes cannot express (ulimits, tmpfs modes and noexec) is listed in `unexpressed`
 * (./unexpressed.ts), annotated on the workload and reported at synth.
 */
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { StatefulSetV1, type StatefulSetV1SpecTemplate } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import { BACKEND_ROLES, type ServiceRole } from "../../knowledge/roles";
import { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
import { suppress } from "../core/suppress";
import type { ServiceSpec } from "../service/spec";
import { resolveDefaults, validateServiceSpec, type ResolvedServiceSpec } from "../service/validate";
import {
  MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, OWNER_ANNOTATION, PROVENANCE_ANNOTATION, ROLE_LABEL, SINGLETON_ANNOTATION, TIER_LABEL,
  UNEXPRESSED_ANNOTATION, clampName, isDnsLabel, isPortName,
} from "./names";
import { underscore, type KubernetesNamespace, type SecretKeySelector } from "./namespace";
import type { NetworkPeer, NetworkPeerPort } from "./peer";
import { podSpec } from "./pod";
import { describeUnexpressed, unexpressedFacts, type UnexpressedFact } from "./unexpressed";

/** A deliberate, visible opt-out: the reason becomes a policy suppression in the JSON. */
export interface Justification {
  readonly reason: string;
}

export interface AutoscalingProps {
  /** @default the workload's `replicas` */
  readonly minReplicas?: number;
  /** @default twice `minReplicas` */
  readonly maxReplicas?: number;
  /** Average CPU utilisation (percent of the CPU request) the autoscaler aims for. @default DEFAULT_TARGET_CPU_PERCENT (70) */
  readonly targetCpuPercent?: number;
}

export interface VolumeClaimProps {
  /** @default DEFAULT_VOLUME_SIZE_GB (10) */
  readonly sizeGb?: number;
  /** @default the cluster's default storage class */
  readonly storageClassName?: string;
}

export interface KubernetesWorkloadProps {
  readonly service: ServiceSpec;
  readonly namespace: KubernetesNamespace;
  /** Team or person responsible; the `bulwark.owner` annotation. */
  readonly owner: string;
  /**
   * Pods to run. StatefulSets run one: the profiles configure no replication, so a second pod
   * would be a second, independent database.
   * @default DEFAULT_REPLICAS (2) for Deployments, 1 for StatefulSets
   */
  readonly replicas?: number;
  /**
   * CPU autoscaling of a Deployment, or `false` for a fixed replica count.
   * @default { minReplicas: replicas, maxReplicas: 2 × replicas, targetCpuPercent: 70 }
   */
  readonly autoscaling?: AutoscalingProps | false;
  /**
   * The Deployment must never run twice (a bot polling with one token): one replica, `Recreate`
   * updates, no autoscaler and no disruption budget. The reason suppresses K8S-014.
   * @default not a singleton
   */
  readonly singleton?: Justification;
  /** Size and class of each data volume's claim, by data volume name. @default DEFAULT_VOLUME_SIZE_GB (10) each, default class */
  readonly volumeClaims?: Readonly<Record<string, VolumeClaimProps>>;
  /** @default the spec's cpuShares at 1024 per core (the cgroup weight Docker gave it) */
  readonly cpuRequestMillicores?: number;
  readonly escapeHatches?: {
    /** Writable root filesystem (relaxes K8S-005, as DOCKER-004 on Docker). */
    readonly writableRootFilesystem?: Justification;
    /** Mount the service account token (relaxes K8S-017): only for workloads that call the Kubernetes API. */
    readonly serviceAccountToken?: Justification;
  };
}

export const DEFAULT_REPLICAS = 2;
export const DEFAULT_TARGET_CPU_PERCENT = 70;
export const DEFAULT_VOLUME_SIZE_GB = 10;
export const MAX_REPLICAS = 100;

export type WorkloadKind = "Deployment" | "StatefulSet";

export class KubernetesWorkload extends Construct implements NetworkPeer {
  readonly kind: WorkloadKind;
  readonly deployment?: DeploymentV1;
  readonly statefulSet?: StatefulSetV1;
  /** ClusterIP Service with every declared port; absent when the service declares none. */
  readonly service?: ServiceV1;
  /** Headless Service governing a StatefulSet. */
  readonly headlessService?: ServiceV1;
  readonly autoscaler?: HorizontalPodAutoscalerV2;
  readonly disruptionBudget?: PodDisruptionBudgetV1;
  /** The service as described (validated), and with every default filled in. */
  readonly spec: ServiceSpec;
  readonly resolved: ResolvedServiceSpec;
  /** Facts of the spec Kubernetes has no field for (also annotated and reported at synth). */
  readonly unexpressed: readonly UnexpressedFact[];
  readonly replicas: number;

  // NetworkPeer
  readonly serviceName: string;
  readonly role: ServiceRole;
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly ports: readonly NetworkPeerPort[];
  readonly namespaceName: string;
  /** DNS name other workloads of the namespace use. */
  readonly hostname: string;

  private readonly where: string;

  constructor(scope: Construct, id: string, props: KubernetesWorkloadProps) {
    super(scope, id);
    const where = `KubernetesWorkload ${this.node.path}`;
    this.where = where;
    if (typeof props !== "object" || props === null) this.fail("props", "are missing", "pass { service, namespace, owner }");
    const spec = validateServiceSpec(props.service, where);
    const r = resolveDefaults(spec);
    this.spec = spec;
    this.resolved = r;
    const ns = props.namespace;
    if (!ns || typeof ns.secretKeyRef !== "function") this.fail("namespace", "is missing", "pass the stack's KubernetesNamespace");
    if (typeof props.owner !== "string" || props.owner.trim() === "") this.fail("owner", "is empty", "name the team or person responsible for the service");
    if (!isDnsLabel(spec.name)) this.fail("service.name", `"${spec.name}" is not a Kubernetes name`, "end the name with a letter or digit");
    for (const p of r.ports) {
      if (!isPortName(p.name)) this.fail(`service.ports[${p.port}].name`, `"${p.name}" is not a Kubernetes port name`, "use at most 15 lower-case letters, digits and single dashes, with at least one letter");
    }

    this.serviceName = spec.name;
    this.hostname = spec.name;
    this.role = spec.role;
    this.namespaceName = ns.name;
    this.selectorLabels = { [NAME_LABEL]: spec.name };
    this.ports = r.ports.map((p) => ({ port: p.port, name: p.name, protocol: p.protocol }));
    const backend = BACKEND_ROLES.has(spec.role);
    const kind: WorkloadKind = backend || r.dataVolumes.length > 0 ? "StatefulSet" : "Deployment";
    this.kind = kind;

    // --- capabilities vs the namespace's Pod Security level ---------------------------------
    const beyondRestricted = r.capabilities.filter((g) => g.capability !== "NET_BIND_SERVICE");
    if (beyondRestricted.length > 0 && ns.podSecurity === "restricted") {
      this.fail("service.capabilities", `adds ${beyondRestricted.map((g) => g.capability).join(", ")}, which the Pod Security Standard "restricted" of namespace ${ns.name} refuses`, "drop the capability from the profile, or give the namespace podSecurity: \"baseline\"");
    }
    const baseline = new Set(["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT"]);
    const beyondBaseline = r.capabilities.filter((g) => !baseline.has(g.capability));
    if (beyondBaseline.length > 0) {
      this.fail("service.capabilities", `adds ${beyondBaseline.map((g) => g.capability).join(", ")}, which even the Pod Security Standard "baseline" refuses`, "run the service without it (a privileged namespace is not offered)");
    }

    // --- replicas, autoscaling, singleton ---------------------------------------------------
    const singleton = props.singleton;
    if (singleton !== undefined) {
      this.checkReason("singleton.reason", singleton.reason, "say why the service must never run twice");
      if (kind !== "Deployment") this.fail("singleton", `is set on ${kind} "${spec.name}"`, "leave it out: a StatefulSet already runs one pod");
      if (props.replicas !== undefined || (props.autoscaling !== undefined && props.autoscaling !== false)) {
        this.fail("singleton", "is combined with replicas or autoscaling", "a singleton runs exactly one pod: remove replicas and autoscaling");
      }
    }
    let replicas: number;
    if (kind === "StatefulSet") {
      if (props.replicas !== undefined && props.replicas !== 1) {
        this.fail("replicas", `is ${props.replicas} for ${spec.role} "${spec.name}"`, "run one pod: the profile configures no replication, so another pod would be an independent, empty copy");
      }
      if (props.autoscaling !== undefined && props.autoscaling !== false) this.fail("autoscaling", `is set on StatefulSet "${spec.name}"`, "leave it out: datastores are scaled by replication, not by adding pods");
      replicas = 1;
    } else if (singleton) {
      replicas = 1;
    } else {
      replicas = props.replicas ?? DEFAULT_REPLICAS;
      this.checkInt("replicas", replicas, 1, MAX_REPLICAS);
    }
    this.replicas = replicas;
    let hpa: Required<AutoscalingProps> | undefined;
    if (kind === "Deployment" && !singleton && props.autoscaling !== false) {
      const a = props.autoscaling ?? {};
      const min = a.minReplicas ?? replicas;
      const max = a.maxReplicas ?? min * 2;
      const target = a.targetCpuPercent ?? DEFAULT_TARGET_CPU_PERCENT;
      this.checkInt("autoscaling.minReplicas", min, 1, MAX_REPLICAS);
      this.checkInt("autoscaling.maxReplicas", max, min, MAX_REPLICAS, `use a whole number from minReplicas (${min}) to ${MAX_REPLICAS}`);
      this.checkInt("autoscaling.targetCpuPercent", target, 10, 95);
      if (min !== replicas) this.fail("autoscaling.minReplicas", `(${min}) differs from replicas (${replicas})`, "leave replicas or minReplicas out: the autoscaler owns the count");
      hpa = { minReplicas: min, maxReplicas: max, targetCpuPercent: target };
    }

    // --- data volumes ------------------------------------------------------------------------
    const claimNames = new Map<string, string>();
    const claims = props.volumeClaims ?? {};
    for (const name of Object.keys(claims)) {
      if (!r.dataVolumes.some((d) => d.name === name)) this.fail(`volumeClaims.${name}`, `is not a data volume of "${spec.name}" (it has: ${r.dataVolumes.map((d) => d.name).join(", ") || "none"})`, "size only the data volumes the profile declares");
    }
    for (const d of r.dataVolumes) {
      claimNames.set(d.name, d.name);
      const c = claims[d.name] ?? {};
      if (c.sizeGb !== undefined) this.checkInt(`volumeClaims.${d.name}.sizeGb`, c.sizeGb, 1, 65536);
      if (c.storageClassName !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(c.storageClassName)) this.fail(`volumeClaims.${d.name}.storageClassName`, `${JSON.stringify(c.storageClassName)} is not a storage class name`, "give the name of a StorageClass of the cluster");
    }

    if (props.cpuRequestMillicores !== undefined) this.checkInt("cpuRequestMillicores", props.cpuRequestMillicores, 1, 512_000);
    const writable = props.escapeHatches?.writableRootFilesystem;
    if (writable) this.checkReason("escapeHatches.writableRootFilesystem.reason", writable.reason, "say why this image cannot run with a read-only root filesystem");
    const token = props.escapeHatches?.serviceAccountToken;
    if (token) this.checkReason("escapeHatches.serviceAccountToken.reason", token.reason, "say which Kubernetes API calls the service makes");

    // --- secrets -----------------------------------------------------------------------------
    ns.register(this, where);
    const secretKeys = new Map<string, SecretKeySelector>();
    for (const [name, ref] of Object.entries(r.secretEnv)) secretKeys.set(name, ns.secretKeyRef(ref, `${where}: secret ${name}`));

    // --- render ------------------------------------------------------------------------------
    this.unexpressed = unexpressedFacts(r);
    const labels = {
      [NAME_LABEL]: spec.name,
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [ROLE_LABEL]: spec.role,
      [TIER_LABEL]: backend ? "back" : "front",
    };
    const annotations: Record<string, string> = {
      [OWNER_ANNOTATION]: props.owner,
      [UNEXPRESSED_ANNOTATION]: describeUnexpressed(this.unexpressed),
      ...(spec.provenance ? { [PROVENANCE_ANNOTATION]: spec.provenance } : {}),
      ...(singleton ? { [SINGLETON_ANNOTATION]: singleton.reason.trim() } : {}),
    };
    const namespace = ns.namespace.metadata.name;
    const metadata = { name: spec.name, namespace, labels, annotations };
    const template = {
      metadata: { labels },
      spec: podSpec(r, {
        secretKeys,
        readOnlyRootFilesystem: !writable,
        automountServiceAccountToken: token !== undefined,
        cpuRequestMillicores: props.cpuRequestMillicores,
        claimNames,
      }),
    };
    const logical = (suffix: string) => underscore(`${ns.name}-${spec.name}${suffix}`);

    let workload: DeploymentV1 | StatefulSetV1;
    if (kind === "Deployment") {
      this.deployment = new DeploymentV1(this, "deployment", {
        metadata,
        spec: {
          replicas: String(replicas),
          revisionHistoryLimit: 5,
          selector: { matchLabels: { ...this.selectorLabels } },
          // Zero downtime: a new pod must be ready before an old one goes. A singleton must never
          // run twice, so it is replaced (with a short gap) instead.
          strategy: singleton ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: "1", maxUnavailable: "0" } },
          template,
        },
      });
      workload = this.deployment;
    } else {
      const headlessName = clampName(`${spec.name}-headless`);
      this.headlessService = new ServiceV1(this, "headless-service", {
        metadata: { name: headlessName, namespace, labels },
        spec: {
          clusterIp: "None",
          selector: { ...this.selectorLabels },
          publishNotReadyAddresses: false,
          port: r.ports.length > 0 ? r.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol.toUpperCase() })) : undefined,
        },
      });
      this.headlessService.overrideLogicalId(logical("-headless"));
      this.statefulSet = new StatefulSetV1(this, "stateful-set", {
        metadata,
        spec: {
          replicas: "1",
          revisionHistoryLimit: 5,
          serviceName: headlessName,
          podManagementPolicy: "OrderedReady",
          selector: { matchLabels: { ...this.selectorLabels } },
          updateStrategy: [{ type: "RollingUpdate" }],
          // Data outlives the set: deleting or scaling it down never deletes a claim.
          persistentVolumeClaimRetentionPolicy: [{ whenDeleted: "Retain", whenScaled: "Retain" }],
          template: template as unknown as StatefulSetV1SpecTemplate,
          volumeClaimTemplate: r.dataVolumes.length > 0 ? r.dataVolumes.map((d) => {
            const c = claims[d.name] ?? {};
            return {
              metadata: { name: d.name, labels: { [NAME_LABEL]: spec.name, [MANAGED_BY_LABEL]: MANAGED_BY } },
              spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${c.sizeGb ?? DEFAULT_VOLUME_SIZE_GB}Gi` } },
                ...(c.storageClassName ? { storageClassName: c.storageClassName } : {}),
              },
            };
          }) : undefined,
        },
      });
      workload = this.statefulSet;
    }
    workload.overrideLogicalId(logical(""));
    if (writable) suppress(workload, "K8S-005", writable.reason);
    if (token) suppress(workload, "K8S-017", token.reason);
    if (singleton) suppress(workload, "K8S-014", `singleton: ${singleton.reason.trim()}`);

    if (r.ports.length > 0) {
      this.service = new ServiceV1(this, "service", {
        metadata: { name: spec.name, namespace, labels },
        spec: {
          type: "ClusterIP",
          selector: { ...this.selectorLabels },
          port: r.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol.toUpperCase() })),
        },
      });
      this.service.overrideLogicalId(logical("-service"));
    }

    if (hpa) {
      this.autoscaler = new HorizontalPodAutoscalerV2(this, "autoscaler", {
        metadata: { name: spec.name, namespace, labels },
        spec: {
          minReplicas: hpa.minReplicas,
          maxReplicas: hpa.maxReplicas,
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: spec.name },
          metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: hpa.targetCpuPercent } } }],
        },
      });
      this.autoscaler.overrideLogicalId(logical("-autoscaler"));
    }
    if (kind === "Deployment" && !singleton && replicas >= 2) {
      this.disruptionBudget = new PodDisruptionBudgetV1(this, "disruption-budget", {
        metadata: { name: spec.name, namespace, labels },
        spec: { maxUnavailable: "1", selector: { matchLabels: { ...this.selectorLabels } } },
      });
      this.disruptionBudget.overrideLogicalId(logical("-pdb"));
    }

    Annotations.of(this).addInfo(`${where}: not expressible on Kubernetes (kept in annotation ${UNEXPRESSED_ANNOTATION}): ${describeUnexpressed(this.unexpressed)}`);
  }

  /** The Deployment or StatefulSet. */
  get workload(): DeploymentV1 | StatefulSetV1 {
    return (this.deployment ?? this.statefulSet) as DeploymentV1 | StatefulSetV1;
  }

  /** Suppress one policy rule on the workload with a reason (>= 10 characters). */
  suppress(ruleId: string, reason: string): this {
    suppress(this.workload, ruleId, reason);
    return this;
  }

  private checkInt(prop: string, v: unknown, min: number, max: number, fix?: string): void {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      this.fail(prop, `is ${JSON.stringify(v)}, not a whole number from ${min} to ${max}`, fix ?? `set ${prop} to a whole number from ${min} to ${max}`);
    }
  }

  private checkReason(prop: string, reason: unknown, fix: string): void {
    if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
      this.fail(prop, `is missing or shorter than ${MIN_REASON_LENGTH} characters`, fix);
    }
  }

  private fail(prop: string, problem: string, fix: string): never {
    throw new Error(`${this.where ?? `KubernetesWorkload ${this.node.path}`}: ${prop} ${problem}. Fix: ${fix}`);
  }
}
