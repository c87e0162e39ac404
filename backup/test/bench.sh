#!/usr/bin/env bash
# The backup bench (issue 13): backup and restore times, backup size and achieved RPO for a
# 1,000,000-row table on each engine, with the real backup scripts against real servers.
#
#   bash backup/test/bench.sh [--json FILE] [--rows N] [--ship-every S] [--window S]
#
# What runs for real, on this machine (the drill's machinery, backup/test/harness.sh): Debian's
# MariaDB 10.11 and PostgreSQL 15 in a temporary directory (loopback and unix sockets only, as a
# non-root user), restic with a local repository per engine, and an off-site repository served by
# `rclone serve restic` on loopback. Per engine:
#   1. load N rows (default 1,000,000) into one table (id, k, v; an index on k);
#   2. start the backup container's own scheduler, backup/bin/schedule.sh: continuous capture
#      (MariaDB: mariadb-binlog --read-from-remote-server --raw --stop-never; PostgreSQL:
#      pg_receivewal --synchronous through a slot) and shipping every --ship-every seconds. Its
#      full backups and retention are pushed out of the bench window, its drill is off: the bench
#      takes the full backup itself, to time it;
#   3. time backup/bin/full.sh (MariaDB: mariadb-dump --single-transaction --master-data=2;
#      PostgreSQL: pg_basebackup -Fp with a SHA-256 manifest; then restic backup and the off-site
#      copy, as in the container);
#   4. write N/20 more rows, update N/100 and delete N/1000 (still ~5 % change), fingerprint the
#      table (row count and a hash over every row) and record a target time;
#   5. keep writing (100 rows every ~0.1 s) for --window seconds while sampling, every second, the
#      age of the newest restorable point (the metric bulwark_backup_newest_restorable_timestamp_seconds
#      that ship.sh writes after each successful ship: the RPO if the backup host is lost now), and
#      every 5 s the capture lag (a write's time to reach the capture spool: the RPO if the database
#      server is lost while the backup host lives);
#   6. stop the writer and the scheduler, then time backup/bin/restore.sh pitr --to TARGET (full
#      backup + binlog/WAL replay into a scratch server) and restore.sh verify --no-logs (the full
#      backup alone), and check each restored table's fingerprint (and, MariaDB, CHECKSUM TABLE)
#      against the live one recorded at the full backup and at the target.
# Prints one line per engine with every figure against its target (each restore < 120 s, RPO < 60 s);
# --json FILE writes them (schema bulwark.backup-bench/v1). Every figure is measured in this run.
#
# The live MariaDB gets --innodb-buffer-pool-size=512M (the drill's 128M would make the bench measure
# page eviction during the load); the scratch servers of the restores use restore.sh's own settings.
# Not covered here: the backup image under Docker (the scripts run on the host, as in the drill; the
# e2e tier builds and runs the image: e2e/backup.ts);
# a real off-site S3 endpoint (rclone's REST server on loopback, no TLS); restores while the live
# server is under load (the writer and scheduler are stopped first: a restore after a loss).
# The RPO achieved for a lost backup host is bounded by the ship interval (plus the scheduler's 5 s
# round and the ship's own time): the plan's default shipEvery is 60 s, so the RPO < 60 s target
# needs shipEvery <= ~45 s; this bench ships every 30 s by default (--ship-every).
#
# Runtime on the 2-core build machine: about 5 min with the defaults (6 min with --ship-every 60).
# Exit 0: every check passed and every target met. 1: a check failed or a target was missed.
# 2: usage, or a server binary is missing (the message names the Debian package).
# Cleanup (always, also on failure or Ctrl-C): every process the bench started, by recorded pid and
# by its own session's process group, and the temporary directory.
set -euo pipefail
export TZ=UTC LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(cd "$HERE/../bin" && pwd)"
# shellcheck source=harness.sh
. "$HERE/harness.sh"

