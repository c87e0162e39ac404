/**
 * The deployment configuration: everything that differs between installations (names, ids,
 * image versions, state backend). Secrets are never part of it: they come from sensitive
 * Terraform variables (TF_VAR_*) and provider tokens from the environment.
 *
 * Layout: SHARED settings (owner, docker, backend, images, cloudflare) that every stack may read,
 * then one OPTIONAL section per stack kind (koha, singleServer, github). Configure only what you
 * run: a file with only `singleServer` synthesizes only that stack and needs no cloudflare or
 * github section. What a section needs from the shared part (koha needs cloudflare) and which
 * services may be pinned under `images:` are checked by the loader (config/load.ts) against the
 * stack catalog (stacks/catalog.ts), where each stack kind declares them: one place, no copy.
 *
 * One instance per kind, on purpose, for now: every stack of a kind uses the same Docker network
 * and container names on the host (`koha-frontnet`, `mariadb`), so a second instance on one host
 * needs per-instance names first. Named instances can then be added without breaking any file:
 * a section will also accept a list of instances, each with its name (`koha.instance` already
 * is one; the single-object form stays valid and keeps the stack id `koha`, extra instances get
 * `koha-<name>`), because construct ids are Terraform addresses and must not move.
 *
 * Your own stack: extend `SharedConfigSchema` with a strict section of your own and load it with
 * `loadConfig` (see examples/web-api).
 */
import { z } from "zod";
import { ReadinessConfigSchema } from "../policy/readiness/schema";

const hex32 = z.string().regex(/^[a-f0-9]{32}$/, "must be 32 lower-case hex characters (a Cloudflare id)");
const dnsName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name such as example.org");
const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes");
const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 hex>");
const tag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a Docker tag")
  .refine((t) => t.toLowerCase() !== "latest", "must not be \"latest\": pin a version");

export const ImagePin = z.strictObject({ tag: tag.optional(), digest: digest.optional() });

export const ImageRef = z.strictObject({
  repository: z.string().min(1),
  tag,
  digest: digest.optional(),
});

/** One of your own application images, with what the platform needs to run it hardened. */
export const AppImage = ImageRef.extend({
  /** The non-root UID:GID the image runs as. */
  user: z.string().regex(/^\d+:\d+$/, "must be a numeric non-root UID:GID").refine((u) => !/^0:/.test(u), "must not be root").default("10001:10001"),
  /** Port of its HTTP health endpoint (and API). */
  port: z.number().int().min(1024).max(65535).default(8000),
  healthPath: z.string().startsWith("/").default("/healthz"),
  /** HTTP client the image ships for the health probe. */
  probeTool: z.enum(["curl", "wget"]).default("wget"),
  memoryMb: z.number().int().min(16).default(512),
});

export const Backend = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** Directory for state files, relative to the project (never absolute: output must be identical on every machine). */
    directory: z
      .string()
      .default("state")
      .refine((d) => !d.startsWith("/") && !/^[A-Za-z]:/.test(d), "must be a relative path"),
  }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(3),
    region: z.string().min(1),
    keyPrefix: z.string().default("bulwark"),
    /** KMS key for server-side encryption; encryption itself is always on. */
    kmsKeyId: z.string().optional(),
    /** DynamoDB table for locking; when absent, S3-native lock files (use_lockfile) lock the state. */
    dynamodbTable: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("cloud"),
    organization: z.string().min(1),
    workspacePrefix: z.string().min(1),
    hostname: z.string().default("app.terraform.io"),
  }),
]);

const CodeOwner = z.strictObject({
  pattern: z.string().min(1),
  owners: z.array(z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/, "must be @user, @org/team or an e-mail")).min(1),
});

const Repository = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a GitHub repository name"),
  description: z.string().default(""),
  visibility: z.enum(["public", "private", "internal"]).default("private"),
  /** Status checks required on the default branch; defaults from [roadmap koha.1.3]. */
  requiredChecks: z.array(z.string().min(1)).optional(),
  /** CODEOWNERS entries added to the critical paths of [roadmap koha.1.2]. */
  codeOwners: z.array(CodeOwner).default([]),
  defaultBranch: z.string().default("main"),
  /**
   * Secret scanning with push protection. On private repositories it needs GitHub Advanced
   * Security or Secret Protection; turning it off there is a GH-011 warning, never allowed on
   * public repositories.
   */
  secretScanning: z.boolean().default(true),
  /** Advanced Security on private/internal repositories (public ones must leave it out: 422). */
  advancedSecurity: z.boolean().default(true),
});

