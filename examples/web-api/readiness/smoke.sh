#!/bin/sh
# The web-api example's smoke test (drill web-api-smoke in drills.yaml): after `cdktf deploy`, the
# API answers its health endpoint through the Cloudflare Tunnel. Not run in this repository's
# tests (no Cloudflare here); a team runs it after each deploy and records the result for
# `bulwark readiness --drills`.
#   sh examples/web-api/readiness/smoke.sh [URL]   (default https://api.example.org/healthz)
set -eu
url="${1:-https://api.example.org/healthz}"
curl -fsS --max-time 10 -o /dev/null "$url"
echo "smoke: $url answered"
