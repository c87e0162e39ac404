#!/usr/bin/env bash
# bulwark-backup restore: the one restore command for operators.
#
#   restore.sh verify                     newest backup (+ every shipped binlog/WAL when PITR is on) into a
#                                         scratch server inside this container: checksums, row counts,
#                                         smoke queries. Touches nothing live.
#   restore.sh pitr --to TIME             the newest full backup taken before TIME, then binlog/WAL replay
#                                         up to TIME (UTC, e.g. 2026-12-02T06:10:23Z), into a scratch server.
#   restore.sh full                       the newest full backup plus every shipped binlog/WAL (the latest
#                                         restorable state), into a scratch server (or --live / --into).
#
#   --live          (full, pitr; MariaDB) load into the live server instead, with BULWARK_RESTORE_USER and
#                   BULWARK_RESTORE_PASSWORD[_FILE] (a user allowed to create and drop tables). Refuses a
#                   live server that holds tables unless --force; with --force a fresh full backup is
#                   taken first, so a mistaken restore loses nothing.
#   --into DIR      (full, pitr; PostgreSQL) prepare DIR as the data directory of the stopped service
#                   (its volume mounted read-write in a one-shot container). Refuses a DIR holding a
#                   cluster unless --force; with --force DIR is backed up to the repository first.
#   --no-logs       (verify, full) the full backup alone, without replaying the shipped binlog/WAL.
#   --dry-run       print what would be restored (snapshots, log range, target) and check that the
#                   repository answers and holds them; restore nothing.
#   --from offsite  read from the off-site repository instead of the local one.
#   --query SQL     an extra smoke query (repeatable); its output goes into the result.
#   --json FILE     write the result (what was restored, timings, checksums, rows, smoke queries) as JSON.
# Exit status: 0 restored and verified; 1 failed (the message says why); 2 usage.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs

mode="${1:-}"; shift || true
case "$mode" in verify|pitr|full) ;; *) sed -n '2,29p' "$0" >&2; exit 2 ;; esac
target=""; live=0; into=""; force=0; dry=0; nologs=0; from=local; json=""; queries=()
while [ $# -gt 0 ]; do
  case "$1" in
    --to) target="$2"; shift 2 ;;
    --live) live=1; shift ;;
    --into) into="$2"; shift 2 ;;
    --force) force=1; shift ;;
    --dry-run) dry=1; shift ;;
    --no-logs) nologs=1; shift ;;
    --from) from="$2"; shift 2 ;;
    --query) queries+=("$2"); shift 2 ;;
    --json) json="$2"; shift 2 ;;
    *) echo "restore.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$mode" != pitr ] || [ -n "$target" ] || { echo "restore.sh pitr needs --to TIME" >&2; exit 2; }
[ "$mode" = pitr ] || [ -z "$target" ] || { echo "restore.sh: --to only with pitr" >&2; exit 2; }
[ "$mode" != pitr ] || [ "$PITR" = 1 ] || die "point-in-time restore needs a PITR plan (BULWARK_PITR=1): this service has full backups only"
[ "$live" = 0 ] || [ "$ENGINE" = mariadb ] || die "--live restores a MariaDB server; for PostgreSQL prepare the stopped service's volume with --into DIR"
[ -z "$into" ] || [ "$ENGINE" = postgresql ] || die "--into prepares a PostgreSQL data directory; for MariaDB use --live"
[ "$mode" != verify ] || { [ "$live" = 0 ] && [ -z "$into" ]; } || die "verify never touches the live service; use full or pitr with --live/--into"
repo=rl
if [ "$from" = offsite ]; then
  [ -n "${BULWARK_OFFSITE_REPOSITORY:-}" ] || die "--from offsite: BULWARK_OFFSITE_REPOSITORY is not set"
  repo=ro
elif [ "$from" != local ]; then die "--from is local or offsite"; fi
repo_name() { if [ "$repo" = ro ]; then redact "$BULWARK_OFFSITE_REPOSITORY"; else redact "$RESTIC_REPOSITORY"; fi; }

