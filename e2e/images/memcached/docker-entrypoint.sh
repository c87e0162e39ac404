#!/bin/sh
# Same logic as docker-library/memcached's entrypoint.
set -e
case "$1" in -*) set -- memcached "$@" ;; esac
exec "$@"