json=""; ROWS=1000000; SHIP=30; WINDOW=""; inner=""
usage() { sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --json) [ $# -ge 2 ] || usage; json="$(realpath -m "$2")"; shift 2 ;;
    --rows) [ $# -ge 2 ] || usage; ROWS="$2"; shift 2 ;;
    --ship-every) [ $# -ge 2 ] || usage; SHIP="$2"; shift 2 ;;
    --window) [ $# -ge 2 ] || usage; WINDOW="$2"; shift 2 ;;
    --inner) inner="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; usage ;;
  esac
done
for v in "$ROWS" "$SHIP" "${WINDOW:-0}"; do [[ "$v" =~ ^[0-9]+$ ]] || { echo "bench.sh: $v is not a whole number" >&2; exit 2; }; done
[ "$ROWS" -ge 1000 ] || { echo "bench.sh: --rows must be at least 1000" >&2; exit 2; }
[ "$SHIP" -ge 5 ] || { echo "bench.sh: --ship-every must be at least 5 s" >&2; exit 2; }
# Two ship rounds and a margin: the sampled ages see at least one full cycle.
[ -n "$WINDOW" ] || WINDOW=$(( 2 * SHIP + 10 ))
RESTORE_TARGET=120; RPO_TARGET=60

if [ -z "$inner" ]; then
  mapfile -t missing < <(harness_missing)
  if [ "${#missing[@]}" -gt 0 ]; then
    pkgs="$(printf '%s\n' "${missing[@]}" | cut -d' ' -f2 | sort -u | tr '\n' ' ')"
    echo "backup bench: MISSING $(printf '%s\n' "${missing[@]}" | sed -E 's/^([^ ]+) (.*)$/\1 (Debian package \2)/' | paste -sd, - | sed 's/,/, /g')" >&2
    echo "backup bench: install them with: apt-get install ${pkgs% }" >&2
    exit 2
  fi
  harness_outer bench
  harness_exec_inner bash "$0" --rows "$ROWS" --ship-every "$SHIP" --window "$WINDOW" --inner "$T"
  if [ -n "$json" ]; then
    if [ -f "$T/bench.json" ]; then cp "$T/bench.json" "$json"; echo "backup bench: figures written to $json" >&2
    else echo "backup bench: no figures to write to $json (the bench did not get that far)" >&2; fi
  fi
  exit "$HARNESS_RC"
fi

# ----------------------------------------------------------------------------------------------
# inner: runs as a non-root user inside $T
harness_inner bench "$inner"
set -E
trap 'say "ERROR: line $LINENO: $BASH_COMMAND failed (status $?)"' ERR
T0="$(ms)"
harness_start_servers --innodb-buffer-pool-size=512M
harness_users
harness_env db mariadb "$T/repo-mariadb" > "$T/my.env"
harness_env pg postgresql "$T/repo-postgresql" > "$T/pg.env"
say "$(harness_versions); $(nproc) CPU(s); $ROWS rows per engine, shipping every $SHIP s, RPO sampled for $WINDOW s"

