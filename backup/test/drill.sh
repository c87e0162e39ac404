#!/usr/bin/env bash
# npm run drill: the backup scripts against real servers, on this machine.
#
# Starts Debian's MariaDB and PostgreSQL in a temporary directory (loopback and unix sockets only, as a
# non-root user), a local restic repository and a second one served by `rclone serve restic` on
# loopback (the off-site stand-in). For each engine: writes rows, takes a full backup, writes more,
# records a timestamp, writes and deletes again, ships the captured binlog/WAL, then restores to the
# timestamp and checks that exactly the expected rows are there; restores the latest state and the
# full backup alone; runs the scheduled drill and checks its report and metrics. A files backup: a
# private 0400 file in it, verify of every file, the in-place refusal. Then the failure
# drills: a corrupted repository, a wrong password and an unreachable off-site copy must each fail the
# drill with a clear message and a non-zero exit. Prints measured RPO/RTO; --report FILE writes them.
#
# Exit 0: all passed. 1: a check failed. 77: servers missing and CI unset (skipped, loudly).
set -euo pipefail
export TZ=UTC LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(cd "$HERE/../bin" && pwd)"
report=""
if [ "${1:-}" = --report ]; then report="$(realpath -m "$2")"; shift 2; fi

# shellcheck source=harness.sh
. "$HERE/harness.sh"

if [ "${1:-}" != --inner ]; then
  mapfile -t missing < <(harness_missing | cut -d' ' -f1)
  if [ "${#missing[@]}" -gt 0 ]; then
    msg="backup drill: MISSING ${missing[*]}: install mariadb-server mariadb-backup postgresql restic rclone jq (Debian)"
    if [ -n "${CI:-}" ]; then echo "$msg: CI is set, so this is a failure" >&2; exit 1; fi
    printf '\n%s\n!!! %s\n!!! SKIPPED: the backup/restore drill did NOT run; nothing about backups was proven.\n%s\n\n' \
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" "$msg" "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    exit 77
  fi
  harness_outer drill
  harness_exec_inner bash "$0" ${report:+--report "$T/report.json"} --inner "$T"
  if [ -n "$report" ] && [ -f "$T/report.json" ]; then cp "$T/report.json" "$report"; fi
  exit "$HARNESS_RC"
fi

# ----------------------------------------------------------------------------------------------
# inner: runs as a non-root user inside $T
harness_inner drill "$2"

# --- servers ------------------------------------------------------------------------------------
harness_start_servers
harness_users
MY -e "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(40));"
PG -c "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);"
harness_env db mariadb "$T/repo" > "$T/my.env"
harness_env pg postgresql "$T/repo" > "$T/pg.env"

say "$(harness_versions)"
run "$T/my.env" init; run "$T/pg.env" init

