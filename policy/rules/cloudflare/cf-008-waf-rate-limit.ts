import { defineStackRule } from "../../rule";
import { doc } from "../references";
import type { IndexedResource, RuleResult } from "../../types";
import { DNS_RECORD, RULESET, describeKey, idKey, isTunnelTarget, literalHost, recordType } from "./util";
import { RATE_LIMIT_PHASE, WAF_MANAGED_PHASE } from "../../../knowledge";

const MANAGED = WAF_MANAGED_PHASE;
const RATELIMIT = RATE_LIMIT_PHASE;

interface Zone {
  readonly key: string;
  /** First tunnel CNAME of the zone in stack order: the finding's address. */
  readonly record: IndexedResource;
  readonly hosts: string[];
}

/**
 * CF-008: a zone that serves tunnel hostnames (zone_id of any CNAME to `….cfargotunnel.com`)
 * should have an entrypoint `cloudflare_ruleset` (kind "zone") with at least one rule in phase
 * `http_request_firewall_managed` (managed WAF) and one in `http_ratelimit`.
 *
 * Zone ids are compared as keys (literal value, or the reference expression). Findings are
 * addressed to the zone's first tunnel CNAME record in stack order (a zone id is often a variable
 * with no resource to point at); one warning per missing phase. A ruleset whose `rules` is a
 * `${…}` expression counts; one with no rules does not (an empty entrypoint deploys nothing).
 */
export const cf008 = defineStackRule({
  id: "CF-008",
  severity: "warning",
  pack: "cloudflare-edge",
  title: "Zone without WAF or rate limiting",
  description: "A zone that serves tunnel hostnames has no entrypoint `cloudflare_ruleset` with rules in phase `http_request_firewall_managed` or in `http_ratelimit`; one warning per missing phase.",
  fix: "Add `cloudflare_ruleset` resources in phases `http_request_firewall_managed` and `http_ratelimit`.",
  references: [doc("Cloudflare documentation: WAF managed rules", "https://developers.cloudflare.com/waf/managed-rules/"), doc("Cloudflare documentation: Rate limiting rules", "https://developers.cloudflare.com/waf/rate-limiting-rules/")],
  check(index) {
    const zones = new Map<string, Zone>();
    for (const record of index.byType(DNS_RECORD)) {
      if (recordType(record.body) !== "CNAME" || !isTunnelTarget(record.body.content)) continue;
      const key = idKey(record.body.zone_id, index);
      if (key === null) continue;
      let zone = zones.get(key);
      if (!zone) zones.set(key, (zone = { key, record, hosts: [] }));
      const host = literalHost(record.body.name, index);
      if (host) zone.hosts.push(host);
    }
    if (zones.size === 0) return [];
    const phases = new Map<string, Set<string>>();
    for (const rs of index.byType(RULESET)) {
      const key = idKey(rs.body.zone_id, index);
      if (key === null) continue;
      const kind = index.resolveString(rs.body.kind);
      if (kind !== null && kind.trim().toLowerCase() !== "zone") continue;
      const phase = index.resolveString(rs.body.phase);
      if (phase === null || !hasRules(rs.body.rules)) continue;
      let set = phases.get(key);
      if (!set) phases.set(key, (set = new Set()));
      set.add(phase.trim().toLowerCase());
    }
    const out: RuleResult[] = [];
    for (const zone of zones.values()) {
      const have = phases.get(zone.key);
      const served = zone.hosts.length > 0 ? ` (serving ${zone.hosts.join(", ")})` : "";
      const name = describeKey(zone.key);
      if (!have?.has(MANAGED)) {
        out.push({
          address: zone.record.address,
          message: `Zone ${name}${served} routes traffic to a tunnel but has no cloudflare_ruleset in phase ${MANAGED}: the managed WAF does not filter requests before they reach the origin. Fix: add a cloudflare_ruleset with zone_id = ${name}, kind = "zone", phase = "${MANAGED}" executing the Cloudflare Managed Ruleset.`,
        });
      }
      if (!have?.has(RATELIMIT)) {
        out.push({
          address: zone.record.address,
          message: `Zone ${name}${served} routes traffic to a tunnel but has no cloudflare_ruleset in phase ${RATELIMIT}: nothing limits request floods or credential stuffing. Fix: add a cloudflare_ruleset with zone_id = ${name}, kind = "zone", phase = "${RATELIMIT}" with a rate-limiting rule.`,
        });
      }
    }
    return out;
  },
});

function hasRules(rules: unknown): boolean {
  if (typeof rules === "string") return rules.includes("${");
  if (Array.isArray(rules)) return rules.length > 0;
  return rules !== null && typeof rules === "object";
}
