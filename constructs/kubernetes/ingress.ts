/**
 * KubernetesIngress: public HTTPS through an ingress-nginx controller (networking.k8s.io/v1
 * Ingress, `kubernetes_ingress_v1`), the alternative to the Cloudflare tunnel connector
 * (./tunnel.ts) for clusters with their own load balancer.
 *
 * What it guarantees at synth (each violation throws, naming the prop and the fix):
 * - one Ingress per hostname, with TLS from a Secret (`tls.secretName`, e.g. issued by
 *   cert-manager through `tls.clusterIssuer`) and HTTP redirected to HTTPS (K8S-018);
 * - a per-client rate limit on every Ingress: ingress-nginx `limit-rps`,
 *   `limit-burst-multiplier` and `limit-connections` (K8S-019);
 * - an admin-like hostname (ADMIN_HOST_LABELS, the same words as CF-005) only with external
 *   authentication (`auth-url`, `auth-signin`: oauth2-proxy or an SSO gateway) (K8S-020);
 * - only web workloads of the namespace on a port they declare, never a datastore, broker, cache
 *   or search; the controller's pods (and nobody else) may reach each published port
 *   (`allowIngressFromNamespace`).
 *
 * Annotation names: knowledge/ingress.ts (ingress-nginx's annotation reference). No cluster is
 * reachable where this was written: that a controller honours these annotations, and that the
 * TLS Secret exists, was not tried.
 */
import { Construct } from "constructs";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { isAdminHostname } from "../../knowledge/cloudflare";
import { INGRESS_NGINX_ANNOTATIONS } from "../../knowledge/ingress";
import { BACKEND_ROLES } from "../../knowledge/roles";
import { MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, OWNER_ANNOTATION, clampName, isDnsLabel, pathSlug } from "./names";
import { underscore, type KubernetesNamespace } from "./namespace";
import { KubernetesWorkload } from "./workload";

export interface IngressControllerSelector {
  /** Labels of the controller's namespace. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the controller's pods. @default every pod of that namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
}

export interface IngressRateLimit {
  /** Requests per second one client IP may send (`limit-rps`). @default DEFAULT_LIMIT_RPS (10) */
  readonly requestsPerSecond?: number;
  /** Burst = requestsPerSecond × this (`limit-burst-multiplier`). @default DEFAULT_LIMIT_BURST_MULTIPLIER (5) */
  readonly burstMultiplier?: number;
  /** Concurrent connections per client IP (`limit-connections`). @default DEFAULT_LIMIT_CONNECTIONS (20) */
  readonly connections?: number;
}

export interface IngressTls {
  /** Secret of type kubernetes.io/tls in the namespace holding the certificate for the hostnames. */
  readonly secretName: string;
  /** cert-manager ClusterIssuer that issues it (`cert-manager.io/cluster-issuer`). @default none: the Secret is managed outside this stack */
  readonly clusterIssuer?: string;
}

export interface IngressExternalAuth {
  /** URL the controller asks for each request (`auth-url`): 2xx lets it through. https only. */
  readonly url: string;
  /** Where unauthenticated browsers are sent (`auth-signin`). @default none: they get 401 */
  readonly signin?: string;
}

export interface KubernetesIngressProps {
  readonly namespace: KubernetesNamespace;
  /** Team responsible (`bulwark.owner`). */
  readonly owner: string;
  readonly tls: IngressTls;
  /** IngressClass of the controller. @default DEFAULT_INGRESS_CLASS ("nginx") */
  readonly className?: string;
  /** The controller's pods, allowed to reach the published ports. @default DEFAULT_INGRESS_NGINX_CONTROLLER */
  readonly controller?: IngressControllerSelector;
  /** Per-client limits of every Ingress. @default { requestsPerSecond: 10, burstMultiplier: 5, connections: 20 } */
  readonly rateLimit?: IngressRateLimit;
}

export interface IngressRouteOptions {
  /** Full public hostname (`opac.example.org`). */
  readonly hostname: string;
  readonly workload: KubernetesWorkload;
  /** A port the workload declares. */
  readonly port: number;
  /** Path prefix. @default DEFAULT_INGRESS_PATH ("/") */
  readonly path?: string;
  /** External authentication; required for admin-like hostnames. @default none: public */
  readonly auth?: IngressExternalAuth;
}

