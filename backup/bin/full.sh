#!/usr/bin/env bash
# bulwark-backup full: one consistent full backup into the local repository, then the off-site copy.
#   mariadb:    mariadb-dump --single-transaction (no locks on InnoDB), binlog coordinates recorded
#               (--master-data=2 in the dump, file/position in meta.json) so PITR starts exactly there;
#   postgresql: PITR on: pg_basebackup (plain format, with backup_manifest for pg_verifybackup);
#               PITR off: pg_dumpall (a logical dump, restorable into any newer server);
#   files:      the read-only mounted directory as it is.
# Every run ends in metrics: success or failure, never silence.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
tag="${1:-scheduled}"

started="$(now)"
work="$SPOOL/full"
rm -rf "$work"; mkdir -p "$work"

fail_metrics() {
  write_metrics "backup_full" \
    "bulwark_backup_last_success_timestamp_seconds{service=\"$SERVICE\",kind=\"full\"} $(state_get full_last_success)" \
    "bulwark_backup_last_run_success{service=\"$SERVICE\",kind=\"full\"} 0" \
    "bulwark_backup_size_bytes{service=\"$SERVICE\",kind=\"full\"} $(state_get full_size)"
}
trap 'if [ "$?" != 0 ]; then fail_metrics; fi' EXIT

case "$ENGINE" in
  mariadb)
    cnf="$work/.client.cnf"
    printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\n' "${BULWARK_DB_USER:?}" "$(db_password)" "${BULWARK_DB_HOST:?}" "${BULWARK_DB_PORT:-3306}" > "$cnf"
    if [ -n "${BULWARK_DATABASES:-}" ]; then
      read -r -a dbs <<< "$BULWARK_DATABASES"
    else
      mapfile -t dbs < <(mariadb --defaults-extra-file="$cnf" -N -B -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('mysql','information_schema','performance_schema','sys') ORDER BY 1")
    fi
    [ "${#dbs[@]}" -gt 0 ] || die "no database to dump on ${BULWARK_DB_HOST}"
    # --single-transaction: one consistent InnoDB snapshot without blocking writers;
    # --master-data=2: the binlog coordinates of that snapshot, as a comment (PITR starts there);
    # --flush-logs: start a fresh binlog at the snapshot, so replay begins at a file boundary.
    checked "mariadb-dump of ${dbs[*]}" \
      mariadb-dump --defaults-extra-file="$cnf" --single-transaction --master-data=2 --flush-logs \
        --routines --events --triggers --hex-blob --databases "${dbs[@]}" --result-file="$work/dump.sql"
    rm -f "$cnf"
    coords="$(head -n 40 "$work/dump.sql" | sed -nE "s/^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=([0-9]+);.*/\1 \2/p")"
    [ -n "$coords" ] || die "the dump records no binlog coordinates: is log_bin on? (the profile sets --log-bin; a PITR plan needs it)"
    read -r binlog_file binlog_pos <<< "$coords"
    tail -n 1 "$work/dump.sql" | grep -q '^-- Dump completed' || die "the dump is incomplete (no 'Dump completed' trailer)"
    sha="$(sha256sum "$work/dump.sql" | cut -d' ' -f1)"
    jq -n --arg s "$SERVICE" --argjson at "$started" --arg f "$binlog_file" --argjson p "$binlog_pos" --arg sha "$sha" \
      --arg dbs "${dbs[*]}" '{service:$s, engine:"mariadb", format:"mariadb-dump", consistent_at:$at, binlog:{file:$f, position:$p}, databases:($dbs|split(" ")), sha256:{"dump.sql":$sha}}' > "$work/meta.json"
    ;;
  postgresql)
    export PGPASSFILE="$work/.pgpass"
    printf '%s:%s:*:%s:%s\n' "${BULWARK_DB_HOST:?}" "${BULWARK_DB_PORT:-5432}" "${BULWARK_DB_USER:?}" "$(db_password)" > "$PGPASSFILE"
    if [ "$PITR" = 1 ]; then
      # Plain format with a manifest: pg_verifybackup checks every file after a restore. -X fetch
      # puts the WAL written during the backup into it, so it restores on its own; the WAL after it
      # comes from the continuous pg_receivewal capture.
      checked "pg_basebackup" "$PG_BIN/pg_basebackup" -h "$BULWARK_DB_HOST" -p "${BULWARK_DB_PORT:-5432}" -U "$BULWARK_DB_USER" \
        -D "$work/base" -Fp -X fetch --checkpoint=fast --manifest-checksums=SHA256 --no-password
      start_lsn="$(sed -nE 's/^START WAL LOCATION: ([0-9A-F/]+) \(file ([0-9A-F]+)\)$/\1 \2/p' "$work/base/backup_label")"
      read -r lsn walfile <<< "$start_lsn"
      jq -n --arg s "$SERVICE" --argjson at "$started" --arg lsn "$lsn" --arg w "$walfile" \
        '{service:$s, engine:"postgresql", format:"pg_basebackup", consistent_at:$at, wal:{start_lsn:$lsn, start_file:$w}}' > "$work/meta.json"
    else
      checked "pg_dumpall" "$PG_BIN/pg_dumpall" -h "$BULWARK_DB_HOST" -p "${BULWARK_DB_PORT:-5432}" -U "$BULWARK_DB_USER" --no-password \
        --no-role-passwords -f "$work/dump.sql"
      sha="$(sha256sum "$work/dump.sql" | cut -d' ' -f1)"
      jq -n --arg s "$SERVICE" --argjson at "$started" --arg sha "$sha" \
        '{service:$s, engine:"postgresql", format:"pg_dumpall", consistent_at:$at, sha256:{"dump.sql":$sha}}' > "$work/meta.json"
    fi
    rm -f "$PGPASSFILE"
    ;;
  files)
    src="${BULWARK_FILES_PATH:?set BULWARK_FILES_PATH to the mounted directory}"
    [ -d "$src" ] || die "$src is not a directory"
    jq -n --arg s "$SERVICE" --argjson at "$started" --arg p "$src" '{service:$s, engine:"files", format:"files", consistent_at:$at, path:$p}' > "$work/meta.json"
    ;;
esac

size="$(du -sb "$work" | cut -f1)"
paths=("$work")
[ "$ENGINE" = files ] && paths+=("$BULWARK_FILES_PATH")
checked "restic backup to $(redact "$RESTIC_REPOSITORY")" \
  rl backup --host bulwark-backup --tag "service=$SERVICE,kind=full,engine=$ENGINE,at=$started,reason=$tag" "${paths[@]}"
state_set full_last_success "$(now)"
state_set full_size "$size"
state_set full_last_at "$started"
rm -rf "$work"
log "full backup done: $size bytes, consistent at $(iso "$started")"
offsite_rc=0
( offsite_copy ) || offsite_rc=$?
write_metrics "backup_full" \
  "bulwark_backup_last_success_timestamp_seconds{service=\"$SERVICE\",kind=\"full\"} $(state_get full_last_success)" \
  "bulwark_backup_last_run_success{service=\"$SERVICE\",kind=\"full\"} 1" \
  "bulwark_backup_size_bytes{service=\"$SERVICE\",kind=\"full\"} $size" \
  "bulwark_backup_offsite_last_success_timestamp_seconds{service=\"$SERVICE\"} $(state_get offsite_last_success)"
trap - EXIT
exit "$offsite_rc"
