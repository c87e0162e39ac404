#!/usr/bin/env bash
# bulwark-backup init: create the local (and off-site) restic repository when it does not exist.
# restic encrypts with AES-256 (CTR) and authenticates with Poly1305-AES; the key is derived from
# the password with scrypt. Repository format 2 (compressed).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
init_one() { # restic-function name
  if "$1" cat config >/dev/null 2>&1; then log "$2 repository exists"; return 0; fi
  checked "initialising the $2 repository" "$1" init --repository-version 2
  log "$2 repository initialised"
}
init_one rl local
if [ -n "${BULWARK_OFFSITE_REPOSITORY:-}" ]; then init_one ro off-site; fi
