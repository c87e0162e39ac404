# shellcheck shell=bash
# Shared by backup/test/drill.sh (`npm run drill`) and backup/test/bench.sh (the backup bench): real
# Debian MariaDB and PostgreSQL servers, a local restic repository and an off-site one served by
# `rclone serve restic`, all in one temporary directory, on loopback and unix sockets only, run as a
# non-root user (nobody when started as root: the servers refuse root, and the backup container is
# never root).
#
# Outer half (the invoking user):
#   harness_missing            print "tool package" for every missing binary (nothing when complete)
#   harness_outer NAME         create $T, install the cleanup trap (EXIT, INT, TERM, HUP)
#   harness_exec_inner CMD...  run CMD in a session of its own (as nobody when root); status in $HARNESS_RC
# The cleanup stops, by the pids recorded under $T/pids and by the inner session's process group
# (never by name), everything the inner half started, then removes $T: also on failure or Ctrl-C.
#
# Inner half (non-root, inside $T):
#   harness_inner NAME T       cd, HOME, helpers (say ok bad expect_eq free_port ms bg with_env run MY PG)
#   harness_start_servers [mariadbd args...]   MariaDB (the profile's binlog options), PostgreSQL, rclone
#   harness_users              least-privilege backup users, a restore user, database `app` on both
#   harness_env SERVICE ENGINE REPO > FILE     the environment the BackupPlan construct gives the container

harness_pgbin() { find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1; }

# Each binary the scripts call, with the Debian package that ships it.
harness_missing() {
  local t pgb
  pgb="$(harness_pgbin)"
  for t in mariadbd:mariadb-server mariadb-install-db:mariadb-server mariadb:mariadb-client mariadb-dump:mariadb-client \
           mariadb-binlog:mariadb-client restic:restic rclone:rclone jq:jq; do
    command -v "${t%%:*}" >/dev/null 2>&1 || echo "${t%%:*} ${t#*:}"
  done
  for t in initdb:postgresql postgres:postgresql pg_ctl:postgresql pg_basebackup:postgresql-client pg_receivewal:postgresql-client \
           pg_verifybackup:postgresql-client psql:postgresql-client; do
    [ -x "${pgb:-/nonexistent}/${t%%:*}" ] || echo "${t%%:*} ${t#*:}"
  done
}

