#!/usr/bin/env bash
# The e2e tier, end to end: engine setup, stand-in images, synth, harness.
#   bash e2e/run.sh [harness options, e.g. --keep or --no-daemon-restart]
# Needs root (installs docker.io/debootstrap when missing, starts dockerd). Prints one line per
# container and check and ends with `N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
export TF_CLI_CONFIG_FILE="${TF_CLI_CONFIG_FILE:-/dev/null}"
[ -e "$TF_CLI_CONFIG_FILE" ] || export TF_CLI_CONFIG_FILE=/dev/null
export NO_COLOR=1
STATE="${BULWARK_E2E_STATE:-/var/tmp/bulwark-e2e}"
export BULWARK_E2E_STATE="$STATE"
mkdir -p "$STATE"

t0=$(date +%s)
step() { echo "e2e: $1 ($(( $(date +%s) - t0 )) s)"; }

bash e2e/engine.sh up
step "engine ready"
bash e2e/images/build.sh
step "images ready"

# A private output directory: the shared cdktf.out/ of the working tree is left alone.
out="$STATE/synth"
rm -rf "$out"
# Exit 1 is the policy gate (npm test and the synth step judge that); the JSON is written anyway.
synth_rc=0
CDKTF_OUTDIR="$out" npm run --silent synth > "$STATE/synth.log" 2>&1 || synth_rc=$?
if [ "$synth_rc" = 1 ] && [ -f "$out/stacks/koha/cdk.tf.json" ] && [ -f "$out/stacks/single-server/cdk.tf.json" ]; then
  echo "e2e: note: the synth policy gate reported errors (log $STATE/synth.log); the e2e runs on the JSON anyway"
elif [ "$synth_rc" != 0 ]; then
  tail -n 40 "$STATE/synth.log"
  echo "FAIL synth: npm run synth failed (log $STATE/synth.log)"
  echo "0 passed, 1 failed"
  exit 1
fi
grep -E '^[0-9]+ errors?,' "$STATE/synth.log" | sed 's/^/e2e: synth gate: /' || true
step "synthesized into $out"

set +e
node --require tsx/cjs e2e/run.ts --outdir "$out" "$@"
rc=$?
set -e
step "done"
exit "$rc"
