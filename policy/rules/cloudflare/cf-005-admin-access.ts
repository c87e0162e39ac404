import { defineStackRule } from "../../rule";
import { nist800190, doc } from "../references";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import {
  DNS_RECORD, TUNNEL_CONFIG, blocks, coveringApps, hostKey, isAdminHost, literalHost, matchesAllHosts, recordType, tunnelConfigView,
} from "./util";

// Record types that put a hostname on the web; TXT/MX/… names serve no admin interface.
const WEB_RECORD_TYPES = new Set(["A", "AAAA", "CNAME"]);

/**
 * CF-005: an admin-like hostname (first label exactly one of ADMIN_HOST_LABELS) must be behind a
 * Cloudflare Access application: `domain`, `self_hosted_domains` or a public `destinations` URI
 * equal to the host, or `*.<parent domain>`.
 *
 * Hostnames come from tunnel ingress rules (finding on the config) and from A/AAAA/CNAME records
 * (finding on the record) — a record is not reported again when a tunnel ingress serves the same
 * hostname. Access domains are compared by host part; an application limited to a path
 * (`staff.example.org/admin`) leaves the rest of the host open and yields a warning, not an error.
 * A hostname not known before apply is judged by its expression as written: a literal first label
 * (`grafana.${var.domain}`) is still admin-like, and an Access domain written as the same expression
 * (or `*.${var.domain}`) covers it; a hostname whose first label is itself unknown is skipped.
 */
export const cf005 = defineStackRule({
  id: "CF-005",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Admin hostname without Access",
  description: "An admin-like hostname (first label admin, staff, grafana, …) served by a tunnel or a DNS record is not covered by a Cloudflare Access application (a warning when only a path is).",
  fix: "Protect the hostname with a Cloudflare Access application.",
  references: [doc("Cloudflare documentation: Add a self-hosted application to Access", "https://developers.cloudflare.com/cloudflare-one/applications/configure-apps/self-hosted-public-app/"), nist800190("4.3.1", "Unbounded administrative access")],
  check(index) {
    const out: RuleResult[] = [];
    const servedByTunnel = new Set<string>();
    for (const config of index.byType(TUNNEL_CONFIG)) {
      const seen = new Set<string>();
      for (const rule of tunnelConfigView(config).ingress ?? []) {
        if (matchesAllHosts(rule.body.hostname)) continue;
        const host = hostKey(rule.body.hostname, index)?.toLowerCase();
        if (!host || seen.has(host)) continue;
        seen.add(host);
        servedByTunnel.add(host);
        const r = judge(host, config, `tunnel config ${config.address} (ingress[${rule.position}])`, index);
        if (r) out.push(r);
      }
    }
    for (const record of index.byType(DNS_RECORD)) {
      const type = recordType(record.body);
      if (type !== null && !WEB_RECORD_TYPES.has(type)) continue;
      const host = qualifiedRecordName(record, index);
      if (!host || servedByTunnel.has(host)) continue;
      const r = judge(host, record, `DNS record ${record.address}`, index);
      if (r) out.push(r);
    }
    return out;
  },
});

function judge(host: string, res: IndexedResource, where: string, index: StackIndex): RuleResult | null {
  if (!isAdminHost(host)) return null;
  const covering = coveringApps(host, index);
  if (covering.some((c) => !c.pathOnly)) return null;
  if (covering.length > 0) {
    const domains = covering.map((c) => `${c.domain} (${c.app.address})`).join(", ");
    return {
      address: res.address,
      severity: "warning",
      message: `Admin-like hostname "${host}" in ${where} is protected by Access only on ${domains}; every other path of the host is open. Fix: add "${host}" (whole host) to an Access application's self_hosted_domains or destinations.`,
    };
  }
  return {
    address: res.address,
    message: `Admin-like hostname "${host}" in ${where} has no Cloudflare Access application covering it: the admin interface is open to the internet. Fix: add a cloudflare_zero_trust_access_application with destinations = [{ type = "public", uri = "${host}" }] and an allow policy for named identities.`,
  };
}

/** The record's full hostname, lower-case: a short name is qualified with its in-stack zone's name when known. */
function qualifiedRecordName(record: IndexedResource, index: StackIndex): string | null {
  const name = hostKey(record.body.name, index)?.toLowerCase().replace(/\.$/, "");
  if (!name) return null;
  if (name.includes(".") || name.includes("${")) return name;
  const zone = zoneName(record.body.zone_id, index);
  if (zone === null) return name;
  return name === "@" ? zone : `${name}.${zone}`;
}

function zoneName(zoneId: unknown, index: StackIndex): string | null {
  const refs = index.referencesIn(zoneId);
  if (refs.length !== 1) return null;
  const zone = index.byAddress(refs[0].address);
  if (!zone || zone.type !== "cloudflare_zone") return null;
  const direct = literalHost(zone.body.name, index);
  if (direct) return direct.toLowerCase();
  const filtered = blocks(zone.body.filter)[0];
  return filtered ? literalHost(filtered.name, index)?.toLowerCase() ?? null : null;
}
