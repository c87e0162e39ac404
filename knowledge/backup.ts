/**
 * Backup knowledge shared by the backup construct and the BACKUP rules: how a backup container is
 * recognised, which variables carry a repository password or an off-site credential, and what
 * turns the MariaDB binlog / PostgreSQL WAL off. Imports nothing from the project.
 */

/** Image names (last path component) of backup tools and backup images. */
export const BACKUP_IMAGE_NAMES: ReadonlySet<string> = new Set([
  "backup", "restic", "resticprofile", "autorestic", "backrest", "borg", "borgmatic", "borgbackup", "kopia", "duplicati",
  "duplicity", "wal-g", "walg", "pgbackrest", "barman", "docker-volume-backup", "db-backup", "postgres-backup-local",
  "mysql-backup", "mariadb-backup", "xtrabackup", "percona-xtrabackup", "velero",
]);

/** Environment the bulwark backup plan writes into each backup container (constructs/backup). */
export const BACKUP_PLAN_ENV = "BULWARK_BACKUP_PLAN";
/** The engine the bulwark backup container backs up (`mariadb`, `postgresql`, `files`). */
export const BACKUP_ENGINE_ENV = "BULWARK_ENGINE";
/** Build label of the bulwark backup image. */
export const BACKUP_IMAGE_LABEL = "org.bulwark.backup.context-sha256";
/** Container label a hand-written stack may set on a backup container (`true`). */
export const BACKUP_CONTAINER_LABEL = "bulwark.backup";

/** Variables that hold a backup repository's password or key (restic, borg, kopia, pgBackRest, WAL-G, duplicity). */
export const REPOSITORY_PASSWORD_ENV: ReadonlySet<string> = new Set([
  "RESTIC_PASSWORD", "BORG_PASSPHRASE", "KOPIA_PASSWORD", "PASSPHRASE", "PGBACKREST_REPO1_CIPHER_PASS",
  "WALG_LIBSODIUM_KEY", "WALG_PGP_KEY_PASSPHRASE", "DUPLICATI__PASSPHRASE", "BACKUP_ENCRYPTION_PASSWORD",
]);
/** Variables that hold a command printing the password (`RESTIC_PASSWORD_COMMAND="echo …"` is a literal). */
export const REPOSITORY_PASSWORD_COMMAND_ENV: ReadonlySet<string> = new Set(["RESTIC_PASSWORD_COMMAND", "BORG_PASSCOMMAND"]);
/** Off-site storage credentials restic and its peers read from the environment. */
export const OFFSITE_CREDENTIAL_ENV: ReadonlySet<string> = new Set([
  "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "B2_ACCOUNT_KEY", "AZURE_ACCOUNT_KEY", "AZURE_ACCOUNT_SAS", "OS_PASSWORD",
  "ST_KEY", "RESTIC_REST_PASSWORD", "GOOGLE_ACCESS_TOKEN", "RCLONE_CONFIG_PASS",
]);
/** Variables that name a repository (a URL with a password in it is a credential too). */
export const REPOSITORY_URL_ENV: ReadonlySet<string> = new Set(["RESTIC_REPOSITORY", "BORG_REPO", "BULWARK_OFFSITE_REPOSITORY", "KOPIA_REPOSITORY"]);

/** `echo hunter2`, `printf '%s' hunter2`: a password command that only prints a literal, or null. */
export function literalPasswordCommand(command: string): boolean {
  const m = /^\s*(?:echo(?:\s+-n)?|printf(?:\s+(['"])%s\1)?)\s+(.+?)\s*$/.exec(command);
  if (!m) return false;
  const value = m[2].replace(/^['"]|['"]$/g, "");
  return value !== "" && !value.includes("${") && !/^\$[A-Za-z_{]/.test(value);
}

/** `1`, `true`, `yes`, `on` (case-insensitive). */
export function isTruthyFlag(v: string): boolean {
  return /^(1|true|yes|on)$/i.test(v.trim());
}

/** A command-line option turning the MariaDB/MySQL binary log on (`--log-bin`, `--log_bin=mariadb-bin`). */
export function isLogBinOption(arg: string): boolean {
  return /^--log[-_]bin(=.*)?$/i.test(arg.trim());
}
/** An option turning it off (`--skip-log-bin`, `--disable-log-bin`, `--log-bin=0`/`OFF`). */
export function isNoLogBinOption(arg: string): boolean {
  return /^--(skip|disable)[-_]log[-_]bin$/i.test(arg.trim()) || /^--log[-_]bin=(0|off)$/i.test(arg.trim());
}
/** A `log_bin`/`log-bin` line of an option file (`my.cnf`). */
export const OPTION_FILE_LOG_BIN = /^\s*log[-_]bin\s*(=|$)/im;

/** PostgreSQL settings that leave no WAL to capture: `wal_level=minimal`, `max_wal_senders=0`. */
export function walCaptureProblem(setting: string, value: string): string | null {
  const s = setting.trim().toLowerCase().replace(/-/g, "_");
  const v = value.trim().replace(/^['"]|['"]$/g, "").toLowerCase();
  if (s === "wal_level" && v === "minimal") return "wal_level=minimal";
  if (s === "max_wal_senders" && v === "0") return "max_wal_senders=0";
  return null;
}
