/**
 * Monitoring: Prometheus, Alertmanager, node_exporter, cAdvisor, the blackbox exporter and the
 * exporters the stack's services declare, as HardenedContainers on the internal monitoring network
 * (`monnet`), with no published ports. Scrape jobs, probes, exporters and alerts come from the
 * services' observability facts (`ServiceSpec.observability`); see ./plan.ts.
 *
 * How configuration reaches the containers: `HardenedContainer.addFile`/`addSecretFile` into each
 * component's config directory. Each directory is a named volume (`<component>-config`) that a
 * never-started seeding container (`<component>-config`, same image, `start = false`) receives the
 * `upload` blocks into and the component mounts read-only; the component is replaced whenever its
 * seeder is (`replace_triggered_by`), so a changed file or secret reaches it. Uploading into the
 * component itself, as this construct did before, cannot work: kreuzwerker/docker 3.6.2 copies each
 * upload with CopyToContainer(id, "/", tar) before the start, and Docker refuses every copy into a
 * container whose root filesystem is read-only ("container rootfs is marked read-only", HTTP 500),
 * even with a volume mounted at the file's directory: the check is on the destination "/", not on
 * the file. Both facts ran on Docker 20.10.24 (Debian) in e2e/uploads.ts (also
 * __tests__/docker/uploads-engine.test.ts): the refused upload into a read-only container, and the
 * seeder → read-only volume → read-only service path with the files read from inside. The
 * monitoring images themselves (prom/*, grafana) were not run here (no registry).
 *
 * Text we render is escaped for Terraform (`$${`, `%%{`); a credential file's content is exactly
 * the secret's Terraform expression (a sensitive variable) between literal text, so no secret is
 * ever a literal, a flag or an environment value of an exporter. As every upload, the content
 * lives in Terraform state: keep state in the encrypted backend (STATE-001).
 *
 * Networks: Prometheus joins monnet plus the internal networks of the services it scrapes itself;
 * each exporter joins monnet plus one internal network of its target; the blackbox exporter joins
 * monnet, its probe targets' internal networks and, for public probes, the egress network;
 * Alertmanager joins monnet and the egress network (SMTP, Telegram); Grafana (optional) joins monnet
 * (its datasource is Prometheus there) and the network the tunnel connector reaches it on.
 *
 * Names: the components are Docker containers named `prometheus`, `alertmanager`, … and Docker
 * names are unique per host, so a second Monitoring on the same Docker host (another stack) takes
 * a `namePrefix` (`app` → `app-prometheus`, volumes `app-prometheus-data`), as NetworkTopology's
 * prefix names that stack's networks (`app-monnet`). The prefix is empty by default so that an
 * existing stack keeps its container names and Terraform addresses (the logical id is the
 * container name: docker_container.prometheus). Exporters of services keep `<service>-exporter`:
 * the service's own name is already claimed on the host. Both stacks' node_exporter and cAdvisor
 * see the whole host: see the `cadvisor` prop for the second one.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { BACKEND_ROLES } from "../../knowledge";
import { HardenedContainer, type MountableVolume } from "../docker/hardened-container";
import { grafanaProfile } from "../profiles/grafana";
import type { HardenedNetwork, NetworkTopology } from "../docker/network-topology";
import { HealthProbe } from "../service/health";
import type { ImageSpec, SecretRef, ServiceSpec } from "../service/spec";
import { Duration } from "../service/units";
import { ALERTMANAGER_DIR, type AlertingProps } from "./alertmanager-config";
import { ALERTMANAGER, BLACKBOX_EXPORTER, CADVISOR, EXPORTERS, NAME_PREFIX, NODE_EXPORTER, PROMETHEUS, componentNames, type ComponentFacts, type ComponentNames } from "./components";
import { GRAFANA_DASHBOARD_DIR, GRAFANA_PROVISIONING_DIR } from "./dashboards";
import { BLACKBOX_DIR, PROMETHEUS_DIR, RULE_FILE_NAME, planMonitoring, type MonitoringPlan, type PlannedFile, type PublicProbe } from "./plan";
import { promDuration } from "./render";
import type { SloSpec } from "./slo";
import type { AlertThresholds } from "./thresholds";

export const DEFAULT_MONITORING_NETWORK = "monnet";
export const DEFAULT_RUNBOOK_BASE_URL = "docs/runbooks";
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(30);
export const DEFAULT_RETENTION = Duration.hours(24 * 15);
export const DEFAULT_TEXTFILE_DIRECTORY = "/var/lib/bulwark/metrics";
/** Mode of every delivered file: read-only, for the component's non-root user too (owner root). */
const FILE_MODE = "0444";
/** No prefix: the components are named prometheus, alertmanager, … (the first Monitoring on a host). */
export const DEFAULT_MONITORING_NAME_PREFIX = "";

