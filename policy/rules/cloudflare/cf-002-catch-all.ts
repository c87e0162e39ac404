import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { TUNNEL_CONFIG, isBlank, matchesAllHosts, show, tunnelConfigView } from "./util";

const HTTP_STATUS = /^http_status:\d{3}$/;
const FIX = 'Fix: end config.ingress with { service = "http_status:404" } (no hostname, no path).';

/**
 * CF-002: the last ingress rule must match every request (no hostname or `*`, no path, as
 * cloudflared requires) and answer with a fixed status (`http_status:NNN`), so that unknown
 * hostnames never reach an origin. A missing or empty ingress list fails too. An ingress list or
 * catch-all service given as an unresolvable `${…}` expression is unknown and not reported.
 */
export const cf002 = defineResourceRule({
  id: "CF-002",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Tunnel ingress has no catch-all",
  description: "The last ingress rule of a tunnel config does not match every request with a fixed status (`http_status:NNN`), or the ingress list is empty.",
  fix: "End the ingress with a rule without hostname and service `http_status:404`.",
  references: [doc("Cloudflare documentation: Tunnel ingress rules (catch-all rule)", "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/local-management/configuration-file/")],
  types: [TUNNEL_CONFIG],
  check(res, index) {
    const { ingress } = tunnelConfigView(res);
    if (ingress === null) return [];
    if (ingress.length === 0) {
      return [{ address: res.address, message: `Tunnel config ${res.address} has no ingress rules, so it has no catch-all. ${FIX}` }];
    }
    const last = ingress[ingress.length - 1];
    const { hostname, path, service } = last.body;
    if (!matchesAllHosts(hostname) || !isBlank(path)) {
      const filter = !matchesAllHosts(hostname) ? `hostname = ${show(hostname)}` : `path = ${show(path)}`;
      return [{
        address: res.address,
        message: `Tunnel config ${res.address}: the last ingress rule (ingress[${last.position}]) filters on ${filter}, so requests for other hosts have no catch-all. ${FIX}`,
      }];
    }
    const svc = index.resolveString(service);
    if (svc === null && service !== undefined && service !== null) return [];
    if (svc !== null && HTTP_STATUS.test(svc.trim())) return [];
    return [{
      address: res.address,
      message: `Tunnel config ${res.address}: the catch-all ingress rule (ingress[${last.position}]) sends every unknown host to service ${show(service)} instead of a fixed status. Fix: use service = "http_status:404".`,
    }];
  },
});
