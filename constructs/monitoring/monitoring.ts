/**
 * Monitoring: Prometheus, Alertmanager, node_exporter, cAdvisor, the blackbox exporter and the
 * exporters the stack's services declare, as HardenedContainers on the internal monitoring network
 * (`monnet`), with no published ports. Scrape jobs, probes, exporters and alerts come from the
 * services' observability facts (`ServiceSpec.observability`); see ./plan.ts.
 *
 * How configuration reaches the containers: `upload` blocks of each docker_container (the L1
 * escape hatch `container.putUpload`), written into a small named config volume mounted at the
 * component's config directory (Docker refuses to copy into a read-only root filesystem, but a
 * volume mount is writable at create time while the root stays read-only). Text we render is
 * escaped for Terraform (`$${`, `%%{`); a credential file's content is exactly the secret's
 * Terraform expression (a sensitive variable), so no secret is ever a literal, a flag or an
 * environment value of an exporter. As every upload, the content lives in Terraform state: keep
 * state in the encrypted backend (STATE-001).
 *
 * Networks: Prometheus joins monnet plus the internal networks of the services it scrapes itself;
 * each exporter joins monnet plus one internal network of its target; the blackbox exporter joins
 * monnet, its probe targets' internal networks and, for public probes, the egress network;
 * Alertmanager joins monnet and the egress network (SMTP, Telegram).
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import type { ContainerUpload } from "@cdktf/provider-docker/lib/container";
import { BACKEND_ROLES } from "../../knowledge";
import { bindSecretToTerraform } from "../core/secret";
import { HardenedContainer, type MountableVolume } from "../docker/hardened-container";
import type { HardenedNetwork, NetworkTopology } from "../docker/network-topology";
import { HealthProbe } from "../service/health";
import type { ImageSpec, ServiceSpec } from "../service/spec";
import { Duration } from "../service/units";
import type { AlertingProps } from "./alertmanager-config";
import { ALERTMANAGER, BLACKBOX_EXPORTER, CADVISOR, EXPORTERS, NODE_EXPORTER, PROMETHEUS, type ComponentFacts } from "./components";
import { BLACKBOX_DIR, PROMETHEUS_DIR, RULE_FILE_NAME, planMonitoring, type MonitoringPlan, type PlannedFile, type PublicProbe } from "./plan";
import { escapeTerraformTemplate, promDuration } from "./render";
import type { SloSpec } from "./slo";
import type { AlertThresholds } from "./thresholds";

export const DEFAULT_MONITORING_NETWORK = "monnet";
export const DEFAULT_RUNBOOK_BASE_URL = "docs/runbooks";
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(30);
export const DEFAULT_RETENTION = Duration.hours(24 * 15);
export const DEFAULT_TEXTFILE_DIRECTORY = "/var/lib/bulwark/metrics";

export type MonitoringComponent = "prometheus" | "alertmanager" | "node-exporter" | "cadvisor" | "blackbox-exporter";

export interface MonitoringProps {
  /** The stack's topology; it must declare the monitoring network in additionalInternalNetworks. */
  readonly topology: NetworkTopology;
  /** The containers to observe (their `service.observability` facts decide how). */
  readonly services: readonly HardenedContainer[];
  /** Team responsible for the monitoring containers (`bulwark.owner`). */
  readonly owner: string;
  /** Receivers and repeat intervals; at least one receiver. */
  readonly alerting: AlertingProps;
  /** @default DEFAULT_THRESHOLDS (./thresholds.ts) */
  readonly thresholds?: AlertThresholds;
  /** @default none */
  readonly slos?: readonly SloSpec[];
  /** End-to-end probes of public hostnames through the edge (availability, latency, certificate expiry). @default none */
  readonly publicProbes?: readonly PublicProbe[];
  /** Logical name of the internal monitoring network in the topology. @default "monnet" */
  readonly network?: string;
  /** Non-internal network for Alertmanager's notifications and public probes. @default topology.front */
  readonly egressNetwork?: HardenedNetwork;
  /** Base of `runbook_url` (`<base>/<Alert>.md`); set it to your repository's URL. @default "docs/runbooks" */
  readonly runbookBaseUrl?: string;
  /** @default 30 s */
  readonly scrapeInterval?: Duration;
  /** Prometheus TSDB retention. @default 15 days */
  readonly retention?: Duration;
  /**
   * node_exporter. Its textfile collector reads the `.prom` metrics backup jobs write, mounted
   * read-only from `textfileVolume` (a BackupPlan's `metricsVolume`: the plan and the exporter then
   * agree by construction) or else from the host directory `textfileDirectory`. `false` turns
   * node_exporter off.
   * @default { textfileDirectory: DEFAULT_TEXTFILE_DIRECTORY }
   */
  readonly nodeExporter?: { readonly textfileDirectory?: string; readonly textfileVolume?: MountableVolume } | false;
  /**
   * cAdvisor. Without `dockerSocketGroupId` it reads cgroups only (container metrics labelled by
   * cgroup id, no names); with it, it also mounts the Docker socket read-only and runs with that
   * group, which gives it control of the engine (the reason is written into every report).
   * `false` turns it off.
   * @default {} (cgroups only)
   */
  readonly cadvisor?: { readonly dockerSocketGroupId?: number } | false;
  /** Generate the backup and restore-test alerts. @default true */
  readonly backups?: boolean;
  /** Image pins (add the digest you tested). @default the tags in ./components.ts */
  readonly images?: Partial<Record<MonitoringComponent, ImageSpec>>;
}

