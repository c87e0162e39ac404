import type { Claim } from "../collisions";
import { defineCollisionRule, describeClaim, stackScope } from "../collisions";
import { doc } from "../references";
import { TUNNEL_CONFIG, literalHost, matchesAllHosts, tunnelConfigView, tunnelIdentity } from "./util";

/**
 * CF-011: a public hostname is routed to one tunnel (its CNAME names one `<id>.cfargotunnel.com`).
 * When two tunnels' configs both list it in their ingress, one of them never receives its traffic,
 * and whichever stack applies last decides silently where the hostname goes.
 */
export const cf011 = defineCollisionRule({
  id: "CF-011",
  severity: "error",
  pack: "cloudflare-edge",
  title: "One hostname in the ingress of two tunnels",
  description: "Two `cloudflare_zero_trust_tunnel_cloudflared_config`s of the run (in one stack or in several) for different tunnels list the same hostname in their ingress. Several rules of one tunnel (paths) are fine; hostnames or tunnel ids that are unknown before apply are not compared.",
  fix: "Route the hostname through one tunnel: remove it from the other tunnel's ingress (or give one of them another hostname).",
  references: [doc("Cloudflare documentation: Route a tunnel through DNS", "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/routing-to-tunnel/dns/")],
  types: [TUNNEL_CONFIG],
  claims(res, index) {
    const { ingress } = tunnelConfigView(res);
    const tunnel = ingress && ingress.length > 0 ? tunnelIdentity(res.body.tunnel_id, index, stackScope(index)) : null;
    if (!ingress || tunnel === null) return null;
    const out: Claim[] = [];
    const seen = new Set<string>();
    for (const rule of ingress) {
      if (matchesAllHosts(rule.body.hostname)) continue;
      const host = literalHost(rule.body.hostname, index)?.toLowerCase().replace(/\.$/, "");
      if (!host || seen.has(host)) continue;
      seen.add(host);
      out.push({ space: "hostname", name: host, owner: tunnel, address: res.address, constructPath: res.constructPath });
    }
    return out;
  },
  message(later, first) {
    return `${describeClaim(later)} and ${describeClaim(first)} both route hostname "${later.name}" in their ingress, through different tunnels: the hostname's DNS record reaches only one of them, so the other rule is dead and the last apply decides where traffic goes. Fix: route the hostname through one tunnel (remove it from the other config's ingress).`;
  },
});
