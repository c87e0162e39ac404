#!/bin/bash
# Stand-in for docker-library/postgres docker-entrypoint.sh (NOT the real script): the same
# variables (POSTGRES_PASSWORD required, POSTGRES_USER, POSTGRES_DB, POSTGRES_INITDB_ARGS) and the
# same first-start order (initdb, scram for remote hosts, temporary socket-only server, CREATE
# DATABASE), then exec the command.
set -Eeo pipefail
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ "$(id -u)" = 0 ]; then echo "stand-in entrypoint: run it as postgres (999:999)" >&2; exit 1; fi
  : "${POSTGRES_PASSWORD:?stand-in entrypoint: POSTGRES_PASSWORD is required (as in the official image)}"
  POSTGRES_USER="${POSTGRES_USER:-postgres}"
  POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
  mkdir -p "$PGDATA" && chmod 0700 "$PGDATA"
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-} > /dev/null
  printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start > /dev/null
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password --dbname postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\"" > /dev/null
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
  echo "stand-in entrypoint: initialised $PGDATA"
fi
exec "$@"
