/**
 * The single-server bot + API platform of docs/roadmaps/single-server.md: a bot, an API and PostgreSQL on one Docker
 * host.
 * - PostgreSQL is published only on 127.0.0.1:<postgresHostPort> ([roadmap single-server.critical.3]: 127.0.0.1:5433:5432),
 *   for operators over an SSH tunnel; everything else reaches it over backnet.
 * - No bind mounts of source code: bot and API run from their images only.
 * - The API answers a `/healthz` probe; every secret is a sensitive Terraform variable.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { offsiteCredentialNames, type BackupConfig, type DeploymentConfig, type MonitoringConfig, type SingleServerDeploymentConfig } from "../config/schema";
import { BackupPlan, type BackupPlanProps } from "../constructs/backup/backup-plan";
import { Secret } from "../constructs/core/secret";
import { HardenedContainer } from "../constructs/docker/hardened-container";
import { NetworkTopology } from "../constructs/docker/network-topology";
import { ALERTMANAGER, BLACKBOX_EXPORTER, CADVISOR, Monitoring, NODE_EXPORTER, PROMETHEUS, type AlertingProps } from "../constructs/monitoring";
import { GRAFANA_DEFAULT_IMAGE } from "../constructs/profiles/grafana";
import { postgresProfile, webAppProfile, POSTGRES_PORT } from "../constructs/profiles";
import { withObservability } from "../constructs/service/observability";
import type { SecretRef, ServiceSpec } from "../constructs/service/spec";
import { Duration } from "../constructs/service/units";
import { dockerStackBase, pinnedImage } from "./common";

/**
 * The services the single-server stack builds: the names `images:` may pin for it (the loader
 * checks pins against this list; a test checks it against the synthesized containers).
 */
export const SINGLE_SERVER_SERVICES = [
  "db", "api", "bot",
  // singleServer.monitoring: Prometheus, Alertmanager, the host and probe exporters, postgres_exporter
  // (pinned under these names; their containers are app-prometheus, … see MONITORING_NAME_PREFIX).
  "prometheus", "alertmanager", "blackbox-exporter", "node-exporter", "cadvisor", "db-exporter",
  // singleServer.backup: PostgreSQL base backups + WAL (image built locally from backup/).
  "db-backup",
] as const;
export type SingleServerService = (typeof SINGLE_SERVER_SERVICES)[number];

/**
 * Prefix of single-server's monitoring containers (`app-prometheus`, `app-alertmanager`, …; the
 * topology's prefix): koha's monitoring, built first and unprefixed, may run on the same Docker
 * host. Single-server's monitoring was never released unprefixed, so no address moves.
 */
export const MONITORING_NAME_PREFIX = "app";

export interface SingleServerStackProps {
  /** The deployment configuration; its `singleServer` section must be present. */
  readonly config: DeploymentConfig;
}

export class SingleServerStack extends TerraformStack {
  /** Services this stack builds (valid names under `images:`). */
  static readonly services: readonly SingleServerService[] = SINGLE_SERVER_SERVICES;

  readonly topology: NetworkTopology;
  readonly db: HardenedContainer;
  readonly api: HardenedContainer;
  readonly bot: HardenedContainer;
  /** Prometheus, Alertmanager and exporters (when `singleServer.monitoring` is configured). */
  readonly monitoring?: Monitoring;
  /** PostgreSQL PITR (when `singleServer.backup` is configured). */
  readonly backup?: BackupPlan;

