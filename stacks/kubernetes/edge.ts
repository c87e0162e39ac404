/**
 * The way in of the Kubernetes reference stacks, selectable per stack:
 *
 * - `cloudflared` (the default, what the Docker stacks do): a remotely managed Cloudflare Tunnel
 *   with a cloudflared Deployment in the namespace (constructs/kubernetes/tunnel.ts), a proxied
 *   CNAME per hostname, Cloudflare Access in front of gated hostnames (validated again at the
 *   origin), and the zone's managed WAF and rate limit (EdgeProtection), exactly as
 *   stacks/koha-edge.ts builds them for the Docker host;
 * - `ingress-nginx`: one Ingress per hostname with TLS from a Secret, ingress-nginx per-client
 *   rate limits, and external authentication on gated hostnames (constructs/kubernetes/ingress.ts).
 *
 * Gated routes (Koha's staff interface) are behind Access, or behind `adminAuth` with ingress-nginx:
 * a gated route without one is an error, whatever its hostname. No cluster and no Cloudflare
 * account are reachable where this was written: nothing here was applied.
 */
import { Construct } from "constructs";
import type { TerraformStack } from "cdktf";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { AccessGate } from "../../constructs/cloudflare/access-gate";
import { EdgeProtection } from "../../constructs/cloudflare/edge-protection";
import { KubernetesIngress, type IngressControllerSelector, type IngressExternalAuth, type IngressRateLimit, type IngressTls } from "../../constructs/kubernetes/ingress";
import type { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import { KubernetesTunnelIngress } from "../../constructs/kubernetes/tunnel";
import type { KubernetesWorkload } from "../../constructs/kubernetes/workload";
import type { ImageSpec } from "../../constructs/service/spec";
import type { CloudflareConfig } from "../../config/schema";
import { staffAccessProps } from "../koha-edge";

export type KubernetesIngressKind = "cloudflared" | "ingress-nginx";
/** The connector's service name (the cloudflared profile's default), pinnable under `images:`. */
export const CLOUDFLARED_SERVICE = "cloudflared";
/** The Docker stacks' way in: a Cloudflare Tunnel. */
export const DEFAULT_KUBERNETES_INGRESS: KubernetesIngressKind = "cloudflared";

export interface KubernetesCloudflaredEdgeProps {
  /** @default DEFAULT_KUBERNETES_INGRESS ("cloudflared") */
  readonly via?: "cloudflared";
  /** The account, zone, Access and rate limit of the deployment configuration's `cloudflare` section. */
  readonly cloudflare: CloudflareConfig;
  /** cloudflared image pin (`images.cloudflared`). @default the cloudflared profile's image */
  readonly connectorImage?: Partial<ImageSpec>;
  /** cloudflared pods. @default DEFAULT_CONNECTOR_REPLICAS (2) */
  readonly connectorReplicas?: number;
  /**
   * Give the zone its managed WAF and rate limit (EdgeProtection). Cloudflare keeps one entrypoint
   * ruleset per zone and phase (CF-010): set `false` when another stack of the run already
   * protects the zone (the koha stack, Docker or cluster, does).
   * @default DEFAULT_ZONE_PROTECTION (true)
   */
  readonly zoneProtection?: boolean;
}

export const DEFAULT_ZONE_PROTECTION = true;

export interface KubernetesNginxEdgeProps {
  readonly via: "ingress-nginx";
  /** The certificate Secret of the hostnames (and its cert-manager issuer). */
  readonly tls: IngressTls;
  /** Authentication of gated hostnames (oauth2-proxy or an SSO gateway). Required when a route is gated. @default none */
  readonly adminAuth?: IngressExternalAuth;
  /** @default DEFAULT_INGRESS_CLASS ("nginx") */
  readonly className?: string;
  /** @default DEFAULT_INGRESS_NGINX_CONTROLLER */
  readonly controller?: IngressControllerSelector;
  /** @default { requestsPerSecond: 10, burstMultiplier: 5, connections: 20 } */
  readonly rateLimit?: IngressRateLimit;
}

export type KubernetesEdgeProps = KubernetesCloudflaredEdgeProps | KubernetesNginxEdgeProps;

export interface KubernetesPublicRoute {
  readonly hostname: string;
  readonly workload: KubernetesWorkload;
  readonly port: number;
  /** Behind Access (cloudflared) or `adminAuth` (ingress-nginx). */
  readonly gated: boolean;
}

export interface KubernetesEdge {
  readonly via: KubernetesIngressKind;
  readonly tunnel?: KubernetesTunnelIngress;
  readonly access?: AccessGate;
  readonly protection?: EdgeProtection;
  readonly ingress?: KubernetesIngress;
}

/** Publish `routes` of `ns` the way `props` selects; construct ids `edge/*` (and `cloudflare` for the provider). */
export function addKubernetesEdge(stack: TerraformStack, opts: {
  readonly namespace: KubernetesNamespace;
  readonly owner: string;
  /** Tunnel name in the Zero Trust dashboard. */
  readonly tunnelName: string;
  readonly props: KubernetesEdgeProps;
  readonly routes: readonly KubernetesPublicRoute[];
}): KubernetesEdge {
  const { namespace, owner, props, routes } = opts;
  const where = `${stack.node.id}: publish.edge`;
  const via = props.via ?? DEFAULT_KUBERNETES_INGRESS;
  const edge = new Construct(stack, "edge");

  if (props.via === "ingress-nginx") {
    const ingress = new KubernetesIngress(edge, "ingress", {
      namespace, owner, tls: props.tls, className: props.className, controller: props.controller, rateLimit: props.rateLimit,
    });
    for (const r of routes) {
      if (r.gated && !props.adminAuth) {
        throw new Error(`${where}.adminAuth is missing, but ${r.hostname} is an administrative interface that must never be public. Fix: give adminAuth: { url, signin } of your authentication service (oauth2-proxy, an SSO gateway), or use via: "cloudflared" with Cloudflare Access`);
      }
      ingress.addRoute({ hostname: r.hostname, workload: r.workload, port: r.port, auth: r.gated ? props.adminAuth : undefined });
    }
    return { via, ingress };
  }
  if (via !== "cloudflared") {
    throw new Error(`${where}.via is ${JSON.stringify(via)}. Fix: use "cloudflared" (a Cloudflare Tunnel, the default) or "ingress-nginx"`);
  }
  const cf = (props as KubernetesCloudflaredEdgeProps).cloudflare;
  if (!cf || typeof cf.accountId !== "string") throw new Error(`${where}.cloudflare is missing. Fix: pass the deployment configuration's cloudflare section (account, zone, Access), or use via: "ingress-nginx"`);
  // No api_token attribute: the provider reads CLOUDFLARE_API_TOKEN from the environment.
  new CloudflareProvider(stack, "cloudflare", {});
  const access = routes.some((r) => r.gated)
    ? new AccessGate(edge, "staff-access", staffAccessProps(cf))
    : undefined;
  const p = props as KubernetesCloudflaredEdgeProps;
  const tunnel = new KubernetesTunnelIngress(edge, "tunnel", {
    namespace,
    owner,
    accountId: cf.accountId,
    zoneId: cf.zoneId,
    domain: cf.domain,
    tunnelName: opts.tunnelName,
    connector: p.connectorImage ? { image: p.connectorImage } : undefined,
    replicas: p.connectorReplicas,
  });
  for (const r of routes) tunnel.addPublicService({ hostname: r.hostname, workload: r.workload, port: r.port, access: r.gated ? access : undefined });
  const protection = (p.zoneProtection ?? DEFAULT_ZONE_PROTECTION)
    ? new EdgeProtection(edge, "zone", { zoneId: cf.zoneId, rateLimit: { requestsPerMinute: cf.rateLimitPerMinute } })
    : undefined;
  return { via, tunnel, access, protection };
}
