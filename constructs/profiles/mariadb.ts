/**
 * MariaDB profile ([roadmap koha.5.3]: Koha's database, with binlogs for point-in-time recovery).
 *
 * Image: docker.io/library/mariadb:11.8.9 (11.8 is the current long-term-support series; Ubuntu
 * 24.04 "noble" base).
 *
 * Sources read:
 * - MariaDB/mariadb-docker 11.8/Dockerfile, 11.8/docker-entrypoint.sh, 11.8/healthcheck.sh
 * - docker-library/repo-info, repos/mariadb tag page (mariadb:11-noble = 11.8.9, built 2026-09-09)
 * - MariaDB/mariadb-docker issues #287 (UID:GID of `mysql`), #554 (read-only root, cap_drop ALL,
 *   tmpfs /tmp /run /run/mysqld, `user:` set: reported working)
 *
 * Verified in those files:
 * - The image creates `mysql` with `groupadd -r mysql && useradd -r -g mysql mysql` and owns
 *   /var/lib/mysql and /run/mysqld by it; /run/mysqld is chmod 1777 "regardless of the UID".
 * - VOLUME /var/lib/mysql; EXPOSE 3306; ENTRYPOINT docker-entrypoint.sh; CMD mariadbd.
 * - The entrypoint only chowns and steps down with `gosu mysql` when `id -u` is 0; started as the
 *   non-root user it skips both, so no capability is needed (not SETUID/SETGID/CHOWN).
 * - An argument list starting with `mariadbd` runs the init path; arguments are also passed to
 *   mariadb-install-db (which then adds --skip-log-bin for the bootstrap).
 * - /usr/local/bin/healthcheck.sh exists and supports `--connect --innodb_initialized`; it reads
 *   the `healthcheck` user's credentials from /var/lib/mysql/.my-healthcheck.cnf, which the
 *   entrypoint writes at init (and at upgrade when MARIADB_AUTO_UPGRADE is set).
 * - MARIADB_ROOT_PASSWORD, MARIADB_PASSWORD, MARIADB_USER, MARIADB_DATABASE, MARIADB_ROOT_HOST and
 *   MARIADB_AUTO_UPGRADE are read by the entrypoint; root@MARIADB_ROOT_HOST is only created when
 *   that host is not `localhost`.
 * - The entrypoint's temporary init server uses the socket under /run/mysqld; mariadbd's tmpdir is
 *   /tmp (image default config).
 *
 * Not verified (say so plainly):
 * - The numeric UID:GID 999:999: the Dockerfile does not pin it. It is the first system id
 *   `useradd -r`/`groupadd -r` hand out on Ubuntu, and issue #287 shows `mysql:x:999:999` in a
 *   10.4 image; the 11.8.9 image was not inspected. Check with
 *   `docker run --rm mariadb:11.8.9 id mysql` before the first deploy.
 * - binlog_expire_logs_seconds' upper bound 8553600 (99 days) is from MariaDB's documentation as
 *   remembered, not re-read here.
 * - No digest: pin `sha256:` of the image you tested in your deployment config.
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import { observabilitySecret } from "../service/observability";
import {
  checkPlainEnv,
  fail,
  identifier,
  positiveInt,
  requireSecret,
  resolveImage,
  resolveResources,
  runDir,
  serviceName,
  tmp,
  SHARED_UID_MAX_PROCESSES,
  named,
  finish,
  sameSecret,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "mariadbProfile";

export const MARIADB_DEFAULT_IMAGE: ImageSpec = { repository: "mariadb", tag: "11.8.9" };
export const MARIADB_USER = "999:999";
export const MARIADB_PORT = 3306;
export const MARIADB_DATA_PATH = "/var/lib/mysql";
/** MariaDB's own ceiling for binlog_expire_logs_seconds (99 days). */
export const MARIADB_MAX_BINLOG_EXPIRE_SECONDS = 8_553_600;
/** server_id is an unsigned 32-bit integer; 0 disables replication/binlog identity. */
export const MARIADB_MAX_SERVER_ID = 4_294_967_295;

