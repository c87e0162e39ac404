/**
 * KubernetesTunnelIngress: the Docker stacks' one way in (a remotely managed Cloudflare Tunnel)
 * for a cluster. It is CloudflareTunnelIngress itself (tunnel, remote config with the 404
 * catch-all, a proxied CNAME per hostname, Access validation at the origin for gated hostnames,
 * the refusal of admin-like hostnames without Access, of datastores and of datastore ports), with
 * the connector rendered by KubernetesWorkload from the same cloudflared profile:
 *
 * - a Deployment (`cloudflared`, uid 65532, read-only root, no capabilities, RuntimeDefault
 *   seccomp, no service account token), DEFAULT_CONNECTOR_REPLICAS replicas of one tunnel
 *   (cloudflared connectors of one tunnel share the load), with its disruption budget;
 * - the tunnel token as a key of the namespace's Secret, read through `secretKeyRef`; its value is
 *   the `cloudflare_zero_trust_tunnel_cloudflared_token` data source, written through the
 *   write-only `data_wo` (never a literal);
 * - NetworkPolicies: egress only to each published Service on its port (`connect`), to the cluster
 *   DNS (every pod), to the Cloudflare edge on 7844 TCP and UDP (CLOUDFLARE_TUNNEL_EDGE_CIDRS), and
 *   — only when a hostname is behind Access — to the internet on 443, where
 *   `<team>.cloudflareaccess.com` serves the keys the origin check needs.
 *
 * No cluster is reachable where this was written: that the connector registers from a pod with
 * these policies was not tried; the ports and ranges come from Cloudflare's "Tunnel with firewall"
 * page (see CLOUDFLARE_TUNNEL_EDGE_CIDRS).
 */
import { Construct } from "constructs";
import type { AccessGate } from "../cloudflare/access-gate";
import { CloudflareTunnelIngress, type TunnelConnectorHost } from "../cloudflare/tunnel-ingress";
import type { CloudflaredProfileOptions } from "../profiles/cloudflared";
import type { PublishableNetwork, PublishableService } from "../service/publishable";
import type { ServiceSpec } from "../service/spec";
import type { KubernetesNamespace } from "./namespace";
import { KubernetesWorkload, MAX_REPLICAS } from "./workload";

/**
 * The Cloudflare edge addresses cloudflared connects to on port 7844 (region1 and region2
 * `.v2.argotunnel.com`), from Cloudflare's documentation "Tunnel with firewall"
 * (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/tunnel-with-firewall/):
 * the listed IPv4 addresses lie in these two /24s, the IPv6 ones in these two /48s. Cloudflare
 * may add addresses: pass `edgeCidrs` when the page changes.
 */
export const CLOUDFLARE_TUNNEL_EDGE_CIDRS: readonly string[] = ["198.41.192.0/24", "198.41.200.0/24", "2606:4700:a0::/48", "2606:4700:a8::/48"];
/** cloudflared's edge port: UDP for QUIC (the default protocol), TCP for the http2 fallback. */
export const CLOUDFLARE_TUNNEL_EDGE_PORT = 7844;
/** Connectors of the tunnel: two, so a rollout or a node drain keeps the tunnel up. */
export const DEFAULT_CONNECTOR_REPLICAS = 2;

export interface KubernetesTunnelIngressProps {
  /** The namespace the connector runs in; every published workload must be in it. */
  readonly namespace: KubernetesNamespace;
  /** Team responsible for the connector (`bulwark.owner`). */
  readonly owner: string;
  /** Cloudflare account id (deployment config cloudflare.accountId). */
  readonly accountId: string;
  /** Zone id of `domain` (deployment config cloudflare.zoneId). */
  readonly zoneId: string;
  /** The zone's domain; every public hostname must be inside it. */
  readonly domain: string;
  /** Tunnel name in the Zero Trust dashboard. @default the construct id */
  readonly tunnelName?: string;
  /** cloudflared profile options (service name, image pin, resources, metrics port). @default the profile's defaults */
  readonly connector?: Omit<CloudflaredProfileOptions, "token">;
  /** Connector pods. @default DEFAULT_CONNECTOR_REPLICAS (2) */
  readonly replicas?: number;
  /** Where the Cloudflare edge is. @default CLOUDFLARE_TUNNEL_EDGE_CIDRS */
  readonly edgeCidrs?: readonly string[];
  /** HTTP status of the catch-all rule. @default 404 (CloudflareTunnelIngress) */
  readonly catchAllStatus?: number;
}

export interface KubernetesPublicServiceOptions {
  /** Full public hostname inside the zone's domain. */
  readonly hostname: string;
  /** The workload to publish (same namespace); never a datastore, broker, cache or search. */
  readonly workload: KubernetesWorkload;
  /** A port the workload declares. */
  readonly port: number;
  /** cloudflared path regex (`^/api/`). @default the whole host */
  readonly path?: string;
  /** Cloudflare Access in front of the hostname; required for admin-like hostnames. @default none: public */
  readonly access?: AccessGate;
}

/** The namespace as the tunnel's "network": the connector reaches Services of its own namespace by name. */
export function namespaceNetwork(namespaceName: string): PublishableNetwork {
  return { name: `kubernetes-namespace/${namespaceName}`, logicalName: `namespace ${namespaceName}`, internal: false };
}

