#!/usr/bin/env bash
# bulwark-backup capture: continuous change-log capture for point-in-time recovery (foreground;
# the scheduler runs it in the background and restarts it when it exits).
#   mariadb:    mariadb-binlog --read-from-remote-server --raw --stop-never: the server streams every
#               binlog event as it is written (needs REPLICATION SLAVE), so the spool trails the
#               primary by milliseconds, not by a binlog rotation;
#   postgresql: pg_receivewal --synchronous through a physical replication slot (the server keeps
#               WAL until it is received; needs a role with REPLICATION only).
# While the streamer runs, a heartbeat file records the last second it was known to be connected:
# shipping reads it, so a dead capture shows as a growing RPO instead of a silent gap.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
[ "$PITR" = 1 ] || die "capture needs BULWARK_PITR=1"
heartbeat="$SPOOL/capture.heartbeat"
child=""
stop() { if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi; exit 0; }
trap stop TERM INT

case "$ENGINE" in
  mariadb)
    dir="$SPOOL/binlog"; mkdir -p "$dir"
    cnf="$SPOOL/.capture.cnf"
    printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\n' "${BULWARK_DB_USER:?}" "$(db_password)" "${BULWARK_DB_HOST:?}" "${BULWARK_DB_PORT:-3306}" > "$cnf"
    # Resume from the newest file already spooled (it is re-fetched whole), else from the oldest the
    # server still has.
    first="$(find "$dir" -maxdepth 1 -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' -printf '%f\n' | sort | tail -n 1)"
    if [ -z "$first" ]; then
      first="$(mariadb --defaults-extra-file="$cnf" -N -B -e 'SHOW BINARY LOGS' | head -n 1 | cut -f1)"
    fi
    [ -n "$first" ] || die "the server lists no binary logs: log_bin is off (a PITR plan needs the profile's --log-bin)"
    log "streaming binlogs from $first into $dir"
    (cd "$dir" && exec mariadb-binlog --defaults-extra-file="$cnf" --read-from-remote-server --raw --stop-never \
        --stop-never-slave-server-id="${BULWARK_CAPTURE_SERVER_ID:-4294967000}" --result-file="$dir/" "$first") &
    child=$!
    ;;
  postgresql)
    dir="$SPOOL/wal"; mkdir -p "$dir"
    export PGPASSFILE="$SPOOL/.capture.pgpass"
    printf '%s:%s:*:%s:%s\n' "${BULWARK_DB_HOST:?}" "${BULWARK_DB_PORT:-5432}" "${BULWARK_DB_USER:?}" "$(db_password)" > "$PGPASSFILE"
    slot="${BULWARK_WAL_SLOT:-bulwark_backup}"
    conn=(-h "$BULWARK_DB_HOST" -p "${BULWARK_DB_PORT:-5432}" -U "$BULWARK_DB_USER" --no-password)
    checked "creating replication slot $slot" "$PG_BIN/pg_receivewal" "${conn[@]}" --slot "$slot" --create-slot --if-not-exists
    log "streaming WAL through slot $slot into $dir"
    "$PG_BIN/pg_receivewal" "${conn[@]}" -D "$dir" --slot "$slot" --synchronous --no-loop &
    child=$!
    ;;
  files) die "files have no change log; back them up with full backups" ;;
esac

while kill -0 "$child" 2>/dev/null; do
  now > "$heartbeat.tmp" && mv "$heartbeat.tmp" "$heartbeat"
  sleep "${BULWARK_HEARTBEAT_SECONDS:-2}" & wait $! || true
done
wait "$child"; rc=$?
die "the change-log streamer exited with status $rc (the scheduler restarts it; the RPO grows until it runs again)"
