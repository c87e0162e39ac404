#!/bin/bash
# Stand-in for mariadb-docker's docker-entrypoint.sh (NOT the real script): the same environment
# variables and the same first-start order (install db, temporary socket-only server, root password,
# database, user, healthcheck user and /var/lib/mysql/.my-healthcheck.cnf), then exec the command.
# Like the real one it only steps down from root with a chown; the e2e always runs it as 999.
set -eo pipefail
if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi
if [ "$(id -u)" = 0 ]; then echo "stand-in entrypoint: run it as the mysql user (999:999)" >&2; exit 1; fi

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
sql_escape() { sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/\\\\'/g" <<<"$1"; }

if [ ! -d "$DATADIR/mysql" ]; then
  : "${MARIADB_ROOT_PASSWORD:?stand-in entrypoint: MARIADB_ROOT_PASSWORD is required}"
  echo "stand-in entrypoint: initialising $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db \
    --default-time-zone=SYSTEM --skip-log-bin > /dev/null
  mariadbd --skip-networking --skip-log-bin --default-time-zone=SYSTEM --socket="$SOCKET" &
  pid=$!
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$SOCKET" -uroot ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "stand-in entrypoint: temporary server died" >&2; exit 1; }
    sleep 0.5
  done
  hc_password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  root_host="${MARIADB_ROOT_HOST:-%}"
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.global_priv WHERE user='' OR (user='root' AND host NOT IN ('localhost'));"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(sql_escape "$MARIADB_ROOT_PASSWORD")';"
    if [ "$root_host" != localhost ]; then
      echo "CREATE USER 'root'@'$(sql_escape "$root_host")' IDENTIFIED BY '$(sql_escape "$MARIADB_ROOT_PASSWORD")';"
      echo "GRANT ALL ON *.* TO 'root'@'$(sql_escape "$root_host")' WITH GRANT OPTION;"
    fi
    for h in 127.0.0.1 ::1 localhost; do
      echo "CREATE USER 'healthcheck'@'$h' IDENTIFIED BY '$hc_password';"
    done
    if [ -n "${MARIADB_DATABASE:-}" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"; fi
    if [ -n "${MARIADB_USER:-}" ]; then
      echo "CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "${MARIADB_PASSWORD:?}")';"
      [ -z "${MARIADB_DATABASE:-}" ] || echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket="$SOCKET" -uroot --binary-mode
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$SOCKET" "$hc_password" > "$DATADIR/.my-healthcheck.cnf"
  chmod 600 "$DATADIR/.my-healthcheck.cnf"
  mariadb-admin --socket="$SOCKET" -uroot -p"$MARIADB_ROOT_PASSWORD" shutdown
  wait "$pid" || true
  echo "stand-in entrypoint: initialised"
fi
exec "$@"
