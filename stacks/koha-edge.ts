/**
 * The Koha platform's Cloudflare edge ([roadmap koha.3.2], [roadmap koha.3.3], [roadmap koha.7.1], [roadmap koha.7.2]; [roadmap fineract.8.2.45]): the only way in.
 * - OPAC (the public catalogue) is public through the tunnel;
 * - the staff interface is behind Cloudflare Access (SSO from config.cloudflare.access) and the
 *   tunnel validates the Access token at the origin;
 * - RabbitMQ management, Elasticsearch and MariaDB are never published: they are not routes of
 *   the tunnel, and the tunnel refuses them anyway (backend roles, datastore ports, not on
 *   frontnet);
 * - the zone gets the managed WAF and the API rate limit, from the first Koha instance only:
 *   Cloudflare keeps one entrypoint ruleset per zone and phase (CF-010), and those rules are
 *   zone-wide, so they cover a further instance's hostnames too (`zoneProtection: false`).
 *
 * The provider takes no credentials here: it reads CLOUDFLARE_API_TOKEN from the environment, so
 * no token ever reaches code, config or the synthesized JSON.
 */
import { Construct } from "constructs";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import type { CloudflareConfig, KohaConfig, KohaDeploymentConfig } from "../config/schema";
import { suppress } from "../constructs/core/suppress";
import { HardenedContainer } from "../constructs/docker/hardened-container";
import type { HardenedNetwork, NetworkTopology } from "../constructs/docker/network-topology";
import { AccessGate, type AccessGateProps } from "../constructs/cloudflare/access-gate";
import { EdgeProtection } from "../constructs/cloudflare/edge-protection";
import { CloudflareTunnelIngress } from "../constructs/cloudflare/tunnel-ingress";

/** Whether a Koha edge gives the zone its WAF and rate limit (EdgeProtection) unless told otherwise. */
export const DEFAULT_KOHA_ZONE_PROTECTION = true;

export interface KohaEdgeProps {
  readonly config: KohaDeploymentConfig;
  /**
   * The Koha instance published (its hostnames and tunnel name `koha-<instance>`).
   * @default config.koha (the first, or only, instance)
   */
  readonly instance?: KohaConfig;
  /**
   * Docker name of the cloudflared connector (a further instance: `<instance>-cloudflared`).
   * @default the cloudflared profile's "cloudflared"
   */
  readonly connectorName?: string;
  /**
   * Give the zone its managed WAF and rate limit (EdgeProtection). Cloudflare keeps one entrypoint
   * ruleset per zone and phase (CF-010): set `false` for every Koha instance but the first. Its
   * rules are zone-wide, so they cover this instance's hostnames; CF-008 is then suppressed here
   * with that reason.
   * @default DEFAULT_KOHA_ZONE_PROTECTION (true)
   */
  readonly zoneProtection?: boolean;
  readonly topology: NetworkTopology;
  /** The Koha container (OPAC and staff interface), attached to topology.front. */
  readonly koha: HardenedContainer;
  /** Port of the OPAC virtual host inside the container. */
  readonly opacPort: number;
  /** Port of the staff interface virtual host inside the container. */
  readonly staffPort: number;
  /**
   * The internal monitoring network: the connector joins it, and its metrics (edge responses by
   * status code) listen there for Prometheus; the port is never published.
   * @default none: the connector joins frontnet only, metrics on 127.0.0.1
   */
  readonly metricsNetwork?: HardenedNetwork;
}

export interface KohaEdge {
  readonly provider: CloudflareProvider;
  readonly tunnel: CloudflareTunnelIngress;
  readonly staffAccess: AccessGate;
  /** The zone's WAF and rate limit; undefined with `zoneProtection: false`. */
  readonly protection?: EdgeProtection;
}

/**
 * The connector's settings. With a metrics network it is rendered here (through the tunnel's
 * `connectorHost`) as the same HardenedContainer, construct id and Docker name (`cloudflared`,
 * docker_container.cloudflared), joined to frontnet and the monitoring network, its metrics on
 * the container's addresses: Prometheus reaches them over the internal network only, nothing is
 * published. (Frontnet's members, koha, could reach the port as well: Docker cannot bind a
 * listener to one network without fixed addresses; cloudflared's metrics carry no secret.)
 */
function connectorOn(front: HardenedNetwork, metrics: HardenedNetwork | undefined, owner: string, image: KohaDeploymentConfig["images"][string] | undefined, name: string | undefined) {
  const pin = { ...(image ? { image } : {}), ...(name !== undefined ? { name } : {}) };
  if (!metrics) return { network: front, connector: image || name !== undefined ? pin : undefined };
  return {
    connector: { ...pin, metricsListen: "network" as const },
    connectorHost: {
      network: front,
      renderConnector: (scope: Construct, id: string, service: HardenedContainer["service"]) => new HardenedContainer(scope, id, { service, networks: [front, metrics], owner }),
    },
  };
}

/** Add the Cloudflare provider, tunnel, Access gate and zone protection to the koha stack. */
export function addKohaEdge(scope: Construct, props: KohaEdgeProps): KohaEdge {
  const { config, topology, koha } = props;
  const instance = props.instance ?? config.koha;
  const cf = config.cloudflare;
  const edge = new Construct(scope, "edge");

  // No api_token attribute: the provider reads CLOUDFLARE_API_TOKEN from the environment.
  const provider = new CloudflareProvider(scope, "cloudflare", {});

  const staffAccess = new AccessGate(edge, "staff-access", staffAccessProps(cf));

  const tunnel = new CloudflareTunnelIngress(edge, "koha", {
    accountId: cf.accountId,
    zoneId: cf.zoneId,
    domain: cf.domain,
    owner: config.owner,
    tunnelName: `koha-${instance.instance}`,
    // network (topology.front) or connectorHost; the connector's image pin comes from
    // config.images.cloudflared like every other service's.
    ...connectorOn(topology.front, props.metricsNetwork, config.owner, config.images.cloudflared, props.connectorName),
  });
  tunnel
    .addPublicService({ hostname: instance.opacHostname, container: koha, port: props.opacPort })
    .addPublicService({ hostname: instance.staffHostname, container: koha, port: props.staffPort, access: staffAccess });

  if (!(props.zoneProtection ?? DEFAULT_KOHA_ZONE_PROTECTION)) {
    // CF-008 judges one stack: it is addressed to the zone's first tunnel CNAME of this stack.
    const record = tunnel.recordFor(instance.opacHostname);
    if (record) suppress(record, "CF-008", `the zone's WAF and rate limit are the entrypoint rulesets of the first Koha instance's stack (one per zone and phase, CF-010); their rules are zone-wide and cover ${instance.opacHostname} and ${instance.staffHostname}`);
    return { provider, tunnel, staffAccess };
  }
  const protection = new EdgeProtection(edge, "zone", {
    zoneId: cf.zoneId,
    rateLimit: { requestsPerMinute: cf.rateLimitPerMinute },
  });

  return { provider, tunnel, staffAccess, protection };
}

/**
 * The staff AccessGate's props from the configuration's `cloudflare` section: the same gate for
 * the Docker edge and the cluster's (stacks/kubernetes/edge.ts).
 */
export function staffAccessProps(cf: CloudflareConfig): AccessGateProps {
  return {
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
  };
}