export type MonitoringComponent = "prometheus" | "alertmanager" | "node-exporter" | "cadvisor" | "blackbox-exporter" | "grafana";

/** Grafana, provisioned with the Prometheus datasource and the stack's dashboards. */
export interface GrafanaProps {
  /** The admin password (a sensitive variable): delivered as a file, read through `GF_SECURITY_ADMIN_PASSWORD__FILE`. */
  readonly adminPassword: SecretRef;
  /**
   * The network the tunnel connector reaches Grafana on (topology.front). Publish it only through
   * the tunnel behind Access (`tunnel.addPublicService({ …, access })`): MON-002 and CF-005 fail
   * otherwise. Grafana publishes no port.
   */
  readonly network: HardenedNetwork;
  /** Public URL through the tunnel (`https://grafana.example.org/`). @default none (Grafana's default) */
  readonly rootUrl?: string;
}

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
   *
   * A second Monitoring on the same Docker host should turn it off: cAdvisor reads the cgroups of
   * every container on the host, so the first stack's cAdvisor already covers this stack's
   * containers, and a second one would double the scrape cost and send every container alert
   * twice. node_exporter is different: keep it per stack. It is cheap (64 MB), it is the only
   * reader of this stack's own backup metrics (`textfileVolume`), and a full disk takes every
   * stack on the host down, so each stack's receivers hear about it.
   * @default {} (cgroups only)
   */
  readonly cadvisor?: { readonly dockerSocketGroupId?: number } | false;
  /** Generate the backup and restore-test alerts. @default true */
  readonly backups?: boolean;
  /** Image pins (add the digest you tested). @default the tags in ./components.ts (Grafana: GRAFANA_DEFAULT_IMAGE) */
  readonly images?: Partial<Record<MonitoringComponent, ImageSpec>>;
  /**
   * Prefix of the components' Docker names (`<prefix>-prometheus`, …), for a second Monitoring on
   * the same Docker host; use the stack's NetworkTopology prefix. Lower-case letters, digits and
   * dashes, starting with a letter.
   * @default DEFAULT_MONITORING_NAME_PREFIX ("": prometheus, alertmanager, …)
   */
  readonly namePrefix?: string;
  /** Grafana with a Prometheus datasource, an overview dashboard and one dashboard per SLO. @default none (no Grafana) */
  readonly grafana?: GrafanaProps;
}

export class Monitoring extends Construct {
  readonly plan: MonitoringPlan;
  readonly network: HardenedNetwork;
  readonly prometheus: HardenedContainer;
  readonly alertmanager: HardenedContainer;
  readonly blackbox: HardenedContainer;
  readonly nodeExporter?: HardenedContainer;
  readonly cadvisor?: HardenedContainer;
  /** Grafana (when `grafana` is given). */
  readonly grafana?: HardenedContainer;
  readonly exporters: readonly HardenedContainer[];
  /** Docker names of the components (with the prefix). */
  readonly names: ComponentNames;
  /** Rendered files by name (prometheus.yml, the rule file, its promtool tests, alertmanager.yml, blackbox.yml). */
  readonly files: MonitoringPlan["files"];
  /** The alerting props as validated (receivers), e.g. for a routing test. */
  readonly alertingProps: AlertingProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const where = `Monitoring ${this.node.path}`;
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

    const prefix = props.namePrefix ?? DEFAULT_MONITORING_NAME_PREFIX;
    if (typeof prefix !== "string" || (prefix !== "" && !NAME_PREFIX.test(prefix))) {
      fail("namePrefix", `${JSON.stringify(prefix)} is not a name prefix`, "use lower-case letters, digits and dashes starting with a letter (the stack's NetworkTopology prefix, e.g. \"app\"), or leave it out");
    }
    const names = componentNames(prefix);
    this.names = names;
    if (props.grafana !== undefined) {
      const g = props.grafana;
      if (!g || typeof g !== "object" || !g.network) fail("grafana.network", "is missing", "give the network the tunnel connector reaches Grafana on (topology.front)");
      if (g.network.internal) fail("grafana.network", `"${g.network.logicalName}" is internal, so the tunnel connector cannot reach Grafana there`, "give topology.front and publish Grafana through the tunnel behind Access");
    }

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
      names,
      grafana: props.grafana !== undefined,
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
    this.prometheus = this.component("prometheus", names.prometheus, {
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
      dataVolumes: [{ name: "data", path: "/prometheus" }],
    });
    this.deliver(this.prometheus, PROMETHEUS_DIR, [
      { path: `${PROMETHEUS_DIR}/prometheus.yml`, content: this.files.prometheus },
      { path: `${PROMETHEUS_DIR}/rules/${RULE_FILE_NAME}`, content: this.files.rules },
      ...this.plan.prometheusFiles,
    ]);