# --- per engine: load, fingerprint, write, capture position ----------------------------------------
# MariaDB (Sequence engine tables seq_A_to_B generate the rows server-side).
my_load() {
  MY -e "CREATE TABLE app.bench (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(64) NOT NULL, KEY k (k)) ENGINE=InnoDB"
  local a=1 b
  while [ "$a" -le "$1" ]; do b=$(( a + 99999 )); [ "$b" -le "$1" ] || b="$1"; my_write "$a" "$b"; a=$(( b + 1 )); done
}
my_write() { MY -e "INSERT INTO app.bench SELECT seq, seq MOD 1000, SHA1(seq) FROM app.seq_$1_to_$2"; }
my_change() { MY -e "UPDATE app.bench SET k = k + 1, v = SHA1(CONCAT('u', id)) WHERE id BETWEEN 1 AND $1; DELETE FROM app.bench WHERE id BETWEEN $2 AND $3"; }
MY_FP="SELECT CONCAT(COUNT(*), ' ', COALESCE(SUM(CRC32(CONCAT_WS(':', id, k, v))), 0)) FROM app.bench"
my_fp() { MY -e "$MY_FP"; }
my_checksum() { MY -e "CHECKSUM TABLE app.bench" | cut -f2; }
# The binlog position after every write so far; reached when the spooled copy is at least that long.
my_mark() { MY -e "SHOW MASTER STATUS" | cut -f1,2; }
my_arrived() { local f p; read -r f p <<< "$1"; [ -f "$T/state/spool/db/binlog/$f" ] && [ "$(stat -c %s "$T/state/spool/db/binlog/$f")" -ge "$p" ]; }
# PostgreSQL
pg_load() { PG -c "CREATE TABLE bench (id int PRIMARY KEY, k int NOT NULL, v text NOT NULL); CREATE INDEX bench_k ON bench (k)"; pg_write 1 "$1"; }
pg_write() { PG -c "INSERT INTO bench SELECT g, g % 1000, md5(g::text) FROM generate_series($1, $2) g"; }
pg_change() { PG -c "UPDATE bench SET k = k + 1, v = md5('u' || id) WHERE id BETWEEN 1 AND $1; DELETE FROM bench WHERE id BETWEEN $2 AND $3"; }
PG_FP="SELECT count(*) || ' ' || coalesce(md5(string_agg(id || ':' || k || ':' || v, ',' ORDER BY id)), '') FROM bench"
pg_fp() { PG -c "$PG_FP"; }
pg_checksum() { echo "-"; }
# The WAL position after every write so far; reached when pg_receivewal reports it flushed.
pg_mark() { PG -c "SELECT pg_current_wal_lsn()"; }
pg_arrived() { [ "$(PG -c "SELECT coalesce(bool_and(flush_lsn >= '$1'::pg_lsn), false) FROM pg_stat_replication WHERE application_name = 'pg_receivewal'")" = t ]; }

metric() { # file name: the value of a metric in a textfile
  { sed -nE "s/^$2\{[^}]*\} ([0-9.]+)$/\1/p" "$1" 2>/dev/null || true; } | tail -n 1
}
secs() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }

# The writer: keeps committing while the RPO is sampled (ids from 2N+1, after everything else).
writer() { # engine-prefix first-id run-file
  local p="$1" i="$2"
  while [ -e "$3" ]; do "${p}_write" "$i" $(( i + 99 )) || return 1; i=$(( i + 100 )); sleep 0.1; done
}

