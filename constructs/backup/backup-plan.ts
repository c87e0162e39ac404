/**
 * BackupPlan: backups, point-in-time recovery and restore drills for a stack's datastores.
 *
 * For each datastore attached with `addDatastore` (and each files volume with `addFiles`) the plan
 * adds one hardened backup container, `<service>-backup`: non-root (10001; a files backup runs as the
 * service's own UID, see filesBackupUser), read-only root, no
 * capabilities, internal network only, running `bulwark-backup schedule` (backup/bin/) from an image
 * built locally from backup/image/Dockerfile (`docker_image` with a build context; Debian packages
 * pinned in backup/image/versions.env). It keeps:
 * - full backups on an interval (MariaDB: `mariadb-dump --single-transaction` with binlog
 *   coordinates; PostgreSQL: `pg_basebackup` with a manifest, or `pg_dumpall` without PITR);
 * - with PITR, continuous change-log capture (`mariadb-binlog --read-from-remote-server --stop-never`,
 *   `pg_receivewal` through a replication slot), shipped every minute;
 * - a restic repository (AES-256, password from a sensitive variable) on its own volume, and an
 *   off-site copy (any restic repository: s3:, rest:, rclone:; credentials as secrets);
 * - retention (every snapshot of 30 days, then 30 daily and 12 monthly), restore drills every 30
 *   days, Prometheus textfile metrics and JSON/markdown drill reports on its state volume.
 * It refuses a PITR plan for a service whose facts (ServiceSpec.backup) record no usable change log.
 */
import { createHash } from "crypto";
import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative, resolve, sep } from "path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { packagePath } from "../../knowledge/package-files";
import { HardenedContainer, type MountableVolume } from "../docker/hardened-container";
import type { HardenedNetwork } from "../docker/network-topology";
import { HealthProbe } from "../service/health";
import { pointInTimeProblem, supportsPointInTime, validateBackupSpec, type BackupSpec } from "../service/backup";
import type { SecretRef, ServiceSpec } from "../service/spec";
import { Duration } from "../service/units";

/** How long backups are kept and how often they are taken. */
export interface RetentionPolicy {
  /** Interval between full backups. @default Duration.hours(6) */
  readonly fullEvery?: Duration;
  /** Every snapshot younger than this is kept (PITR reaches any second of it). @default 30 days */
  readonly keepWithin?: Duration;
  /** Daily snapshots kept beyond keepWithin. @default 30 */
  readonly keepDaily?: number;
  /** Monthly snapshots kept beyond that. @default 12 */
  readonly keepMonthly?: number;
}

/** Recovery objectives the drills measure against (deviation is reported, and alerted on). */
export interface RecoveryObjectives {
  /** Recovery point objective. @default Duration.hours(1) */
  readonly rpo?: Duration;
  /** Recovery time objective. @default Duration.hours(4) */
  readonly rto?: Duration;
}

/** The off-site copy (3-2-1): a second restic repository somewhere else. */
export interface OffsiteRepository {
  /**
   * restic repository URL without credentials: `s3:https://s3.example.net/bucket/koha`,
   * `rest:https://backup.example.net/koha`, `rclone:remote:path`.
   */
  readonly repository: string;
  /** Credentials as environment for restic (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, …), each a secret. @default none */
  readonly credentials?: Readonly<Record<string, SecretRef>>;
}

export interface BackupImageOptions {
  /**
   * The build context: the package's `backup/` directory, as Terraform sees it from the stack's directory.
   * @default defaultBackupContext(plan): DEFAULT_BACKUP_CONTEXT ("${path.module}/../../../backup") in this
   * repository's cdktf.out; `${path.module}/../../../node_modules/bulwark/backup` from an app in a project that installed bulwark
   */
  readonly context?: string;
  /** Base image (a local image needs no registry, e.g. the e2e tier's debootstrap import). @default "debian:bookworm-slim" */
  readonly baseImage?: string;
  /** Image repository name. @default DEFAULT_BACKUP_REPOSITORY ("bulwark/backup") */
  readonly repository?: string;
}