export const MARIADB_PROVENANCE =
  "mariadb:11.8.9 (repo-info, built 2026-09-09). Read: MariaDB/mariadb-docker 11.8/Dockerfile, " +
  "11.8/docker-entrypoint.sh, 11.8/healthcheck.sh; issues #287, #554. Verified: entrypoint skips " +
  "chown/gosu when non-root; /run/mysqld 1777; healthcheck.sh --connect --innodb_initialized. " +
  "Unverified: UID:GID 999:999 (not pinned in the Dockerfile; from issue #287).";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 1024, cpuShares: 1024, maxProcesses: SHARED_UID_MAX_PROCESSES, maxOpenFiles: 16384 };

export interface MariaDbProfileOptions {
  /** @default "mariadb" */
  readonly name?: string;
  /** Override repository/tag/digest. @default MARIADB_DEFAULT_IMAGE (mariadb:11.8.9) */
  readonly image?: Partial<ImageSpec>;
  /**
   * `--server-id`: unique among every server that replicates or whose binlogs you replay
   * together (1..4294967295). Required: binlogs without an explicit id are a PITR trap.
   */
  readonly serverId: number;
  /**
   * How long binlogs are kept (`--binlog-expire-logs-seconds`); must cover the interval between
   * two full backups plus the restore-test window. @default 604800 (7 days)
   */
  readonly binlogExpireSeconds?: number;
  /** `sync_binlog=1` (durable binlog at each commit). @default true */
  readonly syncBinlog?: boolean;
  readonly rootPassword: SecretRef;
  /** Application database, created at first start (`MARIADB_DATABASE`). */
  readonly database: string;
  /** Application user, granted ALL on `database` (`MARIADB_USER`). */
  readonly user: string;
  readonly password: SecretRef;
  /** `--innodb-buffer-pool-size` in MB. @default none (server default 128 MB) */
  readonly innodbBufferPoolMb?: number;
  /** `--max-connections`. @default none (server default 151) */
  readonly maxConnections?: number;
  /**
   * Run mariadb-upgrade automatically after a major/minor image bump (`MARIADB_AUTO_UPGRADE`);
   * the entrypoint backs up the system tables into the datadir first. @default true
   */
  readonly autoUpgrade?: boolean;
  /** Size of the /tmp tmpfs (on-disk temporary tables land here; it counts against memory). @default 256 */
  readonly tmpSizeMb?: number;
  /** @default { memoryMb: 1024, cpuShares: 1024, maxProcesses: 2048, maxOpenFiles: 16384 } */
  readonly resources?: Partial<ResourceSpec>;
}

/** The binlog arguments of a server id and retention, validated. Exported for tests and backup docs. */
export function mariadbBinlogArgs(serverId: number, binlogExpireSeconds: number, syncBinlog = true): string[] {
  positiveInt(PROFILE, "serverId", serverId, 1, MARIADB_MAX_SERVER_ID,
    "set serverId to a whole number from 1 to 4294967295, unique per MariaDB server (e.g. 1 for the primary, 2 for a replica)");
  positiveInt(PROFILE, "binlogExpireSeconds", binlogExpireSeconds, 1, MARIADB_MAX_BINLOG_EXPIRE_SECONDS,
    "keep binlogs between 1 second and 8553600 seconds (99 days, MariaDB's limit), e.g. 604800 for 7 days; it must cover your full-backup interval");
  return [
    // Relative basename: binlogs live in the datadir, i.e. on the data volume (a separate volume
    // would be created root-owned and unwritable for the non-root user).
    "--log-bin=mariadb-bin",
    `--server-id=${serverId}`,
    `--binlog-expire-logs-seconds=${binlogExpireSeconds}`,
    // Row-based events replay deterministically for point-in-time recovery.
    "--binlog-format=ROW",
    `--sync-binlog=${syncBinlog ? 1 : 0}`,
  ];
}

