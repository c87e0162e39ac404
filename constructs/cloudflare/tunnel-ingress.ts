/**
 * CloudflareTunnelIngress: the only way in. A remotely managed Cloudflare
 * Tunnel whose ingress is built from the services that declare a public hostname, a proxied CNAME
 * per hostname, and the `cloudflared` connector as a HardenedContainer on the front network.
 *
 * What it guarantees at synth (each violation throws, naming the prop and the fix):
 * - `config_src = "cloudflare"` (CF-001) and an `http_status:404` catch-all last (CF-002);
 * - every hostname is a literal inside the zone's domain, published once, with a proxied CNAME
 *   named by the full hostname to `<tunnel id>.cfargotunnel.com` (CF-004);
 * - an admin-like hostname (ADMIN_HOST_LABELS) is only accepted with an AccessGate (CF-005), and
 *   a gated hostname validates the Access token at the origin with the application's aud (CF-009);
 * - origin TLS verification is never turned off (CF-003);
 * - the target container shares the connector's network (else cloudflared could not reach it),
 *   is not a datastore/broker, and the port is one the service declares;
 * - the connector: uid 65532, read-only root, no capabilities, token only as a sensitive
 *   reference in TUNNEL_TOKEN, metrics on 127.0.0.1, `tunnel ready` health probe, no published
 *   port (the cloudflared profile + HardenedContainer).
 *
 * The connector runs on the Docker host by default. `connectorHost` renders it elsewhere (a
 * Kubernetes Deployment: constructs/kubernetes/tunnel.ts) from the same cloudflared profile, with
 * the same tunnel, config, DNS records and Access checks; `network` is then the host's
 * reachability domain (a Kubernetes namespace), and every published service must share it.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { ZeroTrustTunnelCloudflared } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared";
import {
  ZeroTrustTunnelCloudflaredConfigA,
  type ZeroTrustTunnelCloudflaredConfigConfigIngress,
  type ZeroTrustTunnelCloudflaredConfigConfigIngressOriginRequest,
} from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config";
import { DataCloudflareZeroTrustTunnelCloudflaredToken } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared-token";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Secret } from "../core/secret";
import { HardenedContainer } from "../docker/hardened-container";
import type { HardenedNetwork } from "../docker/network-topology";
import { cloudflaredProfile, type CloudflaredProfileOptions } from "../profiles/cloudflared";
import { DATASTORE_PORTS, TUNNEL_CNAME_SUFFIX, isDatastoreImage } from "../../knowledge";
import { BACKEND_ROLES } from "../service/spec";
import type { PublishableNetwork, PublishableService } from "../service/publishable";
import type { ServiceSpec } from "../service/spec";
import type { AccessGate } from "./access-gate";
import { checkHostname, claim, claimedBy, failer, isAdminHostname, isDnsName, isUnresolved, logicalName } from "./common";

/**
 * Where the connector runs when it is not a container on this Docker host.
 * @typeParam C - the construct that runs the connector
 */
export interface TunnelConnectorHost<C extends Construct> {
  /**
   * What the connector and every published service share (a Kubernetes namespace, described as a
   * PublishableNetwork); it must not be internal.
   */
  readonly network: PublishableNetwork;
  /** Render the connector from the cloudflared profile's spec (the token bound by reference). Called once. */
  renderConnector(scope: Construct, id: string, service: ServiceSpec): C;
}

export interface CloudflareTunnelIngressProps<C extends Construct = HardenedContainer> {
  /** Cloudflare account id (deployment config cloudflare.accountId). */
  readonly accountId: string;
  /** Zone id of `domain` (deployment config cloudflare.zoneId); the CNAMEs go there. */
  readonly zoneId: string;
  /** The zone's domain; every public hostname must be inside it. */
  readonly domain: string;
  /**
   * The network the connector joins and every public service must share: `topology.front`.
   * It must not be internal (cloudflared needs egress to the Cloudflare edge). Required unless
   * `connectorHost` is given (then leave it out).
   * @default none: `connectorHost.network` is used
   */
  readonly network?: HardenedNetwork;
  /**
   * Run the connector somewhere else than this Docker host (a Kubernetes Deployment).
   * @default undefined: a HardenedContainer on `network`
   */
  readonly connectorHost?: TunnelConnectorHost<C>;
  /** Team responsible for the connector container (`bulwark.owner` label). */
  readonly owner: string;
  /**
   * Tunnel name in the Zero Trust dashboard (unique in the account).
   * @default the construct id
   */
  readonly tunnelName?: string;
  /**
   * Connector settings: service name, image pin, resources, metrics port.
   * @default the cloudflared profile's defaults (container `cloudflared`)
   */
  readonly connector?: Omit<CloudflaredProfileOptions, "token">;
  /**
   * HTTP status the catch-all rule answers for unknown hostnames.
   * @default 404
   */
  readonly catchAllStatus?: number;
}