# --- one engine: the PITR scenario ---------------------------------------------------------------
declare -A RESULT
scenario() { # name env insert-fn delete-fn select-fn query spool-dir
  local name="$1" envf="$2" ins="$3" del="$4" sel="$5" query="$6" spool="$7"
  bg "capture-$name" with_env "$envf" "$BIN/capture.sh"
  "$ins" 1 3
  run "$envf" full >/dev/null 2>"$T/$name-full.log" || { bad "$name full backup: $(tail -n 2 "$T/$name-full.log")"; return; }
  ok "$name full backup"
  "$ins" 4 5
  sleep 1.2; local target; target="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; sleep 1.2
  # Capture lag: how long a committed row takes to reach the spool (the RPO of a lost server).
  local t0 lag arrived=0
  t0="$(ms)"; "$ins" 6 6
  for _ in $(seq 1 1000); do "$spool" && { arrived=1; break; }; sleep 0.005; done
  lag=$(( $(ms) - t0 )); [ "$arrived" = 1 ] || bad "$name: the write never reached the capture"
  "$del" 1
  sleep 2.1   # one heartbeat, so the shipped point covers the last write
  local t_ship; t_ship="$(ms)"
  run "$envf" ship 2>"$T/$name-ship.log" || bad "$name ship: $(tail -n 2 "$T/$name-ship.log")"
  local ship_ms=$(( $(ms) - t_ship ))
  RESULT[$name.capture_lag_ms]="$lag"; RESULT[$name.ship_ms]="$ship_ms"; RESULT[$name.target]="$target"

  local out="$T/$name-pitr.json" t
  t="$(ms)"; run "$envf" restore pitr --to "$target" --query "$query" --json "$out" 2>"$T/$name-pitr.log" || bad "$name PITR restore: $(tail -n 2 "$T/$name-pitr.log")"
  RESULT[$name.pitr_rto_ms]=$(( $(ms) - t ))
  expect_eq "$name PITR to $target holds exactly rows 1-5" "$(jq -r '.smoke[-1].output' "$out" 2>/dev/null)" "1,2,3,4,5"
  run "$envf" restore verify --query "$query" --json "$T/$name-latest.json" 2>"$T/$name-latest.log" || bad "$name verify (latest): $(tail -n 2 "$T/$name-latest.log")"
  expect_eq "$name latest restore (full + all shipped log) holds rows 2-6" "$(jq -r '.smoke[-1].output' "$T/$name-latest.json" 2>/dev/null)" "2,3,4,5,6"
  run "$envf" restore verify --no-logs --query "$query" --json "$T/$name-full.json" 2>"$T/$name-fullr.log" || bad "$name verify (full only): $(tail -n 2 "$T/$name-fullr.log")"
  expect_eq "$name full backup alone holds rows 1-3" "$(jq -r '.smoke[-1].output' "$T/$name-full.json" 2>/dev/null)" "1,2,3"
  expect_eq "$name live data is rows 2-6" "$("$sel")" "2,3,4,5,6"
  run "$envf" restore pitr --to "$target" --dry-run --json "$T/$name-dry.json" 2>/dev/null || bad "$name dry run failed"
  expect_eq "$name dry run restores nothing and says so" "$(jq -r '.dry_run' "$T/$name-dry.json")" "true"

  # The scheduled drill: report and metrics must match what happened.
  local rep="$T/$name-drill.json"
  run "$envf" drill --report "$rep" --markdown "$T/$name-drill.md" --query "$query" 2>"$T/$name-drill.log" || bad "$name drill failed: $(tail -n 3 "$T/$name-drill.log")"
  expect_eq "$name drill success" "$(jq -r .success "$rep")" "true"
  expect_eq "$name drill kinds" "$(jq -r '[.datastores[].kind] | join(",")' "$rep")" "full,pitr"
  expect_eq "$name drill full restore rows" "$(jq -r '.datastores[0].smoke[-1].output' "$rep")" "1,2,3"
  expect_eq "$name drill pitr (latest) rows" "$(jq -r '.datastores[1].smoke[-1].output' "$rep")" "2,3,4,5,6"
  expect_eq "$name drill within targets" "$(jq -r '[.datastores[].within_targets] | all' "$rep")" "true"
  expect_eq "$name drill off-site verified" "$(jq -r .offsite.verified "$rep")" "true"
  local prom; prom="$T/state/metrics/bulwark_restore_drill_$(jq -r .service "$rep").prom"
  local rto_m rto_r
  rto_m="$(sed -nE 's/^bulwark_restore_drill_rto_seconds\{service="[^"]+",kind="pitr"\} (.*)$/\1/p' "$prom")"; rto_r="$(jq -r '.datastores[1].rto_seconds' "$rep")"
  expect_eq "$name metric bulwark_restore_drill_rto_seconds{kind=pitr} equals the report" "$rto_m" "$rto_r"
  expect_eq "$name metric bulwark_restore_drill_rpo_seconds{kind=pitr} equals the report" \
    "$(sed -nE 's/^bulwark_restore_drill_rpo_seconds\{service="[^"]+",kind="pitr"\} (.*)$/\1/p' "$prom")" "$(jq -r '.datastores[1].rpo_seconds' "$rep")"
  expect_eq "$name metric bulwark_restore_drill_success{kind=full}" "$(sed -nE 's/^bulwark_restore_drill_success\{service="[^"]+",kind="full"\} (.*)$/\1/p' "$prom")" "1"
  local svc; svc="$(jq -r .service "$rep")"
  if grep -q "^bulwark_backup_last_success_timestamp_seconds{service=\"$svc\",kind=\"full\"} [0-9]" "$T/state/metrics/bulwark_backup_full_$svc.prom"; then
    ok "$name metric bulwark_backup_last_success_timestamp_seconds"; else bad "$name: no backup success metric"; fi
  if grep -q "^bulwark_backup_size_bytes{service=\"$svc\",kind=\"full\"} [1-9]" "$T/state/metrics/bulwark_backup_full_$svc.prom"; then
    ok "$name metric bulwark_backup_size_bytes"; else bad "$name: no backup size metric"; fi
  RESULT[$name.drill_report]="$rep"
}