    // --- Alertmanager ------------------------------------------------------------------------
    this.alertmanager = this.component("alertmanager", names.alertmanager, {
      facts: { ...ALERTMANAGER, image: image("alertmanager", ALERTMANAGER) },
      networks: uniq([monnet, egress]),
      owner: props.owner,
      memoryMb: 128,
      // No cluster port: a single Alertmanager needs no gossip listener.
      command: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address=", `--web.listen-address=:${ALERTMANAGER.port}`],
      dataVolumes: [{ name: "data", path: "/alertmanager" }],
    });
    this.deliver(this.alertmanager, ALERTMANAGER_DIR, [{ path: "/etc/alertmanager/alertmanager.yml", content: this.files.alertmanager }, ...this.plan.alertmanagerSecrets]);

    // --- blackbox exporter -------------------------------------------------------------------
    const publicProbes = (props.publicProbes ?? []).length > 0;
    this.blackbox = this.component("blackbox-exporter", names.blackbox, {
      facts: { ...BLACKBOX_EXPORTER, image: image("blackbox-exporter", BLACKBOX_EXPORTER) },
      networks: uniq([monnet, ...this.plan.probedServices.map((s) => internalOf(s.name, "the blackbox exporter")), ...(publicProbes ? [egress] : [])]),
      owner: props.owner,
      memoryMb: 64,
      command: [`--config.file=${BLACKBOX_DIR}/blackbox.yml`, `--web.listen-address=:${BLACKBOX_EXPORTER.port}`],
    });
    this.deliver(this.blackbox, BLACKBOX_DIR, [{ path: `${BLACKBOX_DIR}/blackbox.yml`, content: this.files.blackbox }, ...this.plan.blackboxFiles]);

    // --- node_exporter -----------------------------------------------------------------------
    if (nodeOpts) {
      if (nodeOpts.textfileVolume !== undefined && nodeOpts.textfileDirectory !== undefined) {
        fail("nodeExporter", "sets both textfileVolume and textfileDirectory", "give one: the BackupPlan's metricsVolume, or a host directory");
      }
      const textfile = nodeOpts.textfileDirectory ?? DEFAULT_TEXTFILE_DIRECTORY;
      this.nodeExporter = this.component("node-exporter", names.nodeExporter, {
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
      this.cadvisor = this.component("cadvisor", names.cadvisor, {
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
      const c = this.component(x.name, x.name, {
        facts,
        networks: uniq([monnet, internalOf(x.target.name, `its exporter ${x.name}`)]),
        owner: props.owner,
        memoryMb: 64,
        command: x.command,
        env: x.env,
      });
      if (x.configDir) this.deliver(c, x.configDir, x.files);
      exporters.push(c);
    }
    this.exporters = exporters;

    // --- Grafana -----------------------------------------------------------------------------
    const grafanaFiles = this.files.grafana;
    if (props.grafana && grafanaFiles) {
      const passwordFile = `${GRAFANA_PROVISIONING_DIR}/secrets/admin_password`;
      const spec = grafanaProfile({
        name: names.grafana,
        ...(props.images?.grafana ? { image: props.images.grafana } : {}),
        adminPassword: props.grafana.adminPassword,
        adminPasswordFile: passwordFile,
        rootUrl: props.grafana.rootUrl,
      });
      this.grafana = new HardenedContainer(this, "grafana", { service: spec, networks: uniq([monnet, props.grafana.network]), owner: props.owner });
      this.deliver(this.grafana, GRAFANA_PROVISIONING_DIR, [
        { path: `${GRAFANA_PROVISIONING_DIR}/datasources/bulwark.yml`, content: grafanaFiles.datasources },
        { path: `${GRAFANA_PROVISIONING_DIR}/dashboards/bulwark.yml`, content: grafanaFiles.dashboardProviders },
        ...grafanaFiles.dashboards.map((d) => ({ path: `${GRAFANA_DASHBOARD_DIR}/${d.file}`, content: d.json })),
        { path: passwordFile, secret: props.grafana.adminPassword },
      ]);
    }

    for (const u of this.plan.unobserved) {
      this.node.addMetadata("bulwark:unobserved", u);
    }
  }

  /** `id` is the construct id (stable, the component's kind); `name` the service and Docker name. */
  private component(
    id: string,
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
    return new HardenedContainer(this, id, { service: spec, networks: o.networks, owner: o.owner });
  }

  /** Deliver files into a component's config directory (see the header): rendered text escaped, secrets by reference. */
  private deliver(c: HardenedContainer, directory: string, files: readonly PlannedFile[]): void {
    for (const f of files) {
      if ("content" in f) c.addFile(f.path, f.content, { directory, mode: FILE_MODE });
      else c.addSecretFile(f.path, f.secret, { directory, mode: FILE_MODE, prefix: f.prefix, suffix: f.suffix });
    }
  }
}
