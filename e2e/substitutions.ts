/**
 * Every way the e2e departs from the synthesized JSON or from the official images, in ONE table.
 *
 * - kind "json": the harness replaces a value of the synthesized `docker_container` before it
 *   creates it. `synthesized` is what the harness expects to find; when the JSON holds something
 *   else the run fails with "stale substitution" (so a profile change is never silently papered
 *   over). Image rows compare the repository only (a tag bump needs no edit here).
 * - kind "image": the JSON is used unchanged, but the Debian stand-in image provides something the
 *   official image provides differently (an emulated entrypoint, a PATH). Documentation only.
 * - kind "harness": what the harness adds or fills in around the JSON (names, labels, secret
 *   values). Nothing about the container's hardening.
 *
 * Nothing else is changed: user, read_only, capabilities, security_opts, memory, memory_swap,
 * cpu_*, nproc, tmpfs, volumes, ports, restart, stop_timeout, log_*, env, labels, health timings
 * and networks are passed as provider 3.6.2 passes them.
 */

export type SubstitutionKind = "json" | "image" | "harness";

export interface Substitution {
  readonly kind: SubstitutionKind;
  /** Stack name (cdktf.out/stacks/<stack>) or "*". */
  readonly stack: string;
  /** docker_container logical id or "*". */
  readonly container: string;
  /** The attribute (provider schema name) or, for "image" rows, what the image provides. */
  readonly field: string;
  /** The value expected in the synthesized JSON (json rows). */
  readonly synthesized?: unknown;
  /** The value the harness uses instead (json rows). */
  readonly substitute?: unknown;
  readonly reason: string;
}

/** nofile above this fails here: "error setting rlimit type 7" (no CAP_SYS_RESOURCE in the sandbox). */
export const NOFILE_CAP = 20000;

/** Name prefix and label of everything the harness creates; cleanup removes only these. */
export const PREFIX = "bwe2e-";
export const PROJECT_LABEL = "bulwark.e2e.project";
export const PROJECT = "bwe2e";

/** The backup image the e2e builds from backup/image/Dockerfile (e2e/backup.ts), and its base. */
export const BACKUP_IMAGE = "bulwark-e2e/backup:bookworm";
export const BACKUP_BASE_IMAGE = "bulwark-e2e/debian:bookworm-minbase";
/** The off-site repository stand-in: rclone serve restic on the backup container's internal network. */
export const OFFSITE_ALIAS = "bulwark-offsite";
export const OFFSITE_STAND_IN = `rest:http://${OFFSITE_ALIAS}:8000/`;

const NO_REGISTRY = "no image registry is reachable here: a local Debian bookworm stand-in (e2e/images/)";
const NO_OFFICIAL_IMAGE = "no image registry is reachable here and no stand-in is built: the official image cannot be pulled:";

