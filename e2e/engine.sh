#!/usr/bin/env bash
# Engine setup for the e2e tier: make sure a Docker engine answers on the default socket.
# - installs docker.io and debootstrap from Debian when missing (CI runs as root on a fresh machine);
# - reuses a running engine; otherwise starts dockerd in the background, logging to
#   $BULWARK_E2E_STATE/dockerd.log (default /var/tmp/bulwark-e2e), and waits for `docker info`.
# Idempotent: run it as often as you like.
#
# `e2e/engine.sh restart` stops the dockerd this script started (by its pid file) and starts it
# again: the harness uses it for the "healthy again after a dockerd restart" assertion.
set -euo pipefail

STATE="${BULWARK_E2E_STATE:-/var/tmp/bulwark-e2e}"
mkdir -p "$STATE"
LOG="$STATE/dockerd.log"
PIDFILE="$STATE/dockerd.pid"
# The Debian client matches the Debian engine (20.10); a newer client elsewhere on PATH also works,
# but the e2e records and uses this one.
DOCKER=/usr/bin/docker

log() { printf 'engine: %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then log "must run as root (installs packages, starts dockerd)"; exit 2; fi
}

install_packages() {
  local missing=()
  [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    need_root
    log "installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

engine_up() { "$DOCKER" info >/dev/null 2>&1; }

wait_engine() {
  local i
  for i in $(seq 1 120); do
    if engine_up; then return 0; fi
    if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then break; fi
    sleep 0.5
  done
  log "dockerd did not answer (exited or 60 s passed); last lines of $LOG:"
  tail -n 30 "$LOG" >&2 || true
  return 1
}

start_dockerd() {
  need_root
  log "starting dockerd (log: $LOG)"
  # setsid: the daemon outlives this script and is not in its process group.
  setsid /usr/sbin/dockerd >>"$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  wait_engine "$!"
}

stop_dockerd() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    # An engine this script did not start: dockerd's own pid file (never a search by name).
    pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  fi
  if [ -z "$pid" ]; then log "no dockerd to stop"; return 0; fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local i
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  log "dockerd $pid did not stop within 60 s"
  return 1
}

case "${1:-up}" in
  up)
    install_packages
    if engine_up; then
      log "reusing the running engine"
    else
      start_dockerd
    fi
    ;;
  restart)
    stop_dockerd
    start_dockerd
    ;;
  *)
    echo "usage: $0 [up|restart]" >&2
    exit 2
    ;;
esac
