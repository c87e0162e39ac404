#!/bin/sh
# pkg-install.sh NAME=VERSION ...: install Debian packages at the pinned version; when the mirror no
# longer has it, install the candidate and say so (WARN). Installed versions go to
# /etc/bulwark-backup-versions.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
args=""; names=""
for spec in "$@"; do
  name=${spec%%=*}; want=""
  case "$spec" in *=*) want=${spec#*=} ;; esac
  names="$names $name"
  # apt-cache show NAME=VERSION exits 0 even when that version does not exist: ask madison.
  if [ -n "$want" ] && ! apt-cache madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -qxF "$want"; then
    echo "WARN: $name $want is not on the mirror; installing the candidate (update backup/image/versions.env)" >&2
    args="$args $name"
  else
    args="$args $spec"
  fi
done
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $args >/dev/null
rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
# shellcheck disable=SC2086
dpkg-query -W -f '${Package} ${Version}\n' $names >> /etc/bulwark-backup-versions