  constructor(scope: Construct, id: string, props: SingleServerStackProps) {
    super(scope, id);
    if (props.config.singleServer === undefined) {
      throw new Error(`SingleServerStack ${id}: props.config.singleServer is missing. Fix: add a singleServer section to the deployment configuration`);
    }
    const config = props.config as SingleServerDeploymentConfig;
    const pin = (service: SingleServerService) => pinnedImage(config, service);
    dockerStackBase(this, id, config);
    const monitoring = config.singleServer.monitoring;
    // monnet: the internal monitoring network (only when monitoring is configured: no empty network).
    this.topology = new NetworkTopology(this, "network", { prefix: "app", ...(monitoring ? { additionalInternalNetworks: ["monnet"] } : {}) });
    const secret = (name: string, description: string): SecretRef => Secret.fromVariable(this, name, description);

    const dbPassword = secret("postgres_password", "PostgreSQL password of the app user ([roadmap single-server.high.1]: rotated; owner platform-team)");
    this.db = new HardenedContainer(this, "db", {
      service: postgresProfile({ name: "db", image: pin("db"), password: dbPassword, user: "app", database: "app" }),
      networks: [this.topology.back],
      owner: config.owner,
      publish: [{ containerPort: POSTGRES_PORT, hostPort: config.singleServer.postgresHostPort, hostIp: "127.0.0.1" }],
    });
    // DOCKER-020 warns on any published datastore port, loopback included; [roadmap single-server.critical.3] wants this one.
    this.db.suppress("DOCKER-020", "[roadmap single-server.critical.3]: PostgreSQL published on loopback only, for operators over an SSH tunnel");

    // Prometheus presents to each app the token that app checks on /metrics (credentials_file).
    const scraped = (spec: ServiceSpec, port: number, token: SecretRef, healthPath: string): ServiceSpec =>
      monitoring
        ? withObservability(spec, { scrape: [{ port, path: "/metrics", bearerToken: token, dialect: "http-app" }], probes: [{ kind: "http", name: "health", port, path: healthPath }] })
        : spec;

    const api = config.singleServer.api;
    const apiMetricsToken = secret("api_metrics_token", "Bearer token Prometheus uses to scrape the API");
    this.api = new HardenedContainer(this, "api", {
      service: scraped(webAppProfile({
        name: "api",
        image: { repository: api.repository, tag: api.tag, digest: api.digest, ...pin("api") },
        user: api.user,
        port: api.port,
        healthPath: api.healthPath,
        probeTool: api.probeTool,
        env: { POSTGRES_HOST: "db", POSTGRES_PORT: String(POSTGRES_PORT), POSTGRES_DB: "app", POSTGRES_USER: "app" },
        secretEnv: {
          POSTGRES_PASSWORD: dbPassword,
          JWT_SECRET: secret("api_jwt_secret", "JWT signing key of the API"),
          API_KEY: secret("api_key", "API key clients present to the API"),
          HMAC_SECRET: secret("api_hmac_secret", "HMAC key for signed requests"),
          HMAC_SECRET_PARTNER: secret("api_hmac_secret_partner", "HMAC key shared with the partner integration"),
          METRICS_TOKEN: apiMetricsToken,
        },
        resources: { memoryMb: api.memoryMb },
      }), api.port, apiMetricsToken, api.healthPath),
      networks: [this.topology.front, this.topology.back],
      owner: config.owner,
    });

    const bot = config.singleServer.bot;
    const botMetricsToken = secret("bot_metrics_token", "Bearer token Prometheus uses to scrape the bot");
    this.bot = new HardenedContainer(this, "bot", {
      service: scraped(webAppProfile({
        name: "bot",
        role: "worker",
        image: { repository: bot.repository, tag: bot.tag, digest: bot.digest, ...pin("bot") },
        user: bot.user,
        port: bot.port,
        healthPath: bot.healthPath,
        probeTool: bot.probeTool,
        env: { API_URL: `http://api:${api.port}` },
        secretEnv: {
          BOT_TOKEN: secret("bot_token", "Messenger bot token (BOT_TOKEN_PROD)"),
          OPENAI_API_KEY: secret("openai_api_key", "OpenAI API key of the bot"),
          BOT_METRICS_TOKEN: botMetricsToken,
          API_KEY: secret("bot_api_key", "API key the bot presents to the API"),
        },
        resources: { memoryMb: bot.memoryMb },
      }), bot.port, botMetricsToken, bot.healthPath),
      // frontnet for egress to the messenger and OpenAI APIs; backnet to reach the API.
      networks: [this.topology.front, this.topology.back],
      owner: config.owner,
    });

    refuseUnpinnable(id, config, ["db-exporter"], ["db-backup"]);
    const backup = config.singleServer.backup;
    if (backup) {
      const plan = new BackupPlan(this, "backup", backupPlanProps(backup, { network: this.topology.back, owner: config.owner, what: "PostgreSQL of the single server" }));
      plan.addDatastore(this.db, {
        user: "bulwark_backup",
        password: Secret.named("postgres_backup_password", "PostgreSQL replication role bulwark_backup (base backups and WAL)"),
      });
      this.backup = plan;
    }

    if (monitoring) {
      this.monitoring = new Monitoring(this, "monitoring", {
        topology: this.topology,
        services: [this.db, this.api, this.bot],
        owner: config.owner,
        namePrefix: MONITORING_NAME_PREFIX,
        // `cadvisor: false` when koha's monitoring shares the Docker host: its cAdvisor sees every
        // container of the host, these included (see Monitoring's `cadvisor` prop).
        ...(monitoring.cadvisor === false ? { cadvisor: false as const } : {}),
        alerting: monitoringAlerting(this, monitoring, {
          smtpPassword: ["alert_smtp_password", "SMTP password for Alertmanager e-mail (singleServer.monitoring.smtp.username)"],
          telegramBotToken: ["alert_telegram_bot_token", "Telegram bot token for Alertmanager (chat singleServer.monitoring.telegramChatId)"],
        }),
        runbookBaseUrl: monitoring.runbookBaseUrl,
        // Alerts on backup metrics only when this stack has a backup plan.
        backups: config.singleServer.backup !== undefined,
        // node_exporter reads the backup metrics from the plan's own volume (the plan comes first).
        ...(this.backup?.metricsVolume ? { nodeExporter: { textfileVolume: this.backup.metricsVolume } } : {}),
        images: monitoringImages(config),
      });
    }
  }
}

