#!/usr/bin/env bash
# Base image for the stand-ins: a Debian bookworm root filesystem from `debootstrap --variant=minbase`,
# imported with `docker import` (no registry is reachable here). Cached: skipped when the image exists
# (BULWARK_E2E_REBUILD_BASE=1 forces a rebuild).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=versions.env
. ./versions.env
DOCKER=/usr/bin/docker
IMAGE="$BASE_IMAGE"

if [ "${BULWARK_E2E_REBUILD_BASE:-0}" != 1 ] && "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base: $IMAGE cached"
  exit 0
fi

# The mirror the host's apt uses (deb822 or one-line sources), so a machine with a local mirror uses it.
mirror="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
if [ -z "$mirror" ]; then
  mirror="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
fi
mirror="${BULWARK_E2E_MIRROR:-${mirror:-http://deb.debian.org/debian}}"
security="${mirror%/debian}/debian-security"
[ "${mirror%/debian}" != "$mirror" ] || security="http://deb.debian.org/debian-security"

work="$(mktemp -d /var/tmp/bulwark-e2e-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "base: debootstrap --variant=minbase $SUITE from $mirror"
start=$(date +%s)
debootstrap --variant=minbase --merged-usr "$SUITE" "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || {
  tail -n 40 "$work/debootstrap.log" >&2; exit 1; }

root="$work/rootfs"
cat > "$root/etc/apt/sources.list" <<SRC
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
SRC
# Docker-style image conventions: no service starts during package installs, no recommends, no
# caches or docs kept.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
cat > "$root/etc/apt/apt.conf.d/90bulwark-e2e" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
APT
cat > "$root/etc/dpkg/dpkg.cfg.d/90bulwark-e2e" <<'DPKG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/dev/* "$root"/proc/* "$root"/sys/*
echo "$SUITE minbase from $mirror, $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$root/etc/bulwark-e2e-base"

tar -C "$root" --numeric-owner -c . | "$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --change 'LABEL bulwark.e2e.image=base' \
  - "$IMAGE" >/dev/null
echo "base: $IMAGE imported in $(( $(date +%s) - start )) s"