export class Monitoring extends Construct {
  readonly plan: MonitoringPlan;
  readonly network: HardenedNetwork;
  readonly prometheus: HardenedContainer;
  readonly alertmanager: HardenedContainer;
  readonly blackbox: HardenedContainer;
  readonly nodeExporter?: HardenedContainer;
  readonly cadvisor?: HardenedContainer;
  readonly exporters: readonly HardenedContainer[];
  /** Rendered files by name (prometheus.yml, the rule file, its promtool tests, alertmanager.yml, blackbox.yml). */
  readonly files: MonitoringPlan["files"];
  /** The alerting props as validated (receivers), e.g. for a routing test. */
  readonly alertingProps: AlertingProps;

  private readonly where: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const where = `Monitoring ${this.node.path}`;
    this.where = where;
    const fail = (prop: string, problem: string, fix: string): never => {
      throw new Error(`${where}: ${prop} ${problem}. Fix: ${fix}`);
    };
    if (!props?.topology) fail("topology", "is missing", "pass the stack's NetworkTopology (with additionalInternalNetworks: [\"monnet\"])");
    if (!Array.isArray(props.services) || props.services.length === 0) fail("services", "is empty", "list the stack's HardenedContainers to observe");
    if (typeof props.owner !== "string" || props.owner.trim() === "") fail("owner", "is empty", "name the team responsible for monitoring");
    const netName = props.network ?? DEFAULT_MONITORING_NETWORK;
    let found: HardenedNetwork | undefined;
    try {
      found = props.topology.internal(netName);
    } catch {
      found = undefined;
    }
    if (!found) fail("network", `"${netName}" is not an internal network of the topology`, `declare it: new NetworkTopology(stack, "network", { additionalInternalNetworks: ["${netName}"] })`);
    const monnet = found as HardenedNetwork;
    this.network = monnet;
    const egress = props.egressNetwork ?? props.topology.front;
    if (egress.internal) fail("egressNetwork", `"${egress.logicalName}" is internal`, "give a network with egress (topology.front): Alertmanager must reach SMTP/Telegram, public probes the edge");

    const stackId = TerraformStack.of(this).node.id;
    const nodeOpts = props.nodeExporter === false ? undefined : props.nodeExporter ?? {};
    const cadvisorOpts = props.cadvisor === false ? undefined : props.cadvisor ?? {};
    const scrapeInterval = promDuration(props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL);
    this.plan = planMonitoring({
      where,
      stack: stackId,
      services: props.services.map((c) => ({
        name: c.service.name,
        hostname: c.hostname,
        observability: (c.service as ServiceSpec).observability,
        backend: BACKEND_ROLES.has(c.service.role),
      })),
      alerting: props.alerting,
      thresholds: props.thresholds,
      slos: props.slos,
      publicProbes: props.publicProbes,
      runbookBaseUrl: props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL,
      scrapeInterval,
      nodeExporter: nodeOpts !== undefined,
      cadvisor: cadvisorOpts !== undefined,
      backups: props.backups ?? true,
    });
    this.files = this.plan.files;
    this.alertingProps = props.alerting;
    const byName = new Map(props.services.map((c) => [c.service.name, c]));
    const internalOf = (svcName: string, why: string): HardenedNetwork => {
      const c = byName.get(svcName) as HardenedContainer;
      const n = c.networks.find((x) => x.internal && x.logicalName !== "publish");
      if (!n) fail(`services[${svcName}]`, `joins no internal network, so ${why} cannot reach it`, `attach ${svcName} to an internal network too (topology.back or topology.internal("${netName}"))`);
      return n as HardenedNetwork;
    };
    const uniq = (nets: HardenedNetwork[]) => nets.filter((n, i) => nets.findIndex((m) => m.logicalName === n.logicalName) === i);
    const image = (c: MonitoringComponent, facts: ComponentFacts) => props.images?.[c] ?? facts.image;