// --- shared by the reference stacks (koha.ts imports them) -----------------------------------

/** Image pins of the monitoring components (`images.prometheus` …), on the construct's defaults. */
export function monitoringImages(config: DeploymentConfig) {
  return {
    prometheus: pinnedImage(config, "prometheus", PROMETHEUS.image),
    alertmanager: pinnedImage(config, "alertmanager", ALERTMANAGER.image),
    "blackbox-exporter": pinnedImage(config, "blackbox-exporter", BLACKBOX_EXPORTER.image),
    "node-exporter": pinnedImage(config, "node-exporter", NODE_EXPORTER.image),
    cadvisor: pinnedImage(config, "cadvisor", CADVISOR.image),
    grafana: pinnedImage(config, "grafana", GRAFANA_DEFAULT_IMAGE),
  };
}

/**
 * A pin the stack could not honour is an error, never silently ignored: Monitoring takes no image
 * for the exporters of services, and backup images are built here from backup/ (tag = hash of
 * the build context).
 */
export function refuseUnpinnable(where: string, config: DeploymentConfig, exporters: readonly string[], backups: readonly string[]): void {
  for (const name of exporters) {
    if (config.images[name]) throw new Error(`${where}: images.${name} cannot be applied: the Monitoring construct takes no image for a service's exporter (constructs/monitoring/components.ts EXPORTERS). Fix: remove images.${name}`);
  }
  for (const name of backups) {
    if (config.images[name]) throw new Error(`${where}: images.${name} cannot be applied: the backup image is built locally from backup/ (its tag is the hash of the build context). Fix: remove images.${name}`);
  }
}

/** Alertmanager receivers from a `monitoring` section; passwords and tokens as sensitive variables. */
export function monitoringAlerting(
  scope: Construct,
  m: MonitoringConfig,
  names: { readonly smtpPassword: readonly [string, string]; readonly telegramBotToken: readonly [string, string] },
): AlertingProps {
  const { smarthost, from, to, username } = m.smtp;
  return {
    email: { smarthost, from, to, ...(username ? { username, password: Secret.fromVariable(scope, ...names.smtpPassword) } : {}) },
    ...(m.telegramChatId !== undefined ? { telegram: { chatId: m.telegramChatId, botToken: Secret.fromVariable(scope, ...names.telegramBotToken) } } : {}),
  };
}

/** BackupPlan props from a `backup` section: schedules, retention, objectives, off-site copy. */
export function backupPlanProps(b: BackupConfig, o: { readonly network: BackupPlanProps["network"]; readonly owner: string; readonly what: string }): BackupPlanProps {
  return {
    network: o.network,
    owner: o.owner,
    repositoryPassword: Secret.named("backup_repository_password", `restic repository password (local and off-site) of the backups of ${o.what}; the platform team rotates it`),
    ...(b.offsite
      ? {
          offsite: {
            repository: b.offsite.repository,
            credentials: Object.fromEntries(offsiteCredentialNames(b.offsite).map((n) => [n, Secret.named(`backup_offsite_${n.toLowerCase()}`, `${n} for the off-site backup repository`)])),
          },
        }
      : {}),
    retention: { fullEvery: Duration.hours(b.fullEveryHours), keepWithin: Duration.hours(24 * b.keepWithinDays), keepDaily: b.keepDaily, keepMonthly: b.keepMonthly },
    objectives: { rpo: Duration.minutes(b.rpoMinutes), rto: Duration.hours(b.rtoHours) },
    shipEvery: Duration.seconds(b.shipEverySeconds),
    drillEvery: Duration.hours(24 * b.drillEveryDays),
  };
}
