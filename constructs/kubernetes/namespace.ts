/**
 * KubernetesNamespace: the cluster equivalent of NetworkTopology (frontnet/backnet) plus the
 * namespace's one Secret.
 *
 * - The namespace enforces the Pod Security Standard `restricted` (Pod Security Admission labels).
 * - `default-deny`: a NetworkPolicy selecting every pod with no ingress and no egress rule, so
 *   nothing talks to anything until a rule below allows it (NSA/CISA Kubernetes Hardening Guide,
 *   "Network separation and hardening"; CIS Kubernetes Benchmark 5.3.2).
 * - `allow-dns`: every pod may reach the cluster DNS on 53/udp and 53/tcp, and nothing else.
 * - `connect(client, server, port?)`: ingress to `server` from `client` only, and egress from
 *   `client` to `server` only, on the server's declared port(s). Backend roles are reachable only
 *   this way: there is no "from anywhere" for them.
 * - `allowEgressToInternet(workload, …)` / `allowIngressFromNamespace(workload, …)`: the two ways
 *   out of and into the namespace, each with a written reason kept as an annotation.
 * - Secrets: `Secret.named(...)` references become keys of one Kubernetes Secret per namespace
 *   (`<namespace>-secrets`), whose values come from sensitive Terraform variables, written through
 *   the provider's write-only `data_wo` so they never reach the Terraform state.
 */
import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, type NetworkPolicyV1SpecEgress, type NetworkPolicyV1SpecIngress } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { isBackendRole } from "../../knowledge/roles";
import { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
import { bindSecretToTerraform } from "../core/secret";
import type { SecretRef } from "../service/spec";
import { MANAGED_BY, MANAGED_BY_LABEL, OWNER_ANNOTATION, clampName, isDnsLabel, isLabelValue } from "./names";
import type { NetworkPeer, NetworkPeerPort } from "./peer";

/** Pod Security Standard the namespace enforces. `baseline` only for workloads that add capabilities beyond NET_BIND_SERVICE. */
export type PodSecurityLevel = "restricted" | "baseline";

export interface ClusterDns {
  /** Namespace of the cluster DNS pods. */
  readonly namespace: string;
  /** Labels of the cluster DNS pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** CoreDNS/kube-dns as most distributions deploy it. */
export const DEFAULT_CLUSTER_DNS: ClusterDns = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } };
export const DEFAULT_POD_SECURITY: PodSecurityLevel = "restricted";
/** Internet egress excludes private, carrier-grade NAT and link-local ranges (cloud metadata at 169.254.169.254). */
export const NON_PUBLIC_CIDRS: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"];
export const REASON_ANNOTATION = "bulwark.reason";

export interface KubernetesNamespaceProps {
  /** Namespace name (RFC 1123 label). */
  readonly name: string;
  /** Team or person responsible; an annotation on the namespace. */
  readonly owner: string;
  /** @default DEFAULT_POD_SECURITY ("restricted") */
  readonly podSecurity?: PodSecurityLevel;
  /** Where the cluster DNS runs (the only egress every pod gets). @default DEFAULT_CLUSTER_DNS (kube-system, k8s-app=kube-dns) */
  readonly dns?: ClusterDns;
  /** Name of the namespace's Secret. @default "<name>-secrets" */
  readonly secretName?: string;
  /**
   * Revision of the write-only secret data: Terraform never reads write-only values back, so
   * after changing a secret's variable, increase this number to have the provider write it again.
   * @default 1
   */
  readonly secretsRevision?: number;
}

export interface InternetEgressOptions {
  /** TCP ports, e.g. [443]. */
  readonly ports: readonly number[];
  /** Why the workload talks to the internet (at least 10 characters). */
  readonly reason: string;
}

export interface CidrEgressPort {
  readonly port: number;
  /** @default "tcp" */
  readonly protocol?: "tcp" | "udp";
}

export interface CidrEgressOptions {
  /** What the ranges are, for the policy name `allow-<workload>-to-<to>` (an RFC 1123 label, e.g. "cloudflare-edge"). */
  readonly to: string;
  /** Public IPv4 or IPv6 ranges (`198.41.192.0/24`); private, loopback, link-local and "everything" ranges are refused. */
  readonly cidrs: readonly string[];
  readonly ports: readonly CidrEgressPort[];
  /** Why the workload talks to these addresses (at least 10 characters). */
  readonly reason: string;
}