harness_cleanup() {
  local pid pgid
  [ -n "${T:-}" ] && [ -d "$T" ] || return 0
  # Only what the inner half started: the pids it recorded, then its own process group.
  # shellcheck disable=SC2013 # one pid per file
  for pid in $(cat "$T"/pids/* 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  pgid="$(cat "$T/pgid" 2>/dev/null || true)"
  if [ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  sleep 0.5
  # shellcheck disable=SC2013
  for pid in $(cat "$T"/pids/* 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
  rm -rf "$T"
}

harness_outer() {
  T="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-$1.XXXXXX")"
  chmod 755 "$T"
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  mkdir -p "$T/pids"
}

harness_exec_inner() {
  # shellcheck disable=SC2034 # read by the caller
  HARNESS_RC=0
  local pid
  if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$T"
    setsid -w setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env env PATH="$PATH" CI="${CI:-}" TMPDIR="$T" "$@" &
  else
    TMPDIR="$T" setsid -w "$@" &
  fi
  pid=$!
  # shellcheck disable=SC2034
  wait "$pid" || HARNESS_RC=$?
}

# ----------------------------------------------------------------------------------------------
harness_inner() {
  HARNESS_NAME="$1"; T="$2"; cd "$T" || exit 1
  PGB="$(harness_pgbin)"
  HOME="$T"; export HOME
  ps -o pgid= -p $$ | tr -d ' ' > "$T/pgid"
  fails=0
}
say() { printf '%s: %s\n' "$HARNESS_NAME" "$*" >&2; }
ok() { say "ok   $*"; }
bad() { say "FAIL $*"; fails=$((fails + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1 ($2)"; else bad "$1: expected [$3], got [$2]"; fi; }
free_port() { local p; while :; do p=$(( 20000 + RANDOM % 30000 )); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
ms() { date +%s%3N; }
bg() { local name="$1"; shift; "$@" & echo $! > "$T/pids/$name"; }
with_env() { local f="$1" vars; shift; mapfile -t vars < "$f"; env "${vars[@]}" "$@"; }
# Run a bulwark-backup command with a service's environment (and extra VAR=value overrides).
run() { local envf="$1" cmd="$2"; shift 2; local extra=(); while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != --* ]]; do extra+=("$1"); shift; done
  with_env "$envf" "${extra[@]}" "$BIN/$cmd.sh" "$@"; }
MY() { mariadb --no-defaults -S "$T/my.sock" -uroot -N -B "$@"; }
PG() { "$PGB/psql" -X -q -h "$T" -p "$PG_PORT" -U postgres -d app -tA -v ON_ERROR_STOP=1 "$@"; }

# Extra arguments go to mariadbd (after the profile's options).
# shellcheck disable=SC2120 # the drill passes none, the bench some
harness_start_servers() {
  MY_PORT="$(free_port)"; PG_PORT="$(free_port)"; RC_PORT="$(free_port)"
  mariadb-install-db --no-defaults --datadir="$T/my" --auth-root-authentication-method=normal --skip-test-db >"$T/my-install.log" 2>&1
  # The profile's binlog options (constructs/profiles/mariadb.ts mariadbBinlogArgs).
  bg mariadbd mariadbd --no-defaults --datadir="$T/my" --socket="$T/my.sock" --port="$MY_PORT" --bind-address=127.0.0.1 \
    --log-bin=mariadb-bin --server-id=1 --binlog-expire-logs-seconds=604800 --binlog-format=ROW --sync-binlog=1 \
    --pid-file="$T/my.pid" --log-error="$T/my.err" --innodb-buffer-pool-size=128M "$@"
  "$PGB/initdb" -D "$T/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$T/pg-init.log" 2>&1
  echo "host replication bulwark_backup 127.0.0.1/32 scram-sha-256" >> "$T/pg/pg_hba.conf"
  "$PGB/pg_ctl" -D "$T/pg" -l "$T/pg.log" -w -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$T" start >/dev/null
  head -n 1 "$T/pg/postmaster.pid" > "$T/pids/postgres"
  mkdir -p "$T/offsite"
  RC_PASS="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  bg rclone rclone serve restic --addr "127.0.0.1:$RC_PORT" --user bulwark --pass "$RC_PASS" "$T/offsite" --log-file "$T/rclone.log"
  local _
  for _ in $(seq 1 100); do MY -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$RC_PORT") 2>/dev/null && break; sleep 0.1; done
  MY -e 'SELECT 1' >/dev/null || { say "MariaDB did not start: $(tail -n 3 "$T/my.err")"; return 1; }
}

# Least-privilege backup users: what a dump, binlog streaming, a base backup and WAL streaming need.
harness_users() {
  MY -e "CREATE USER bulwark_backup@'127.0.0.1' IDENTIFIED BY 'my-backup-pw';
    GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT, RELOAD, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO bulwark_backup@'127.0.0.1';
    CREATE USER restorer@'127.0.0.1' IDENTIFIED BY 'restore-pw'; GRANT ALL ON *.* TO restorer@'127.0.0.1';
    CREATE DATABASE app;"
  "$PGB/psql" -X -q -h "$T" -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE app"
  PG -c "CREATE ROLE bulwark_backup LOGIN REPLICATION PASSWORD 'pg-backup-pw'; GRANT pg_read_all_data TO bulwark_backup;"
  printf 'correct horse battery staple %s\n' "$RC_PASS" > "$T/restic.pw"
  printf 'my-backup-pw' > "$T/my.pw"; printf 'pg-backup-pw' > "$T/pg.pw"; printf 'restore-pw' > "$T/restore.pw"; printf 'not the password\n' > "$T/wrong.pw"
}

harness_env() { # service engine repository
  printf '%s\n' "BULWARK_SERVICE=$1" "BULWARK_ENGINE=$2" "BULWARK_PITR=1" "BULWARK_STATE_DIR=$T/state" \
    "RESTIC_REPOSITORY=$3" "RESTIC_PASSWORD_FILE=$T/restic.pw" \
    "BULWARK_OFFSITE_REPOSITORY=rest:http://bulwark:$RC_PASS@127.0.0.1:$RC_PORT/" \
    "BULWARK_RPO_TARGET_SECONDS=3600" "BULWARK_RTO_TARGET_SECONDS=14400" "BULWARK_DB_HOST=127.0.0.1" "BULWARK_DB_USER=bulwark_backup"
  case "$2" in
    mariadb) printf '%s\n' "BULWARK_DB_PORT=$MY_PORT" "BULWARK_DB_PASSWORD_FILE=$T/my.pw" \
      "BULWARK_RESTORE_USER=restorer" "BULWARK_RESTORE_PASSWORD_FILE=$T/restore.pw" ;;
    postgresql) printf '%s\n' "BULWARK_DB_PORT=$PG_PORT" "BULWARK_DB_PASSWORD_FILE=$T/pg.pw" "BULWARK_PG_DATABASE=app" ;;
  esac
}

harness_versions() {
  printf 'MariaDB %s on 127.0.0.1:%s, PostgreSQL %s on 127.0.0.1:%s, restic %s, off-site rclone serve restic on 127.0.0.1:%s' \
    "$(MY -e 'SELECT VERSION()')" "$MY_PORT" "$("$PGB/postgres" --version | awk '{print $3}')" "$PG_PORT" "$(restic version | awk '{print $2}')" "$RC_PORT"
}

# Stop the servers the inner half started (the outer cleanup kills whatever is left).
harness_stop_servers() {
  local f
  for f in "$T"/pids/capture-* "$T"/pids/schedule-*; do if [ -e "$f" ]; then kill -TERM "$(cat "$f")" 2>/dev/null || true; fi; done
  "$PGB/pg_ctl" -D "$T/pg" -m fast -w stop >/dev/null 2>&1 || true
  kill -TERM "$(cat "$T/my.pid" 2>/dev/null)" 2>/dev/null || true
  kill -TERM "$(cat "$T/pids/rclone" 2>/dev/null)" 2>/dev/null || true
}