/** TLS settings towards an `https` origin. Verification itself can never be turned off. */
export interface OriginTlsOptions {
  /** Name the origin certificate is checked against. @default the container's service name */
  readonly originServerName?: string;
  /** Path (inside the connector) of a CA bundle that signs the origin certificate. @default system roots */
  readonly caPool?: string;
  /**
   * Refused: present only so that turning verification off fails loudly at synth (CF-003).
   * @default false
   */
  readonly noTlsVerify?: boolean;
}

export interface PublicServiceOptions {
  /** Full public hostname inside the zone's domain (`opac.example.org`). */
  readonly hostname: string;
  /**
   * The service to publish (a HardenedContainer, or anything that is a PublishableService); it
   * must share the tunnel's network.
   */
  readonly container: PublishableService;
  /** Port the service listens on inside its network. */
  readonly port: number;
  /** @default "http" (TLS ends at the Cloudflare edge; the hop stays inside the front network) */
  readonly scheme?: "http" | "https";
  /** cloudflared path regex (`^/api/`) to route only part of the host. @default the whole host */
  readonly path?: string;
  /**
   * Cloudflare Access in front of the hostname; required for admin-like hostnames. The origin then
   * validates the Access token (`origin_request.access`).
   * @default none — public
   */
  readonly access?: AccessGate;
  /** Settings for an `https` origin. @default verify against the system roots */
  readonly tls?: OriginTlsOptions;
}

interface Route {
  readonly hostname: string;
  readonly path?: string;
  readonly service: string;
  readonly access?: AccessGate;
  readonly originRequest?: ZeroTrustTunnelCloudflaredConfigConfigIngressOriginRequest;
}

const PATH = /^\S+$/;
const publicHosts = new WeakMap<TerraformStack, Map<string, string>>();

export class CloudflareTunnelIngress<C extends Construct = HardenedContainer> extends Construct {
  readonly tunnel: ZeroTrustTunnelCloudflared;
  readonly tunnelConfig: ZeroTrustTunnelCloudflaredConfigA;
  /** The connector: the `cloudflared` container, or what `connectorHost` rendered. */
  readonly connector: C;
  /** `<tunnel id>.cfargotunnel.com`: the CNAME target of every hostname. */
  readonly cnameTarget: string;
  readonly network: PublishableNetwork;
  /** Tunnel name in the Zero Trust dashboard. */
  readonly tunnelName: string;

  private readonly props: CloudflareTunnelIngressProps<C>;
  private readonly fail: (prop: string, problem: string, fix: string) => never;
  private readonly routes: Route[] = [];
  private readonly records = new Map<string, DnsRecord>();
  private readonly catchAll: string;

