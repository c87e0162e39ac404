/**
 * The Koha platform of docs/roadmaps/koha.md ([roadmap koha.3.1]): Koha + MariaDB + RabbitMQ + Elasticsearch + Memcached on a
 * frontnet/backnet split with no published host ports at all. The only way in is the Cloudflare
 * Tunnel (added by the edge): OPAC public, staff interface behind Access; RabbitMQ management,
 * Elasticsearch and MariaDB never reachable from the edge.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { kohaGrafanaHostname, kohaInstances, type DeploymentConfig, type KohaConfig, type KohaDeploymentConfig } from "../config/schema";
import { Secret } from "../constructs/core/secret";
import { HardenedContainer } from "../constructs/docker/hardened-container";
import { NetworkTopology } from "../constructs/docker/network-topology";
import {
  elasticsearchProfile,
  kohaProfile,
  mariadbProfile,
  memcachedProfile,
  rabbitmqProfile,
  ELASTICSEARCH_HTTP_PORT,
  KOHA_OPAC_PORT,
  KOHA_STAFF_PORT,
  MEMCACHED_PORT,
  GRAFANA_PORT,
} from "../constructs/profiles";
import { BackupPlan } from "../constructs/backup/backup-plan";
import { Monitoring } from "../constructs/monitoring";
import { Duration } from "../constructs/service/units";
import { addKohaEdge, type KohaEdge } from "./koha-edge";
import { backupPlanProps, monitoringAlerting, monitoringImages, refuseUnpinnable } from "./single-server";
import { dockerStackBase, pinnedImage } from "./common";

/**
 * The services the koha stack builds: the names `images:` may pin for it (the loader checks
 * pins against this list; a test checks it against the synthesized containers).
 */
export const KOHA_SERVICES = [
  "mariadb", "rabbitmq", "elasticsearch", "memcached", "koha", "cloudflared",
  // koha.monitoring: Prometheus, Alertmanager, the host and probe exporters, the datastores' exporters.
  "prometheus", "alertmanager", "blackbox-exporter", "node-exporter", "cadvisor", "mariadb-exporter", "memcached-exporter",
  // koha.monitoring.grafana: dashboards through the tunnel behind Access.
  "grafana",
  // koha.backup: one backup container per datastore or files volume (image built locally from backup/).
  "mariadb-backup", "rabbitmq-backup", "koha-backup",
] as const;
export type KohaService = (typeof KOHA_SERVICES)[number];

/** `instanceIndex` of the first (or only) Koha instance: today's names, the zone's WAF and rate limit. */
export const FIRST_KOHA_INSTANCE = 0;

export interface KohaStackProps {
  /** The deployment configuration; its `koha` and `cloudflare` sections must be present. */
  readonly config: DeploymentConfig;
  /**
   * Which instance of `koha` this stack builds (`kohaInstances(config.koha)`, config/schema.ts).
   * The first keeps every Docker name and Terraform address of the single-object form. A further
   * one prefixes every Docker name it gives (containers, volumes, networks, the tunnel
   * connector) with `<instance>-`, leaves the zone's WAF and rate limit to the first
   * (`zoneProtection: false`: one entrypoint ruleset per zone and phase), runs cAdvisor only when
   * no earlier instance does, and defaults Grafana to `grafana-<instance>.<domain>`.
   * @default FIRST_KOHA_INSTANCE (0)
   */
  readonly instanceIndex?: number;
}

/** What distinguishes instance `index` of the configured Koha instances on their shared Docker host. */
export interface KohaInstancePlacement {
  readonly koha: KohaConfig;
  readonly index: number;
  /** Prefix of every Docker name: none for the first instance, `<instance>` for a further one. */
  readonly namePrefix?: string;
  /** The Docker name of service `name`: `name`, or `<instance>-name` for a further instance. */
  readonly dockerName: (name: string) => string;
  /** Whether this instance's EdgeProtection owns the zone's entrypoint rulesets (the first only). */
  readonly zoneProtection: boolean;
  /** Whether this instance runs cAdvisor (configured, else only when no earlier instance does). */
  readonly cadvisor: boolean;
}

/** Instance `index` of `config.koha` and how it is placed on the host, or a construct error naming the fix. */
export function kohaInstancePlacement(where: string, config: KohaDeploymentConfig, index: number): KohaInstancePlacement {
  const instances = kohaInstances(config.koha);
  if (!Number.isInteger(index) || index < 0 || index >= instances.length) {
    throw new Error(`${where}: props.instanceIndex ${JSON.stringify(index)} names no Koha instance (koha configures ${instances.length}: ${instances.map((k, i) => `${i} ${k.instance}`).join(", ")}). Fix: give an index from 0 to ${instances.length - 1}, or leave it out for the first`);
  }
  const koha = instances[index];
  const namePrefix = index === FIRST_KOHA_INSTANCE ? undefined : koha.instance;
  // cAdvisor sees every container of the host: one per host is enough (Monitoring's `cadvisor` prop).
  const runsCadvisor = (k: KohaConfig, i: number) => k.monitoring !== undefined && (k.monitoring.cadvisor ?? (i === FIRST_KOHA_INSTANCE || !instances.slice(0, i).some(runsCadvisor)));
  return {
    koha,
    index,
    namePrefix,
    dockerName: (name) => (namePrefix ? `${namePrefix}-${name}` : name),
    zoneProtection: index === FIRST_KOHA_INSTANCE,
    cadvisor: runsCadvisor(koha, index),
  };
}