full_id=""; full_at=""; log_id=""; restorable=""; kind="$mode"; work=""
result() { # success verified message
  [ -n "$json" ] || return 0
  jq -n --arg s "$SERVICE" --arg e "$ENGINE" --arg k "$kind" --arg t "$target" --argjson ok "$1" --arg msg "$2" \
    --arg fid "$full_id" --argjson fat "${full_at:-0}" --arg lid "$log_id" --argjson rst "${restorable:-0}" \
    --argjson secs "$(( $(now_ms) - t0 ))" --arg from "$from" --argjson dry "$dry" \
    --argjson extra "${extra_json:-null}" \
    '{service:$s, engine:$e, kind:$k, target_time:(if $t == "" then null else $t end), verified:$ok, dry_run:($dry==1), error:(if $msg == "" then null else $msg end),
      repository:$from, full_snapshot:$fid, full_consistent_at:$fat, log_snapshot:(if $lid == "" then null else $lid end),
      newest_restorable_at:$rst, restore_seconds:($secs/1000)} + ($extra // {})' > "$json"
}
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then result false "$(tail -n 1 "$SCRATCH_ROOT/.last-error" 2>/dev/null || echo "restore failed (status $rc)")"; fi
  if declare -F cleanup >/dev/null; then cleanup; fi
}
trap on_exit EXIT
die() { log "ERROR: $*"; printf '%s\n' "$*" > "$SCRATCH_ROOT/.last-error"; exit 1; }
rm -f "$SCRATCH_ROOT/.last-error"

t0="$(now_ms)"
target_epoch=""; [ -z "$target" ] || target_epoch="$(to_epoch "$target")"
# Snapshot listing doubles as the reachability and password check: fail here, loudly.
snaps_err="$(mktemp "$SCRATCH_ROOT/.err.XXXXXX")"
if ! full_snap="$(newest_snapshot full "$target_epoch" "$repo" 2>"$snaps_err")"; then
  msg="$(tail -n 3 "$snaps_err" | tr '\n' ' ')"; rm -f "$snaps_err"
  die "cannot read repository $(repo_name): ${msg:-no message} (wrong password, unreachable or damaged repository)"
fi
rm -f "$snaps_err"
[ -n "$full_snap" ] || die "no full backup of $SERVICE${target:+ taken before $target} in $(repo_name)"
full_id="$(jq -r .short_id <<< "$full_snap")"; full_at="$(jq -r .at <<< "$full_snap")"; full_path="$(jq -r '.paths[0]' <<< "$full_snap")"
log_snap=""; log_id=""; log_at=""
if [ "$PITR" = 1 ] && [ "$ENGINE" != files ]; then
  log_snap="$(newest_snapshot log "" "$repo")"
  [ -n "$log_snap" ] || die "no binlog/WAL snapshot of $SERVICE in $(repo_name): is the capture shipping?"
  log_id="$(jq -r .short_id <<< "$log_snap")"; log_at="$(jq -r .at <<< "$log_snap")"
  if [ -n "$target_epoch" ] && [ "$target_epoch" -gt "$log_at" ]; then
    die "target $target is after the newest restorable point $(iso "$log_at") (snapshot $log_id): the binlog/WAL after it was not shipped"
  fi
fi
# full: the full backup only; latest: plus every shipped binlog/WAL; pitr: plus replay up to --to.
kind=full
if [ "$mode" = pitr ]; then kind=pitr; elif [ -n "$log_snap" ] && [ "$nologs" = 0 ]; then kind=latest; fi
restorable="$full_at"; [ "$kind" = full ] || restorable="$log_at"
[ -z "$target_epoch" ] || restorable="$target_epoch"

plan="restore $SERVICE ($ENGINE, $kind) from $(repo_name): full backup $full_id consistent at $(iso "$full_at")"
[ -z "$log_id" ] || [ "$kind" = full ] || plan="$plan, change log $log_id up to ${target:-$(iso "$log_at") (newest)}"
if [ "$live" = 1 ]; then plan="$plan, into the LIVE server ${BULWARK_DB_HOST:-?}"; elif [ -n "$into" ]; then plan="$plan, into $into"; else plan="$plan, into a scratch server"; fi
log "$plan"

work="$(mktemp -d "$SCRATCH_ROOT/restore-$SERVICE.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    if [ "$ENGINE" = postgresql ]; then "$PG_BIN/pg_ctl" -D "$work/pgdata" -m fast -w stop >/dev/null 2>&1 || kill "$server_pid" 2>/dev/null || true
    else kill -TERM "$server_pid" 2>/dev/null || true; fi
    local _; for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
}