my_ins() { local i; for i in $(seq "$1" "$2"); do MY -e "INSERT INTO app.t VALUES ($i, 'row $i')"; done; }
my_del() { MY -e "DELETE FROM app.t WHERE id = $1"; }
my_sel() { MY -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM app.t"; }
pg_ins() { local i; for i in $(seq "$1" "$2"); do PG -c "INSERT INTO t VALUES ($i, 'row $i')"; done; }
pg_del() { PG -c "DELETE FROM t WHERE id = $1"; }
pg_sel() { PG -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM t"; }

# Has the newest write reached the capture? MariaDB: the row event is in the spooled binlog.
# PostgreSQL: pg_receivewal reports the current WAL position flushed (segments are preallocated).
my_arrived() { mariadb-binlog --no-defaults "$(find "$T/state/spool/db/binlog" -name 'mariadb-bin.[0-9]*' | sort | tail -n 1)" 2>/dev/null | grep -q "Write_rows"; }
pg_arrived() { [ "$(PG -c "SELECT bool_and(flush_lsn >= pg_current_wal_lsn()) FROM pg_stat_replication WHERE application_name = 'pg_receivewal'")" = t ]; }
scenario mariadb "$T/my.env" my_ins my_del my_sel "SELECT GROUP_CONCAT(id ORDER BY id) FROM app.t" my_arrived
scenario postgresql "$T/pg.env" pg_ins pg_del pg_sel "SELECT string_agg(id::text, ',' ORDER BY id) FROM t" pg_arrived

# --- live restore: refuses without --force; with it, a fresh backup first -----------------------
if run "$T/my.env" restore full --live 2>"$T/live1.log"; then bad "live restore over a non-empty server did not refuse"
elif grep -q "refusing to overwrite" "$T/live1.log"; then ok "live restore refuses a non-empty server without --force"
else bad "live restore failed without the refusal message: $(tail -n 1 "$T/live1.log")"; fi
fulls_before="$(with_env "$T/my.env" restic --no-cache -q snapshots --json --tag service=db,kind=full | jq length)"
MY -e "INSERT INTO app.t VALUES (99, 'written after the backups')"
run "$T/my.env" restore pitr --to "${RESULT[mariadb.target]}" --live --force 2>"$T/live2.log" || bad "forced live PITR restore: $(tail -n 2 "$T/live2.log")"
fulls_after="$(with_env "$T/my.env" restic --no-cache -q snapshots --json --tag service=db,kind=full | jq length)"
expect_eq "forced live restore took a fresh full backup before and one after" "$fulls_after" "$((fulls_before + 2))"
expect_eq "live server after PITR restore holds rows 1-5 (row 99 kept in the pre-restore backup)" "$(my_sel)" "1,2,3,4,5"

# The forced restore took a backup (a new binlog): ship, so the drills below start from a good state.
sleep 2.1; run "$T/my.env" ship 2>/dev/null || bad "ship after the live restore failed"
run "$T/my.env" drill --report "$T/after-live.json" --markdown "$T/after-live.md" 2>/dev/null || bad "drill after the live restore failed"

# --- files: a directory backed up as it is (BackupPlan.addFiles) ----------------------------------
# The files path sorts before the state spool ("files" < "state"), as /mnt/data/<volume> does before
# /var/lib/bulwark-backup in the container: restic keeps a snapshot's paths sorted, and the restore
# must still find meta.json. A private 0400 file, as services keep them, must be in the backup.
mkdir -p "$T/files/data/sub"
printf 'one\n' > "$T/files/data/a"; printf 'two\n' > "$T/files/data/sub/b"
printf 'private\n' > "$T/files/data/sub/cookie"; chmod 0400 "$T/files/data/sub/cookie"
harness_env files files "$T/repo" | sed -e 's/^BULWARK_PITR=1$/BULWARK_PITR=0/' > "$T/files.env"
echo "BULWARK_FILES_PATH=$T/files/data" >> "$T/files.env"
if run "$T/files.env" full >/dev/null 2>"$T/files-full.log"; then ok "files full backup (a 0400 file included)"; else bad "files full backup: $(tail -n 2 "$T/files-full.log")"; fi
run "$T/files.env" restore verify --json "$T/files-verify.json" 2>"$T/files-verify.log" || bad "files verify: $(tail -n 2 "$T/files-verify.log")"
expect_eq "files verify restores every file" "$(jq -r '.checksums.files // .checks.files // empty' "$T/files-verify.json" 2>/dev/null)" "3 file(s) restored"
snap="$(with_env "$T/files.env" restic --no-cache -q snapshots --json --tag service=files,kind=full | jq -r '.[-1].short_id')"
expect_eq "files snapshot holds the private file" "$(with_env "$T/files.env" restic --no-cache -q ls "$snap" | grep -c "^$T/files/data/sub/cookie$")" "1"
if run "$T/files.env" restore full 2>"$T/files-inplace.log"; then bad "files restore full in place did not refuse"
elif grep -q -- "--no-lock --no-cache restore $snap --target /restore --include $T/files/data" "$T/files-inplace.log" \
  && grep -q -- "docker stop <service container> && docker run .* -v <data volume>:/restore$T/files/data .* <backup image> " "$T/files-inplace.log"; then
  ok "files restore full refuses in place and names the one-off restore (placeholders: the drill's env has no BULWARK_RESTORE_* names)"
else bad "files restore full: $(tail -n 1 "$T/files-inplace.log")"; fi

# --- failure drills: each must fail loudly ------------------------------------------------------
failure() { # name expected-message-regex env overrides...
  local name="$1" re="$2"; shift 2
  local rep="$T/fail-$name.json" rc=0
  run "$T/my.env" drill "$@" --report "$rep" --markdown "$T/fail-$name.md" 2>"$T/fail-$name.log" || rc=$?
  if [ "$rc" = 0 ]; then bad "failure drill $name exited 0"; return; fi
  if [ "$(jq -r .success "$rep" 2>/dev/null)" != false ]; then bad "failure drill $name: report does not say success=false"; return; fi
  if grep -Eqi "$re" "$T/fail-$name.log"; then ok "failure drill $name: exit $rc, report success=false: $(grep -E "DRILL FAILED" "$T/fail-$name.log" | sed -E 's/^.*DRILL FAILED: //' | cut -c1-220)"
  else bad "failure drill $name: message does not match /$re/: $(tail -n 2 "$T/fail-$name.log")"; fi
  RESULT[failure.$name]="exit $rc"
}
failure wrong-password "wrong password" RESTIC_PASSWORD_FILE="$T/wrong.pw"
failure offsite-unreachable "off-site repository unreachable" BULWARK_OFFSITE_REPOSITORY="rest:http://bulwark:x@127.0.0.1:$(free_port)/"
cp -a "$T/repo" "$T/repo-corrupt"
# Flip bytes in every pack file (the data, not the index): restic's MACs must catch it on restore.
find "$T/repo-corrupt/data" -type f | while read -r f; do
  size="$(stat -c %s "$f")"; [ "$size" -gt 64 ] || continue
  chmod u+w "$f"; printf 'CORRUPTED-BY-THE-DRILL' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
done
failure corrupted "ciphertext verification failed|damaged|checksum mismatch|invalid data" RESTIC_REPOSITORY="$T/repo-corrupt"

# --- stop, summarise -----------------------------------------------------------------------------
harness_stop_servers

summary() {
  jq -n --arg my "${RESULT[mariadb.drill_report]:-}" --arg pg "${RESULT[postgresql.drill_report]:-}" \
    --argjson mylag "${RESULT[mariadb.capture_lag_ms]:-null}" --argjson pglag "${RESULT[postgresql.capture_lag_ms]:-null}" \
    --argjson myship "${RESULT[mariadb.ship_ms]:-null}" --argjson pgship "${RESULT[postgresql.ship_ms]:-null}" \
    --argjson mypitr "${RESULT[mariadb.pitr_rto_ms]:-null}" --argjson pgpitr "${RESULT[postgresql.pitr_rto_ms]:-null}" \
    --argjson fails "$fails" --arg f1 "${RESULT[failure.wrong-password]:-}" --arg f2 "${RESULT[failure.offsite-unreachable]:-}" --arg f3 "${RESULT[failure.corrupted]:-}" '
    {schema:"bulwark.drill-run/v1", passed:($fails == 0), failed_checks:$fails,
     engines:{
       mariadb:{capture_lag_ms:$mylag, ship_ms:$myship, pitr_restore_ms:$mypitr},
       postgresql:{capture_lag_ms:$pglag, ship_ms:$pgship, pitr_restore_ms:$pgpitr}},
     failure_drills:{"wrong-password":$f1, "offsite-unreachable":$f2, corrupted:$f3}}' > "$T/summary.json"
  local d; for d in mariadb postgresql; do
    if [ -n "${RESULT[$d.drill_report]:-}" ] && [ -f "${RESULT[$d.drill_report]}" ]; then
      jq --arg d "$d" --slurpfile r "${RESULT[$d.drill_report]}" '.engines[$d].drill = $r[0]' "$T/summary.json" > "$T/summary.tmp" && mv "$T/summary.tmp" "$T/summary.json"
    fi
  done
}
summary
say "measured:"
jq -r '.engines | to_entries[] | "  \(.key): capture lag \(.value.capture_lag_ms) ms, ship \(.value.ship_ms) ms, PITR restore \(.value.pitr_restore_ms) ms; drill RTO full \(.value.drill.datastores[0].rto_seconds // "-") s, pitr \(.value.drill.datastores[1].rto_seconds // "-") s; drill RPO \(.value.drill.datastores[1].rpo_seconds // "-") s (targets RPO \(.value.drill.datastores[1].rpo_target_seconds // "-") s, RTO \(.value.drill.datastores[1].rto_target_seconds // "-") s)"' "$T/summary.json" >&2
[ -z "$report" ] || cp "$T/summary.json" "$report"
if [ "$fails" -gt 0 ]; then say "$fails check(s) FAILED"; exit 1; fi
say "all checks passed"
