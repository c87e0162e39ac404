/**
 * The Koha platform of docs/roadmaps/koha.md ([roadmap koha.3.1]): Koha + MariaDB + RabbitMQ + Elasticsearch + Memcached on a
 * frontnet/backnet split with no published host ports at all. The only way in is the Cloudflare
 * Tunnel (added by the edge): OPAC public, staff interface behind Access; RabbitMQ management,
 * Elasticsearch and MariaDB never reachable from the edge.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { DeploymentConfig, KohaDeploymentConfig } from "../config/schema";
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
  // koha.backup: one backup container per datastore or files volume (image built locally from backup/).
  "mariadb-backup", "rabbitmq-backup", "koha-backup",
] as const;
export type KohaService = (typeof KOHA_SERVICES)[number];

export interface KohaStackProps {
  /** The deployment configuration; its `koha` and `cloudflare` sections must be present. */
  readonly config: DeploymentConfig;
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

  constructor(scope: Construct, id: string, props: KohaStackProps) {
    super(scope, id);
    const config = kohaConfig(id, props.config);
    const pin = (service: KohaService) => pinnedImage(config, service);
    dockerStackBase(this, id, config);
    // monnet: the internal monitoring network (only when monitoring is configured: no empty network).
    this.topology = new NetworkTopology(this, "network", { prefix: "koha", ...(config.koha.monitoring ? { additionalInternalNetworks: ["monnet"] } : {}) });
    const back = [this.topology.back];
    const owner = config.owner;

    const database = `koha_${config.koha.instance.replace(/-/g, "_")}`;
    const dbPassword = Secret.fromVariable(this, "koha_db_password", "MariaDB password of the Koha user (DB_PASS)");
    this.mariadb = new HardenedContainer(this, "mariadb", {
      service: mariadbProfile({
        image: pin("mariadb"),
        serverId: config.koha.mariadb.serverId,
        binlogExpireSeconds: config.koha.mariadb.binlogExpireSeconds,
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
        image: pin("elasticsearch"),
        password: Secret.fromVariable(this, "koha_es_password", "Password of the Elasticsearch `elastic` user"),
      }),
      networks: back,
      owner,
    });

    this.memcached = new HardenedContainer(this, "memcached", {
      service: memcachedProfile({ image: pin("memcached") }),
      networks: back,
      owner,
    });

    const kohaImage = config.koha.image;
    this.koha = new HardenedContainer(this, "koha", {
      service: kohaProfile({
        image: { repository: kohaImage.repository, tag: kohaImage.tag, digest: kohaImage.digest, ...pin("koha") },
        instance: config.koha.instance,
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
    this.edge = addKohaEdge(this, { config, topology: this.topology, koha: this.koha, opacPort: KOHA_OPAC_PORT, staffPort: KOHA_STAFF_PORT });

    // Exporters and backup containers take no pin (see refuseUnpinnable).
    refuseUnpinnable(id, config, ["mariadb-exporter", "memcached-exporter"], ["mariadb-backup", "rabbitmq-backup", "koha-backup"]);
    // Elasticsearch is not backed up: it is rebuilt from MariaDB (koha-elasticsearch --rebuild).
    const backup = config.koha.backup;
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

    const monitoring = config.koha.monitoring;
    if (monitoring) {
      this.monitoring = new Monitoring(this, "monitoring", {
        topology: this.topology,
        services: [this.mariadb, this.rabbitmq, this.elasticsearch, this.memcached, this.koha],
        owner,
        alerting: monitoringAlerting(this, monitoring, {
          smtpPassword: ["koha_smtp_password", "SMTP password for Alertmanager e-mail (koha.monitoring.smtp.username)"],
          telegramBotToken: ["koha_telegram_bot_token", "Telegram bot token for Alertmanager (chat koha.monitoring.telegramChatId)"],
        }),
        // End to end through the tunnel: availability, latency and certificate expiry of the OPAC.
        publicProbes: [{ name: "opac", url: `https://${config.koha.opacHostname}/cgi-bin/koha/opac-main.pl`, service: "koha" }],
        slos: [{ name: "opac-availability", objective: 0.999, window: Duration.hours(24 * 30), sli: { kind: "probe", probe: "opac" }, description: "The OPAC answers through the edge" }],
        runbookBaseUrl: monitoring.runbookBaseUrl,
        // Alerts on backup metrics only when this stack has a backup plan.
        backups: config.koha.backup !== undefined,
        // node_exporter reads the backup metrics from the plan's own volume (the plan comes first).
        ...(this.backup?.metricsVolume ? { nodeExporter: { textfileVolume: this.backup.metricsVolume } } : {}),
        images: monitoringImages(config),
      });
    }
  }
}