export interface BackupPlanProps {
  /** The internal network the datastores are on (topology.back); the backup containers join only it. */
  readonly network: HardenedNetwork;
  readonly owner: string;
  /** Password of the restic repositories (local and off-site). A sensitive reference, never a literal. */
  readonly repositoryPassword: SecretRef;
  /** @default none: a warning (no off-site copy means no 3-2-1) */
  readonly offsite?: OffsiteRepository;
  /** @default { fullEvery: 6 h, keepWithin: 30 days, keepDaily: 30, keepMonthly: 12 } */
  readonly retention?: RetentionPolicy;
  /** @default { rpo: 1 h, rto: 4 h } */
  readonly objectives?: RecoveryObjectives;
  /**
   * How often the captured binlog/WAL goes to the repositories: with the scheduler's round and the
   * ship itself, the worst-case RPO of a lost backup host (measured by backup/test/bench.sh: 37-38 s
   * at 30 s, 65-67 s at 60 s). @default DEFAULT_SHIP_EVERY (30 s)
   */
  readonly shipEvery?: Duration;
  /** Restore drill interval; Duration.seconds(0) disables scheduled drills. @default Duration.hours(720) (30 days) */
  readonly drillEvery?: Duration;
  /** @default see BackupImageOptions */
  readonly image?: BackupImageOptions;
}

export interface DatastoreBackupOptions {
  /**
   * Point-in-time recovery: continuous binlog/WAL capture. Refused when the service's facts record
   * no usable change log. @default true when the facts allow it
   */
  readonly pointInTime?: boolean;
  /** The least-privilege backup user (GRANTs in constructs/backup/README.md) and its password. */
  readonly user: string;
  readonly password: SecretRef;
  /** Smoke queries a restore must pass (one statement each). @default ["SELECT 1"] */
  readonly smokeQueries?: readonly string[];
}

/** The backup image's repository name when `image.repository` is not given. */
export const DEFAULT_BACKUP_REPOSITORY = "bulwark/backup";
export const DEFAULT_FULL_EVERY = Duration.hours(6);
export const DEFAULT_KEEP_WITHIN = Duration.hours(720);
export const DEFAULT_KEEP_DAILY = 30;
export const DEFAULT_KEEP_MONTHLY = 12;
export const DEFAULT_RPO = Duration.hours(1);
export const DEFAULT_RTO = Duration.hours(4);
export const DEFAULT_SHIP_EVERY = Duration.seconds(30);
export const DEFAULT_DRILL_EVERY = Duration.hours(720);
export const BACKUP_USER = "10001:10001";
/** The backup image's group (backup/image/Dockerfile): its state, repo and metrics directories are group-writable (setgid). */
export const BACKUP_GROUP = 10001;

/**
 * The user of a files backup container: the service's own UID (every file the service writes is
 * its own, and services keep private files, e.g. RabbitMQ's 0400 `.erlang.cookie` and 0750
 * `mnesia/`, which UID 10001 cannot read: restic exits 3, "permission denied", and no full backup
 * ever succeeds; measured on the engine with the RabbitMQ stand-in), with the backup image's group
 * BACKUP_GROUP as its group, so it writes the image's group-writable directories. The service's
 * user is a validated non-root numeric `UID:GID` (HardenedContainer refuses anything else).
 */
export function filesBackupUser(serviceUser: string): string {
  return `${serviceUser.slice(0, serviceUser.indexOf(":"))}:${BACKUP_GROUP}`;
}
export const BACKUP_STATE_PATH = "/var/lib/bulwark-backup";
export const BACKUP_REPOSITORY_PATH = "/var/lib/bulwark-backup-repo";
/**
 * Where every backup container writes its Prometheus textfile metrics: one volume per plan, owned
 * by the plan's first backup container and mounted read-write by the others, which node_exporter
 * mounts read-only (`Monitoring` prop `nodeExporter.textfileVolume`: `plan.metricsVolume`). Each
 * job writes its own files (`bulwark_<what>_<service>.prom`), so the writers never collide.
 */
export const BACKUP_METRICS_PATH = "/var/lib/bulwark-metrics";
/** The build context of a stack synthesized into this repository's cdktf.out/stacks/<stack>: the repository's backup/. */
export const DEFAULT_BACKUP_CONTEXT = "${path.module}/../../../backup";
/** The build context shipped with the package (sources and the compiled library alike: knowledge/package-files.ts). */
const BACKUP_DIR = packagePath("backup");

/**
 * The default build context as Terraform sees it: the package's backup/ relative to the stack's
 * directory (`<outdir>/stacks/<stack>`), so the JSON is the same on every machine with the same
 * layout. From this repository's cdktf.out that is DEFAULT_BACKUP_CONTEXT; from an app in a
 * project that installed bulwark, `${path.module}/../../../node_modules/bulwark/backup`. An outdir
 * outside the project that holds the package (a test's temporary directory) keeps
 * DEFAULT_BACKUP_CONTEXT: such a stack is never deployed from there (set `image.context` if it is).
 */
