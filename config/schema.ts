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
 * Several Koha instances on one Docker host (a consortium runs one Koha per library): `koha` is
 * the single object, or a non-empty list of instances (`KohaInstancesSchema`), each the same
 * object with a unique `instance` name. The single-object form and the list's first instance
 * keep the stack id `koha` and every Docker name and Terraform address of today; each further
 * instance is a stack `koha-<instance>` (its own state) whose Docker names (containers, volumes,
 * networks) are prefixed `<instance>-`, because Docker names are unique per host while construct
 * ids are Terraform addresses and must not move. Only the first instance owns the Cloudflare
 * zone's WAF and rate limit (one entrypoint ruleset per zone and phase). The list is Docker only:
 * a Koha on a cluster is the single-object form with `runtime: kubernetes`. (Different kinds
 * share a host too: their networks carry the stack's prefix, their services differ, and
 * single-server's monitoring containers are prefixed `app-`, so koha and single-server can both
 * run monitoring on one docker.host; the second turns its cAdvisor off with
 * `monitoring.cadvisor: false`.)
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

/** An image the deploy workflow verifies (keyless cosign signature) before `cdktf deploy`. */
const SignedImageConfig = z.strictObject({
  /** As the stacks pin it: `registry/path[:tag]@sha256:<64 hex>`. */
  image: z.string().regex(/@sha256:[0-9a-f]{64}$/, "must be pinned by digest (…@sha256:<64 hex>)"),
  /** The build repository whose workflow signed it, `owner/name`. */
  signer: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9_.-]{1,100}$/, "must be owner/name of the build repository"),
  /** The signing workflow. @default ".github/workflows/bulwark-publish.yml" */
  signerWorkflow: z.string().regex(/^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/, "must be .github/workflows/<file>.yml").optional(),
  /** The branch the signing workflow ran on. @default "main" */
  signerBranch: z.string().min(1).optional(),
});

const Repository = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a GitHub repository name"),
  description: z.string().default(""),
  visibility: z.enum(["public", "private", "internal"]).default("private"),
  /** Status checks required on the default branch; defaults from [roadmap koha.1.3]. */
  requiredChecks: z.array(z.string().min(1)).optional(),
  /** Which managed workflows RepositoryGovernance writes: build, deploy or other. @default "other" */
  role: z.enum(["build", "deploy", "other"]).optional(),
  /** Required checks reported by something other than the managed workflows: check → what reports it (GH-015). @default none */
  externalChecks: z.record(z.string().min(1), z.string().min(3)).optional(),
  /** role deploy: the images whose signatures are verified before `cdktf deploy`. @default none */
  verifyImages: z.array(SignedImageConfig).optional(),
  /** role deploy: environment variable → Actions secret name, for cdktf diff/deploy. @default none */
  deploySecrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
  /** role deploy: the GitHub environment of the deploy job. @default "production" */
  deployEnvironment: z.string().min(1).optional(),
  /** role build: the image published. @default ghcr.io/<owner>/<name> */
  image: z.string().min(1).optional(),
  /** role build: the Dockerfile. @default "Dockerfile" */
  dockerfile: z.string().min(1).optional(),
  /** role build: the build context. @default "." */
  buildContext: z.string().min(1).optional(),
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

const k8sName = z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Kubernetes name (lower-case letters, digits, dashes)");
const httpsUrl = z.string().regex(/^https:\/\/\S+$/, "must be an https:// URL");

/**
 * How the cluster stacks publish their public services (stacks/kubernetes/edge.ts).
 * `cloudflared`: the Docker stacks' Cloudflare Tunnel, its connector a Deployment (needs `cloudflare`).
 * `ingress-nginx`: one Ingress per hostname with TLS from a Secret and per-client rate limits.
 */
export const KubernetesIngressSchema = z.discriminatedUnion("via", [
  z.strictObject({
    via: z.literal("cloudflared"),
    /** cloudflared pods. @default 2 (DEFAULT_CONNECTOR_REPLICAS) */
    connectorReplicas: z.number().int().min(1).max(100).optional(),
  }),
  z.strictObject({
    via: z.literal("ingress-nginx"),
    /** The kubernetes.io/tls Secret of the hostnames, and the cert-manager ClusterIssuer that issues it. */
    tls: z.strictObject({ secretName: k8sName, clusterIssuer: k8sName.optional() }),
    /** Authentication of gated hostnames (Koha staff): oauth2-proxy or an SSO gateway. Required when koha is published. */
    adminAuth: z.strictObject({ url: httpsUrl, signin: httpsUrl.optional() }).optional(),
    /** @default "nginx" (DEFAULT_INGRESS_CLASS) */
    className: k8sName.optional(),
    /** The controller's namespace and pods. @default namespace ingress-nginx, pods app.kubernetes.io/name=ingress-nginx */
    controller: z.strictObject({ namespaceLabels: Labels, podLabels: Labels.optional() }).optional(),
    /** Per-client limits. @default 10 requests per second, burst ×5, 20 connections */
    rateLimit: z
      .strictObject({
        requestsPerSecond: z.number().int().min(1).max(10000).optional(),
        burstMultiplier: z.number().int().min(1).max(100).optional(),
        connections: z.number().int().min(1).max(100000).optional(),
      })
      .optional(),
  }),
]);