bench_engine() { # engine service env-file prefix
  local e="$1" svc="$2" envf="$3" p="$4" t
  local spool="$T/state/spool/$svc" prom_full="$T/state/metrics/bulwark_backup_full_$svc.prom" prom_log="$T/state/metrics/bulwark_backup_log_$svc.prom"
  say "$e: loading $ROWS rows"
  t="$(ms)"; "${p}_load" "$ROWS"; local load_ms=$(( $(ms) - t ))
  local fp_full ck_full; fp_full="$("${p}_fp")"; ck_full="$("${p}_checksum")"
  ok "$e: $ROWS rows loaded in $(secs "$load_ms") s (fingerprint $fp_full)"

  run "$envf" init 2>"$T/$e-init.log" || { bad "$e: repository init: $(tail -n 2 "$T/$e-init.log")"; return 0; }
  # The container's scheduler, as the BackupPlan configures it, except: full backups and retention
  # pushed out of the window (the bench times its own full backup) and no scheduled drill.
  bg "schedule-$e" with_env "$envf" BULWARK_SHIP_INTERVAL_SECONDS="$SHIP" BULWARK_FULL_INTERVAL_SECONDS=999999999999 \
    BULWARK_FORGET_INTERVAL_SECONDS=999999999999 BULWARK_DRILL_INTERVAL_SECONDS=0 "$BIN/schedule.sh" 2>"$T/$e-schedule.log"
  local _
  for _ in $(seq 1 300); do [ -s "$spool/capture.heartbeat" ] && break; sleep 0.1; done
  [ -s "$spool/capture.heartbeat" ] || { bad "$e: the capture did not start: $(tail -n 3 "$T/$e-schedule.log")"; return 0; }

  say "$e: full backup"
  t="$(ms)"
  if ! run "$envf" full >/dev/null 2>"$T/$e-full.log"; then bad "$e: full backup: $(tail -n 2 "$T/$e-full.log")"; return 0; fi
  local backup_ms=$(( $(ms) - t ))
  local raw_bytes; raw_bytes="$(metric "$prom_full" bulwark_backup_size_bytes)"
  local full_id; full_id="$(with_env "$envf" restic --no-cache -q snapshots --json --tag "service=$svc,kind=full" | jq -r 'last.short_id')"
  local repo_full_bytes; repo_full_bytes="$(with_env "$envf" restic --no-cache -q stats --json --mode raw-data "$full_id" | jq -r .total_size)"
  ok "$e: full backup in $(secs "$backup_ms") s: $raw_bytes bytes, $repo_full_bytes bytes in the repository (snapshot $full_id)"

  # Changes after the full backup, then the target.
  local n2=$(( ROWS + ROWS / 20 ))
  "${p}_write" $(( ROWS + 1 )) "$n2"
  "${p}_change" $(( ROWS / 100 )) $(( ROWS / 2 + 1 )) $(( ROWS / 2 + ROWS / 1000 ))
  local fp_pitr ck_pitr; fp_pitr="$("${p}_fp")"; ck_pitr="$("${p}_checksum")"
  sleep 1.2; local target; target="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; sleep 1.2
  ok "$e: target $target (fingerprint $fp_pitr)"

  # Writes continue; sample the RPO.
  say "$e: writing for $WINDOW s while sampling the RPO (ships every $SHIP s)"
  : > "$T/$e-writer.run"
  writer "$p" $(( 2 * ROWS + 1 )) "$T/$e-writer.run" 2>"$T/$e-writer.log" & echo $! > "$T/pids/writer-$e"
  local end=$(( $(date +%s) + WINDOW )) now newest age rpo_max=0 rpo_sum=0 rpo_n=0 lag_max=0 lag_sum=0 lag_n=0 lag_lost=0 tick=0 mark t1 arrived
  while [ "$(date +%s)" -lt "$end" ]; do
    now="$(date +%s)"; newest="$(metric "$prom_log" bulwark_backup_newest_restorable_timestamp_seconds)"
    if [ -n "$newest" ] && [ "$newest" -gt 0 ]; then
      age=$(( now - newest )); rpo_n=$(( rpo_n + 1 )); rpo_sum=$(( rpo_sum + age )); [ "$age" -le "$rpo_max" ] || rpo_max="$age"
    fi
    if [ $(( tick % 5 )) = 0 ]; then
      mark="$("${p}_mark")"; t1="$(ms)"; arrived=0
      for _ in $(seq 1 1000); do if "${p}_arrived" "$mark"; then arrived=1; break; fi; sleep 0.01; done
      if [ "$arrived" = 1 ]; then
        local lag=$(( $(ms) - t1 )); lag_n=$(( lag_n + 1 )); lag_sum=$(( lag_sum + lag )); [ "$lag" -le "$lag_max" ] || lag_max="$lag"
      else lag_lost=$(( lag_lost + 1 )); fi
    fi
    tick=$(( tick + 1 )); sleep 1
  done
  rm -f "$T/$e-writer.run"; wait "$(cat "$T/pids/writer-$e")" || bad "$e: the writer failed: $(tail -n 2 "$T/$e-writer.log")"
  rm -f "$T/pids/writer-$e"   # exited: its pid must not be signalled by the cleanup
  [ "$rpo_n" -gt 0 ] || bad "$e: no restorable point was ever published (did ship.sh run? $(tail -n 2 "$T/$e-schedule.log"))"
  [ "$lag_lost" = 0 ] || bad "$e: $lag_lost write(s) did not reach the capture within 10 s"
  local ships; ships="$(with_env "$envf" restic --no-cache -q snapshots --json --tag "service=$svc,kind=log" | jq length)"
  ok "$e: RPO (age of the newest restorable point) max $rpo_max s over $rpo_n samples, $ships ship(s); capture lag max $lag_max ms over $lag_n samples"

  # Stop the scheduler (its trap stops the capture) before restoring: a restore after a loss.
  kill -TERM "$(cat "$T/pids/schedule-$e")" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$(cat "$T/pids/schedule-$e")" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$(cat "$T/pids/schedule-$e")" 2>/dev/null; then bad "$e: the scheduler did not stop within 60 s"; else rm -f "$T/pids/schedule-$e"; fi

  say "$e: PITR restore to $target"
  local q; if [ "$p" = my ]; then q="$MY_FP"; else q="$PG_FP"; fi
  local pitr_ms="" full_ms="" vp=false vf=false
  t="$(ms)"
  if run "$envf" restore pitr --to "$target" --query "$q" --json "$T/$e-pitr.json" 2>"$T/$e-pitr.log"; then
    pitr_ms=$(( $(ms) - t ))
    local got; got="$(jq -r '.smoke[-1].output' "$T/$e-pitr.json")"
    if [ "$got" = "$fp_pitr" ]; then vp=true; ok "$e: PITR restore in $(secs "$pitr_ms") s holds the table as at $target ($got)"
    else bad "$e: PITR restore: expected [$fp_pitr], got [$got]"; fi
    if [ "$p" = my ]; then expect_eq "$e: PITR CHECKSUM TABLE" "$(jq -r '.tables["`app`.`bench`"].checksum' "$T/$e-pitr.json")" "$ck_pitr"; fi
  else bad "$e: PITR restore failed: $(tail -n 2 "$T/$e-pitr.log")"; fi

  say "$e: full restore (the full backup alone)"
  t="$(ms)"
  if run "$envf" restore verify --no-logs --query "$q" --json "$T/$e-full.json" 2>"$T/$e-fullr.log"; then
    full_ms=$(( $(ms) - t ))
    local got; got="$(jq -r '.smoke[-1].output' "$T/$e-full.json")"
    if [ "$got" = "$fp_full" ]; then vf=true; ok "$e: full restore in $(secs "$full_ms") s holds the $ROWS rows backed up ($got)"
    else bad "$e: full restore: expected [$fp_full], got [$got]"; fi
    if [ "$p" = my ]; then expect_eq "$e: full CHECKSUM TABLE" "$(jq -r '.tables["`app`.`bench`"].checksum' "$T/$e-full.json")" "$ck_full"; fi
  else bad "$e: full restore failed: $(tail -n 2 "$T/$e-fullr.log")"; fi

  local repo_total; repo_total="$(du -sb "$T/repo-$e" | cut -f1)"
  jq -n --arg e "$e" --argjson rows "$ROWS" --argjson rows_pitr "${fp_pitr%% *}" --argjson load "$load_ms" --argjson backup "$backup_ms" \
    --argjson raw "${raw_bytes:-null}" --argjson repo_full "${repo_full_bytes:-null}" --argjson repo_total "$repo_total" \
    --argjson pitr "${pitr_ms:-null}" --argjson full "${full_ms:-null}" --argjson vp "$vp" --argjson vf "$vf" --arg target "$target" \
    --argjson rpo_max "$rpo_max" --argjson rpo_n "$rpo_n" --argjson rpo_sum "$rpo_sum" --argjson ships "$ships" \
    --argjson lag_max "$lag_max" --argjson lag_n "$lag_n" --argjson lag_sum "$lag_sum" --argjson ship_every "$SHIP" \
    --argjson rt "$RESTORE_TARGET" --argjson rpot "$RPO_TARGET" '
    {engine:$e, rows:$rows, rows_at_target:$rows_pitr, load_seconds:($load/1000), backup_seconds:($backup/1000),
     backup_bytes:$raw, backup_bytes_in_repository:$repo_full, repository_bytes_total:$repo_total,
     pitr_target:$target, pitr_restore_seconds:(if $pitr == null then null else $pitr/1000 end), pitr_verified:$vp,
     full_restore_seconds:(if $full == null then null else $full/1000 end), full_verified:$vf,
     rpo_seconds:(if $rpo_n > 0 then $rpo_max else null end), rpo_seconds_mean:(if $rpo_n > 0 then ($rpo_sum / $rpo_n * 10 | round / 10) else null end),
     rpo_samples:$rpo_n, ship_every_seconds:$ship_every, ships:$ships,
     capture_lag_ms:(if $lag_n > 0 then $lag_max else null end), capture_lag_ms_mean:(if $lag_n > 0 then ($lag_sum / $lag_n | round) else null end), capture_lag_samples:$lag_n,
     targets:{restore_seconds:$rt, rpo_seconds:$rpot}}
    | . + {within_targets: (.pitr_verified and .full_verified and .pitr_restore_seconds != null and .pitr_restore_seconds < $rt
                            and .full_restore_seconds != null and .full_restore_seconds < $rt and .rpo_seconds != null and .rpo_seconds < $rpot)}' > "$T/result-$e.json"
}