export function defaultBackupContext(scope: Construct, backupDir = BACKUP_DIR): string {
  const parts = backupDir.split(sep);
  const nm = parts.indexOf("node_modules");
  // The project: the directory holding node_modules/ for an installed package, else the checkout.
  const project = nm > 0 ? parts.slice(0, nm).join(sep) : resolve(backupDir, "..");
  const stackDir = join(resolve(App.of(scope).outdir), "stacks", TerraformStack.of(scope).node.id);
  const fromProject = relative(project, stackDir);
  if (fromProject.startsWith("..") || fromProject === "" || resolve(fromProject) === fromProject) return DEFAULT_BACKUP_CONTEXT;
  return `\${path.module}/${relative(stackDir, backupDir).split(sep).join("/")}`;
}

/** A hash of the files of the build context (backup/), so a changed script rebuilds the image. */
export function backupContextHash(dir = BACKUP_DIR): string {
  const h = createHash("sha256");
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (name === "test") continue; // the drill tier is not in the image
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(dir);
  return h.digest("hex");
}

/** The image pins (build args), read from backup/image/versions.env. */
export function backupImageVersions(dir = BACKUP_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(dir, "image", "versions.env"), "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export class BackupPlan extends Construct {
  /** The backup containers, by the service they back up. */
  readonly containers = new Map<string, HardenedContainer>();
  private readonly where: string;
  private readonly props: BackupPlanProps;
  private readonly contextHash: string;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    this.where = `BackupPlan ${this.node.path}`;
    this.props = props;
    const fail = (prop: string, problem: string, fix: string): never => this.fail(prop, problem, fix);
    if (!props?.network) fail("network", "is missing", "pass topology.back (the internal network of the datastores)");
    if (!props.network.internal) fail("network", `"${props.network.logicalName}" is not internal`, "attach backups only to an internal network (topology.back); with an off-site repository each backup container also gets an egress network of its own, never the public tier");
    if (props.repositoryPassword?.kind !== "secret") fail("repositoryPassword", "is not a secret reference", "use Secret.named(\"backup_repository_password\", …) or Secret.fromVariable(…)");
    if (props.offsite) {
      const r = props.offsite.repository;
      if (typeof r !== "string" || !/^(s3|rest|rclone|sftp|b2|azure|gs|swift):/.test(r)) fail("offsite.repository", `${JSON.stringify(r)} is not a restic repository URL`, "give s3:…, rest:…, rclone:…, sftp:…, b2:…, azure:…, gs:… or swift:…");
      if (/\/\/[^/@]+@/.test(r) || /[?&](access|secret|key|token|password)=/i.test(r)) {
        fail("offsite.repository", "carries credentials in the URL", "remove them from the URL and pass them as offsite.credentials (each a Secret)");
      }
      if (r.includes("${")) fail("offsite.repository", "contains a Terraform expression", "give the plain URL; credentials go in offsite.credentials");
      for (const [k, v] of Object.entries(props.offsite.credentials ?? {})) {
        if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) fail(`offsite.credentials.${k}`, "is not an environment variable name", "use restic's names, e.g. AWS_ACCESS_KEY_ID");
        if (v?.kind !== "secret") fail(`offsite.credentials.${k}`, "is not a secret reference", "use Secret.named(…) or Secret.fromVariable(…)");
      }
    }
    this.contextHash = backupContextHash();
  }

  /**
   * Back up a datastore: full backups, and with PITR continuous binlog/WAL capture. The service's
   * profile must describe its data in `ServiceSpec.backup`.
   */
  addDatastore(datastore: HardenedContainer, opts: DatastoreBackupOptions): HardenedContainer {
    const spec = datastore?.service;
    const prop = `addDatastore(${spec?.name ?? "?"})`;
    if (!(datastore instanceof HardenedContainer)) this.fail(prop, "got no HardenedContainer", "pass the datastore's HardenedContainer");
    const facts = this.facts(datastore, prop);
    if (facts.engine === "files") this.fail(prop, "is a files volume", `use addFiles(${spec.name}, "${facts.volume}")`);
    const pitr = opts.pointInTime ?? supportsPointInTime(facts);
    if (pitr) {
      const problem = pointInTimeProblem(facts) ?? commandProblem(spec, facts);
      if (problem) {
        this.fail(`${prop}.pointInTime`, `is true, but ${problem}`,
          facts.engine === "mariadb"
            ? "build the service with mariadbProfile (it sets --log-bin, --server-id and --binlog-format=ROW), or pass pointInTime: false for full backups only"
            : "keep wal_level at replica (the default) and max_wal_senders above 0, or pass pointInTime: false for dumps only");
      }
    }
    if (typeof opts.user !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(opts.user)) this.fail(`${prop}.user`, `is ${JSON.stringify(opts.user)}`, "name the least-privilege backup user, e.g. \"bulwark_backup\"");
    if (opts.password?.kind !== "secret") this.fail(`${prop}.password`, "is not a secret reference", "use Secret.named(\"<service>_backup_password\", …)");
    const env: Record<string, string> = {
      BULWARK_ENGINE: facts.engine,
      BULWARK_PITR: pitr ? "1" : "0",
      BULWARK_DB_HOST: spec.name,
      BULWARK_DB_PORT: String(facts.port),
      BULWARK_DB_USER: opts.user,
    };
    if (facts.databases?.length) env.BULWARK_DATABASES = facts.databases.join(" ");
    if (opts.smokeQueries?.length) {
      for (const q of opts.smokeQueries) if (/[\r\n;]/.test(q) || q.includes("${")) this.fail(`${prop}.smokeQueries`, `holds ${JSON.stringify(q)}`, "give one-line statements without ; or ${ (each query is one statement)");
      // One line, `;`-separated: an environment value with a line break does not survive every
      // renderer (cdktf's HCL output turns it into a heredoc Terraform cannot parse).
      env.BULWARK_SMOKE_QUERIES = opts.smokeQueries.join(";");
    }
    return this.addContainer(datastore, facts, env, { BULWARK_DB_PASSWORD: opts.password }, false);
  }

  /** Back up a data volume that holds plain files (uploads, RabbitMQ definitions), mounted read-only. */
  addFiles(service: HardenedContainer, volume: string): HardenedContainer {
    const prop = `addFiles(${service?.service?.name ?? "?"}, ${JSON.stringify(volume)})`;
    if (!(service instanceof HardenedContainer)) this.fail(prop, "got no HardenedContainer", "pass the service's HardenedContainer");
    const facts: BackupSpec = { engine: "files", volume, changeLog: { kind: "none", why: "plain files" } };
    validateBackupSpec(facts, `${this.where}: ${prop}`, (service.service.dataVolumes ?? []).map((d) => d.name));
    const c = this.addContainer(service, facts, { BULWARK_ENGINE: "files", BULWARK_PITR: "0", BULWARK_FILES_PATH: `/mnt/data/${volume}` }, {}, true, filesBackupUser(service.service.user));
    // A files restore runs from a one-off container (this one mounts the data read-only): with
    // these names `restore full` prints it ready to run on this host (backup/bin/restore.sh).
    c.addEnvironment("BULWARK_RESTORE_SERVICE_CONTAINER", service.service.name)
      .addEnvironment("BULWARK_RESTORE_DATA_VOLUME", service.dataVolume(volume).name)
      .addEnvironment("BULWARK_RESTORE_REPO_VOLUME", c.dataVolume("repo").name)
      .addEnvironment("BULWARK_RESTORE_IMAGE", this.imageName);
    return c;
  }

  /** The backup image's repository and tag: the build context's hash (a changed script is a new image). */
  private get image(): { readonly repository: string; readonly tag: string } {
    return { repository: this.props.image?.repository ?? DEFAULT_BACKUP_REPOSITORY, tag: this.contextHash.slice(0, 12) };
  }

  /** `repository:tag` of the backup image. */
  private get imageName(): string {
    return `${this.image.repository}:${this.image.tag}`;
  }

  private addContainer(target: HardenedContainer, facts: BackupSpec, env: Record<string, string>, secrets: Record<string, SecretRef>, mount: boolean, user: string = BACKUP_USER): HardenedContainer {
    const svc = target.service.name;
    const name = `${svc}-backup`;
    if (this.containers.has(svc)) this.fail(`addDatastore(${svc})`, "was already added", "add each service once");
    const p = this.props;
    const r = p.retention ?? {};
    const o = p.objectives ?? {};
    const num = (prop: string, v: number | undefined, d: number, min: number, max: number): number => {
      const n = v ?? d;
      if (!Number.isInteger(n) || n < min || n > max) this.fail(prop, `is ${n}`, `use a whole number from ${min} to ${max}`);
      return n;
    };
    const secs = (prop: string, v: Duration | undefined, d: Duration, min: number): number => {
      const s = (v ?? d).toSeconds();
      if (s < min) this.fail(prop, `is ${s} s`, `use at least ${min} s`);
      return s;
    };
    const fullEvery = secs("retention.fullEvery", r.fullEvery, DEFAULT_FULL_EVERY, 300);
    const rpo = secs("objectives.rpo", o.rpo, DEFAULT_RPO, 1);
    const shipEvery = secs("shipEvery", p.shipEvery, DEFAULT_SHIP_EVERY, 10);
    // Files have no change log: their recovery point is the full-backup interval (documented).
    if (env.BULWARK_ENGINE !== "files" && (env.BULWARK_PITR === "1" ? shipEvery > rpo : fullEvery > rpo)) {
      this.fail(env.BULWARK_PITR === "1" ? "shipEvery" : "retention.fullEvery", `(${env.BULWARK_PITR === "1" ? shipEvery : fullEvery} s) is longer than objectives.rpo (${rpo} s) for ${svc}`,
        env.BULWARK_PITR === "1" ? "ship at least once per RPO" : "take full backups at least once per RPO, or turn on point-in-time recovery");
    }
    const drill = (p.drillEvery ?? DEFAULT_DRILL_EVERY).toSeconds();
    const allEnv: Record<string, string> = {
      ...env,
      BULWARK_SERVICE: svc,
      BULWARK_BACKUP_PLAN: this.node.id,
      BULWARK_STATE_DIR: BACKUP_STATE_PATH,
      BULWARK_METRICS_DIR: BACKUP_METRICS_PATH,
      RESTIC_REPOSITORY: BACKUP_REPOSITORY_PATH,
      BULWARK_FULL_INTERVAL_SECONDS: String(fullEvery),
      BULWARK_SHIP_INTERVAL_SECONDS: String(shipEvery),
      BULWARK_DRILL_INTERVAL_SECONDS: String(drill),
      BULWARK_KEEP_WITHIN: `${Math.max(1, Math.round(secs("retention.keepWithin", r.keepWithin, DEFAULT_KEEP_WITHIN, 3600) / 3600))}h`,
      BULWARK_KEEP_DAILY: String(num("retention.keepDaily", r.keepDaily, DEFAULT_KEEP_DAILY, 0, 3650)),
      BULWARK_KEEP_MONTHLY: String(num("retention.keepMonthly", r.keepMonthly, DEFAULT_KEEP_MONTHLY, 0, 1200)),
      BULWARK_RPO_TARGET_SECONDS: String(rpo),
      BULWARK_RTO_TARGET_SECONDS: String(secs("objectives.rto", o.rto, DEFAULT_RTO, 1)),
    };
    const secretEnv: Record<string, SecretRef> = { ...secrets, RESTIC_PASSWORD: p.repositoryPassword };
    if (p.offsite) {
      allEnv.BULWARK_OFFSITE_REPOSITORY = p.offsite.repository;
      Object.assign(secretEnv, p.offsite.credentials ?? {});
    }
    const first = this.containers.size === 0;
    const spec: ServiceSpec = {
      name,
      image: this.image,
      // It holds a copy of every datastore it backs up: a datastore itself, so NET-001 and the
      // construct keep it on internal networks only.
      role: "datastore",
      user,
      command: ["schedule"],
      env: allEnv,
      secretEnv,
      health: {
        // Healthy once a full backup succeeded within two intervals (the first one runs at start).
        probe: HealthProbe.shell(`find ${BACKUP_STATE_PATH}/state -name '${svc}.full_last_success' -mmin -${Math.ceil((2 * fullEvery) / 60)} | grep -q .`),
        interval: Duration.seconds(60),
        timeout: Duration.seconds(10),
        retries: 3,
        startPeriod: Duration.minutes(30),
      },
      // Scratch restores start a MariaDB/PostgreSQL inside the container.
      resources: { memoryMb: 1024, cpuShares: 512, maxProcesses: 512, maxOpenFiles: 8192 },
      writablePaths: [{ path: "/tmp", sizeMb: 64, mode: "1777" }],
      dataVolumes: [
        { name: "state", path: BACKUP_STATE_PATH },
        // The local copy on a volume of its own (3-2-1: two media on this host, one off-site).
        { name: "repo", path: BACKUP_REPOSITORY_PATH },
        // The plan's metrics volume belongs to its first backup container (see BACKUP_METRICS_PATH).
        ...(first ? [{ name: "metrics", path: BACKUP_METRICS_PATH }] : []),
      ],
      capabilities: [],
      stopGracePeriod: Duration.seconds(120),
      provenance: "bulwark backup image: backup/image/Dockerfile (Debian bookworm packages pinned in backup/image/versions.env), scripts in backup/bin/",
    };
    // The off-site copy must leave the host, which an internal network cannot: with an off-site
    // repository the container also joins a bridge of its own (`<name>-egress`: no other member, no
    // published port, inter-container traffic off), so restic reaches the repository and the
    // datastores stay reachable only over the internal network.
    const egress = p.offsite ? { egress: { reason: `the off-site copy (3-2-1) reaches ${offsiteHost(p.offsite.repository)} from ${name} only` } } : {};
    const c = new HardenedContainer(this, svc, { service: spec, networks: [p.network], owner: p.owner, restart: { policy: "unless-stopped" }, escapeHatches: egress });
    const versions = backupImageVersions();
    c.image.putBuildAttribute({
      context: p.image?.context ?? defaultBackupContext(this),
      dockerfile: "image/Dockerfile",
      buildArgs: { BASE_IMAGE: p.image?.baseImage ?? "debian:bookworm-slim", ...versions },
      tag: [this.imageName],
      label: { "org.bulwark.backup.context-sha256": this.contextHash },
    });
    c.image.triggers = { context_sha256: this.contextHash };
    if (mount) c.addVolumeMount(target.dataVolume(facts.volume), { containerPath: `/mnt/data/${facts.volume}`, readOnly: true });
    if (!first) c.addVolumeMount(this.metricsVolume as MountableVolume, { containerPath: BACKUP_METRICS_PATH, readOnly: false });
    this.containers.set(svc, c);
    return c;
  }

  /**
   * The volume the plan's backup and restore-test metrics are written to (BACKUP_METRICS_PATH), for
   * node_exporter's textfile collector; undefined until a datastore or files volume is added.
   */
  get metricsVolume(): MountableVolume | undefined {
    const first = this.containers.values().next().value as HardenedContainer | undefined;
    return first?.dataVolume("metrics");
  }

  private facts(c: HardenedContainer, prop: string): BackupSpec {
    const b = c.service.backup;
    if (!b) this.fail(prop, `service "${c.service.name}" describes no backup facts (ServiceSpec.backup)`, "build it with a profile that fills them (mariadbProfile, postgresProfile) or set backup: { engine, volume, port, changeLog }");
    return validateBackupSpec(b, `${this.where}: ${prop}`, (c.service.dataVolumes ?? []).map((d) => d.name));
  }

  private fail(prop: string, problem: string, fix: string): never {
    throw new Error(`${this.where}: ${prop} ${problem}. Fix: ${fix}`);
  }
}