export const SUBSTITUTIONS: readonly Substitution[] = [
  // --- images (json) ------------------------------------------------------------------------
  { kind: "json", stack: "koha", container: "mariadb", field: "image", synthesized: "mariadb:11.8.9", substitute: "bulwark-e2e/mariadb:bookworm",
    reason: `${NO_REGISTRY}: Debian mariadb-server 10.11 LTS instead of MariaDB 11.8` },
  { kind: "json", stack: "koha", container: "rabbitmq", field: "image", synthesized: "rabbitmq:4.2.5", substitute: "bulwark-e2e/rabbitmq:bookworm",
    reason: `${NO_REGISTRY}: Debian rabbitmq-server 3.10 (Erlang 25) instead of RabbitMQ 4.2` },
  { kind: "json", stack: "koha", container: "memcached", field: "image", synthesized: "memcached:1.6.44-trixie", substitute: "bulwark-e2e/memcached:bookworm",
    reason: `${NO_REGISTRY}: Debian memcached 1.6.18` },
  { kind: "json", stack: "single-server", container: "db", field: "image", synthesized: "postgres:18.4-trixie", substitute: "bulwark-e2e/postgres:bookworm",
    reason: `${NO_REGISTRY}: Debian postgresql-15 instead of PostgreSQL 18` },
  { kind: "json", stack: "single-server", container: "api", field: "image", synthesized: "ghcr.io/example/api:1.0.0", substitute: "bulwark-e2e/webapp:api-8000",
    reason: "the example API image does not exist: busybox httpd answering /healthz on 8000, with Debian's wget (the profile's probe tool)" },
  { kind: "json", stack: "single-server", container: "bot", field: "image", synthesized: "ghcr.io/example/bot:1.0.0", substitute: "bulwark-e2e/webapp:bot-9000",
    reason: "the example bot image does not exist: busybox httpd answering /healthz on 9000, with Debian's wget (the profile's probe tool)" },

  // --- the backup image (json): built here from backup/image/Dockerfile, run by e2e/backup.ts ---
  ...([["single-server", "db_backup", "app-backups"], ["koha", "mariadb_backup", "koha-backups"], ["koha", "rabbitmq_backup", "koha-backups"]] as const).flatMap(([stack, container, bucket]): Substitution[] => [
    { kind: "json", stack, container, field: "image", synthesized: "bulwark/backup", substitute: BACKUP_IMAGE,
      reason: "the image the stack's docker_image builds from backup/image/Dockerfile: the e2e builds that Dockerfile itself (e2e/backup.ts) with the synthesized build args, dockerfile and labels, except the two rows below, and tags it so" },
    { kind: "json", stack, container, field: "docker_image.build.build_args.BASE_IMAGE", synthesized: "debian:bookworm-slim", substitute: BACKUP_BASE_IMAGE,
      reason: `no image registry is reachable here: the backup image is built on the e2e's debootstrap bookworm minbase (e2e/images/base.sh) instead of debian:bookworm-slim; the Debian packages it installs are the same pinned ones` },
    { kind: "json", stack, container, field: "docker_image.build.context", synthesized: "${path.module}/../../../backup", substitute: "<working tree>/backup",
      reason: "the e2e synthesizes into a private directory, from which the path relative to the stack's directory does not reach the repository: the same backup/ directory of the working tree" },
    { kind: "json", stack, container, field: "env.BULWARK_OFFSITE_REPOSITORY", synthesized: `s3:https://s3.example.net/${bucket}`, substitute: OFFSITE_STAND_IN,
      reason: "no traffic leaves this machine: the off-site copy goes to `rclone serve restic` (run from the backup image itself, non-root, read-only root, no capabilities, a tmpfs as its store) on the same internal network, as npm run drill does on loopback; no TLS" },
  ]),

  // --- limits (json) ------------------------------------------------------------------------
  { kind: "json", stack: "*", container: "*", field: "ulimit.nofile", synthesized: `> ${NOFILE_CAP}`, substitute: NOFILE_CAP,
    reason: `this sandbox refuses nofile above ${NOFILE_CAP} ("error setting rlimit type 7", no CAP_SYS_RESOURCE); real hosts allow the profile's value (RabbitMQ 65536). Only limits above the cap change` },

  // --- what the stand-in images provide (image) ---------------------------------------------
  { kind: "image", stack: "koha", container: "mariadb", field: "docker-entrypoint.sh, healthcheck.sh",
    reason: "Debian has neither: stand-ins at the official paths emulate first-start init (MARIADB_* env, root@localhost only, healthcheck user and .my-healthcheck.cnf) and `healthcheck.sh --connect --innodb_initialized`; MARIADB_AUTO_UPGRADE is ignored (one version only). The synthesized command and health test run unchanged" },
  { kind: "image", stack: "koha", container: "mariadb", field: "/etc/mysql config",
    reason: "Debian binds 127.0.0.1; like the official image, bind-address is commented out and skip-name-resolve set" },
  { kind: "image", stack: "koha", container: "rabbitmq", field: "PATH, HOME, /etc/rabbitmq",
    reason: "the real server scripts (/usr/lib/rabbitmq/bin) come first on PATH, as /opt/rabbitmq/sbin does in the official image (Debian's /usr/sbin wrappers redirect output to files and refuse other users); HOME=/var/lib/rabbitmq; enabled_plugins = [rabbitmq_prometheus] and conf.d/10-defaults.conf as in the official image" },
  { kind: "image", stack: "koha", container: "memcached", field: "docker-entrypoint.sh",
    reason: "the official entrypoint's logic (`-*` arguments get `memcached` prepended); USER memcache 11211:11211" },
  { kind: "image", stack: "single-server", container: "db", field: "docker-entrypoint.sh, PATH, PGDATA",
    reason: "Debian has no entrypoint: a stand-in emulates POSTGRES_PASSWORD/USER/DB init with a socket-only temporary server; /usr/lib/postgresql/15/bin on PATH; PGDATA=/var/lib/postgresql/15/docker inside the volume at /var/lib/postgresql (the 18+ layout the profile mounts); no Debian `main` cluster" },

  // --- around the JSON (harness) ------------------------------------------------------------
  { kind: "harness", stack: "*", container: "*", field: "name (containers, networks, volumes)", synthesized: "<name>", substitute: `${PREFIX}<name>`,
    reason: "only what the e2e created is ever removed, and nothing on a shared engine clashes with it; network aliases (the DNS names services use) stay unchanged" },
  { kind: "harness", stack: "*", container: "*", field: "labels", substitute: `+ ${PROJECT_LABEL}=${PROJECT}, bulwark.e2e.run=<id>`,
    reason: "cleanup finds the e2e's containers, networks and volumes by label; the synthesized labels are all kept" },
  { kind: "harness", stack: "koha", container: "mariadb_backup", field: "koha_library.biblio, koha_library.borrowers",
    reason: "Koha itself does not run here (no image), so its schema does not exist: the harness creates these two tables, which the plan's smoke queries (BULWARK_SMOKE_QUERIES) count, as the rows the restore must find again (3 before the full backup, a 4th after it: binlog replay)" },
  { kind: "harness", stack: "*", container: "*", field: "${var.*}",
    reason: "Terraform would read sensitive variables; the harness gives each a random 32-hex value per run (never printed)" },
];