/** The configuration narrowed to what the koha stack needs, or a construct error naming the fix. */
function kohaConfig(where: string, config: DeploymentConfig): KohaDeploymentConfig {
  for (const section of ["koha", "cloudflare"] as const) {
    if (config[section] === undefined) {
      throw new Error(`KohaStack ${where}: props.config.${section} is missing. Fix: add a ${section} section to the deployment configuration (koha needs cloudflare for its tunnel and Access)`);
    }
  }
  return config as KohaDeploymentConfig;
}

export class KohaStack extends TerraformStack {
  /** Services this stack builds (valid names under `images:`). */
  static readonly services: readonly KohaService[] = KOHA_SERVICES;

  readonly topology: NetworkTopology;
  readonly koha: HardenedContainer;
  readonly mariadb: HardenedContainer;
  readonly rabbitmq: HardenedContainer;
  readonly elasticsearch: HardenedContainer;
  readonly memcached: HardenedContainer;
  /** Cloudflare Tunnel (OPAC public, staff behind Access), WAF and rate limits. */
  readonly edge: KohaEdge;
  /** Prometheus, Alertmanager and exporters (when `koha.monitoring` is configured). */
  readonly monitoring?: Monitoring;
  /** MariaDB PITR plus RabbitMQ's and Koha's data volumes (when `koha.backup` is configured). */
  readonly backup?: BackupPlan;

  /** Which configured instance this stack is, and its names on the host. */
  readonly placement: KohaInstancePlacement;