export const KubernetesSchema = z.strictObject({
  /** Publish the public services (Koha OPAC and staff, the single-server API). @default none: not published (only ingressFrom reaches them) */
  ingress: KubernetesIngressSchema.optional(),
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
  /**
   * Run cAdvisor (container OOM, restart and memory alerts). cAdvisor sees every container of the
   * Docker host, so when two stacks monitor one host, turn it off in the second (the example turns
   * it off for single-server, whose containers koha's cAdvisor already covers).
   * @default true (the Monitoring construct's default: cAdvisor on, cgroups only)
   */
  cadvisor: z.boolean().optional(),
});

/**
 * The koha stack's monitoring: the shared alerting settings plus Grafana, which koha can publish
 * through its tunnel behind Access (single-server has no tunnel).
 */
export const KohaMonitoringSchema = MonitoringSchema.extend({
  /**
   * Grafana with the Prometheus datasource and the generated dashboards, published through the
   * tunnel at `hostname` behind the staff Access application (CF-005, MON-002). The admin
   * password is the sensitive variable `koha_grafana_admin_password`.
   * @default none (no Grafana)
   */
  grafana: z
    .strictObject({
      /** Public hostname, inside cloudflare.domain. @default "grafana.<cloudflare.domain>"; a further instance of a list: "grafana-<instance>.<cloudflare.domain>" (kohaGrafanaHostname) */
      hostname: dnsName.optional(),
    })
    .optional(),
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
  /** Seconds between shipments of the captured binlog/WAL (at most the RPO; 30 keeps the RPO of a lost backup host under a minute). @default 30 (DEFAULT_SHIP_EVERY) */
  shipEverySeconds: z.number().int().min(10).max(3600).default(30),
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
  /**
   * Koha instance name (`KOHA_INSTANCE`, database `koha_<instance>`, tunnel `koha-<instance>`). In
   * a list: unique; a further instance's stack id is `koha-<instance>` and its Docker names are
   * prefixed `<instance>-`.
   */
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
  /**
   * Prometheus, Alertmanager, exporters and optionally Grafana of the koha stack. In a list, a
   * further instance's containers are `<instance>-prometheus`, …, and its `cadvisor` defaults to
   * off when an earlier instance runs one (cAdvisor sees every container of the host).
   * @default none (no monitoring)
   */
  monitoring: KohaMonitoringSchema.optional(),
  /** MariaDB PITR backups plus RabbitMQ's and Koha's data volumes. @default none (no backup plan) */
  backup: BackupSchema.optional(),
});

/**
 * The longest `instance` name of a further Koha instance: its networks are prefixed
 * `<instance>-koha` (NetworkTopology allows 31 characters), its containers `<instance>-`.
 */
export const MAX_FURTHER_KOHA_INSTANCE_LENGTH = 26;

/** `instance` names a further Koha instance must not take: `koha-<name>` is another stack kind's id. */
export const RESERVED_KOHA_INSTANCE_NAMES: readonly string[] = ["k8s"];

/** `koha[1].instance`: how messages name a field of a list entry. */
const at = (i: number, ...path: string[]) => `koha[${i}]${path.map((p) => `.${p}`).join("")}`;

/**
 * Several Koha instances on one Docker host, each the KohaSchema object. The first keeps the
 * stack id `koha` and today's names; each further one is the stack `koha-<instance>`, its Docker
 * names prefixed `<instance>-` (stacks/koha.ts). Names, hostnames and MariaDB server ids are
 * unique across the list; the list is Docker only.
 */
