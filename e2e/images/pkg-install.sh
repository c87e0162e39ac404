#!/bin/sh
# pkg-install.sh NAME=VERSION ...: install Debian packages at the pinned version; when the mirror no
# longer has that version (Debian replaces point-release and security versions in place), install the
# current candidate and say so with a WARN line. The installed versions are appended to
# /etc/bulwark-e2e-versions, which the build script prints.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
args=""; names=""
for spec in "$@"; do
  name=${spec%%=*}; want=""
  case "$spec" in *=*) want=${spec#*=} ;; esac
  names="$names $name"
  if [ -z "$want" ]; then
    args="$args $name"
  # apt-cache show NAME=VERSION exits 0 even when that version does not exist: ask madison.
  elif apt-cache madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -qxF "$want"; then
    args="$args $name=$want"
  else
    cand=$(apt-cache policy "$name" | awk '/Candidate:/ {print $2}')
    echo "WARN: $name $want is not on the mirror any more; installing the candidate $cand (update e2e/images/versions.env)" >&2
    echo "WARN $name pinned $want, installed candidate $cand" >> /etc/bulwark-e2e-versions
    args="$args $name"
  fi
done
# shellcheck disable=SC2086
apt-get install -y -qq $args >/dev/null
rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
# shellcheck disable=SC2086
dpkg-query -W -f '${Package} ${Version}\n' $names >> /etc/bulwark-e2e-versions
