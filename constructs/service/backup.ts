/**
 * How a service's data is backed up: facts of the service (what engine holds the data, on which
 * data volume, and how the engine records every change so a restore can replay up to a moment),
 * never how a particular backup tool is configured. Profiles fill them in; the backup construct
 * (constructs/backup/) and the policy read the same facts. Free of provider types, like ServiceSpec.
 */

/** The engine whose data is backed up. `files`: plain files on a volume, copied as they are. */
export type BackupEngine = "mariadb" | "postgresql" | "files";

export const BACKUP_ENGINES: readonly BackupEngine[] = ["mariadb", "postgresql", "files"];

/**
 * How the engine records every committed change (what point-in-time recovery replays):
 * - `binlog`: MariaDB/MySQL binary log (`--log-bin`), row format replays deterministically;
 * - `wal`: PostgreSQL write-ahead log at `wal_level` replica or logical (streamed by pg_receivewal);
 * - `none`: nothing to replay; only full backups can be restored (`why` says so in reports).
 */
export type ChangeLog =
  | {
      readonly kind: "binlog";
      /** `--log-bin` basename (relative: the binlogs live in the datadir, on the data volume). */
      readonly basename: string;
      readonly serverId: number;
      /** `--binlog-expire-logs-seconds`: how long the server keeps binlogs. */
      readonly retentionSeconds: number;
      readonly format: "ROW" | "MIXED" | "STATEMENT";
      /** `sync_binlog=1`: each commit is on disk in the binlog before it is acknowledged. */
      readonly durable: boolean;
    }
  | { readonly kind: "wal"; readonly walLevel: "replica" | "logical" }
  | { readonly kind: "none"; readonly why: string };

/** The backup facts of a service (`ServiceSpec.backup`). */
export interface BackupSpec {
  readonly engine: BackupEngine;
  /** The data volume (a `dataVolumes[].name` of the same service) that holds the data. */
  readonly volume: string;
  /** Port the engine listens on inside its network (logical dumps and log streaming connect to it). */
  readonly port?: number;
  /** How the engine records changes; decides whether point-in-time recovery is possible. */
  readonly changeLog: ChangeLog;
  /** Databases to dump. @default every database of the server */
  readonly databases?: readonly string[];
}

/** True when the facts allow point-in-time recovery (binlog in row format, or WAL). */
export function supportsPointInTime(b: BackupSpec): boolean {
  if (b.changeLog.kind === "wal") return b.engine === "postgresql";
  if (b.changeLog.kind === "binlog") return b.engine === "mariadb" && b.changeLog.format === "ROW";
  return false;
}

/** Why point-in-time recovery is not possible, in one sentence for an error message; null when it is. */
export function pointInTimeProblem(b: BackupSpec): string | null {
  if (supportsPointInTime(b)) return null;
  const c = b.changeLog;
  if (c.kind === "none") return `the service records no change log (${c.why})`;
  if (c.kind === "binlog" && b.engine !== "mariadb") return `a binlog is declared for engine ${b.engine}`;
  if (c.kind === "binlog") return `binlog_format is ${c.format}; only ROW events replay deterministically`;
  return `WAL is declared for engine ${b.engine}`;
}

const VOLUME_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const DB_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** Throw `<where>: backup.<field> <problem>. Fix: <fix>` for facts that cannot be right. */
export function validateBackupSpec(b: unknown, where: string, dataVolumes: readonly string[]): BackupSpec {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new Error(`${where}: backup${field ? `.${field}` : ""} ${problem}. Fix: ${fix}`);
  };
  if (typeof b !== "object" || b === null) fail("", "is not an object", "give { engine, volume, changeLog }");
  const s = b as BackupSpec;
  if (!BACKUP_ENGINES.includes(s.engine)) fail("engine", `is ${JSON.stringify(s.engine)}`, `use one of ${BACKUP_ENGINES.join(", ")}`);
  if (typeof s.volume !== "string" || !VOLUME_NAME.test(s.volume)) fail("volume", `is ${JSON.stringify(s.volume)}`, "name one of the service's data volumes");
  if (!dataVolumes.includes(s.volume)) {
    fail("volume", `"${s.volume}" is not a data volume of the service (it has: ${dataVolumes.join(", ") || "none"})`, "name the data volume that holds the data");
  }
  if (s.port !== undefined && (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)) fail("port", `is ${s.port}`, "give the engine's port (1-65535)");
  if (s.engine !== "files" && s.port === undefined) fail("port", "is missing", `give the port ${s.engine} listens on (dumps and log streaming connect to it)`);
  const c = s.changeLog as ChangeLog | undefined;
  if (!c || !["binlog", "wal", "none"].includes(c.kind)) fail("changeLog", "is missing", "give { kind: \"binlog\" | \"wal\" | \"none\", … }");
  if (c!.kind === "binlog") {
    if (!/^[A-Za-z0-9_.-]+$/.test(c!.basename)) fail("changeLog.basename", `is ${JSON.stringify(c!.basename)}`, "give the --log-bin basename, e.g. \"mariadb-bin\"");
    if (!Number.isInteger(c!.serverId) || c!.serverId < 1) fail("changeLog.serverId", `is ${c!.serverId}`, "give the server's --server-id (>= 1)");
    if (!Number.isInteger(c!.retentionSeconds) || c!.retentionSeconds < 1) fail("changeLog.retentionSeconds", `is ${c!.retentionSeconds}`, "give --binlog-expire-logs-seconds");
  }
  if (c!.kind === "none" && (typeof c!.why !== "string" || c!.why.trim() === "")) fail("changeLog.why", "is empty", "say why the service keeps no change log");
  for (const d of s.databases ?? []) if (!DB_NAME.test(d)) fail("databases", `lists ${JSON.stringify(d)}`, "list plain database names");
  return s;
}