  constructor(scope: Construct, id: string, props: CloudflareTunnelIngressProps<C>) {
    super(scope, id);
    const fail = failer("CloudflareTunnelIngress", this);
    this.fail = fail;
    this.props = props;
    if (props.connectorHost && props.network) fail("network", "is given together with connectorHost", "leave network out: the connector host says what the connector and the services share");
    const network: PublishableNetwork = props.connectorHost?.network ?? props.network
      ?? fail("network", "is missing", "attach the tunnel to the front network (topology.front), or pass connectorHost");
    this.network = network;

    if (!props.accountId || props.accountId.trim() === "") fail("accountId", "is empty", "give the Cloudflare account id (deployment config cloudflare.accountId)");
    if (!props.zoneId || props.zoneId.trim() === "") fail("zoneId", "is empty", "give the zone id of the domain (deployment config cloudflare.zoneId)");
    if (isUnresolved(props.domain) || !isDnsName(props.domain)) {
      fail("domain", `"${props.domain}" is not a literal lower-case DNS name`, "give the zone's domain, e.g. \"example.org\" (deployment config cloudflare.domain)");
    }
    if (network.internal) {
      fail("network", `"${network.logicalName}" is internal, so cloudflared could not reach the Cloudflare edge`, "attach the tunnel to the front network (topology.front)");
    }
    const status = props.catchAllStatus ?? 404;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      fail("catchAllStatus", `is ${status}`, "answer unknown hostnames with an error status from 400 to 599 (404 by default)");
    }
    this.catchAll = `http_status:${status}`;
    const tunnelName = props.tunnelName ?? id;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(tunnelName)) {
      fail("tunnelName", `"${tunnelName}" is not a tunnel name`, "use letters, digits, dots, dashes and underscores (max 63)");
    }
    this.tunnelName = tunnelName;
    const name = logicalName(id);

    // Remotely managed: the ingress below is the config cloudflared receives from the edge.
    // config_src must be set at creation (changing it replaces the tunnel); no tunnel_secret:
    // Cloudflare generates it and the connector authenticates with the token.
    this.tunnel = new ZeroTrustTunnelCloudflared(this, "tunnel", {
      accountId: props.accountId,
      name: tunnelName,
      configSrc: "cloudflare",
    });
    this.tunnel.overrideLogicalId(name);
    this.cnameTarget = `${this.tunnel.id}${TUNNEL_CNAME_SUFFIX}`;

    this.tunnelConfig = new ZeroTrustTunnelCloudflaredConfigA(this, "config", {
      accountId: props.accountId,
      tunnelId: this.tunnel.id,
      source: "cloudflare",
      config: { ingress: this.renderIngress() },
    });
    this.tunnelConfig.overrideLogicalId(name);

    const token = new DataCloudflareZeroTrustTunnelCloudflaredToken(this, "token", {
      accountId: props.accountId,
      tunnelId: this.tunnel.id,
    });
    token.overrideLogicalId(name);

    const service = cloudflaredProfile({
      ...props.connector,
      token: Secret.fromSensitiveValue(token.token, `data.cloudflare_zero_trust_tunnel_cloudflared_token.${name}.token`),
    });
    this.connector = props.connectorHost
      ? props.connectorHost.renderConnector(this, "connector", service)
      : (new HardenedContainer(this, "connector", { service, networks: [props.network as HardenedNetwork], owner: props.owner }) as unknown as C);
  }

  /** Hostnames the tunnel serves, in order of first publication. */
  get hostnames(): readonly string[] {
    return [...this.records.keys()];
  }

  /** The proxied CNAME of a published hostname. */
  recordFor(hostname: string): DnsRecord | undefined {
    return this.records.get(hostname);
  }

  /**
   * Publish a service: `https://<hostname>` → `<scheme>://<container>:<port>`, with its CNAME and,
   * when `access` is given, an Access application and token validation at the origin.
   */
  addPublicService(opts: PublicServiceOptions): this {
    const where = `addPublicService(${JSON.stringify(opts.hostname)})`;
    const fail = (prop: string, problem: string, fix: string): never => this.fail(`${where}: ${prop}`, problem, fix);
    const hostname = checkHostname(fail, "hostname", opts.hostname, this.props.domain);
    const path = opts.path;
    if (path !== undefined && !PATH.test(path)) fail("path", `"${path}" is empty or holds whitespace`, "give a cloudflared path regex such as \"^/api/\", or leave it out for the whole host");

    // --- the same hostname must not be published twice ------------------------------------
    if (this.routes.some((r) => r.hostname === hostname && r.path === path)) {
      fail("hostname", `"${hostname}"${path ? ` with path "${path}"` : ""} is published twice by this tunnel`, "publish each hostname once (use distinct paths to split a host between services)");
    }
    const other = claimedBy(publicHosts, this, hostname);
    if (other !== undefined && other !== this.node.path) {
      fail("hostname", `"${hostname}" is already published by ${other}`, "publish each hostname through one tunnel only");
    }
    const sibling = this.routes.find((r) => r.hostname === hostname);
    if (sibling && sibling.access !== opts.access) {
      fail("access", `differs from the earlier route of "${hostname}"${sibling.path ? ` (path "${sibling.path}")` : ""}`, "protect every route of a hostname with the same AccessGate (Access covers the whole host)");
    }

    // --- Access for admin interfaces (CF-005) ---------------------------------------------
    if (!opts.access && isAdminHostname(hostname)) {
      fail(
        "access",
        `is missing, but "${hostname}" is an admin-like hostname (first label "${hostname.split(".")[0]}"), which would put an administrative interface on the internet`,
        "pass access: an AccessGate (SSO for named people), or publish it under a non-administrative name only if it really is public",
      );
    }

    // --- the target -----------------------------------------------------------------------
    const c = opts.container;
    if (!c || typeof c !== "object" || !c.service || !Array.isArray(c.networks) || typeof c.hostname !== "string") {
      fail("container", "is not a publishable service", "pass a HardenedContainer (or an object with hostname, service and networks)");
    }
    const spec = c.service;
    if (BACKEND_ROLES.has(spec.role) || isDatastoreImage(spec.image.repository)) {
      fail("container", `"${spec.name}" is a ${spec.role} (${spec.image.repository}), which must never be reachable from the edge`, "publish only web applications; datastores, brokers, caches and search stay on the internal network");
    }
    if (!attachedTo(c, this.network)) {
      fail(
        "container",
        `"${spec.name}" is not attached to the tunnel's network "${this.network.logicalName}", so cloudflared could not reach it`,
        `add ${this.network.logicalName} (topology.front) to the container's networks`,
      );
    }
    const port = opts.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail("port", `is ${port}`, "give the TCP port the service listens on (1-65535)");
    if (DATASTORE_PORTS.has(port)) {
      fail("port", `${port} is a datastore/broker port (database, search, broker management), which must never be reachable from the edge`, "publish the web application's HTTP port instead");
    }
    const declared = (spec.ports ?? []).filter((p) => (p.protocol ?? "tcp") === "tcp").map((p) => p.port);
    if (declared.length > 0 && !declared.includes(port)) {
      fail("port", `${port} is not a port service "${spec.name}" listens on (${declared.join(", ")})`, `use one of ${declared.join(", ")}, or declare the port in the service's ports`);
    }

    // --- origin request -------------------------------------------------------------------
    const scheme = opts.scheme ?? "http";
    if (scheme !== "http" && scheme !== "https") fail("scheme", `"${String(scheme)}" is not http or https`, "use \"http\" or \"https\"");
    const tls = opts.tls ?? {};
    if (tls.noTlsVerify === true) {
      fail("tls.noTlsVerify", "turns off TLS verification of the origin, so anyone on the path could impersonate it (CF-003)", "give the origin a certificate cloudflared trusts (tls.caPool, tls.originServerName), or use scheme \"http\" inside the front network");
    }
    if (scheme === "http" && (tls.originServerName !== undefined || tls.caPool !== undefined)) {
      fail("tls", "is set for an http origin", "use scheme \"https\", or drop the TLS settings");
    }
    const originRequest: ZeroTrustTunnelCloudflaredConfigConfigIngressOriginRequest = {
      ...(scheme === "https" ? { originServerName: tls.originServerName ?? c.hostname, caPool: tls.caPool } : {}),
      ...(opts.access ? { access: opts.access.originAccess(hostname) } : {}),
    };

    // Every check passed: only now does the hostname belong to this tunnel.
    claim(publicHosts, this, hostname, this.node.path);
    this.routes.push({
      hostname,
      path,
      service: `${scheme}://${c.hostname}:${port}`,
      access: opts.access,
      originRequest: Object.keys(originRequest).length > 0 ? originRequest : undefined,
    });

    // --- DNS: the tunnel config creates none ----------------------------------------------
    if (!this.records.has(hostname)) {
      const record = new DnsRecord(this, `dns-${hostname}`, {
        zoneId: this.props.zoneId,
        name: hostname,
        type: "CNAME",
        content: this.cnameTarget,
        proxied: true,
        ttl: 1,
        comment: `bulwark: Cloudflare Tunnel ${this.tunnelName}`,
      });
      record.overrideLogicalId(logicalName(hostname));
      this.records.set(hostname, record);
    }

    this.tunnelConfig.putConfig({ ingress: this.renderIngress() });
    return this;
  }

  /**
   * Ingress rules: hostnames in order of first publication, each host's path routes before its
   * whole-host route (cloudflared takes the first match), then the catch-all.
   */
  private renderIngress(): ZeroTrustTunnelCloudflaredConfigConfigIngress[] {
    const hosts: string[] = [];
    for (const r of this.routes) if (!hosts.includes(r.hostname)) hosts.push(r.hostname);
    const rules: ZeroTrustTunnelCloudflaredConfigConfigIngress[] = [];
    for (const host of hosts) {
      const own = this.routes.filter((r) => r.hostname === host);
      for (const r of [...own.filter((x) => x.path !== undefined), ...own.filter((x) => x.path === undefined)]) {
        rules.push({ hostname: r.hostname, path: r.path, service: r.service, originRequest: r.originRequest });
      }
    }
    rules.push({ service: this.catchAll });
    return rules;
  }
}

/** True when the service joins `network`. */
function attachedTo(c: PublishableService, network: PublishableNetwork): boolean {
  return c.networks.some((n) => n === network || n.name === network.name);
}