if [ "$dry" = 1 ]; then
  # restic check needs an exclusive lock: a scheduled ship or backup holds the repository for a few
  # seconds, so wait for it (restic 0.14 has no --retry-lock) instead of failing the dry run.
  attempt=0
  until err="$("$repo" check 2>&1 >/dev/null)"; do
    attempt=$((attempt + 1))
    if [[ "$err" == *"already locked"* ]] && [ "$attempt" -lt 30 ]; then
      log "repository $(repo_name) is locked by another restic run (a ship or backup); retrying in 2 s"; sleep 2; continue
    fi
    die "repository check of $(repo_name) failed: $(printf '%s' "$err" | tail -n 5 | tr '\n' ' ')"
  done
  extra_json="$(jq -n --arg p "$plan" '{plan:$p, checks:["repository structure (restic check)","snapshots present"]}')"
  result true ""
  log "dry run: $plan; repository check passed, nothing restored"
  exit 0
fi

# --- fetch from the repository (restic verifies every blob's MAC while restoring) -------------
checked "restoring full backup $full_id" "$repo" restore "$full_id" --target "$work/full"
if [ "$ENGINE" = files ]; then
  # A files snapshot holds two paths, the spool with meta.json and the files, and restic keeps them
  # sorted: /mnt/data/<volume> comes before /var/lib/bulwark-backup/…, so paths[0] is the files.
  # meta.json is in the path that is not the files directory.
  full_path="$(jq -r --arg f "${BULWARK_FILES_PATH:-}" '[.paths[] | select(. != $f)][0] // empty' <<< "$full_snap")"
fi
full_dir="$work/full$full_path"
[ -f "$full_dir/meta.json" ] || die "full backup $full_id holds no meta.json: not a bulwark backup"
if [ -n "$log_id" ] && [ "$kind" != full ]; then
  checked "restoring change log $log_id" "$repo" restore "$log_id" --target "$work/log"
  log_dir="$work/log$(jq -r '.paths[0]' <<< "$log_snap")"
fi
checks='{}'
add_check() { checks="$(jq -c --arg k "$1" --arg v "$2" '. + {($k): $v}' <<< "$checks")"; }
fmt="$(jq -r .format "$full_dir/meta.json")"
# Checksums recorded at backup time, compared with what came back.
for f in $(jq -r '.sha256 // {} | keys[]' "$full_dir/meta.json"); do
  want="$(jq -r --arg f "$f" '.sha256[$f]' "$full_dir/meta.json")"; got="$(sha256sum "$full_dir/$f" | cut -d' ' -f1)"
  [ "$want" = "$got" ] || die "checksum mismatch for $f in $full_id: recorded $want, restored $got"
  add_check "sha256:$f" "match $got"
done

