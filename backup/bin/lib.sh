# shellcheck shell=bash
# Shared by every bulwark-backup command: configuration from the environment, logging, restic
# wrappers for the local and the off-site repository, metrics and small helpers.
#
# Configuration (environment; the BackupPlan construct sets these on the backup container):
#   BULWARK_SERVICE            service whose data this container backs up (metric label `service`)
#   BULWARK_ENGINE             mariadb | postgresql | files
#   BULWARK_PITR               1: continuous binlog/WAL capture and point-in-time restores; 0: full backups only
#   BULWARK_DB_HOST/PORT/USER  how to reach the live engine (the least-privilege backup user)
#   BULWARK_DB_PASSWORD[_FILE] its password (a file wins over the variable)
#   BULWARK_DATABASES          MariaDB: databases to dump (space separated) (default: every non-system database)
#   BULWARK_FILES_PATH         files: the read-only mount to back up
#   BULWARK_STATE_DIR          spool, state, reports, metrics live below it (default /var/lib/bulwark-backup)
#   BULWARK_METRICS_DIR        Prometheus textfile directory (default $BULWARK_STATE_DIR/metrics)
#   BULWARK_SCRATCH_DIR        where verify and drills start scratch servers (default $BULWARK_STATE_DIR/scratch)
#   RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE (or RESTIC_PASSWORD)   the local, encrypted repository (AES-256)
#   BULWARK_OFFSITE_REPOSITORY the off-site repository (same password; s3:, rest:, rclone:, sftp:); unset: no off-site copy
#   BULWARK_RPO_TARGET_SECONDS (default 3600), BULWARK_RTO_TARGET_SECONDS (default 14400)
set -euo pipefail
export TZ=UTC LC_ALL=C

# shellcheck disable=SC2034 # used by the scripts that source this file
BULWARK_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVICE="${BULWARK_SERVICE:?set BULWARK_SERVICE to the name of the service whose data is backed up}"
ENGINE="${BULWARK_ENGINE:?set BULWARK_ENGINE to mariadb, postgresql or files}"
# shellcheck disable=SC2034
PITR="${BULWARK_PITR:-0}"
STATE_DIR="${BULWARK_STATE_DIR:-/var/lib/bulwark-backup}"
SPOOL="$STATE_DIR/spool/$SERVICE"
METRICS_DIR="${BULWARK_METRICS_DIR:-$STATE_DIR/metrics}"
REPORT_DIR="${BULWARK_REPORT_DIR:-$STATE_DIR/reports}"
SCRATCH_ROOT="${BULWARK_SCRATCH_DIR:-$STATE_DIR/scratch}"
# shellcheck disable=SC2034
RPO_TARGET="${BULWARK_RPO_TARGET_SECONDS:-3600}"
# shellcheck disable=SC2034
RTO_TARGET="${BULWARK_RTO_TARGET_SECONDS:-14400}"
# shellcheck disable=SC2034
PG_BIN="${BULWARK_PG_BIN:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)}"
case "$ENGINE" in mariadb|postgresql|files) ;; *) echo "bulwark-backup: BULWARK_ENGINE=$ENGINE is not mariadb, postgresql or files" >&2; exit 2 ;; esac
umask 077

