#!/usr/bin/env bash
# Build the stand-in images (no registry): the debootstrap base (cached), then every service image
# in parallel. Docker's layer cache makes a rebuild without changes take seconds. Prints the Debian
# package versions each image holds (and WARN lines when a pin had to fall back to the candidate).
set -euo pipefail
cd "$(dirname "$0")"
. ./versions.env
DOCKER=/usr/bin/docker
STATE="${BULWARK_E2E_STATE:-/var/tmp/bulwark-e2e}"
mkdir -p "$STATE"
start=$(date +%s)
./base.sh

# tag | Dockerfile dir | extra build args
IMAGES=(
  "bulwark-e2e/mariadb:bookworm|mariadb|--build-arg MARIADB_VERSION=$MARIADB_VERSION"
  "bulwark-e2e/postgres:bookworm|postgres|--build-arg POSTGRESQL_VERSION=$POSTGRESQL_VERSION"
  "bulwark-e2e/redis:bookworm|redis|--build-arg REDIS_VERSION=$REDIS_VERSION"
  "bulwark-e2e/memcached:bookworm|memcached|--build-arg MEMCACHED_VERSION=$MEMCACHED_VERSION"
  "bulwark-e2e/rabbitmq:bookworm|rabbitmq|--build-arg RABBITMQ_VERSION=$RABBITMQ_VERSION"
  "bulwark-e2e/webapp:api-8000|webapp|--build-arg BUSYBOX_VERSION=$BUSYBOX_VERSION --build-arg WGET_VERSION=$WGET_VERSION --build-arg PORT=8000"
  "bulwark-e2e/webapp:bot-9000|webapp|--build-arg BUSYBOX_VERSION=$BUSYBOX_VERSION --build-arg WGET_VERSION=$WGET_VERSION --build-arg PORT=9000"
)

build_one() {
  local tag="${1%%|*}" rest="${1#*|}"
  local dir="${rest%%|*}" args="${rest#*|}"
  local log="$STATE/build-${tag//[\/:]/_}.log" t0
  t0=$(date +%s)
  # shellcheck disable=SC2086
  if "$DOCKER" build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" $args -f "$dir/Dockerfile" -t "$tag" . > "$log" 2>&1; then
    echo "image: $tag built in $(( $(date +%s) - t0 )) s"
  else
    echo "image: $tag FAILED (log $log):"; tail -n 30 "$log"; return 1
  fi
}

pids=(); fail=0
for spec in "${IMAGES[@]}"; do build_one "$spec" & pids+=("$!"); done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || { echo "image: some builds failed"; exit 1; }

for spec in "${IMAGES[@]}"; do
  tag="${spec%%|*}"
  # --network none: reading a file needs no network.
  "$DOCKER" run --rm --network none --entrypoint cat "$tag" /etc/bulwark-e2e-versions | sed "s|^|versions: $tag: |"
done
echo "images: ready in $(( $(date +%s) - start )) s"
