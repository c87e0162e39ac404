#!/bin/sh
# Stand-in for the official redis entrypoint (NOT the real script): `-*` arguments go to
# redis-server; as non-root there is nothing to drop. No modules are loaded (Debian has none).
set -e
case "$1" in -*) set -- redis-server "$@" ;; esac
exec "$@"