# --- MariaDB ---------------------------------------------------------------------------------
mysql_live() {
  local cnf="$work/.live.cnf"
  if [ ! -f "$cnf" ]; then
    local pw; if [ -n "${BULWARK_RESTORE_PASSWORD_FILE:-}" ]; then pw="$(cat "$BULWARK_RESTORE_PASSWORD_FILE")"; else pw="${BULWARK_RESTORE_PASSWORD:?set BULWARK_RESTORE_PASSWORD_FILE for a live restore}"; fi
    printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\n' "${BULWARK_RESTORE_USER:?set BULWARK_RESTORE_USER for a live restore}" "$pw" "${BULWARK_DB_HOST:?}" "${BULWARK_DB_PORT:-3306}" > "$cnf"
  fi
  mariadb --defaults-extra-file="$cnf" "$@"
}
mysql_live_unlogged() { mysql_live --init-command='SET SESSION sql_log_bin=0' "$@"; }
mysql_scratch() { mariadb --no-defaults -S "$work/mysqld.sock" -uroot "$@"; }
start_mariadb_scratch() {
  checked "mariadb-install-db (scratch)" mariadb-install-db --no-defaults --datadir="$work/mysql" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  # No network, no binlog: a scratch server only this container's restore talks to.
  mariadbd --no-defaults --datadir="$work/mysql" --socket="$work/mysqld.sock" --skip-networking --skip-log-bin \
    --pid-file="$work/mysqld.pid" --log-error="$work/mysqld.err" --innodb-buffer-pool-size="${BULWARK_SCRATCH_BUFFER_POOL:-256M}" \
    --innodb-flush-log-at-trx-commit=2 --max-allowed-packet=1G &
  server_pid=$!
  local _; for _ in $(seq 1 300); do mysql_scratch -e 'SELECT 1' >/dev/null 2>&1 && return 0; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  die "the scratch MariaDB did not start: $(tail -n 3 "$work/mysqld.err" | tr '\n' ' ')"
}
replay_binlogs() { # client-function stop-datetime
  local client="$1" stop="$2" file pos files=() opts=()
  file="$(jq -r .binlog.file "$full_dir/meta.json")"; pos="$(jq -r .binlog.position "$full_dir/meta.json")"
  [ -f "$log_dir/$file" ] || die "binlog $file (where full backup $full_id starts) is not in change-log snapshot $log_id"
  mapfile -t files < <(find "$log_dir" -maxdepth 1 -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' -printf '%f\n' | sort | awk -v f="$file" '$0 >= f' | sed "s|^|$log_dir/|")
  [ -z "$stop" ] || opts+=(--stop-datetime="$stop")
  add_check "binlog_replay" "${files[*]##*/} from $file:$pos${stop:+ to $stop}"
  # --start-position applies to the first file: the events before the dump's snapshot are skipped.
  if ! mariadb-binlog --no-defaults --start-position="$pos" "${opts[@]}" "${files[@]}" 2>"$work/binlog.err" | "$client" 2>"$work/replay.err"; then
    die "binlog replay failed: $(tail -n 3 "$work/binlog.err" "$work/replay.err" | tr '\n' ' ')"
  fi
  # A binlog shipped while it was being written can end mid-event: that tail was never restorable.
  if [ -s "$work/binlog.err" ]; then log "mariadb-binlog: $(tr '\n' ' ' < "$work/binlog.err")"; fi
}
restore_mariadb() {
  local client=mysql_scratch stop=""
  [ -z "$target" ] || stop="$(date -u -d "@$target_epoch" '+%Y-%m-%d %H:%M:%S')"
  if [ "$live" = 1 ]; then
    # The restored history is not written to the live binlog again (its GTIDs would be out of
    # order); a fresh full backup right after the restore starts the PITR chain anew.
    client=mysql_live_unlogged
    local tables
    tables="$(mysql_live -N -B -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('mysql','information_schema','performance_schema','sys')")" \
      || die "cannot reach the live server ${BULWARK_DB_HOST} as ${BULWARK_RESTORE_USER}"
    if [ "$tables" != 0 ] && [ "$force" != 1 ]; then
      die "the live server holds $tables table(s): refusing to overwrite them. Check the target, then add --force (a fresh full backup is taken first)"
    fi
    if [ "$tables" != 0 ]; then
      log "taking a fresh full backup of the live server before overwriting it"
      "$BULWARK_BIN/full.sh" pre-restore || die "the pre-restore backup failed: nothing was overwritten"
      add_check "pre_restore_backup" "taken"
    fi
  else
    start_mariadb_scratch
  fi
  "$client" < "$full_dir/dump.sql" 2>"$work/load.err" || die "loading the dump failed: $(tail -n 3 "$work/load.err" | tr '\n' ' ')"
  if [ "$kind" != full ]; then replay_binlogs "$client" "$stop"; fi
  if [ "$live" = 1 ]; then
    "$BULWARK_BIN/full.sh" post-restore || die "restored, but the post-restore full backup failed: take one now (bulwark-backup full) before relying on PITR"
    add_check "post_restore_backup" "taken"
  fi
  # Row counts and CHECKSUM TABLE of every restored table: the drill compares them across runs.
  local dbs; dbs="$(jq -r '.databases | map("\u0027" + . + "\u0027") | join(",")' "$full_dir/meta.json")"
  local rows='{}' t n c
  while IFS=$'\t' read -r t; do
    [ -n "$t" ] || continue
    n="$("$client" -N -B -e "SELECT COUNT(*) FROM $t")" || die "counting rows of $t failed"
    c="$("$client" -N -B -e "CHECKSUM TABLE $t" | cut -f2)"
    rows="$(jq -c --arg t "$t" --argjson n "$n" --arg c "$c" '. + {($t): {rows:$n, checksum:$c}}' <<< "$rows")"
  done < <("$client" -N -B -e "SELECT CONCAT('\`',table_schema,'\`.\`',table_name,'\`') FROM information_schema.tables WHERE table_schema IN ($dbs) AND table_type='BASE TABLE' ORDER BY 1")
  tables_json="$rows"
  run_smoke "$client" -N -B -e
}

