#!/usr/bin/env bash
# bulwark-backup ship: put the spooled binlog/WAL into the local repository (restic deduplicates:
# a growing file costs only its new chunks), then the off-site copy. Run every minute or so: the
# interval bounds the RPO of a lost backup host; the capture itself trails the server by less.
# The snapshot's `at` tag is the newest point it can restore to: the ship time, bounded by the
# capture's heartbeat (a capture that died an hour ago makes an hour-old restorable point).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
[ "$PITR" = 1 ] || die "ship needs BULWARK_PITR=1"
case "$ENGINE" in mariadb) dir="$SPOOL/binlog" ;; postgresql) dir="$SPOOL/wal" ;; *) die "no change log for $ENGINE" ;; esac
[ -d "$dir" ] || die "nothing captured yet in $dir: is the capture running?"
fail_metrics() {
  write_metrics "backup_log" \
    "bulwark_backup_last_success_timestamp_seconds{service=\"$SERVICE\",kind=\"log\"} $(state_get log_last_success)" \
    "bulwark_backup_last_run_success{service=\"$SERVICE\",kind=\"log\"} 0" \
    "bulwark_backup_newest_restorable_timestamp_seconds{service=\"$SERVICE\"} $(state_get log_restorable)"
}
trap 'if [ "$?" != 0 ]; then fail_metrics; fi' EXIT

started="$(now)"
beat="$(cat "$SPOOL/capture.heartbeat" 2>/dev/null || echo 0)"
restorable=$(( beat < started ? beat : started ))
[ "$restorable" -gt 0 ] || die "the capture never reported a heartbeat: it is not running"
cp "$SPOOL/capture.heartbeat" "$dir/.heartbeat" 2>/dev/null || true
checked "restic backup of $dir" rl backup --host bulwark-backup --tag "service=$SERVICE,kind=log,engine=$ENGINE,at=$restorable" "$dir"
size="$(du -sb "$dir" | cut -f1)"
state_set log_last_success "$(now)"; state_set log_restorable "$restorable"
offsite_rc=0
( offsite_copy ) || offsite_rc=$?
write_metrics "backup_log" \
  "bulwark_backup_last_success_timestamp_seconds{service=\"$SERVICE\",kind=\"log\"} $(state_get log_last_success)" \
  "bulwark_backup_last_run_success{service=\"$SERVICE\",kind=\"log\"} 1" \
  "bulwark_backup_size_bytes{service=\"$SERVICE\",kind=\"log\"} $size" \
  "bulwark_backup_newest_restorable_timestamp_seconds{service=\"$SERVICE\"} $restorable" \
  "bulwark_backup_offsite_last_success_timestamp_seconds{service=\"$SERVICE\"} $(state_get offsite_last_success)"
trap - EXIT
exit "$offsite_rc"