export function mariadbProfile(opts: MariaDbProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "mariadb");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, MARIADB_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const rootPassword = requireSecret(P, "rootPassword", opts.rootPassword);
  const password = requireSecret(P, "password", opts.password);
  if (sameSecret(rootPassword, password)) {
    fail(P, "password", `uses the same secret (${password.source}) as rootPassword`, "give the application user its own secret; root must not share it");
  }
  const database = identifier(P, "database", opts.database, 64);
  const user = identifier(P, "user", opts.user, 80);
  if (user.toLowerCase() === "root") {
    fail(P, "user", "is \"root\"", "give the application its own user (e.g. \"koha\"); root stays local to the container");
  }

  const command = ["mariadbd", ...mariadbBinlogArgs(opts.serverId, opts.binlogExpireSeconds ?? 604_800, opts.syncBinlog ?? true)];
  if (opts.innodbBufferPoolMb !== undefined) {
    const maxPool = Math.floor(resources.memoryMb * 0.8);
    positiveInt(P, "innodbBufferPoolMb", opts.innodbBufferPoolMb, 16, Math.max(16, maxPool),
      `keep the buffer pool at most 80% of resources.memoryMb (${resources.memoryMb} MB), or raise memoryMb`);
    command.push(`--innodb-buffer-pool-size=${opts.innodbBufferPoolMb}M`);
  }
  if (opts.maxConnections !== undefined) {
    positiveInt(P, "maxConnections", opts.maxConnections, 10, 100_000);
    command.push(`--max-connections=${opts.maxConnections}`);
  }
  const tmpSize = positiveInt(P, "tmpSizeMb", opts.tmpSizeMb ?? 256, 16, 65_536);

  const env: Record<string, string> = {
    MARIADB_DATABASE: database,
    MARIADB_USER: user,
    // root only over the local socket: no root@'%' for other containers on the network.
    MARIADB_ROOT_HOST: "localhost",
  };
  if (opts.autoUpgrade ?? true) env.MARIADB_AUTO_UPGRADE = "1";
  checkPlainEnv(P, "env", env);

  return finish(P, {
    name,
    image,
    role: "datastore",
    // The entrypoint skips its chown + gosu step when not started as root: run as mysql directly.
    user: MARIADB_USER,
    command,
    ports: [{ port: MARIADB_PORT, name: "mysql" }],
    env,
    secretEnv: { MARIADB_ROOT_PASSWORD: rootPassword, MARIADB_PASSWORD: password },
    // Clean shutdown flushes and checkpoints; Docker's 10 s default can cut it short.
    stopGracePeriod: Duration.seconds(60),
    health: {
      probe: HealthProbe.exec("healthcheck.sh", "--connect", "--innodb_initialized"),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      // First start loads time zones and creates users before the real server listens.
      startPeriod: Duration.seconds(120),
    },
    resources,
    writablePaths: [tmp(tmpSize), runDir("/run/mysqld")],
    dataVolumes: [{ name: "data", path: MARIADB_DATA_PATH }],
    capabilities: [],
    // mysqld_exporter with its own user: process list, replication and performance_schema, no table data.
    observability: {
      exporter: {
        kind: "mysqld",
        port: MARIADB_PORT,
        username: "exporter",
        password: observabilitySecret(`${name.replace(/-/g, "_")}_exporter_password`, `Password of the MariaDB user "exporter" that mysqld_exporter uses to observe ${name} (monitoring privileges only)`),
        setup:
          "CREATE USER 'exporter'@'%' IDENTIFIED BY '<password>' WITH MAX_USER_CONNECTIONS 3; " +
          "GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'exporter'@'%'; GRANT SELECT ON performance_schema.* TO 'exporter'@'%';",
      },
    },
    provenance: MARIADB_PROVENANCE,
    // The same values mariadbBinlogArgs rendered into the command: the backup plan replays them.
    backup: {
      engine: "mariadb",
      volume: "data",
      port: MARIADB_PORT,
      changeLog: { kind: "binlog", basename: "mariadb-bin", serverId: opts.serverId, retentionSeconds: opts.binlogExpireSeconds ?? 604_800, format: "ROW", durable: opts.syncBinlog ?? true },
    },
  });
}