export const KohaInstancesSchema = z
  .array(KohaSchema)
  .min(1, "must list at least one Koha instance (or write koha as a single object)")
  .superRefine((list, ctx) => {
    const seen = { instance: new Map<string, string>(), hostname: new Map<string, string>(), serverId: new Map<number, string>() };
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    list.forEach((k, i) => {
      if (k.runtime === "kubernetes") {
        issue([i, "runtime"], "kubernetes is not supported in a list of Koha instances: the list runs several Koha on one Docker host. Fix: write koha as a single object for a Koha on a cluster (stack koha-k8s), or give this instance runtime: docker");
      }
      const other = seen.instance.get(k.instance);
      if (other !== undefined) issue([i, "instance"], `"${k.instance}" is also ${other}: each instance needs its own name (its stack id koha-<instance>, its database and its Docker name prefix). Fix: rename one of them`);
      else seen.instance.set(k.instance, at(i, "instance"));
      if (i > 0 && RESERVED_KOHA_INSTANCE_NAMES.includes(k.instance)) {
        issue([i, "instance"], `"${k.instance}" would give this instance the stack id koha-${k.instance}, which is another stack kind's. Fix: choose another name`);
      }
      if (i > 0 && k.instance.length > MAX_FURTHER_KOHA_INSTANCE_LENGTH) {
        issue([i, "instance"], `"${k.instance}" has ${k.instance.length} characters: a further instance prefixes its networks "${k.instance}-koha-" (at most 31 characters before the network name). Fix: use at most ${MAX_FURTHER_KOHA_INSTANCE_LENGTH} characters`);
      }
      const hosts: Array<[string | undefined, string[]]> = [
        [k.opacHostname, ["opacHostname"]],
        [k.staffHostname, ["staffHostname"]],
        [k.monitoring?.grafana?.hostname, ["monitoring", "grafana", "hostname"]],
      ];
      for (const [host, path] of hosts) {
        if (host === undefined) continue;
        const first = seen.hostname.get(host);
        if (first !== undefined) issue([i, ...path], `"${host}" is also ${first}: a hostname is published by one tunnel only (CF-011). Fix: give each instance its own hostnames`);
        else seen.hostname.set(host, at(i, ...path));
      }
      const id = k.mariadb.serverId;
      const firstId = seen.serverId.get(id);
      if (firstId !== undefined) issue([i, "mariadb", "serverId"], `${id} is also ${firstId}: every MariaDB server needs its own server_id (binlog replication and point-in-time recovery tell servers apart by it). Fix: give each instance its own serverId`);
      else seen.serverId.set(id, at(i, "mariadb", "serverId"));
    });
  });

/** The parsed `koha` section: the first (or only) instance, and the further ones of a list. */
export type KohaSection = z.infer<typeof KohaSchema> & {
  /**
   * The instances after the first, in list order (stacks `koha-<instance>`).
   * @default absent: the single-object form, or a list of one
   */
  readonly furtherInstances?: readonly z.infer<typeof KohaSchema>[];
};

/**
 * `koha`: the single object, or a list of instances (KohaInstancesSchema). Parsed, it is the
 * first instance (so `config.koha` reads as before) with the others under `furtherInstances`;
 * `kohaInstances(config.koha)` lists them all.
 */
export const KohaSectionSchema = z.union([KohaSchema, KohaInstancesSchema], { error: "must be one Koha instance (a mapping) or a list of instances" }).transform((v): KohaSection => {
  if (!Array.isArray(v)) return v;
  const [first, ...further] = v;
  return further.length > 0 ? { ...first, furtherInstances: further } : first;
});

/** Every configured Koha instance, first first; none without a koha section. */
export function kohaInstances(section: KohaSection | undefined): readonly z.infer<typeof KohaSchema>[] {
  if (section === undefined) return [];
  const { furtherInstances, ...first } = section;
  return [first, ...(furtherInstances ?? [])];
}

/** The hostname of instance `index`'s Grafana: configured, else `grafana.<domain>` for the first and `grafana-<instance>.<domain>` for a further one. */
export function kohaGrafanaHostname(koha: z.infer<typeof KohaSchema>, index: number, domain: string): string | undefined {
  const grafana = koha.monitoring?.grafana;
  if (!grafana) return undefined;
  return grafana.hostname ?? (index === 0 ? `grafana.${domain}` : `grafana-${koha.instance}.${domain}`);
}

