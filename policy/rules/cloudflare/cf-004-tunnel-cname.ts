import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import {
  DNS_RECORD, TUNNEL_CONFIG, cnameTunnelKey, describeKey, isTrue, isTunnelTarget, matchesAllHosts, recordType, show, tunnelConfigView, tunnelKey,
} from "./util";

/**
 * CF-004: a tunnel config creates no DNS. Every ingress hostname needs a proxied CNAME whose
 * `name` is exactly that hostname string (v5 drifts on short names, provider #5498) and whose
 * content is `<tunnel id>.cfargotunnel.com` for the config's own tunnel.
 *
 * Tunnel ids are compared as keys: a literal UUID literally (case-insensitive), a reference by its
 * expression (`${cloudflare_zero_trust_tunnel_cloudflared.x.id}` on both sides).
 * A hostname that is an unresolvable reference is matched against record names by expression
 * text. When no record uses the same expression but a CNAME is named after its literal first
 * label (`http_app` for `http_app.${var.zone}`), that record is named relative to the zone: an
 * error, since provider v5 stores the full name and drifts on every plan (provider #5498).
 * Otherwise it cannot be judged before apply (a module variable, an unknown for_each) and is
 * reported as info: nothing known is wrong.
 */
export const cf004 = defineResourceRule({
  id: "CF-004",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Tunnel hostname without proxied CNAME",
  description: "An ingress hostname has no proxied CNAME named exactly that hostname with content `<tunnel id>.cfargotunnel.com` of the config's own tunnel.",
  fix: "Add a proxied CNAME named the full hostname to `<tunnel id>.cfargotunnel.com`.",
  references: [doc("Cloudflare documentation: Route a tunnel through DNS", "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/routing-to-tunnel/dns/"), doc("cloudflare/terraform-provider-cloudflare issue #5498", "https://github.com/cloudflare/terraform-provider-cloudflare/issues/5498")],
  types: [TUNNEL_CONFIG],
  check(res, index) {
    const { ingress } = tunnelConfigView(res);
    if (!ingress || ingress.length === 0) return [];
    const tunnel = tunnelKey(res.body.tunnel_id, index);
    const byName = recordsByName(index);
    const out: RuleResult[] = [];
    const seen = new Set<string>();
    for (const rule of ingress) {
      const raw = rule.body.hostname;
      if (typeof raw !== "string" || matchesAllHosts(raw)) continue;
      const resolved = index.resolveString(raw);
      const hostname = resolved ?? raw;
      if (seen.has(hostname)) continue;
      seen.add(hostname);
      const named = byName.get(hostname) ?? [];
      if (named.some((r) => isTunnelCname(r, tunnel, index))) continue;
      if (resolved === null && named.length === 0) {
        const relative = relativeCname(raw, index);
        if (relative) {
          out.push({
            address: res.address,
            message: `Tunnel config ${res.address}: ingress[${rule.position}] hostname ${show(raw)} has only CNAME ${relative.record.address} named "${relative.label}", relative to the zone: provider v5 stores the full name, so the record drifts on every plan. Fix: set name = ${show(raw)} on ${relative.record.address} (the same expression as the ingress hostname), type = "CNAME", proxied = true, content = "${describeKey(tunnel)}.cfargotunnel.com".`,
          });
          continue;
        }
        out.push({
          severity: "info",
          address: res.address,
          message: `Tunnel config ${res.address}: ingress[${rule.position}] hostname ${show(raw)} is not known until apply and no cloudflare_dns_record uses the same expression as its name, so its CNAME cannot be checked. Fix: name the proxied CNAME with the same expression, content "${describeKey(tunnel)}.cfargotunnel.com".`,
        });
        continue;
      }
      out.push({
        address: res.address,
        message: `Tunnel config ${res.address}: ingress hostname "${hostname}" ${diagnose(hostname, named, tunnel, index)} Fix: add a cloudflare_dns_record with type = "CNAME", proxied = true, name = "${hostname}", content = "${describeKey(tunnel)}.cfargotunnel.com".`,
      });
    }
    return out;
  },
});

const nameCache = new WeakMap<StackIndex, ReadonlyMap<string, readonly IndexedResource[]>>();

/** DNS records by name (resolved, else the expression text as written), built once per stack. */
function recordsByName(index: StackIndex): ReadonlyMap<string, readonly IndexedResource[]> {
  const cached = nameCache.get(index);
  if (cached) return cached;
  const map = new Map<string, IndexedResource[]>();
  for (const r of index.byType(DNS_RECORD)) {
    const name = recordName(r, index);
    if (name === null) continue;
    let list = map.get(name);
    if (!list) map.set(name, (list = []));
    list.push(r);
  }
  nameCache.set(index, map);
  return map;
}

function recordName(r: IndexedResource, index: StackIndex): string | null {
  const n = r.body.name;
  if (typeof n !== "string") return null;
  return index.resolveString(n) ?? n;
}

/** A CNAME named after the literal first label of an unresolved hostname (`http_app` for `http_app.${var.zone}`). */
function relativeCname(raw: string, index: StackIndex): { record: IndexedResource; label: string } | null {
  const t = raw.trim();
  const dot = t.indexOf(".");
  if (dot <= 0) return null;
  const label = t.slice(0, dot);
  if (label.includes("${") || label.includes("}")) return null;
  const record = (recordsByName(index).get(label) ?? []).find(isCname);
  return record ? { record, label } : null;
}

function isCname(r: IndexedResource): boolean {
  return recordType(r.body) === "CNAME";
}

function isTunnelCname(r: IndexedResource, tunnel: string | null, index: StackIndex): boolean {
  if (!isCname(r) || !isTrue(r.body.proxied)) return false;
  // A tunnel_id that is a composite expression cannot be compared: any tunnel target will do.
  return tunnel === null ? isTunnelTarget(r.body.content) : cnameTunnelKey(r.body.content, index) === tunnel;
}

/** Why the hostname has no good record, naming the closest record. */
function diagnose(hostname: string, named: readonly IndexedResource[], tunnel: string | null, index: StackIndex): string {
  const r = named[0];
  if (r) {
    if (!isCname(r)) return `has record ${r.address} of type ${show(r.body.type)}, not a CNAME to the tunnel.`;
    if (!isTrue(r.body.proxied)) return `has CNAME ${r.address} but it is not proxied (proxied = ${show(r.body.proxied)}): traffic would not reach the tunnel.`;
    const key = cnameTunnelKey(r.body.content, index);
    if (key === null) return `has CNAME ${r.address} with content ${show(r.body.content)}, which is not <tunnel id>.cfargotunnel.com.`;
    return `has CNAME ${r.address} pointing at tunnel ${describeKey(key)}, not at this config's tunnel ${describeKey(tunnel)}.`;
  }
  const label = hostname.split(".")[0];
  const short = (recordsByName(index).get(label) ?? []).find(isCname);
  if (short) return `has only CNAME ${short.address} named "${label}": the record name must be the full hostname (a short name drifts on every plan in provider v5).`;
  return "has no cloudflare_dns_record, so it does not resolve to the tunnel.";
}