/** A workload as the tunnel sees it: its Service name (the DNS name in its namespace), spec and namespace. */
export function publishable(workload: KubernetesWorkload): PublishableService {
  return { hostname: workload.hostname, service: workload.spec, networks: [namespaceNetwork(workload.namespaceName)] };
}

export class KubernetesTunnelIngress extends Construct {
  readonly tunnel: CloudflareTunnelIngress<KubernetesWorkload>;
  /** The cloudflared Deployment. */
  readonly connector: KubernetesWorkload;
  readonly namespace: KubernetesNamespace;

  private readonly where: string;
  private readonly connected = new Set<string>();
  private internetForAccess = false;

  constructor(scope: Construct, id: string, props: KubernetesTunnelIngressProps) {
    super(scope, id);
    this.where = `KubernetesTunnelIngress ${this.node.path}`;
    if (typeof props !== "object" || props === null) this.fail("props", "are missing", "pass { namespace, owner, accountId, zoneId, domain }");
    const ns = props.namespace;
    if (!ns || typeof ns.connect !== "function") this.fail("namespace", "is missing", "pass the stack's KubernetesNamespace");
    this.namespace = ns;
    const replicas = props.replicas ?? DEFAULT_CONNECTOR_REPLICAS;
    if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) this.fail("replicas", `is ${JSON.stringify(replicas)}`, `use a whole number from 1 to ${MAX_REPLICAS} (${DEFAULT_CONNECTOR_REPLICAS} keeps the tunnel up during a rollout)`);
    const edgeCidrs = props.edgeCidrs ?? CLOUDFLARE_TUNNEL_EDGE_CIDRS;
    if (!Array.isArray(edgeCidrs) || edgeCidrs.length === 0) this.fail("edgeCidrs", "is empty", "leave it out for CLOUDFLARE_TUNNEL_EDGE_CIDRS, or list the edge ranges of Cloudflare's \"Tunnel with firewall\" page");

    const host: TunnelConnectorHost<KubernetesWorkload> = {
      network: namespaceNetwork(ns.name),
      renderConnector: (scope_: Construct, childId: string, service: ServiceSpec) => {
        return new KubernetesWorkload(scope_, childId, {
          service,
          namespace: ns,
          owner: props.owner,
          replicas,
          // A fixed count: connectors are cheap, and an autoscaler on CPU says nothing about a tunnel's load.
          autoscaling: false,
        });
      },
    };
    this.tunnel = new CloudflareTunnelIngress<KubernetesWorkload>(this, id, {
      accountId: props.accountId,
      zoneId: props.zoneId,
      domain: props.domain,
      owner: props.owner,
      tunnelName: props.tunnelName ?? id,
      connector: props.connector,
      catchAllStatus: props.catchAllStatus,
      connectorHost: host,
    });
    this.connector = this.tunnel.connector;
    ns.allowEgressToCidrs(this.connector, {
      to: "cloudflare-edge",
      cidrs: edgeCidrs,
      ports: [{ port: CLOUDFLARE_TUNNEL_EDGE_PORT, protocol: "udp" }, { port: CLOUDFLARE_TUNNEL_EDGE_PORT, protocol: "tcp" }],
      reason: "cloudflared connects to the Cloudflare edge on 7844 (QUIC over UDP, http2 over TCP)",
    });
  }

  /** Hostnames the tunnel serves. */
  get hostnames(): readonly string[] {
    return this.tunnel.hostnames;
  }

  /**
   * Publish a workload: `https://<hostname>` → `http://<service>:<port>` through the tunnel (CNAME,
   * optional Access), and a NetworkPolicy pair letting only the connector reach it on that port.
   */
  addPublicService(opts: KubernetesPublicServiceOptions): this {
    const where = `addPublicService(${JSON.stringify(opts?.hostname)})`;
    const w = opts?.workload;
    if (!(w instanceof KubernetesWorkload)) this.fail(`${where}: workload`, "is not a KubernetesWorkload", "pass the workload to publish");
    if (w.namespaceName !== this.namespace.name) {
      this.fail(`${where}: workload`, `"${w.serviceName}" runs in namespace ${w.namespaceName}, not in the connector's namespace ${this.namespace.name}`, "create the workload in the tunnel's namespace (cloudflared reaches Services of its own namespace)");
    }
    this.tunnel.addPublicService({ hostname: opts.hostname, container: publishable(w), port: opts.port, path: opts.path, access: opts.access });
    const key = `${w.serviceName}:${opts.port}`;
    if (!this.connected.has(key)) {
      this.connected.add(key);
      this.namespace.connect(this.connector, w, opts.port);
    }
    if (opts.access && !this.internetForAccess) {
      this.internetForAccess = true;
      this.namespace.allowEgressToInternet(this.connector, {
        ports: [443],
        reason: "cloudflared validates the Access token of gated hostnames with keys from <team>.cloudflareaccess.com",
      });
    }
    return this;
  }

  private fail(prop: string, problem: string, fix: string): never {
    throw new Error(`${this.where ?? `KubernetesTunnelIngress ${this.node.path}`}: ${prop} ${problem}. Fix: ${fix}`);
  }
}