bench_engine mariadb db "$T/my.env" my
bench_engine postgresql pg "$T/pg.env" pg
harness_stop_servers

# --- report --------------------------------------------------------------------------------------
results=()
for e in mariadb postgresql; do [ -f "$T/result-$e.json" ] && results+=("$T/result-$e.json"); done
[ "${#results[@]}" -gt 0 ] || { say "no engine got as far as a result"; exit 1; }
jq -n --argjson fails "$fails" --arg host "$(uname -srm)" --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
  --argjson cpus "$(nproc)" --arg versions "$(harness_versions 2>/dev/null || true)" --argjson wall "$(( $(ms) - T0 ))" \
  --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --slurpfile r <(cat "${results[@]}") '
  {schema:"bulwark.backup-bench/v1", at:$at, machine:{kernel:$host, cpu:$cpu, cpus:$cpus}, wall_seconds:($wall/1000),
   failed_checks:$fails, engines:$r, passed:($fails == 0 and ($r | length) == 2 and ($r | all(.within_targets)))}' > "$T/bench.json"

fmt() { jq -r '
  def n(x; d): if x == null then "-" else (x * d | round / d | tostring) end;
  def mb(x): if x == null then "-" else ((x / 1048576 * 10 | round / 10) | tostring) end;
  def mark(x; t): if x == null then "FAIL" elif x < t then "ok" else "MISSED" end;
  (["engine","rows","backup s","backup MB (dump/in repo)","repo MB","PITR restore s","full restore s","RPO s","capture lag ms","verified","targets"] | @tsv),
  (.engines[] | [.engine, (.rows|tostring), n(.backup_seconds; 10), "\(mb(.backup_bytes)) / \(mb(.backup_bytes_in_repository))", mb(.repository_bytes_total),
     "\(n(.pitr_restore_seconds; 10)) \(mark(.pitr_restore_seconds; .targets.restore_seconds))",
     "\(n(.full_restore_seconds; 10)) \(mark(.full_restore_seconds; .targets.restore_seconds))",
     "\(n(.rpo_seconds; 1)) \(mark(.rpo_seconds; .targets.rpo_seconds))", n(.capture_lag_ms; 1),
     (if .pitr_verified and .full_verified then "pitr+full" else "NO" end), (if .within_targets then "met" else "MISSED" end)] | @tsv)
  ' "$T/bench.json" | column -t -s $'\t'; }
echo
echo "backup bench ($(nproc) CPUs; targets: each restore < $RESTORE_TARGET s, RPO < $RPO_TARGET s; shipping every $SHIP s):"
fmt
jq -r '"wall time \(.wall_seconds) s; RPO = max age of the newest restorable point in the repository, sampled every second while writes continued (a lost backup host); capture lag = a write'"'"'s time to reach the capture spool (a lost database server)"' "$T/bench.json"
if [ "$(jq -r .passed "$T/bench.json")" = true ]; then say "all checks passed, every target met"; exit 0; fi
say "$fails check(s) failed; targets: $(jq -r '[.engines[] | "\(.engine) \(if .within_targets then "met" else "MISSED" end)"] | join(", ")' "$T/bench.json")"
exit 1