# --- PostgreSQL ------------------------------------------------------------------------------
psql_scratch() { "$PG_BIN/psql" -X -q -h "$work" -p 5432 -U "${BULWARK_DB_USER:-postgres}" -d "${BULWARK_PG_DATABASE:-postgres}" -v ON_ERROR_STOP=1 "$@"; }
start_pg() { # datadir
  chmod 700 "$1"
  "$PG_BIN/pg_ctl" -D "$1" -l "$work/pg.log" -w -t 600 \
    -o "-c listen_addresses='' -c unix_socket_directories='$work' -c port=5432 -c archive_mode=off -c hba_file='$work/pg_hba.conf'" start >/dev/null \
    || die "the scratch PostgreSQL did not start: $(tail -n 5 "$work/pg.log" | tr '\n' ' ')"
  server_pid="$(head -n 1 "$1/postmaster.pid")"
}
restore_postgres() {
  local data="$work/pgdata"
  # The scratch server trusts local connections from this container only (socket in a 0700 dir).
  printf 'local all all trust\n' > "$work/pg_hba.conf"
  if [ "$fmt" = pg_basebackup ]; then
    if [ -n "$into" ]; then data="$into"; prepare_into; fi
    mkdir -p "$data"; cp -a "$full_dir/base/." "$data/"
    checked "pg_verifybackup (manifest checksums)" "$PG_BIN/pg_verifybackup" -n -q "$data"
    add_check "pg_verifybackup" "every file matches backup_manifest (SHA256)"
    if [ "$kind" != full ]; then
      local wal="$work/wal"; [ -z "$into" ] || wal="$data/pg_wal_restore"
      mkdir -p "$wal"; cp -a "$log_dir/." "$wal/"; rm -f "$wal/.heartbeat"
      # The segment pg_receivewal was still writing: complete up to where it was received.
      local p; for p in "$wal"/*.partial; do [ -e "$p" ] && mv "$p" "${p%.partial}"; done
      {
        printf "restore_command = 'cp %s/%%f %%p'\n" "$wal"
        if [ -n "$target" ]; then printf "recovery_target_time = '%s'\n" "$(date -u -d "$target" '+%Y-%m-%d %H:%M:%S.%6N+00')"; fi
        printf "recovery_target_action = 'promote'\n"
      } >> "$data/postgresql.auto.conf"
      touch "$data/recovery.signal"
      add_check "wal_replay" "$(find "$wal" -maxdepth 1 -type f | wc -l) segment(s)${target:+ to $target}"
    fi
    if [ -n "$into" ]; then
      rm -f "$data/postmaster.pid"
      add_check "prepared" "$into: start the service; it replays to the target and promotes"
      tables_json='{}'; return 0
    fi
    start_pg "$data"
    local _; for _ in $(seq 1 600); do [ "$(psql_scratch -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break; sleep 0.2; done
    [ "$(psql_scratch -tAc 'SELECT pg_is_in_recovery()')" = f ] || die "recovery did not finish: $(tail -n 5 "$work/pg.log" | tr '\n' ' ')"
  else
    checked "initdb (scratch)" "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust >/dev/null
    start_pg "$data"
    "$PG_BIN/psql" -X -q -h "$work" -p 5432 -U postgres -d postgres -f "$full_dir/dump.sql" >/dev/null 2>"$work/load.err" \
      || die "loading the dump failed: $(tail -n 3 "$work/load.err" | tr '\n' ' ')"
  fi
  local rows='{}' db t n
  for db in $(psql_scratch -tAc "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'template1' ORDER BY 1"); do
    while read -r t; do
      [ -n "$t" ] || continue
      n="$("$PG_BIN/psql" -X -h "$work" -p 5432 -U "${BULWARK_DB_USER:-postgres}" -d "$db" -tAc "SELECT count(*) FROM $t")"
      rows="$(jq -c --arg t "$db.$t" --argjson n "$n" '. + {($t): {rows:$n}}' <<< "$rows")"
    done < <("$PG_BIN/psql" -X -h "$work" -p 5432 -U "${BULWARK_DB_USER:-postgres}" -d "$db" -tAc "SELECT quote_ident(schemaname)||'.'||quote_ident(relname) FROM pg_stat_user_tables ORDER BY 1")
  done
  tables_json="$rows"
  run_smoke psql_scratch -tA -c
}
prepare_into() {
  if [ -e "$into/PG_VERSION" ] || [ -n "$(ls -A "$into" 2>/dev/null)" ]; then
    [ "$force" = 1 ] || die "$into is not empty (it holds a cluster): refusing to overwrite it. Stop the service, check the target, then add --force (the directory is backed up to the repository first)"
    [ ! -e "$into/postmaster.pid" ] || die "$into/postmaster.pid exists: stop the service before restoring into its volume"
    checked "pre-restore backup of $into" rl backup --host bulwark-backup --tag "service=$SERVICE,kind=pre-restore,at=$(now)" "$into"
    add_check "pre_restore_backup" "taken"
    find "$into" -mindepth 1 -delete
  fi
}

# Smoke queries: the plan's (BULWARK_SMOKE_QUERIES, separated by ";") and --query ones; each must succeed.
run_smoke() {
  local client=("$@") q out all=() smoke='[]'
  if [ -n "${BULWARK_SMOKE_QUERIES:-}" ]; then IFS=';' read -r -a all <<< "$BULWARK_SMOKE_QUERIES"; fi
  all+=("${queries[@]}")
  [ "${#all[@]}" -gt 0 ] || all=("SELECT 1")
  for q in "${all[@]}"; do
    [ -n "$q" ] || continue
    out="$("${client[@]}" "$q" 2>&1)" || die "smoke query failed: $q: $out"
    smoke="$(jq -c --arg q "$q" --arg o "$out" '. + [{query:$q, ok:true, output:$o}]' <<< "$smoke")"
  done
  smoke_json="$smoke"
}

tables_json='{}'; smoke_json='[]'
case "$ENGINE" in
  mariadb) [ "$fmt" = mariadb-dump ] || die "unexpected format $fmt"; restore_mariadb ;;
  postgresql) restore_postgres ;;
  files)
    if [ "$mode" = verify ]; then
      files_dir="$work/full$(jq -r .path "$full_dir/meta.json")"
      [ -d "$files_dir" ] || die "full backup $full_id holds no $(jq -r .path "$full_dir/meta.json")"
      n="$(find "$files_dir" -type f | wc -l)"; add_check "files" "$n file(s) restored"
    else
      # This container mounts the volume read-only: the files go back from a one-off container
      # that mounts it writable, after the service is stopped. It runs restic as root with only
      # the capabilities a faithful restore needs (CHOWN: the snapshot's owners and groups;
      # DAC_OVERRIDE: read the repository, write into the service's private directories; FOWNER:
      # modes and times of files root does not own), no network, a read-only root. The volume is
      # mounted below a tmpfs target, so that restic also restores the path's parent directories
      # (/mnt, /mnt/data) somewhere writable. As a non-root UID, restic cannot set another group:
      # measured on Docker 20.10 with restic 0.14, the files came back with the one-off's group.
      p="$(jq -r '.path' "$full_dir/meta.json")"
      # The names come from the plan (BackupPlan.addFiles); without them, placeholders.
      svc_c="${BULWARK_RESTORE_SERVICE_CONTAINER:-<service container>}"
      repo_v="${BULWARK_RESTORE_REPO_VOLUME:-<repo volume>}"; data_v="${BULWARK_RESTORE_DATA_VOLUME:-<data volume>}"
      image="${BULWARK_RESTORE_IMAGE:-<backup image>}"
      die "files are not restored in place from here: $p is mounted read-only in this container. Stop the service, run the backup image once with the data volume writable and the repository volume read-only, start the service again: docker stop $svc_c && docker run --rm --user 0:0 --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --security-opt no-new-privileges:true --network none --read-only --tmpfs /restore -e RESTIC_PASSWORD -v $repo_v:$RESTIC_REPOSITORY:ro -v $data_v:/restore$p --entrypoint restic $image -r $RESTIC_REPOSITORY --no-lock --no-cache restore $full_id --target /restore --include $p && docker start $svc_c (RESTIC_PASSWORD set in your shell). The files come back as they were backed up: owners, groups, modes and times included."
    fi ;;
esac
extra_json="$(jq -n --argjson c "$checks" --argjson t "$tables_json" --argjson s "$smoke_json" --arg p "$plan" '{plan:$p, checksums:$c, tables:$t, smoke:$s}')"
result true ""
log "restored and verified in $(( ($(now_ms) - t0) / 1000 )) s: $plan"