export interface SkippedContainer {
  readonly stack: string;
  readonly container: string;
  readonly reason: string;
}

/** Containers the e2e cannot run here, with the reason. */
export const SKIPPED: readonly SkippedContainer[] = [
  { stack: "koha", container: "koha", reason: "no public Koha image runs non-root on a read-only root (the profile expects your own image); nothing to stand in for it honestly" },
  { stack: "koha", container: "elasticsearch", reason: "Debian has no Elasticsearch package and no registry is reachable" },
  { stack: "koha", container: "cloudflared", reason: "needs a Cloudflare tunnel token and egress to the Cloudflare edge (no traffic leaves this machine)" },
  // Monitoring and backups (koha.monitoring, koha.backup, singleServer.backup, singleServer.monitoring).
  // single-server names its monitoring containers app-<name> (app_<name> ids), so they share a
  // docker.host with koha's; both spellings are listed.
  ...([["koha", ""], ["single-server", ""], ["single-server", "app_"]] as const).flatMap(([stack, pre]) => [
    { stack, container: `${pre}prometheus`, reason: `${NO_OFFICIAL_IMAGE} prom/prometheus (Debian's prometheus 2.42 is proven by __tests__/monitoring/loopback-e2e.test.ts, not as a container here)` },
    { stack, container: `${pre}alertmanager`, reason: `${NO_OFFICIAL_IMAGE} prom/alertmanager (Debian bookworm's 0.25 lacks telegram bot_token_file, which the generated configuration uses)` },
    { stack, container: `${pre}blackbox_exporter`, reason: `${NO_OFFICIAL_IMAGE} prom/blackbox-exporter` },
    { stack, container: `${pre}node_exporter`, reason: `${NO_OFFICIAL_IMAGE} prom/node-exporter` },
    { stack, container: `${pre}cadvisor`, reason: `${NO_OFFICIAL_IMAGE} gcr.io/cadvisor/cadvisor (Debian has no cAdvisor package)` },
    { stack, container: `${pre}prometheus_config`, reason: `config seeder of ${pre}prometheus (never started; ${NO_OFFICIAL_IMAGE} prom/prometheus); the seeder path itself runs in e2e/uploads.ts` },
    { stack, container: `${pre}alertmanager_config`, reason: `config seeder of ${pre}alertmanager (never started; ${NO_OFFICIAL_IMAGE} prom/alertmanager); the seeder path itself runs in e2e/uploads.ts` },
    { stack, container: `${pre}blackbox_exporter_config`, reason: `config seeder of ${pre}blackbox_exporter (never started; ${NO_OFFICIAL_IMAGE} prom/blackbox-exporter); the seeder path itself runs in e2e/uploads.ts` },
  ]),
  { stack: "koha", container: "grafana", reason: `${NO_OFFICIAL_IMAGE} grafana/grafana (Debian has no Grafana package)` },
  { stack: "koha", container: "grafana_config", reason: `config seeder of grafana (never started; ${NO_OFFICIAL_IMAGE} grafana/grafana); the seeder path runs in e2e/uploads.ts` },
  { stack: "koha", container: "mariadb_exporter_config", reason: `config seeder of mariadb_exporter (never started; ${NO_OFFICIAL_IMAGE} prom/mysqld-exporter); the seeder path runs in e2e/uploads.ts` },
  { stack: "single-server", container: "db_exporter_config", reason: `config seeder of db_exporter (never started; ${NO_OFFICIAL_IMAGE} quay.io/prometheuscommunity/postgres-exporter); the seeder path runs in e2e/uploads.ts` },
  { stack: "koha", container: "mariadb_exporter", reason: `${NO_OFFICIAL_IMAGE} prom/mysqld-exporter` },
  { stack: "koha", container: "memcached_exporter", reason: `${NO_OFFICIAL_IMAGE} prom/memcached-exporter` },
  { stack: "single-server", container: "db_exporter", reason: `${NO_OFFICIAL_IMAGE} quay.io/prometheuscommunity/postgres-exporter` },
  { stack: "koha", container: "koha_backup",
    reason: "the backup image runs here as single-server/db_backup (PostgreSQL), koha/mariadb_backup (MariaDB) and koha/rabbitmq_backup (files) (e2e/backup.ts); this one backs up the files of Koha, which the e2e cannot run (no image), so its volume holds nothing Koha wrote; the files path runs as rabbitmq_backup" },
];

