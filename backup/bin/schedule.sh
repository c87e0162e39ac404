#!/usr/bin/env bash
# bulwark-backup schedule: the container's long-running command. No cron daemon (none runs
# non-root on a read-only root): one loop keeps the intervals, with its state on the state volume so
# a restart neither skips nor repeats a run.
#   BULWARK_FULL_INTERVAL_SECONDS   (21600: every 6 hours)
#   BULWARK_SHIP_INTERVAL_SECONDS   (60)     binlog/WAL to the repository and off-site
#   BULWARK_FORGET_INTERVAL_SECONDS (86400)  retention
#   BULWARK_DRILL_INTERVAL_SECONDS  (2592000: every 30 days) restore drill; 0 disables it
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
full_every="${BULWARK_FULL_INTERVAL_SECONDS:-21600}"; ship_every="${BULWARK_SHIP_INTERVAL_SECONDS:-60}"
forget_every="${BULWARK_FORGET_INTERVAL_SECONDS:-86400}"; drill_every="${BULWARK_DRILL_INTERVAL_SECONDS:-2592000}"
capture_pid=""
trap 'if [ -n "$capture_pid" ]; then kill -TERM "$capture_pid" 2>/dev/null || true; fi; exit 0' TERM INT
"$BULWARK_BIN/init.sh" || log "repository init failed; retrying on the next round"
due() { [ $(( $(now) - $(state_get "sched_$1") )) -ge "$2" ]; }
mark() { state_set "sched_$1" "$(now)"; }
while :; do
  if [ "$PITR" = 1 ] && { [ -z "$capture_pid" ] || ! kill -0 "$capture_pid" 2>/dev/null; }; then
    "$BULWARK_BIN/capture.sh" & capture_pid=$!
  fi
  if due full "$full_every"; then mark full; "$BULWARK_BIN/full.sh" scheduled || log "full backup failed (see metrics)"; fi
  if [ "$PITR" = 1 ] && due ship "$ship_every"; then mark ship; "$BULWARK_BIN/ship.sh" || log "ship failed (see metrics)"; fi
  if due forget "$forget_every"; then mark forget; "$BULWARK_BIN/forget.sh" || log "retention failed"; fi
  if [ "$drill_every" != 0 ] && due drill "$drill_every"; then mark drill; "$BULWARK_BIN/drill.sh" || log "restore drill FAILED (see the report and metrics)"; fi
  sleep 5 & wait $! || true
done