const Access = z.strictObject({
  allowedEmailDomains: z.array(dnsName).default([]),
  allowedEmails: z.array(z.string().email()).default([]),
  /** Identity-provider groups (Entra ID / OIDC): the IdP id and the group ids or names. */
  identityProviderGroups: z
    .array(z.strictObject({ identityProviderId: z.string().min(1), groups: z.array(z.string().min(1)).min(1), kind: z.enum(["azure", "oidc"]).default("azure") }))
    .default([]),
  ipRanges: z.array(z.string().regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "must be a CIDR range")).default([]),
  sessionDuration: z.string().regex(/^\d+(m|h)$/, "must be like 30m or 8h").default("8h"),
});

const Docker = z.strictObject({
  /** Docker daemon the provider talks to. */
  host: z.string().regex(/^(unix|tcp|ssh|npipe):\/\//, "must be a Docker host URL (unix://, tcp://, ssh://)").default("unix:///var/run/docker.sock"),
});

export const CloudflareSchema = z.strictObject({
  accountId: hex32,
  zoneId: hex32,
  /** The zone's domain; every public hostname must be inside it. */
  domain: dnsName,
  /** Zero Trust team name (`<team>.cloudflareaccess.com`). */
  teamName: z.string().regex(/^[a-z0-9-]+$/, "must be the Zero Trust team name"),
  access: Access,
  /** API rate limit per client (requests per minute) on API paths. */
  rateLimitPerMinute: z.number().int().min(1).default(100),
});

/** Where a stack runs: one Docker host, or a Kubernetes cluster (the same profiles, rendered for it). */
const Runtime = z.enum(["docker", "kubernetes"]).default("docker");

const Labels = z.record(z.string().min(1), z.string());

export const KubernetesSchema = z.strictObject({
  /** kubeconfig context; unset means the provider's default. */
  context: z.string().min(1).optional(),
  /** Storage class of the datastores' volume claims. @default the cluster's default class */
  storageClassName: z.string().min(1).optional(),
  /** The ingress controller allowed to reach the public services (namespace and pod labels). @default nobody */
  ingressFrom: z.strictObject({ namespaceLabels: Labels, podLabels: Labels.optional() }).optional(),
});

const email = z.string().email("must be an e-mail address");

/**
 * Alerting of a stack's monitoring (Prometheus + Alertmanager, constructs/monitoring). Only
 * addresses and ids: the SMTP password and the Telegram bot token are sensitive variables
 * (koha: `koha_smtp_password`, `koha_telegram_bot_token`; single-server: `alert_smtp_password`,
 * `alert_telegram_bot_token`). Absent: the stack has no monitoring.
 */
export const MonitoringSchema = z.strictObject({
  /** E-mail receiver (warnings and criticals). */
  smtp: z.strictObject({
    /** SMTP relay as host:port (STARTTLS is required by Alertmanager's default). */
    smarthost: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "must be host:port, e.g. smtp.example.org:587"),
    from: email,
    to: z.array(email).min(1, "must name at least one receiver address"),
    /** SMTP login; with it, the password is the stack's `*_smtp_password` variable. @default none (no SMTP authentication) */
    username: z.string().min(1).optional(),
  }),
  /** Telegram chat that gets the criticals (negative for a group). @default no Telegram receiver */
  telegramChatId: z.number().int().refine((n) => n !== 0 && Number.isSafeInteger(n), "must be the numeric Telegram chat id (negative for a group)").optional(),
  /** Base of every alert's runbook_url (`<base>/<Alert>.md`): your repository's docs/runbooks URL. @default "docs/runbooks" */
  runbookBaseUrl: z.string().regex(/^(https:\/\/\S+|[A-Za-z0-9._\/-]+)$/, "must be an https:// URL or a relative path").default("docs/runbooks"),
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name such as AWS_ACCESS_KEY_ID");

/**
 * Backups of a stack's datastores (restic, constructs/backup). Schedules and the off-site
 * repository; the repository password and off-site credentials are sensitive variables
 * (`backup_repository_password`, `backup_offsite_<credential>`). Absent: the stack has no backup
 * plan (a policy warning names every uncovered datastore).
 */
export const BackupSchema = z.strictObject({
  /** Off-site copy (3-2-1). @default none: a policy warning */
  offsite: z
    .strictObject({
      /** restic repository URL without credentials (`s3:https://…`, `rest:https://…`, `rclone:remote:path`, …). */
      repository: z
        .string()
        .regex(/^(s3|rest|rclone|sftp|b2|azure|gs|swift):\S+$/, "must be a restic repository URL (s3:, rest:, rclone:, sftp:, b2:, azure:, gs:, swift:)")
        .refine((r) => !/\/\/[^/@]+@/.test(r) && !/[?&](access|secret|key|token|password)=/i.test(r), "must not carry credentials: list their names under credentials (each becomes a sensitive variable)")
        .refine((r) => !r.includes("${"), "must not contain a Terraform expression"),
      /**
       * Names of the environment variables restic needs for it; each value is the sensitive
       * variable `backup_offsite_<name in lower case>`.
       * @default AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3:, none otherwise
       */
      credentials: z.array(envName).optional(),
    })
    .optional(),
  /** Hours between full backups. @default 6 */
  fullEveryHours: z.number().int().min(1).max(24 * 7).default(6),
  /** Seconds between shipments of the captured binlog/WAL (at most the RPO). @default 60 */
  shipEverySeconds: z.number().int().min(10).max(3600).default(60),
  /** Days between restore drills; 0 turns scheduled drills off. @default 30 */
  drillEveryDays: z.number().int().min(0).max(366).default(30),
  /** Every snapshot younger than this many days is kept (the PITR window). @default 30 */
  keepWithinDays: z.number().int().min(1).max(3650).default(30),
  /** Daily snapshots kept beyond that. @default 30 */
  keepDaily: z.number().int().min(0).max(3650).default(30),
  /** Monthly snapshots kept beyond that. @default 12 */
  keepMonthly: z.number().int().min(0).max(1200).default(12),
  /** Recovery point objective in minutes (drills report deviations). @default 60 */
  rpoMinutes: z.number().int().min(1).default(60),
  /** Recovery time objective in hours. @default 4 */
  rtoHours: z.number().int().min(1).default(4),
});

/** The off-site credentials' variable names: configured, or restic's S3 pair for an s3: repository. */
export function offsiteCredentialNames(offsite: NonNullable<z.infer<typeof BackupSchema>["offsite"]>): readonly string[] {
  return offsite.credentials ?? (offsite.repository.startsWith("s3:") ? ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] : []);
}

/** The `environment` a configuration gets when it names none: see SharedConfigSchema. */
export const DEFAULT_DEPLOYMENT_ENVIRONMENT = "production";

/**
 * Settings every stack may share. Extend it with your own stack's section
 * (`SharedConfigSchema.extend({ webApi: WebApiSection })`): strictness is kept.
 */
export const SharedConfigSchema = z.strictObject({
  /** Team responsible for the platform; becomes the owner label of every container. */
  owner: z.string().min(1),
  /**
   * What the stacks deploy to. `production` makes DOCKER-022 an error for every image without an
   * `@sha256:` digest (the deploy verifies the signatures of pinned digests); `staging` and
   * `development` keep it a warning. The stacks record it as `local.bulwark_environment`
   * (policy/environment.ts), so `bulwark check` judges the synthesized JSON the same way.
   * Production is the default because a configuration describes a real deployment: forgetting
   * the setting must not quietly weaken it; a test or staging host says so explicitly.
   * @default "production" (DEFAULT_DEPLOYMENT_ENVIRONMENT)
   */
  environment: z.enum(["production", "staging", "development"]).default(DEFAULT_DEPLOYMENT_ENVIRONMENT),
  /** @default { host: "unix:///var/run/docker.sock" } */
  docker: Docker.prefault({}),
  backend: Backend,
  /**
   * Per-service image pins (tag and digest) overriding the profiles' defaults. Only services that
   * a configured stack builds may be named (the loader lists the valid names).
   */
  images: z.record(serviceName, ImagePin).default({}),
  /** The Cloudflare account and zone: required when a configured stack publishes through the edge. */
  cloudflare: CloudflareSchema.optional(),
  /** The cluster stacks run on: used by sections with `runtime: kubernetes`. @default the current kubeconfig context */
  kubernetes: KubernetesSchema.optional(),
  /** Manual sign-offs of roadmap items (`bulwark readiness`; policy/readiness/schema.ts). @default none recorded */
  readiness: ReadinessConfigSchema.optional(),
});

export const KohaSchema = z.strictObject({
  /** `docker` (stack `koha`, needs `cloudflare`) or `kubernetes` (stack `koha-k8s`). @default "docker" */
  runtime: Runtime,
  /** Koha instance name. */
  instance: serviceName.default("library"),
  mariadb: z.strictObject({
    /** Unique server id for binlog replication/PITR. */
    serverId: z.number().int().min(1).max(4294967295),
    /** Binlog retention in seconds (PITR window). */
    binlogExpireSeconds: z.number().int().min(3600).default(7 * 24 * 3600),
  }),
  /** Public catalogue (OPAC) hostname, inside the Cloudflare zone's domain. */
  opacHostname: dnsName,
  /** Staff interface hostname; always behind Cloudflare Access. */
  staffHostname: dnsName,
  /**
   * The Koha image: no public Koha image runs non-root on a read-only root filesystem, so this
   * is your own build (the build repository of [roadmap koha.2.1]); see constructs/profiles/koha.ts.
   */
  image: ImageRef,
  /** Prometheus, Alertmanager and exporters of the koha stack. @default none (no monitoring) */
  monitoring: MonitoringSchema.optional(),
  /** MariaDB PITR backups plus RabbitMQ's and Koha's data volumes. @default none (no backup plan) */
  backup: BackupSchema.optional(),
});

export const SingleServerSchema = z.strictObject({
  /** `docker` (stack `single-server`) or `kubernetes` (stack `single-server-k8s`). @default "docker" */
  runtime: Runtime,
  bot: AppImage,
  api: AppImage,
  /** Loopback host port for PostgreSQL ([roadmap single-server.critical.3]: 127.0.0.1:5433). */
  postgresHostPort: z.number().int().min(1024).max(65535).default(5433),
  /** Prometheus (bearer-token scrape of bot and API), Alertmanager and postgres_exporter. @default none (no monitoring) */
  monitoring: MonitoringSchema.optional(),
  /** PostgreSQL PITR backups (base backups + WAL). @default none (no backup plan) */
  backup: BackupSchema.optional(),
});

export const GithubSchema = z.strictObject({
  /** Organization or user owning the repositories. */
  owner: z.string().min(1),
  /** Protect default branches with classic branch protection or a repository ruleset. */
  mode: z.enum(["branch-protection", "ruleset"]).default("ruleset"),
  repositories: z.array(Repository).min(1),
});

/** The reference deployment: the shared settings plus one optional section per stack kind. */
export const DeploymentConfigSchema = SharedConfigSchema.extend({
  /** The Koha platform (docs/roadmaps/koha.md) (stack `koha`); needs `cloudflare`. */
  koha: KohaSchema.optional(),
  /** The single-server bot + API (docs/roadmaps/single-server.md) (stack `single-server`). */
  singleServer: SingleServerSchema.optional(),
  /** GitHub governance of the repositories (stack `governance`). */
  github: GithubSchema.optional(),
}).superRefine((c, ctx) => {
  // Monitoring names its containers and volumes prometheus, alertmanager, node-exporter, … on the
  // stack's Docker host; koha and single-server share docker.host, so only one of them can run it.
  if (c.koha?.monitoring && c.singleServer?.monitoring && (c.koha.runtime ?? "docker") === "docker" && (c.singleServer.runtime ?? "docker") === "docker") {
    ctx.addIssue({
      code: "custom",
      path: ["singleServer", "monitoring"],
      message: `koha.monitoring already runs Prometheus, Alertmanager, node-exporter, cAdvisor and the blackbox exporter on the Docker host ${c.docker.host}, and the monitoring containers have fixed names. Fix: keep monitoring in one of the two sections (one node-exporter and cAdvisor per host observe it whole), or run the stacks from separate configurations with different docker.host`,
    });
  }
});

export type SharedConfig = z.infer<typeof SharedConfigSchema>;
export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
export type BackendConfig = z.infer<typeof Backend>;
export type ImagePinConfig = z.infer<typeof ImagePin>;
export type CloudflareConfig = z.infer<typeof CloudflareSchema>;
export type KohaConfig = z.infer<typeof KohaSchema>;
export type SingleServerConfig = z.infer<typeof SingleServerSchema>;
export type GithubConfig = z.infer<typeof GithubSchema>;
export type KubernetesConfig = z.infer<typeof KubernetesSchema>;
export type MonitoringConfig = z.infer<typeof MonitoringSchema>;
export type BackupConfig = z.infer<typeof BackupSchema>;

/** A deployment configuration with a koha section and the cloudflare section it needs. */
export type KohaDeploymentConfig = DeploymentConfig & { readonly koha: KohaConfig; readonly cloudflare: CloudflareConfig };
/** A deployment configuration with a singleServer section. */
export type SingleServerDeploymentConfig = DeploymentConfig & { readonly singleServer: SingleServerConfig };
/** A deployment configuration with a github section. */
export type GovernanceDeploymentConfig = DeploymentConfig & { readonly github: GithubConfig };
