#!/usr/bin/env bash
# bulwark-backup drill: a restore test that proves the backups restore, on a schedule (monthly by
# default) and on demand. Restores the newest full backup and, with PITR, the full backup plus every
# shipped binlog/WAL (or up to --pitr-target TIME) into scratch servers inside this container; checks
# recorded checksums, row counts and smoke queries; checks the off-site copy holds the same backup;
# then writes a report (JSON and markdown) and Prometheus textfile metrics. Any failure gives a
# failed drill with the reason and a non-zero exit: never a silent success.
#   drill.sh [--report FILE] [--markdown FILE] [--pitr-target TIME] [--query SQL]...
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
ensure_dirs
report="$REPORT_DIR/drill-$SERVICE.json"; md="$REPORT_DIR/drill-$SERVICE.md"; pitr_target=""; qargs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --report) report="$2"; shift 2 ;;
    --markdown) md="$2"; shift 2 ;;
    --pitr-target) pitr_target="$2"; shift 2 ;;
    --query) qargs+=(--query "$2"); shift 2 ;;
    *) echo "drill.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
started="$(now)"
results=()
run_restore() { # name, restore.sh args...
  local out="$SCRATCH_ROOT/.drill-$1.json"; shift
  rm -f "$out"
  if "$BULWARK_BIN/restore.sh" "$@" --json "$out" "${qargs[@]}"; then :; fi
  [ -s "$out" ] || jq -n --arg s "$SERVICE" --arg e "$ENGINE" '{service:$s, engine:$e, verified:false, error:"restore.sh wrote no result"}' > "$out"
  results+=("$out")
}
# The newest full backup alone; with PITR also the full backup plus binlog/WAL replay, up to
# --pitr-target or (default) to the newest shipped point.
run_restore full verify --no-logs
if [ "$PITR" = 1 ]; then
  if [ -n "$pitr_target" ]; then run_restore pitr pitr --to "$pitr_target"; else run_restore pitr verify; fi
fi

# The off-site copy must hold the full backup the drill restored (3-2-1 is only real if it does).
offsite='null'
if [ -n "${BULWARK_OFFSITE_REPOSITORY:-}" ]; then
  fat="$(jq -r '.full_consistent_at // 0' "${results[0]}")"
  if err="$(ro snapshots --json --tag "service=$SERVICE,kind=full,at=$fat" 2>&1 >"$SCRATCH_ROOT/.offsite.json")"; then
    n="$(jq 'length' "$SCRATCH_ROOT/.offsite.json")"
    if [ "$n" -gt 0 ]; then offsite="$(jq -n --arg r "$(redact "$BULWARK_OFFSITE_REPOSITORY")" '{repository:$r, verified:true, error:null}')"
    else offsite="$(jq -n --arg r "$(redact "$BULWARK_OFFSITE_REPOSITORY")" '{repository:$r, verified:false, error:"the off-site repository has no copy of the restored full backup"}')"; fi
  else
    offsite="$(jq -n --arg r "$(redact "$BULWARK_OFFSITE_REPOSITORY")" --arg e "$(printf '%s' "$err" | tail -n 2 | tr '\n' ' ')" '{repository:$r, verified:false, error:("off-site repository unreachable or unreadable: " + $e)}')"
  fi
  rm -f "$SCRATCH_ROOT/.offsite.json"
fi

finished="$(now)"
jq -n --argjson started "$started" --argjson finished "$finished" --argjson rpo "$RPO_TARGET" --argjson rto "$RTO_TARGET" \
  --argjson offsite "$offsite" --arg s "$SERVICE" --arg e "$ENGINE" --slurpfile r <(cat "${results[@]}") '
  ($r | to_entries | map(.value + {kind: (if .key == 0 then "full" else "pitr" end), restored: .value.kind})
     | map(. + {rto_seconds: .restore_seconds, rpo_seconds: (if (.newest_restorable_at // 0) > 0 then ($started - .newest_restorable_at) else null end)})
     | map(. + {rpo_target_seconds:$rpo, rto_target_seconds:$rto,
                deviation: {rpo_seconds: (if .rpo_seconds == null then null else .rpo_seconds - $rpo end), rto_seconds: ((.rto_seconds // 0) - $rto)},
                within_targets: (.verified and .rpo_seconds != null and .rpo_seconds <= $rpo and (.rto_seconds // 1e9) <= $rto)})) as $ds
  | {schema:"bulwark.restore-drill/v1", service:$s, engine:$e, started_at:($started|todate), finished_at:($finished|todate),
     offsite:$offsite, datastores:$ds,
     success: (($ds | all(.verified)) and ($offsite == null or $offsite.verified))}' > "$report.tmp"
mv "$report.tmp" "$report"
rm -f "${results[@]}"

success="$(jq -r .success "$report")"
[ "$success" != true ] || state_set drill_last_success "$finished"
lines=(
  "bulwark_restore_drill_last_run_timestamp_seconds{service=\"$SERVICE\"} $finished"
  "bulwark_restore_drill_last_success_timestamp_seconds{service=\"$SERVICE\"} $(state_get drill_last_success)"
)
while IFS=$'\t' read -r kind ok rto rpo within; do
  lines+=("bulwark_restore_drill_success{service=\"$SERVICE\",kind=\"$kind\"} $ok")
  lines+=("bulwark_restore_drill_rto_seconds{service=\"$SERVICE\",kind=\"$kind\"} $rto")
  [ "$rpo" = null ] || lines+=("bulwark_restore_drill_rpo_seconds{service=\"$SERVICE\",kind=\"$kind\"} $rpo")
  lines+=("bulwark_restore_drill_within_targets{service=\"$SERVICE\",kind=\"$kind\"} $within")
done < <(jq -r '.datastores[] | [.kind, (if .verified then 1 else 0 end), (.rto_seconds // 0), (.rpo_seconds // "null"), (if .within_targets then 1 else 0 end)] | @tsv' "$report")
write_metrics "restore_drill" "${lines[@]}"

jq -r '
  "# Restore drill: \(.service) (\(.engine))", "",
  "\(.started_at) to \(.finished_at): **\(if .success then "PASSED" else "FAILED" end)**", "",
  "| kind | restored | target | verified | RTO s (target) | RPO s (target) | within targets | error |",
  "|---|---|---|---|---|---|---|---|",
  (.datastores[] | "| \(.kind) | \(.restored // "-") | \(.target_time // "newest") | \(.verified) | \(.rto_seconds // "-") (\(.rto_target_seconds)) | \(.rpo_seconds // "-") (\(.rpo_target_seconds)) | \(.within_targets) | \(.error // "") |"),
  "", "Off-site copy: \(if .offsite == null then "none configured" elif .offsite.verified then "holds the restored backup (\(.offsite.repository))" else "FAILED: \(.offsite.error)" end)", "",
  (.datastores[] | "## \(.kind)", "", "Checksums:", ((.checksums // {}) | to_entries[] | "- \(.key): \(.value)"), "", "Tables:", ((.tables // {}) | to_entries[] | "- \(.key): \(.value.rows) rows"), "")
' "$report" > "$md"
if [ "$success" = true ]; then log "drill passed: report $report"; exit 0; fi
log "DRILL FAILED: $(jq -r '[.datastores[] | select(.verified | not) | "\(.kind): \(.error)"] + (if .offsite != null and (.offsite.verified | not) then ["off-site: \(.offsite.error)"] else [] end) | join("; ")' "$report")"
exit 1
