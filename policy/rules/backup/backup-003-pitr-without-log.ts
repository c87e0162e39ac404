import { defineStackRule } from "../../rule";
import { doc } from "../references";
import { parseImage } from "../../../knowledge";
import { BACKUP_ENGINE_ENV, OPTION_FILE_LOG_BIN, isLogBinOption, isNoLogBinOption, isTruthyFlag, walCaptureProblem } from "../../../knowledge/backup";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { allWords, envOf, imageName, isDatastore, labels, uploads } from "../monitoring/containers";
import { backupContainers, firstBackupOf, mountsOf, isBackupContainer } from "./plans";

const PITR_NAME = /(^|[^a-z])pitr([^a-z]|$)|point[-_.]?in[-_.]?time/i;

/** The backup container asks for point-in-time recovery: an env or label named PITR (`BULWARK_PITR=1`, `bulwark.backup.pitr=true`). */
function asksForPitr(c: IndexedResource, index: StackIndex): boolean {
  for (const [k, v] of envOf(c)) if (PITR_NAME.test(k) && isTruthyFlag(v)) return true;
  for (const [k, v] of labels(c, index)) if (PITR_NAME.test(k) && isTruthyFlag(v)) return true;
  return false;
}

type Engine = "mariadb" | "mysql5" | "mysql" | "postgresql";

function engineOf(datastore: IndexedResource, backup: IndexedResource, index: StackIndex): Engine | null {
  const name = imageName(datastore, index);
  const image = index.resolveString(datastore.body.image);
  if (name === "mariadb") return "mariadb";
  if (name === "mysql") return /^5\./.test(image === null ? "" : parseImage(image).tag ?? "") ? "mysql5" : "mysql";
  if (name === "postgres" || name === "postgresql") return "postgresql";
  const hint = envOf(backup).get(BACKUP_ENGINE_ENV)?.trim().toLowerCase();
  if (hint === "mariadb") return "mariadb";
  if (hint === "postgresql" || hint === "postgres") return "postgresql";
  return null;
}

/** Server configuration this stack cannot read: an uploaded file that is not literal, or a mount over the config directory. */
function configUnknown(c: IndexedResource, index: StackIndex, configDir: RegExp): boolean {
  if (uploads(c, index).some((u) => u.content === null)) return true;
  return mountsOf(c, index).some((m) => m.containerPath !== null && configDir.test(m.containerPath));
}

function mariadbProblem(c: IndexedResource, index: StackIndex, engine: Engine): string | null {
  const words = allWords(c);
  const off = words.find(isNoLogBinOption);
  if (off) return `its command turns the binary log off (${off})`;
  if (engine === "mysql") return null; // MySQL 8 logs binlogs by default
  if (words.some(isLogBinOption)) return null;
  if (uploads(c, index).some((u) => u.content !== null && OPTION_FILE_LOG_BIN.test(u.content))) return null;
  if (configUnknown(c, index, /^\/etc\/mysql(\/|$)/)) return null;
  return "it runs without --log-bin (no log_bin in its command or uploaded option files), so there is no binary log to capture";
}

function postgresProblem(c: IndexedResource, index: StackIndex): string | null {
  const words = allWords(c);
  const settings: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const kv = (s: string) => {
      const eq = s.indexOf("=");
      if (eq > 0) settings.push([s.slice(0, eq), s.slice(eq + 1)]);
    };
    if (w === "-c" && i + 1 < words.length) kv(words[i + 1]);
    else if (w.startsWith("-c") && w.length > 2) kv(w.slice(2));
    else if (w.startsWith("--")) kv(w.slice(2));
  }
  for (const u of uploads(c, index)) {
    if (u.content === null || !/\.conf$/.test(u.file)) continue;
    for (const line of u.content.split("\n")) {
      const m = /^\s*([a-z_]+)\s*=?\s*([^#\s]+)/i.exec(line);
      if (m) settings.push([m[1], m[2]]);
    }
  }
  for (const [k, v] of settings) {
    const p = walCaptureProblem(k, v);
    if (p !== null) return `it runs with ${p}, so there is no WAL to stream`;
  }
  return null;
}

/**
 * BACKUP-003: a backup container asks for point-in-time recovery (an env or label named PITR is
 * true, as the bulwark plan's `BULWARK_PITR=1`), but a datastore it backs up (names by host or
 * mounts) has no change log to capture: a MariaDB (or MySQL 5.x) without `--log-bin`/`log_bin`,
 * a MySQL/MariaDB with `--skip-log-bin`, or a PostgreSQL with `wal_level=minimal` or
 * `max_wal_senders=0`. The plan then restores only to the last full backup while everyone
 * believes it reaches any second. Configuration this stack cannot read is not judged.
 */
export const backup003 = defineStackRule({
  id: "BACKUP-003",
  severity: "error",
  pack: "backup-recovery",
  title: "Point-in-time recovery without a change log",
  description:
    "A backup container asks for point-in-time recovery, but the MariaDB it backs up runs without `--log-bin`/`log_bin`, or the PostgreSQL with `wal_level=minimal` or `max_wal_senders=0`: there is no binlog or WAL to replay.",
  fix: "Turn the change log on (MariaDB: `--log-bin`, `--server-id`, `--binlog-format=ROW`, as mariadbProfile does; PostgreSQL: keep `wal_level=replica` and `max_wal_senders` above 0), or stop asking for PITR.",
  references: [
    doc("MariaDB documentation: Using the binary log for point-in-time recovery", "https://mariadb.com/kb/en/point-in-time-recovery/"),
    doc("PostgreSQL documentation: Continuous archiving and point-in-time recovery (PITR)", "https://www.postgresql.org/docs/current/continuous-archiving.html"),
  ],
  check(index) {
    const out: RuleResult[] = [];
    const pitr = backupContainers(index).filter((b) => asksForPitr(b, index));
    if (pitr.length === 0) return out;
    const datastores = index.byType("docker_container").filter((c) => isDatastore(c, index) && !pitr.includes(c) && !isBackupContainer(c, index));
    const seen = new Set<string>();
    const pitrSet = new Set(pitr);
    for (const d of datastores) {
      // The first PITR backup of this datastore whose engine is known (stops early: many may name it).
      const b = firstBackupOf(d, index, (x) => pitrSet.has(x) && engineOf(d, x, index) !== null);
      if (b === null || seen.has(d.address)) continue;
      const engine = engineOf(d, b, index)!;
      const problem = engine === "postgresql" ? postgresProblem(d, index) : mariadbProblem(d, index, engine);
      if (problem === null) continue;
      seen.add(d.address);
      out.push({
        address: d.address,
        message: `${b.address} asks for point-in-time recovery of this ${engine === "postgresql" ? "PostgreSQL" : engine === "mariadb" ? "MariaDB" : "MySQL"}, but ${problem}: a restore reaches only the last full backup. Fix: ${engine === "postgresql" ? "keep wal_level=replica (the default) and max_wal_senders above 0" : "start it with --log-bin, --server-id and --binlog-format=ROW (mariadbProfile does)"}, or stop asking for PITR.`,
      });
    }
    return out;
  },
});
