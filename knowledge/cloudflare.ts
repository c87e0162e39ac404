/**
 * Cloudflare facts that the edge constructs and the CF rules share.
 */

/** A tunnel is reached through a CNAME to `<tunnel id>` + this suffix (Cloudflare Tunnel docs: DNS records). */
export const TUNNEL_CNAME_SUFFIX = ".cfargotunnel.com";

/** Entrypoint ruleset phases bulwark manages; Cloudflare allows one entrypoint ruleset per zone and phase. */
export const WAF_MANAGED_PHASE = "http_request_firewall_managed";
export const RATE_LIMIT_PHASE = "http_ratelimit";

/** First DNS labels that mark an administrative interface (CF-005), exact match. */
export const ADMIN_HOST_LABELS: ReadonlySet<string> = new Set([
  "admin", "staff", "intranet", "manage", "dashboard", "grafana", "prometheus", "alertmanager",
  "kibana", "rabbitmq", "traefik", "portainer", "phpmyadmin", "adminer",
]);

/** First label is exactly one of ADMIN_HOST_LABELS: the one test constructs and CF-005 use. */
export function isAdminHostname(host: string): boolean {
  return ADMIN_HOST_LABELS.has(host.trim().split(".")[0].toLowerCase());
}
