#!/bin/bash
# Stand-in for mariadb-docker's healthcheck.sh (NOT the real script), for the two tests the profile
# uses: --connect (a TCP connection as the healthcheck user: the socket-only init server does not
# count) and --innodb_initialized (InnoDB is up).
set -eo pipefail
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -r "$cnf" ] || { echo "healthcheck.sh: $cnf missing (not initialised yet)" >&2; exit 1; }
q() { mariadb --defaults-extra-file="$cnf" --protocol=tcp -h 127.0.0.1 --skip-column-names -B -e "$1"; }
[ "$#" -gt 0 ] || set -- --connect
for arg in "$@"; do
  case "$arg" in
    --connect) q 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$(q "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] ;;
    *) echo "healthcheck.sh (stand-in): unsupported test $arg" >&2; exit 2 ;;
  esac
done