log() { printf '%s bulwark-backup[%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SERVICE" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date -u +%s; }
now_ms() { date -u +%s%3N; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# The database password, from a file (preferred: never in the environment of every process) or env.
db_password() {
  if [ -n "${BULWARK_DB_PASSWORD_FILE:-}" ]; then cat "$BULWARK_DB_PASSWORD_FILE"
  elif [ -n "${BULWARK_DB_PASSWORD:-}" ]; then printf '%s' "$BULWARK_DB_PASSWORD"
  else die "no database password: set BULWARK_DB_PASSWORD_FILE or BULWARK_DB_PASSWORD"
  fi
}

require_repo() {
  [ -n "${RESTIC_REPOSITORY:-}" ] || die "RESTIC_REPOSITORY is not set"
  [ -n "${RESTIC_PASSWORD_FILE:-}" ] || [ -n "${RESTIC_PASSWORD:-}" ] || die "no repository password: set RESTIC_PASSWORD_FILE (or RESTIC_PASSWORD)"
}

# restic against the local repository; stderr kept for the caller's error message.
rl() { require_repo; restic --no-cache --quiet "$@"; }
# restic against the off-site repository (same password).
ro() { require_repo; restic --no-cache --quiet -r "$BULWARK_OFFSITE_REPOSITORY" "$@"; }

# Run a command; on failure die with its last stderr lines (never a silent failure). A restic run
# that finds the repository locked by another one (the scheduler's ship, backup or forget, or an
# operator's command: restic 0.14 has no --retry-lock) is retried every 2 s for up to a minute,
# since restic fails before it writes anything then.
checked() {
  local what="$1"; shift
  local err; err="$(mktemp "$SCRATCH_ROOT/.err.XXXXXX")"
  local attempt=0
  until "$@" 2>"$err"; do
    attempt=$((attempt + 1))
    if grep -q "already locked" "$err" && [ "$attempt" -lt 30 ]; then
      log "$what: the repository is locked by another restic run; retrying in 2 s"
      sleep 2
      continue
    fi
    local msg; msg="$(tail -n 5 "$err" | tr '\n' ' ')"; rm -f "$err"
    die "$what failed: ${msg:-no message}"
  done
  rm -f "$err"
}

# Copy the newest snapshots to the off-site repository (3-2-1: a second copy, elsewhere).
offsite_copy() {
  [ -n "${BULWARK_OFFSITE_REPOSITORY:-}" ] || { log "no off-site repository configured (BULWARK_OFFSITE_REPOSITORY): only the local copy exists"; return 0; }
  local pwopt=(--from-password-file "${RESTIC_PASSWORD_FILE:-/dev/null}")
  [ -n "${RESTIC_PASSWORD_FILE:-}" ] || pwopt=()
  if [ -z "${RESTIC_PASSWORD_FILE:-}" ]; then export RESTIC_FROM_PASSWORD="${RESTIC_PASSWORD:-}"; fi
  checked "off-site copy to $(redact "$BULWARK_OFFSITE_REPOSITORY")" \
    restic --no-cache --quiet -r "$BULWARK_OFFSITE_REPOSITORY" copy --from-repo "$RESTIC_REPOSITORY" "${pwopt[@]}" --tag "service=$SERVICE"
  state_set offsite_last_success "$(now)"
}

# A repository URL without credentials, for messages.
redact() { printf '%s' "$1" | sed -E 's#//[^/@]*@#//***@#'; }

ensure_dirs() { mkdir -p "$SPOOL" "$METRICS_DIR" "$REPORT_DIR" "$SCRATCH_ROOT" "$STATE_DIR/state"; }

state_set() { printf '%s\n' "$2" > "$STATE_DIR/state/$SERVICE.$1.tmp" && mv "$STATE_DIR/state/$SERVICE.$1.tmp" "$STATE_DIR/state/$SERVICE.$1"; }
state_get() { cat "$STATE_DIR/state/$SERVICE.$1" 2>/dev/null || printf '%s' "${2:-0}"; }

# Write a textfile-collector file atomically. Arguments: file stem, then lines "name{labels} value".
# HELP/TYPE come from one table, so files of different writers never disagree about a metric.
metric_help() {
  case "$1" in
    bulwark_backup_last_success_timestamp_seconds) echo "Unix time of the last successful backup (kind=full|log) to the local repository." ;;
    bulwark_backup_last_run_success) echo "1 when the last backup run (kind=full|log) succeeded, 0 when it failed." ;;
    bulwark_backup_size_bytes) echo "Size of the data captured by the last backup (kind=full: the dump/base backup; kind=log: the spooled binlog/WAL)." ;;
    bulwark_backup_offsite_last_success_timestamp_seconds) echo "Unix time of the last successful copy to the off-site repository." ;;
    bulwark_backup_newest_restorable_timestamp_seconds) echo "Unix time of the newest point a restore can reach (newest full backup, or newest shipped binlog/WAL)." ;;
    bulwark_restore_drill_last_success_timestamp_seconds) echo "Unix time of the last restore drill whose every restore verified." ;;
    bulwark_restore_drill_last_run_timestamp_seconds) echo "Unix time of the last restore drill, successful or not." ;;
    bulwark_restore_drill_success) echo "1 when the last drill's restore (kind=full|pitr) verified, 0 when it failed." ;;
    bulwark_restore_drill_rto_seconds) echo "Wall time of the last drill's restore (kind=full|pitr), from the repository to a verified scratch server." ;;
    bulwark_restore_drill_rpo_seconds) echo "Age of the newest restorable point at the last drill (kind=full|pitr)." ;;
    bulwark_restore_drill_within_targets) echo "1 when the last drill's restore met the plan's RPO and RTO targets." ;;
    *) echo "bulwark backup metric" ;;
  esac
}
write_metrics() {
  local stem="$1"; shift
  local file="$METRICS_DIR/bulwark_${stem}_${SERVICE}.prom" tmp seen="" line name
  tmp="$(mktemp "$METRICS_DIR/.prom.XXXXXX")"
  for line in "$@"; do
    name="${line%%\{*}"; name="${name%% *}"
    case " $seen " in *" $name "*) ;; *)
      printf '# HELP %s %s\n# TYPE %s gauge\n' "$name" "$(metric_help "$name")" "$name" >> "$tmp"; seen="$seen $name" ;;
    esac
    printf '%s\n' "$line" >> "$tmp"
  done
  chmod 0644 "$tmp"; mv "$tmp" "$file"
}

# Newest snapshot (JSON object) of this service with the given kind, optionally not after an epoch.
newest_snapshot() {
  local kind="$1" notafter="${2:-}" repo_fn="${3:-rl}" out attempt=0
  local err; err="$(mktemp "$SCRATCH_ROOT/.err.XXXXXX")"
  # Listing takes a shared lock: it waits for an exclusive one (the scheduler's forget), as checked does.
  until out="$("$repo_fn" snapshots --json --tag "service=$SERVICE,kind=$kind" 2>"$err")"; do
    attempt=$((attempt + 1))
    if grep -q "already locked" "$err" && [ "$attempt" -lt 30 ]; then
      log "listing snapshots: the repository is locked by another restic run; retrying in 2 s"; sleep 2; continue
    fi
    cat "$err" >&2; rm -f "$err"; return 1
  done
  rm -f "$err"
  jq -c --arg na "$notafter" <<< "$out" '
    map(. + {at: ((.tags // []) | map(select(startswith("at="))) | .[0] // "at=0" | ltrimstr("at=") | tonumber)})
    | map(select($na == "" or .at <= ($na | tonumber))) | sort_by(.at) | last // empty'
}

# Epoch of an ISO-8601 / "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC timestamp.
to_epoch() { date -u -d "$1" +%s 2>/dev/null || die "cannot read the time \"$1\" (give e.g. 2026-12-02T06:10:23Z)"; }