export const SingleServerSchema = z.strictObject({
  /** `docker` (stack `single-server`) or `kubernetes` (stack `single-server-k8s`). @default "docker" */
  runtime: Runtime,
  bot: AppImage,
  api: AppImage,
  /** Loopback host port for PostgreSQL ([roadmap single-server.critical.3]: 127.0.0.1:5433). */
  postgresHostPort: z.number().int().min(1024).max(65535).default(5433),
  /** Public hostname of the API on a cluster with `kubernetes.ingress` (inside `cloudflare.domain` for cloudflared). @default none: not published */
  apiHostname: dnsName.optional(),
  /**
   * Prometheus (bearer-token scrape of bot and API), Alertmanager and postgres_exporter, named
   * `app-prometheus`, … so that it can share the Docker host with koha's monitoring.
   * @default none (no monitoring)
   */
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
  /**
   * The Koha platform (docs/roadmaps/koha.md) (stack `koha`); needs `cloudflare`. One object, or a
   * list of instances on one Docker host (stacks `koha`, `koha-<instance>`, …; KohaInstancesSchema).
   */
  koha: KohaSectionSchema.optional(),
  /** The single-server bot + API (docs/roadmaps/single-server.md) (stack `single-server`). */
  singleServer: SingleServerSchema.optional(),
  /** GitHub governance of the repositories (stack `governance`). */
  github: GithubSchema.optional(),
}).superRefine((c, ctx) => {
  // kubernetes.ingress: what each way in needs from the other sections.
  const k8sIngress = c.kubernetes?.ingress;
  const onCluster = (c.koha?.runtime === "kubernetes") || (c.singleServer?.runtime === "kubernetes" && c.singleServer.apiHostname !== undefined);
  if (k8sIngress?.via === "cloudflared" && onCluster && !c.cloudflare) {
    ctx.addIssue({ code: "custom", path: ["cloudflare"], message: "required by kubernetes.ingress.via cloudflared (its tunnel, DNS and Access). Fix: add the cloudflare section, or use via: ingress-nginx" });
  }
  if (k8sIngress?.via === "ingress-nginx" && c.kubernetes?.ingressFrom) {
    ctx.addIssue({ code: "custom", path: ["kubernetes", "ingressFrom"], message: "is redundant with kubernetes.ingress.via ingress-nginx, which already admits the controller's pods to the published ports. Fix: leave ingressFrom out (or set kubernetes.ingress.controller)" });
  }
  // Grafana's default hostname (kohaGrafanaHostname) against every other instance's hostnames.
  const instances = kohaInstances(c.koha);
  if (instances.length > 1 && c.cloudflare) {
    const taken = new Map<string, string>();
    instances.forEach((k, i) => {
      const fields: Array<[string | undefined, string]> = [[k.opacHostname, "opacHostname"], [k.staffHostname, "staffHostname"], [k.monitoring?.grafana?.hostname, "monitoring.grafana.hostname"]];
      for (const [h, field] of fields) if (h !== undefined && !taken.has(h)) taken.set(h, at(i, field));
    });
    instances.forEach((k, i) => {
      const grafana = kohaGrafanaHostname(k, i, c.cloudflare!.domain);
      if (grafana === undefined || k.monitoring?.grafana?.hostname !== undefined) return;
      const other = taken.get(grafana);
      if (other !== undefined) ctx.addIssue({ code: "custom", path: ["koha", i, "monitoring", "grafana", "hostname"], message: `defaults to "${grafana}", which is also ${other}: a hostname is published by one tunnel only (CF-011). Fix: give this Grafana a hostname of its own` });
      else taken.set(grafana, at(i, "monitoring", "grafana", "hostname"));
    });
  }
  if (k8sIngress?.via === "ingress-nginx" && c.koha?.runtime === "kubernetes" && !k8sIngress.adminAuth) {
    ctx.addIssue({ code: "custom", path: ["kubernetes", "ingress", "adminAuth"], message: "is required: koha.staffHostname is an administrative interface that must never be public. Fix: give adminAuth: { url, signin } of your authentication service, or use via: cloudflared (Cloudflare Access)" });
  }
});

export type SharedConfig = z.infer<typeof SharedConfigSchema>;
export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
export type BackendConfig = z.infer<typeof Backend>;
export type ImagePinConfig = z.infer<typeof ImagePin>;
export type CloudflareConfig = z.infer<typeof CloudflareSchema>;
/** One Koha instance (the single-object form, or one entry of the list). */
export type KohaConfig = z.infer<typeof KohaSchema>;
export type SingleServerConfig = z.infer<typeof SingleServerSchema>;
export type GithubConfig = z.infer<typeof GithubSchema>;
export type KubernetesConfig = z.infer<typeof KubernetesSchema>;
export type KubernetesIngressConfig = z.infer<typeof KubernetesIngressSchema>;
export type MonitoringConfig = z.infer<typeof MonitoringSchema>;
export type KohaMonitoringConfig = z.infer<typeof KohaMonitoringSchema>;
export type BackupConfig = z.infer<typeof BackupSchema>;

/** A deployment configuration with a koha section and the cloudflare section it needs. */
export type KohaDeploymentConfig = DeploymentConfig & { readonly koha: KohaConfig; readonly cloudflare: CloudflareConfig };
/** A deployment configuration with a singleServer section. */
export type SingleServerDeploymentConfig = DeploymentConfig & { readonly singleServer: SingleServerConfig };
/** A deployment configuration with a github section. */
export type GovernanceDeploymentConfig = DeploymentConfig & { readonly github: GithubConfig };