  constructor(scope: Construct, id: string, props: KohaStackProps) {
    super(scope, id);
    const config = kohaConfig(id, props.config);
    const placement = kohaInstancePlacement(`KohaStack ${id}`, config, props.instanceIndex ?? FIRST_KOHA_INSTANCE);
    this.placement = placement;
    const { koha } = placement;
    // The first instance passes no name: the profiles' defaults are today's names.
    const named = (service: string) => (placement.namePrefix ? { name: placement.dockerName(service) } : {});
    const pin = (service: KohaService) => pinnedImage(config, service);
    dockerStackBase(this, id, config);
    // monnet: the internal monitoring network (only when monitoring is configured: no empty network).
    this.topology = new NetworkTopology(this, "network", { prefix: placement.dockerName("koha"), ...(koha.monitoring ? { additionalInternalNetworks: ["monnet"] } : {}) });
    const back = [this.topology.back];
    const owner = config.owner;

    const database = `koha_${koha.instance.replace(/-/g, "_")}`;
    const dbPassword = Secret.fromVariable(this, "koha_db_password", "MariaDB password of the Koha user (DB_PASS)");
    this.mariadb = new HardenedContainer(this, "mariadb", {
      service: mariadbProfile({
        ...named("mariadb"),
        image: pin("mariadb"),
        serverId: koha.mariadb.serverId,
        binlogExpireSeconds: koha.mariadb.binlogExpireSeconds,
        rootPassword: Secret.fromVariable(this, "koha_db_root_password", "MariaDB root password (DB_ROOT_PASS)"),
        database,
        user: "koha",
        password: dbPassword,
      }),
      networks: back,
      owner,
    });

    const mqPassword = Secret.fromVariable(this, "koha_mq_password", "RabbitMQ password of the Koha user");
    this.rabbitmq = new HardenedContainer(this, "rabbitmq", {
      service: rabbitmqProfile({
        ...named("rabbitmq"),
        image: pin("rabbitmq"),
        user: "koha",
        password: mqPassword,
        erlangCookie: Secret.fromVariable(this, "koha_mq_erlang_cookie", "Erlang distribution cookie of RabbitMQ"),
        plugins: ["rabbitmq_stomp"],
      }),
      networks: back,
      owner,
    });

    this.elasticsearch = new HardenedContainer(this, "elasticsearch", {
      service: elasticsearchProfile({
        ...named("elasticsearch"),
        image: pin("elasticsearch"),
        password: Secret.fromVariable(this, "koha_es_password", "Password of the Elasticsearch `elastic` user"),
      }),
      networks: back,
      owner,
    });

    this.memcached = new HardenedContainer(this, "memcached", {
      service: memcachedProfile({ ...named("memcached"), image: pin("memcached") }),
      networks: back,
      owner,
    });

    const kohaImage = koha.image;
    this.koha = new HardenedContainer(this, "koha", {
      service: kohaProfile({
        ...named("koha"),
        image: { repository: kohaImage.repository, tag: kohaImage.tag, digest: kohaImage.digest, ...pin("koha") },
        instance: koha.instance,
        database: { host: this.mariadb.hostname, name: database, user: "koha", password: dbPassword },
        messageBroker: { host: this.rabbitmq.hostname, user: "koha", password: mqPassword },
        memcachedServers: `${this.memcached.hostname}:${MEMCACHED_PORT}`,
        elasticsearchHost: `${this.elasticsearch.hostname}:${ELASTICSEARCH_HTTP_PORT}`,
        opacPort: KOHA_OPAC_PORT,
        staffPort: KOHA_STAFF_PORT,
      }),
      // frontnet: reachable by the tunnel connector; backnet: reaches the datastores.
      networks: [this.topology.front, this.topology.back],
      owner,
    });

    // The only way in: RabbitMQ management, Elasticsearch and MariaDB are never published.
    // With monitoring, the connector also joins monnet so Prometheus scrapes its edge metrics.
    this.edge = addKohaEdge(this, {
      config,
      instance: koha,
      ...(placement.namePrefix ? { connectorName: placement.dockerName("cloudflared") } : {}),
      zoneProtection: placement.zoneProtection,
      topology: this.topology,
      koha: this.koha,
      opacPort: KOHA_OPAC_PORT,
      staffPort: KOHA_STAFF_PORT,
      ...(koha.monitoring ? { metricsNetwork: this.topology.internal("monnet") } : {}),
    });

    // Exporters and backup containers take no pin (see refuseUnpinnable).
    refuseUnpinnable(id, config, ["mariadb-exporter", "memcached-exporter"], ["mariadb-backup", "rabbitmq-backup", "koha-backup"]);
    // Elasticsearch is not backed up: it is rebuilt from MariaDB (koha-elasticsearch --rebuild).
    const backup = koha.backup;
    if (backup) {
      const plan = new BackupPlan(this, "backup", backupPlanProps(backup, { network: this.topology.back, owner, what: "Koha's MariaDB, RabbitMQ and Koha data" }));
      plan.addDatastore(this.mariadb, {
        user: "bulwark_backup",
        password: Secret.named("mariadb_backup_password", "MariaDB backup user bulwark_backup (dump + binlog streaming)"),
        smokeQueries: [`SELECT COUNT(*) FROM ${database}.biblio`, `SELECT COUNT(*) FROM ${database}.borrowers`],
      });
      plan.addFiles(this.rabbitmq, "data"); // definitions
      plan.addFiles(this.koha, "data"); // uploads, plugins
      this.backup = plan;
    }

    const monitoring = koha.monitoring;
    if (monitoring) {
      const grafanaHostname = kohaGrafanaHostname(koha, placement.index, config.cloudflare.domain);
      this.monitoring = new Monitoring(this, "monitoring", {
        topology: this.topology,
        // The first instance: no namePrefix, so the containers keep their names (prometheus, …)
        // and Terraform addresses (docker_container.prometheus); a further one: `<instance>-prometheus`, ….
        ...(placement.namePrefix ? { namePrefix: placement.namePrefix } : {}),
        services: [this.mariadb, this.rabbitmq, this.elasticsearch, this.memcached, this.koha, this.edge.tunnel.connector],
        owner,
        alerting: monitoringAlerting(this, monitoring, {
          smtpPassword: ["koha_smtp_password", "SMTP password for Alertmanager e-mail (koha.monitoring.smtp.username)"],
          telegramBotToken: ["koha_telegram_bot_token", "Telegram bot token for Alertmanager (chat koha.monitoring.telegramChatId)"],
        }),
        // End to end through the tunnel: availability, latency and certificate expiry of the OPAC.
        publicProbes: [{ name: "opac", url: `https://${koha.opacHostname}/cgi-bin/koha/opac-main.pl`, service: this.koha.service.name }],
        slos: [{ name: "opac-availability", objective: 0.999, window: Duration.hours(24 * 30), sli: { kind: "probe", probe: "opac" }, description: "The OPAC answers through the edge" }],
        runbookBaseUrl: monitoring.runbookBaseUrl,
        // Alerts on backup metrics only when this stack has a backup plan.
        backups: koha.backup !== undefined,
        // node_exporter reads the backup metrics from the plan's own volume (the plan comes first).
        ...(this.backup?.metricsVolume ? { nodeExporter: { textfileVolume: this.backup.metricsVolume } } : {}),
        images: monitoringImages(config),
        ...(placement.cadvisor ? {} : { cadvisor: false as const }),
        ...(grafanaHostname
          ? {
              grafana: {
                adminPassword: Secret.fromVariable(this, "koha_grafana_admin_password", "Grafana admin password (koha.monitoring.grafana)"),
                network: this.topology.front,
                rootUrl: `https://${grafanaHostname}/`,
              },
            }
          : {}),
      });
      // Grafana only through the tunnel, behind the same Access application as the staff interface.
      if (grafanaHostname && this.monitoring.grafana) {
        this.edge.tunnel.addPublicService({ hostname: grafanaHostname, container: this.monitoring.grafana, port: GRAFANA_PORT, access: this.edge.staffAccess });
      }
    }
  }
}