export const DEFAULT_INGRESS_CLASS = "nginx";
/** ingress-nginx as its Helm chart installs it. */
export const DEFAULT_INGRESS_NGINX_CONTROLLER: IngressControllerSelector = {
  namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
  podLabels: { "app.kubernetes.io/name": "ingress-nginx" },
};
export const DEFAULT_LIMIT_RPS = 10;
export const DEFAULT_LIMIT_BURST_MULTIPLIER = 5;
export const DEFAULT_LIMIT_CONNECTIONS = 20;
export const DEFAULT_INGRESS_PATH = "/";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export class KubernetesIngress extends Construct {
  readonly namespace: KubernetesNamespace;
  /** The Ingress of each hostname. */
  readonly ingresses = new Map<string, IngressV1>();
  readonly className: string;
  readonly rateLimit: Required<IngressRateLimit>;

  private readonly where: string;
  private readonly props: KubernetesIngressProps;
  private readonly controller: IngressControllerSelector;
  private readonly allowed = new Set<string>();
  /** Ingress name → hostname. */
  private readonly names = new Map<string, string>();

  constructor(scope: Construct, id: string, props: KubernetesIngressProps) {
    super(scope, id);
    this.where = `KubernetesIngress ${this.node.path}`;
    if (typeof props !== "object" || props === null) this.fail("props", "are missing", "pass { namespace, owner, tls }");
    if (!props.namespace || typeof props.namespace.allowIngressFromNamespace !== "function") this.fail("namespace", "is missing", "pass the stack's KubernetesNamespace");
    if (typeof props.owner !== "string" || props.owner.trim() === "") this.fail("owner", "is empty", "name the team or person responsible");
    if (!props.tls || !isDnsLabel(props.tls.secretName)) {
      this.fail("tls.secretName", `${JSON.stringify(props.tls?.secretName)} is not a Secret name`, "name the kubernetes.io/tls Secret holding the certificate (an RFC 1123 label), e.g. \"koha-tls\"");
    }
    if (props.tls.clusterIssuer !== undefined && !isDnsLabel(props.tls.clusterIssuer)) this.fail("tls.clusterIssuer", `${JSON.stringify(props.tls.clusterIssuer)} is not a ClusterIssuer name`, "give the name of a cert-manager ClusterIssuer, or leave it out");
    const className = props.className ?? DEFAULT_INGRESS_CLASS;
    if (!isDnsLabel(className)) this.fail("className", `${JSON.stringify(className)} is not an IngressClass name`, `give the controller's IngressClass, e.g. "${DEFAULT_INGRESS_CLASS}"`);
    const r = props.rateLimit ?? {};
    this.rateLimit = {
      requestsPerSecond: this.int("rateLimit.requestsPerSecond", r.requestsPerSecond ?? DEFAULT_LIMIT_RPS, 1, 10_000),
      burstMultiplier: this.int("rateLimit.burstMultiplier", r.burstMultiplier ?? DEFAULT_LIMIT_BURST_MULTIPLIER, 1, 100),
      connections: this.int("rateLimit.connections", r.connections ?? DEFAULT_LIMIT_CONNECTIONS, 1, 100_000),
    };
    this.props = props;
    this.namespace = props.namespace;
    this.className = className;
    this.controller = props.controller ?? DEFAULT_INGRESS_NGINX_CONTROLLER;
  }

  /** `https://<hostname><path>` → Service `<workload>:<port>`, TLS-terminated and rate-limited by the controller. */
  addRoute(opts: IngressRouteOptions): this {
    const where = `addRoute(${JSON.stringify(opts?.hostname)})`;
    const fail = (prop: string, problem: string, fix: string): never => this.fail(`${where}: ${prop}`, problem, fix);
    const hostname = opts?.hostname;
    if (typeof hostname !== "string" || !HOSTNAME.test(hostname)) fail("hostname", `${JSON.stringify(hostname)} is not a lower-case DNS name`, "write it like \"opac.example.org\" (no scheme, port, path or wildcard)");
    if (this.ingresses.has(hostname)) fail("hostname", `"${hostname}" is routed twice`, "route each hostname once");
    const w = opts.workload;
    if (!(w instanceof KubernetesWorkload)) fail("workload", "is not a KubernetesWorkload", "pass the workload to publish");
    if (w.namespaceName !== this.namespace.name) fail("workload", `"${w.serviceName}" runs in namespace ${w.namespaceName}, not ${this.namespace.name}`, "an Ingress routes only to Services of its own namespace: create the workload there");
    if (BACKEND_ROLES.has(w.role)) fail("workload", `"${w.serviceName}" is a ${w.role}, which must never be reachable from the internet`, "publish only web applications");
    if (!w.ports.some((p) => p.port === opts.port && p.protocol === "tcp")) {
      fail("port", `${opts.port} is not a TCP port "${w.serviceName}" declares (${w.ports.map((p) => p.port).join(", ") || "none"})`, "use a declared port");
    }
    const path = opts.path ?? DEFAULT_INGRESS_PATH;
    if (!/^\/\S*$/.test(path)) fail("path", `${JSON.stringify(path)} does not start with "/"`, "give a path prefix such as \"/\" or \"/api\"");
    const auth = opts.auth;
    if (auth !== undefined) {
      if (typeof auth.url !== "string" || !/^https:\/\/\S+$/.test(auth.url)) fail("auth.url", `${JSON.stringify(auth.url)} is not an https URL`, "give the https URL of the authentication service (oauth2-proxy's /oauth2/auth)");
      if (auth.signin !== undefined && !/^https:\/\/\S+$/.test(auth.signin)) fail("auth.signin", `${JSON.stringify(auth.signin)} is not an https URL`, "give the https sign-in URL, or leave it out");
    } else if (isAdminHostname(hostname)) {
      fail("auth", `is missing, but "${hostname}" is an admin-like hostname (first label "${hostname.split(".")[0]}"), which would put an administrative interface on the internet`, "pass auth: { url, signin } of an authentication service (oauth2-proxy, an SSO gateway)");
    }

    const a = INGRESS_NGINX_ANNOTATIONS;
    const annotations: Record<string, string> = {
      [OWNER_ANNOTATION]: this.props.owner,
      [a.forceSslRedirect]: "true",
      [a.limitRps]: String(this.rateLimit.requestsPerSecond),
      [a.limitBurstMultiplier]: String(this.rateLimit.burstMultiplier),
      [a.limitConnections]: String(this.rateLimit.connections),
      ...(auth ? { [a.authUrl]: auth.url, ...(auth.signin ? { [a.authSignin]: auth.signin } : {}) } : {}),
      ...(this.props.tls.clusterIssuer ? { "cert-manager.io/cluster-issuer": this.props.tls.clusterIssuer } : {}),
    };
    const name = clampName(`${w.serviceName}-${pathSlug(hostname)}`);
    const clash = this.names.get(name);
    if (clash !== undefined) fail("hostname", `"${hostname}" would get the Ingress name ${name}, which "${clash}" already has (names are cut at 63 characters)`, "use hostnames that differ within their first labels");
    this.names.set(name, hostname);
    const ingress = new IngressV1(this, `ingress-${hostname}`, {
      metadata: {
        name,
        namespace: this.namespace.namespace.metadata.name,
        labels: { [NAME_LABEL]: w.serviceName, [MANAGED_BY_LABEL]: MANAGED_BY },
        annotations,
      },
      spec: {
        ingressClassName: this.className,
        tls: [{ hosts: [hostname], secretName: this.props.tls.secretName }],
        rule: [{
          host: hostname,
          http: { path: [{ path, pathType: "Prefix", backend: { service: { name: w.serviceName, port: { number: opts.port } } } }] },
        }],
      },
    });
    ingress.overrideLogicalId(underscore(`${this.namespace.name}-${name}`));
    this.ingresses.set(hostname, ingress);

    const key = `${w.serviceName}:${opts.port}`;
    if (!this.allowed.has(key)) {
      this.allowed.add(key);
      this.namespace.allowIngressFromNamespace(w, { ...this.controller, port: opts.port, reason: `the ${this.className} ingress controller forwards https://${hostname} (TLS and rate limiting at the controller)` });
    }
    return this;
  }

  private int(prop: string, v: unknown, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) this.fail(prop, `is ${JSON.stringify(v)}, not a whole number from ${min} to ${max}`, `set ${prop} to a whole number from ${min} to ${max}`);
    return v as number;
  }

  private fail(prop: string, problem: string, fix: string): never {
    throw new Error(`${this.where ?? `KubernetesIngress ${this.node.path}`}: ${prop} ${problem}. Fix: ${fix}`);
  }
}