/**
 * Containers the generic phases do not run (their health check waits for a first full backup, with a
 * 30-minute start period): e2e/backup.ts creates them after the first start, once their datastore
 * is healthy and holds the backup role an operator grants once (constructs/backup/README.md).
 */
export const BACKUP_RUNS: readonly { readonly stack: string; readonly container: string; readonly datastore: string; readonly dataPath?: string }[] = [
  { stack: "single-server", container: "db_backup", datastore: "db" },
  { stack: "koha", container: "mariadb_backup", datastore: "mariadb" },
  // A files backup: `dataPath` is where the service keeps the volume the backup mounts read-only.
  { stack: "koha", container: "rabbitmq_backup", datastore: "rabbitmq", dataPath: "/var/lib/rabbitmq" },
];

/** The json rows that apply to one container, by field. */
export function substitutionsFor(stack: string, container: string): Map<string, Substitution> {
  const out = new Map<string, Substitution>();
  for (const s of SUBSTITUTIONS) {
    if (s.kind !== "json") continue;
    if ((s.stack === "*" || s.stack === stack) && (s.container === "*" || s.container === container)) out.set(s.field, s);
  }
  return out;
}

/** The table as Markdown (for the README and `run.ts --table`). */
export function substitutionTable(): string {
  const cell = (v: unknown) => (v === undefined ? "" : `\`${typeof v === "string" ? v : JSON.stringify(v)}\``).replace(/\|/g, "\\|");
  const rows = SUBSTITUTIONS.map((s) => `| ${s.kind} | ${s.stack}/${s.container} | ${s.field} | ${cell(s.synthesized)} | ${cell(s.substitute)} | ${s.reason.replace(/\|/g, "\\|")} |`);
  const skipped = SKIPPED.map((s) => `| skip | ${s.stack}/${s.container} | (not run) | | | ${s.reason} |`);
  return ["| kind | stack/container | field | synthesized | e2e uses | reason |", "| --- | --- | --- | --- | --- | --- |", ...rows, ...skipped].join("\n");
}