    // --- Prometheus --------------------------------------------------------------------------
    const retention = promDuration(props.retention ?? DEFAULT_RETENTION);
    this.prometheus = this.component("prometheus", {
      facts: { ...PROMETHEUS, image: image("prometheus", PROMETHEUS) },
      networks: uniq([monnet, ...this.plan.scrapedServices.map((s) => internalOf(s.name, "Prometheus"))]),
      owner: props.owner,
      memoryMb: 1024,
      command: [
        `--config.file=${PROMETHEUS_DIR}/prometheus.yml`,
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${retention}`,
        `--web.listen-address=:${PROMETHEUS.port}`,
      ],
      dataVolumes: [{ name: "data", path: "/prometheus" }, { name: "config", path: PROMETHEUS_DIR }],
    });
    this.deliver(this.prometheus, [
      { path: `${PROMETHEUS_DIR}/prometheus.yml`, content: this.files.prometheus },
      { path: `${PROMETHEUS_DIR}/rules/${RULE_FILE_NAME}`, content: this.files.rules },
      ...this.plan.prometheusFiles,
    ]);

    // --- Alertmanager ------------------------------------------------------------------------
    this.alertmanager = this.component("alertmanager", {
      facts: { ...ALERTMANAGER, image: image("alertmanager", ALERTMANAGER) },
      networks: uniq([monnet, egress]),
      owner: props.owner,
      memoryMb: 128,
      // No cluster port: a single Alertmanager needs no gossip listener.
      command: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address=", `--web.listen-address=:${ALERTMANAGER.port}`],
      dataVolumes: [{ name: "data", path: "/alertmanager" }, { name: "config", path: "/etc/alertmanager" }],
    });
    this.deliver(this.alertmanager, [{ path: "/etc/alertmanager/alertmanager.yml", content: this.files.alertmanager }, ...this.plan.alertmanagerSecrets]);

    // --- blackbox exporter -------------------------------------------------------------------
    const publicProbes = (props.publicProbes ?? []).length > 0;
    this.blackbox = this.component("blackbox-exporter", {
      facts: { ...BLACKBOX_EXPORTER, image: image("blackbox-exporter", BLACKBOX_EXPORTER) },
      networks: uniq([monnet, ...this.plan.probedServices.map((s) => internalOf(s.name, "the blackbox exporter")), ...(publicProbes ? [egress] : [])]),
      owner: props.owner,
      memoryMb: 64,
      command: [`--config.file=${BLACKBOX_DIR}/blackbox.yml`, `--web.listen-address=:${BLACKBOX_EXPORTER.port}`],
      dataVolumes: [{ name: "config", path: BLACKBOX_DIR }],
    });
    this.deliver(this.blackbox, [{ path: `${BLACKBOX_DIR}/blackbox.yml`, content: this.files.blackbox }, ...this.plan.blackboxFiles]);

    // --- node_exporter -----------------------------------------------------------------------
    if (nodeOpts) {
      if (nodeOpts.textfileVolume !== undefined && nodeOpts.textfileDirectory !== undefined) {
        fail("nodeExporter", "sets both textfileVolume and textfileDirectory", "give one: the BackupPlan's metricsVolume, or a host directory");
      }
      const textfile = nodeOpts.textfileDirectory ?? DEFAULT_TEXTFILE_DIRECTORY;
      this.nodeExporter = this.component("node-exporter", {
        facts: { ...NODE_EXPORTER, image: image("node-exporter", NODE_EXPORTER) },
        networks: [monnet],
        owner: props.owner,
        memoryMb: 64,
        command: [
          "--path.procfs=/host/proc",
          "--path.sysfs=/host/sys",
          "--path.rootfs=/host/root",
          "--collector.textfile.directory=/host/textfile",
          "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
          `--web.listen-address=:${NODE_EXPORTER.port}`,
        ],
      });
      this.nodeExporter
        .allowHostPath("/proc", { containerPath: "/host/proc", reason: "node_exporter reads host CPU, memory, load and network counters from /proc (read-only)" })
        .allowHostPath("/sys", { containerPath: "/host/sys", reason: "node_exporter reads host hardware, thermal and filesystem facts from /sys (read-only)" })
        .allowHostPath("/", { containerPath: "/host/root", reason: "node_exporter measures free space of the host filesystems (disk-full alerts); read-only" });
      if (nodeOpts.textfileVolume !== undefined) {
        this.nodeExporter.addVolumeMount(nodeOpts.textfileVolume, { containerPath: "/host/textfile", readOnly: true });
      } else {
        this.nodeExporter.allowHostPath(textfile, { containerPath: "/host/textfile", reason: "node_exporter exports the backup and restore-test metrics backup jobs write here (read-only)" });
      }
    }

    // --- cAdvisor ----------------------------------------------------------------------------
    if (cadvisorOpts) {
      const gid = cadvisorOpts.dockerSocketGroupId;
      if (gid !== undefined && (!Number.isInteger(gid) || gid < 1 || gid > 2_147_483_647)) fail("cadvisor.dockerSocketGroupId", `is ${gid}`, "give the numeric gid of the host's docker group (`getent group docker`)");
      this.cadvisor = this.component("cadvisor", {
        facts: { ...CADVISOR, image: image("cadvisor", CADVISOR), user: gid === undefined ? CADVISOR.user : `65534:${gid}` },
        networks: [monnet],
        owner: props.owner,
        memoryMb: 256,
        command: [
          `--port=${CADVISOR.port}`,
          "--housekeeping_interval=30s",
          `--docker_only=${gid === undefined ? "false" : "true"}`,
          "--store_container_labels=false",
          "--whitelisted_container_labels=bulwark.service,bulwark.owner",
          "--disable_metrics=percpu,sched,tcp,udp,advtcp,hugetlb,referenced_memory,cpu_topology,resctrl,process",
        ],
      });
      this.cadvisor.allowHostPath("/sys", { reason: "cAdvisor reads per-container CPU, memory and OOM counters from the host cgroup tree under /sys (read-only)" });
      if (gid !== undefined) {
        this.cadvisor.allowHostPath("/var/run/docker.sock", {
          reason: "cAdvisor names containers by asking the Docker engine; even read-only, the socket gives control of the engine, so cAdvisor runs non-root, on the internal monitoring network only, with no published port",
        });
      }
    }

    // --- exporters ---------------------------------------------------------------------------
    const exporters: HardenedContainer[] = [];
    for (const x of this.plan.exporters) {
      const facts = EXPORTERS[x.kind];
      const c = this.component(x.name, {
        facts,
        networks: uniq([monnet, internalOf(x.target.name, `its exporter ${x.name}`)]),
        owner: props.owner,
        memoryMb: 64,
        command: x.command,
        env: x.env,
        dataVolumes: x.configDir ? [{ name: "config", path: x.configDir }] : [],
      });
      this.deliver(c, x.files);
      exporters.push(c);
    }
    this.exporters = exporters;

    for (const u of this.plan.unobserved) {
      this.node.addMetadata("bulwark:unobserved", u);
    }
  }

  private component(
    name: string,
    o: {
      facts: ComponentFacts;
      networks: HardenedNetwork[];
      owner: string;
      memoryMb: number;
      command?: readonly string[];
      env?: Readonly<Record<string, string>>;
      dataVolumes?: { name: string; path: string }[];
    },
  ): HardenedContainer {
    const spec: ServiceSpec = {
      name,
      image: o.facts.image,
      role: "worker",
      user: o.facts.user,
      ...(o.command ? { command: [...o.command] } : {}),
      ports: [{ port: o.facts.port, name: "metrics" }],
      env: { ...(o.env ?? {}) },
      health: {
        // busybox wget in the prom/* images (alpine in cAdvisor's and redis_exporter's).
        probe: HealthProbe.http({ port: o.facts.port, path: o.facts.healthPath, tool: "wget" }),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      resources: { memoryMb: o.memoryMb, cpuShares: 256, maxProcesses: 128, maxOpenFiles: 8192 },
      writablePaths: [{ path: "/tmp", sizeMb: 16, mode: "1777" }],
      dataVolumes: o.dataVolumes ?? [],
      capabilities: [],
      provenance: "constructs/monitoring/components.ts",
    };
    return new HardenedContainer(this, name, { service: spec, networks: o.networks, owner: o.owner });
  }

  /** Upload files into a container (see the header): rendered text escaped, secrets by reference. */
  private deliver(c: HardenedContainer, files: readonly PlannedFile[]): void {
    if (files.length === 0) return;
    const uploads: ContainerUpload[] = files.map((f) => {
      if ("content" in f) return { file: f.path, content: escapeTerraformTemplate(f.content), permissions: "0444" };
      const expr = bindSecretToTerraform(c, f.secret, `${this.where}: ${c.service.name} ${f.path}`);
      return { file: f.path, content: `${escapeTerraformTemplate(f.prefix ?? "")}${expr}${escapeTerraformTemplate(f.suffix ?? "")}`, permissions: "0444" };
    });
    c.container.putUpload(uploads);
  }
}