export interface NamespaceIngressOptions {
  /** Labels of the namespace traffic comes from, e.g. `{ "kubernetes.io/metadata.name": "ingress-nginx" }`. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the pods in that namespace. @default every pod of that namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Port of the workload (one it declares). */
  readonly port: number;
  /** Why that namespace may connect (at least 10 characters). */
  readonly reason: string;
}

export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

export class KubernetesNamespace extends Construct {
  readonly namespace: NamespaceV1;
  readonly defaultDeny: NetworkPolicyV1;
  readonly allowDns: NetworkPolicyV1;
  /** The Kubernetes namespace name. */
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** The namespace's Secret, created when the first secret is bound. */
  secret?: SecretV1;
  readonly secretName: string;

  private readonly where: string;
  private readonly peers = new Map<string, NetworkPeer>();
  private readonly secretData = new Map<string, string>();
  private readonly secretIdentity = new Map<string, string>();
  private readonly secretsRevision: number;
  private readonly policyNames = new Set<string>();

  constructor(scope: Construct, id: string, props: KubernetesNamespaceProps) {
    super(scope, id);
    const where = `KubernetesNamespace ${this.node.path}`;
    this.where = where;
    if (typeof props !== "object" || props === null) this.fail("props", "are missing", "pass { name, owner }");
    if (!isDnsLabel(props.name)) this.fail("name", `${JSON.stringify(props.name)} is not a namespace name`, "use lower-case letters, digits and dashes, starting with a letter and not ending with a dash (max 63)");
    if (typeof props.owner !== "string" || props.owner.trim() === "") this.fail("owner", "is empty", "name the team or person responsible for the namespace");
    const level = props.podSecurity ?? DEFAULT_POD_SECURITY;
    if (level !== "restricted" && level !== "baseline") this.fail("podSecurity", `is ${JSON.stringify(level)}`, "use \"restricted\" (or \"baseline\" for workloads that must add capabilities)");
    const dns = props.dns ?? DEFAULT_CLUSTER_DNS;
    if (!isDnsLabel(dns.namespace)) this.fail("dns.namespace", `${JSON.stringify(dns.namespace)} is not a namespace name`, "give the namespace of the cluster DNS pods, usually \"kube-system\"");
    checkLabels((p, problem, fix) => this.fail(`dns.podLabels${p}`, problem, fix), dns.podLabels, true);
    this.secretName = props.secretName ?? clampName(`${props.name}-secrets`);
    if (!isDnsLabel(this.secretName)) this.fail("secretName", `${JSON.stringify(this.secretName)} is not a Secret name`, "use an RFC 1123 label");
    this.secretsRevision = props.secretsRevision ?? 1;
    if (!Number.isSafeInteger(this.secretsRevision) || this.secretsRevision < 1) this.fail("secretsRevision", `is ${this.secretsRevision}`, "use a whole number >= 1, increased on every rotation");

    this.name = props.name;
    this.podSecurity = level;
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          [MANAGED_BY_LABEL]: MANAGED_BY,
          "pod-security.kubernetes.io/enforce": level,
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
        annotations: { [OWNER_ANNOTATION]: props.owner },
      },
    });
    this.namespace.overrideLogicalId(underscore(props.name));

    this.defaultDeny = this.policy("default-deny", "default-deny", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
    const dnsPorts = [{ port: "53", protocol: "UDP" }, { port: "53", protocol: "TCP" }];
    this.allowDns = this.policy("allow-dns", "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": dns.namespace } },
          podSelector: { matchLabels: { ...dns.podLabels } },
        }],
        ports: dnsPorts,
      }],
    });
  }

  /** Called by each workload: one service name per namespace (it is the Service's DNS name). */
  register(peer: NetworkPeer, where: string): void {
    if (this.peers.has(peer.serviceName)) {
      throw new Error(`${where}: service.name "${peer.serviceName}" is used by another workload in namespace ${this.name}. Fix: give every service a unique name`);
    }
    this.peers.set(peer.serviceName, peer);
  }

  /**
   * Let `client` connect to `server` on `port` (default: every port `server` declares): an
   * ingress policy on the server's pods and an egress policy on the client's pods, nothing wider.
   */
  connect(client: NetworkPeer, server: NetworkPeer, port?: number): this {
    const where = `connect(${client?.serviceName ?? "?"}, ${server?.serviceName ?? "?"})`;
    for (const [what, p] of [["client", client], ["server", server]] as const) {
      if (!p || this.peers.get(p.serviceName) !== p) this.fail(`${where}: ${what}`, "is not a workload of this namespace", `create the ${what} with namespace: this namespace`);
    }
    if (client === server) this.fail(where, "connects a workload to itself", "pods of one workload need no policy to reach the Service of another; connect two different workloads");
    let ports: readonly NetworkPeerPort[] = server.ports;
    if (port !== undefined) {
      ports = server.ports.filter((p) => p.port === port);
      if (ports.length === 0) this.fail(`${where}.port`, `${port} is not a port ${server.serviceName} declares (${server.ports.map((p) => p.port).join(", ") || "none"})`, "connect to a declared port, or declare it in the service's ports");
    }
    if (ports.length === 0) this.fail(where, `${server.serviceName} declares no ports`, "declare the port the server listens on in its service spec");
    const rulePorts = ports.map((p) => ({ port: String(p.port), protocol: p.protocol.toUpperCase() }));
    const base = `${client.serviceName}-to-${server.serviceName}${port !== undefined ? `-${port}` : ""}`;
    this.policy(`allow-ingress-${base}`, `allow-${server.serviceName}-from-${client.serviceName}${port !== undefined ? `-${port}` : ""}`, {
      podSelector: { matchLabels: { ...server.selectorLabels } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { ...client.selectorLabels } } }], ports: rulePorts }],
    });
    this.policy(`allow-egress-${base}`, `allow-${base}`, {
      podSelector: { matchLabels: { ...client.selectorLabels } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { ...server.selectorLabels } } }], ports: rulePorts }],
    });
    return this;
  }

  /** Egress from `workload` to public addresses on the given TCP ports (never to private ranges or the metadata service). */
  allowEgressToInternet(workload: NetworkPeer, opts: InternetEgressOptions): this {
    const where = `allowEgressToInternet(${workload?.serviceName ?? "?"})`;
    if (!workload || this.peers.get(workload.serviceName) !== workload) this.fail(where, "got a workload of another namespace", "pass a workload of this namespace");
    this.checkReason(`${where}.reason`, opts?.reason, "say what the workload reaches on the internet");
    if (isBackendRole(workload.role)) {
      this.fail(where, `would let ${workload.role} "${workload.serviceName}" reach the internet`, "keep datastores, brokers, caches and search without internet egress (as on backnet)");
    }
    const ports = opts.ports ?? [];
    if (ports.length === 0) this.fail(`${where}.ports`, "is empty", "list the TCP ports, e.g. [443]");
    for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) this.fail(`${where}.ports`, `holds ${p}`, "use ports between 1 and 65535");
    this.policy(`allow-internet-${workload.serviceName}`, `allow-${workload.serviceName}-to-internet`, {
      podSelector: { matchLabels: { ...workload.selectorLabels } },
      policyTypes: ["Egress"],
      egress: [{
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_CIDRS] } }],
        ports: [...new Set(ports)].sort((a, b) => a - b).map((p) => ({ port: String(p), protocol: "TCP" })),
      }],
    }, opts.reason);
    return this;
  }

  /**
   * Egress from `workload` to named public address ranges only (a tunnel connector to the
   * Cloudflare edge), on the given TCP/UDP ports. Narrower than `allowEgressToInternet`.
   */
  allowEgressToCidrs(workload: NetworkPeer, opts: CidrEgressOptions): this {
    const where = `allowEgressToCidrs(${workload?.serviceName ?? "?"})`;
    if (!workload || this.peers.get(workload.serviceName) !== workload) this.fail(where, "got a workload of another namespace", "pass a workload of this namespace");
    this.checkReason(`${where}.reason`, opts?.reason, "say what the workload reaches at these addresses");
    if (isBackendRole(workload.role)) {
      this.fail(where, `would let ${workload.role} "${workload.serviceName}" reach addresses outside the cluster`, "keep datastores, brokers, caches and search without external egress (as on backnet)");
    }
    if (!isDnsLabel(opts.to)) this.fail(`${where}.to`, `${JSON.stringify(opts.to)} is not a name`, "name the ranges with lower-case letters, digits and dashes, e.g. \"cloudflare-edge\"");
    const cidrs = opts.cidrs ?? [];
    if (cidrs.length === 0) this.fail(`${where}.cidrs`, "is empty", "list the public ranges, e.g. [\"198.41.192.0/24\"]");
    for (const c of cidrs) {
      const problem = publicCidrProblem(c);
      if (problem) this.fail(`${where}.cidrs`, `holds ${JSON.stringify(c)}, ${problem}`, "list only the public ranges the workload needs (use allowEgressToInternet for the whole internet)");
    }
    const ports = opts.ports ?? [];
    if (ports.length === 0) this.fail(`${where}.ports`, "is empty", "list the ports, e.g. [{ port: 7844, protocol: \"udp\" }]");
    const seen = new Set<string>();
    const rulePorts: Array<{ port: string; protocol: string }> = [];
    for (const p of ports) {
      const protocol = p.protocol ?? "tcp";
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) this.fail(`${where}.ports`, `holds ${p.port}`, "use ports between 1 and 65535");
      if (protocol !== "tcp" && protocol !== "udp") this.fail(`${where}.ports[${p.port}].protocol`, `is ${JSON.stringify(protocol)}`, "use \"tcp\" or \"udp\"");
      const key = `${p.port}/${protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rulePorts.push({ port: String(p.port), protocol: protocol.toUpperCase() });
    }
    this.policy(`allow-cidrs-${workload.serviceName}-${opts.to}`, `allow-${workload.serviceName}-to-${opts.to}`, {
      podSelector: { matchLabels: { ...workload.selectorLabels } },
      policyTypes: ["Egress"],
      egress: [{ to: [...new Set(cidrs)].map((cidr) => ({ ipBlock: { cidr } })), ports: rulePorts }],
    }, opts.reason);
    return this;
  }

  /** Ingress to `workload` on `port` from pods of another namespace (an ingress controller, a tunnel connector). */
  allowIngressFromNamespace(workload: NetworkPeer, opts: NamespaceIngressOptions): this {
    const where = `allowIngressFromNamespace(${workload?.serviceName ?? "?"})`;
    if (!workload || this.peers.get(workload.serviceName) !== workload) this.fail(where, "got a workload of another namespace", "pass a workload of this namespace");
    this.checkReason(`${where}.reason`, opts?.reason, "say who connects and why");
    if (isBackendRole(workload.role)) {
      this.fail(where, `would expose ${workload.role} "${workload.serviceName}" to another namespace`, "reach datastores only from the workloads that use them (connect)");
    }
    checkLabels((p, problem, fix) => this.fail(`${where}.namespaceLabels${p}`, problem, fix), opts.namespaceLabels, true);
    if (opts.podLabels !== undefined) checkLabels((p, problem, fix) => this.fail(`${where}.podLabels${p}`, problem, fix), opts.podLabels, false);
    const port = workload.ports.find((p) => p.port === opts.port);
    if (!port) this.fail(`${where}.port`, `${opts.port} is not a port ${workload.serviceName} declares`, "use a declared port");
    const peer = opts.podLabels ? { podSelector: { matchLabels: { ...opts.podLabels } } } : {};
    const from = `${Object.values(opts.namespaceLabels).join("-")}`;
    this.policy(`allow-namespace-${workload.serviceName}-${opts.port}`, `allow-${workload.serviceName}-${opts.port}-from-${from}`, {
      podSelector: { matchLabels: { ...workload.selectorLabels } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { ...opts.namespaceLabels } }, ...peer }], ports: [{ port: String(port!.port), protocol: port!.protocol.toUpperCase() }] }],
    }, opts.reason);
    return this;
  }

  /**
   * The Secret key a SecretRef is bound to: the key is the secret's name, the value a sensitive
   * Terraform variable of that name (or the reference's own expression), shared by every
   * workload of the namespace that uses the same secret.
   */
  secretKeyRef(ref: SecretRef, where: string): SecretKeySelector {
    const key = ref.name;
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new Error(`${where}: secret name ${JSON.stringify(key)} is not a Secret key. Fix: name it in snake_case`);
    // Two references to one secret: the same bound expression, or the same unbound name.
    const identity = ref.expression ?? `name:${ref.name}`;
    const existing = this.secretIdentity.get(key);
    if (existing !== undefined && existing !== identity) {
      throw new Error(`${where}: secret key ${key} of Secret ${this.secretName} is already bound to another value. Fix: give different secrets different names`);
    }
    if (existing === undefined) {
      this.secretIdentity.set(key, identity);
      this.secretData.set(key, bindSecretToTerraform(this, ref, where));
    }
    if (!this.secret) {
      this.secret = new SecretV1(this, "secret", {
        metadata: { name: this.secretName, namespace: this.namespace.metadata.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
        type: "Opaque",
        dataWoRevision: this.secretsRevision,
      });
      this.secret.overrideLogicalId(underscore(this.secretName));
    }
    this.secret.addOverride("data_wo", Object.fromEntries([...this.secretData].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
    return { name: this.secretName, key };
  }

  private policy(id: string, name: string, spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes: string[];
    ingress?: NetworkPolicyV1SpecIngress[];
    egress?: NetworkPolicyV1SpecEgress[];
  }, reason?: string): NetworkPolicyV1 {
    const policyName = clampName(name);
    if (this.policyNames.has(policyName)) this.fail(id, `would create NetworkPolicy ${policyName} twice`, "allow each connection once");
    this.policyNames.add(policyName);
    const p = new NetworkPolicyV1(this, id, {
      metadata: {
        name: policyName,
        namespace: this.namespace.metadata.name,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
        ...(reason ? { annotations: { [REASON_ANNOTATION]: reason.trim() } } : {}),
      },
      spec,
    });
    p.overrideLogicalId(underscore(`${this.name}-${policyName}`));
    return p;
  }

  private checkReason(prop: string, reason: unknown, fix: string): void {
    if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
      this.fail(prop, `is missing or shorter than ${MIN_REASON_LENGTH} characters`, fix);
    }
  }

  private fail(prop: string, problem: string, fix: string): never {
    throw new Error(`${this.where ?? `KubernetesNamespace ${this.node.path}`}: ${prop} ${problem}. Fix: ${fix}`);
  }
}

function checkLabels(fail: (p: string, problem: string, fix: string) => never, labels: unknown, required: boolean): void {
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) fail("", "is not a label map", "give labels as { key: value }");
  const entries = Object.entries(labels as Record<string, unknown>);
  if (required && entries.length === 0) fail("", "is empty", "give at least one label");
  for (const [k, v] of entries) {
    if (!/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) fail(`[${k}]`, "is not a label key", "use a key like \"app.kubernetes.io/name\"");
    if (!isLabelValue(v)) fail(`[${k}]`, `has value ${JSON.stringify(v)}, which is not a label value`, "use at most 63 letters, digits, dashes, dots and underscores");
  }
}

/** Why a CIDR is not a narrow public range, or undefined when it is one. */
export function publicCidrProblem(cidr: string): string | undefined {
  if (typeof cidr !== "string") return "which is not a CIDR range";
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const bits = Number(v4[5]);
    if (octets.some((o) => o > 255) || bits > 32) return "which is not an IPv4 range";
    if (bits < 8) return "which is most of the internet";
    const ip = toV4(octets);
    for (const range of [...NON_PUBLIC_CIDRS, "0.0.0.0/8", "224.0.0.0/3"]) {
      const [base, b] = range.split("/");
      const rb = Number(b);
      const common = Math.min(rb, bits);
      const mask = common === 0 ? 0 : (~0 << (32 - common)) >>> 0;
      if (((ip & mask) >>> 0) === ((toV4(base.split(".").map(Number)) & mask) >>> 0)) return `which overlaps the non-public range ${range}`;
    }
    return undefined;
  }
  const v6 = /^([0-9a-f:]+)\/(\d{1,3})$/i.exec(cidr);
  if (v6 && v6[1].includes(":")) {
    const bits = Number(v6[2]);
    if (bits > 128) return "which is not an IPv6 range";
    const first = v6[1].toLowerCase().startsWith("::") ? 0 : parseInt(v6[1].split(":")[0], 16);
    // Public unicast is 2000::/3; fc00::/7 (unique local), fe80::/10 (link-local), ::1 and the rest are not.
    if (!(first >= 0x2000 && first <= 0x3fff)) return "which is not in the public IPv6 range 2000::/3";
    if (bits < 16) return "which is most of the internet";
    return undefined;
  }
  return "which is not a CIDR range (a.b.c.d/n or an IPv6 prefix)";
}

function toV4(o: readonly number[]): number {
  return (((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3]) >>> 0;
}

export function underscore(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}