/** The facts say binlog, but does the command the service runs turn it on? (facts and command must agree) */
function commandProblem(spec: ServiceSpec, facts: BackupSpec): string | null {
  const cmd = spec.command ?? [];
  if (facts.engine === "mariadb" && facts.changeLog.kind === "binlog") {
    if (!cmd.some((a) => a === `--log-bin=${facts.changeLog.kind === "binlog" ? facts.changeLog.basename : ""}` || a.startsWith("--log-bin"))) return "the service's command does not pass --log-bin (binlogs are off)";
    if (cmd.some((a) => /^--binlog-format=(?!ROW$)/i.test(a))) return "the service's command sets a binlog format other than ROW";
  }
  if (facts.engine === "postgresql") {
    const i = cmd.findIndex((a, k) => k > 0 && cmd[k - 1] === "-c" && /^wal_level=minimal$/.test(a));
    if (i >= 0) return "the service's command sets wal_level=minimal (no WAL to stream)";
  }
  return null;
}

/** The host (or scheme) of a restic repository URL, for messages: `s3:https://s3.example.net/b` → `s3.example.net`. */
function offsiteHost(repository: string): string {
  const m = /^[a-z0-9]+:(?:[a-z]+:\/\/)?([^/:@]+)/i.exec(repository);
  return m ? m[1] : repository.split(":")[0];
}
