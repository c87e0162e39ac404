#!/usr/bin/env bash
# bulwark-backup forget: apply retention to this service's snapshots, then prune.
#   BULWARK_KEEP_WITHIN (default 30d): every snapshot of the last 30 days is kept (6-hourly fulls
#   and every binlog/WAL ship, so PITR reaches any second of them); BULWARK_KEEP_DAILY (30) and
#   BULWARK_KEEP_MONTHLY (12) beyond that.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
keep=(--keep-within "${BULWARK_KEEP_WITHIN:-30d}" --keep-daily "${BULWARK_KEEP_DAILY:-30}" --keep-monthly "${BULWARK_KEEP_MONTHLY:-12}")
for kind in full log; do
  checked "forget ($kind)" rl forget --tag "service=$SERVICE,kind=$kind" --group-by host "${keep[@]}"
done
checked "prune" rl prune
if [ -n "${BULWARK_OFFSITE_REPOSITORY:-}" ]; then
  for kind in full log; do checked "off-site forget ($kind)" ro forget --tag "service=$SERVICE,kind=$kind" --group-by host "${keep[@]}" --prune; done
fi
