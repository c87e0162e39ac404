/**
 * The Koha platform's Cloudflare edge ([roadmap koha.3.2], [roadmap koha.3.3], [roadmap koha.7.1], [roadmap koha.7.2]; [roadmap fineract.8.2.45]): the only way in.
 * - OPAC (the public catalogue) is public through the tunnel;
 * - the staff interface is behind Cloudflare Access (SSO from config.cloudflare.access) and the
 *   tunnel validates the Access token at the origin;
 * - RabbitMQ management, Elasticsearch and MariaDB are never published: they are not routes of
 *   the tunnel, and the tunnel refuses them anyway (backend roles, datastore ports, not on
 *   frontnet);
 * - the zone gets the managed WAF and the API rate limit.
 *
 * The provider takes no credentials here: it reads CLOUDFLARE_API_TOKEN from the environment, so
 * no token ever reaches code, config or the synthesized JSON.
 */
import { Construct } from "constructs";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import type { KohaDeploymentConfig } from "../config/schema";
import type { HardenedContainer } from "../constructs/docker/hardened-container";
import type { NetworkTopology } from "../constructs/docker/network-topology";
import { AccessGate } from "../constructs/cloudflare/access-gate";
import { EdgeProtection } from "../constructs/cloudflare/edge-protection";
import { CloudflareTunnelIngress } from "../constructs/cloudflare/tunnel-ingress";

export interface KohaEdgeProps {
  readonly config: KohaDeploymentConfig;
  readonly topology: NetworkTopology;
  /** The Koha container (OPAC and staff interface), attached to topology.front. */
  readonly koha: HardenedContainer;
  /** Port of the OPAC virtual host inside the container. */
  readonly opacPort: number;
  /** Port of the staff interface virtual host inside the container. */
  readonly staffPort: number;
}

export interface KohaEdge {
  readonly provider: CloudflareProvider;
  readonly tunnel: CloudflareTunnelIngress;
  readonly staffAccess: AccessGate;
  readonly protection: EdgeProtection;
}

/** Add the Cloudflare provider, tunnel, Access gate and zone protection to the koha stack. */
export function addKohaEdge(scope: Construct, props: KohaEdgeProps): KohaEdge {
  const { config, topology, koha } = props;
  const cf = config.cloudflare;
  const edge = new Construct(scope, "edge");

  // No api_token attribute: the provider reads CLOUDFLARE_API_TOKEN from the environment.
  const provider = new CloudflareProvider(scope, "cloudflare", {});

  const staffAccess = new AccessGate(edge, "staff-access", {
    accountId: cf.accountId,
    teamName: cf.teamName,
    domain: cf.domain,
    allowedEmailDomains: cf.access.allowedEmailDomains,
    allowedEmails: cf.access.allowedEmails,
    identityProviderGroups: cf.access.identityProviderGroups,
    ipRanges: cf.access.ipRanges,
    sessionDuration: cf.access.sessionDuration,
    // [roadmap koha.7.1]: one IdP. With groups configured, offer only their providers at login.
    allowedIdentityProviders: [...new Set(cf.access.identityProviderGroups.map((g) => g.identityProviderId))],
  });

  const tunnel = new CloudflareTunnelIngress(edge, "koha", {
    accountId: cf.accountId,
    zoneId: cf.zoneId,
    domain: cf.domain,
    network: topology.front,
    owner: config.owner,
    tunnelName: `koha-${config.koha.instance}`,
    // The connector's image pin comes from config.images.cloudflared like every other service's.
    connector: config.images.cloudflared ? { image: config.images.cloudflared } : undefined,
  });
  tunnel
    .addPublicService({ hostname: config.koha.opacHostname, container: koha, port: props.opacPort })
    .addPublicService({ hostname: config.koha.staffHostname, container: koha, port: props.staffPort, access: staffAccess });

  const protection = new EdgeProtection(edge, "zone", {
    zoneId: cf.zoneId,
    rateLimit: { requestsPerMinute: cf.rateLimitPerMinute },
  });

  return { provider, tunnel, staffAccess, protection };
}
