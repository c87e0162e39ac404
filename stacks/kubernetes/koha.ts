/**
 * The Koha platform (docs/roadmaps/koha.md) on a Kubernetes cluster, from the same profiles as stacks/koha.ts:
 * Koha + MariaDB + RabbitMQ + Elasticsearch + Memcached in one namespace with default deny.
 * - Only Koha reaches the backends, each on its declared port (MariaDB 3306, RabbitMQ STOMP,
 *   Memcached 11211, Elasticsearch 9200); the backends reach nothing but DNS.
 * - Every backend is a StatefulSet with one pod and retained claims; Koha is a StatefulSet too,
 *   because its profile keeps /var/lib/koha on a data volume (one pod, like the one container).
 * - The way in (`publish`, ./edge.ts): by default the Docker stack's own, a Cloudflare Tunnel
 *   whose cloudflared connector is a Deployment in the namespace, OPAC public and staff behind
 *   Cloudflare Access, the zone's WAF and rate limit; or an ingress-nginx Ingress per hostname
 *   with TLS, per-client rate limits and external authentication on staff. Without `publish`,
 *   only `ingressFrom` (your own controller's namespace) reaches the OPAC and staff ports.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Secret } from "../../constructs/core/secret";
import type { BackendConfig } from "../../constructs/core/backend";
import { kubernetesCluster } from "../../constructs/kubernetes/cluster";
import { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import { KubernetesWorkload } from "../../constructs/kubernetes/workload";
import {
  elasticsearchProfile,
  kohaProfile,
  mariadbProfile,
  memcachedProfile,
  rabbitmqProfile,
  ELASTICSEARCH_HTTP_PORT,
  KOHA_OPAC_PORT,
  KOHA_STAFF_PORT,
  MARIADB_PORT,
  MEMCACHED_PORT,
  RABBITMQ_STOMP_PORT,
} from "../../constructs/profiles";
import type { ImageSpec } from "../../constructs/service/spec";
import { CLOUDFLARED_SERVICE, addKubernetesEdge, type KubernetesEdge, type KubernetesEdgeProps } from "./edge";

export const KUBERNETES_KOHA_SERVICES = ["mariadb", "rabbitmq", "elasticsearch", "memcached", "koha"] as const;
export type KubernetesKohaService = (typeof KUBERNETES_KOHA_SERVICES)[number];

export interface KubernetesKohaStackProps {
  readonly backend: BackendConfig;
  readonly owner: string;
  /** Koha instance name (as in the Docker stack's `koha.instance`). */
  readonly instance: string;
  /** The Koha image (no official one exists: build your own, pinned). */
  readonly kohaImage: ImageSpec;
  readonly mariadb: { readonly serverId: number; readonly binlogExpireSeconds?: number };
  /** @default "koha" */
  readonly namespace?: string;
  readonly context?: string;
  /** Tag/digest pins per service (the profile's repository is kept). @default the profiles' images */
  readonly images?: Readonly<Partial<Record<Exclude<KubernetesKohaService, "koha">, Partial<ImageSpec>>>>;
  /** Size of each service's data claim in GB. @default 10 each */
  readonly storageGb?: Readonly<Partial<Record<KubernetesKohaService, number>>>;
  readonly storageClassName?: string;
  /** The ingress controller's namespace (and pods), allowed to the OPAC and staff ports. @default nobody */
  readonly ingressFrom?: { readonly namespaceLabels: Readonly<Record<string, string>>; readonly podLabels?: Readonly<Record<string, string>> };
  /**
   * Publish OPAC (public) and staff (behind Access, or `adminAuth` with ingress-nginx) through
   * the Cloudflare Tunnel (`edge.via` "cloudflared", the default) or an ingress-nginx Ingress.
   * @default none: not published (only `ingressFrom` reaches Koha)
   */
  readonly publish?: {
    readonly edge: KubernetesEdgeProps;
    /** Public catalogue hostname (config koha.opacHostname). */
    readonly opacHostname: string;
    /** Staff interface hostname (config koha.staffHostname); always gated. */
    readonly staffHostname: string;
    /** Tunnel name. @default `koha-<instance>-k8s` (KOHA_K8S_TUNNEL_SUFFIX), apart from the Docker stack's tunnel */
    readonly tunnelName?: string;
  };
}

/** Suffix of the default tunnel name, so a cluster and a Docker host of one instance never share a tunnel. */
export const KOHA_K8S_TUNNEL_SUFFIX = "-k8s";

export class KubernetesKohaStack extends TerraformStack {
  /** Services `images:` may pin: the stack's own, and the tunnel connector (`cloudflared`) that `publish` may add. */
  static readonly services: readonly string[] = [...KUBERNETES_KOHA_SERVICES, CLOUDFLARED_SERVICE];

  readonly namespace: KubernetesNamespace;
  readonly koha: KubernetesWorkload;
  readonly mariadb: KubernetesWorkload;
  readonly rabbitmq: KubernetesWorkload;
  readonly elasticsearch: KubernetesWorkload;
  readonly memcached: KubernetesWorkload;
  /** The way in, when `publish` is given. */
  readonly edge?: KubernetesEdge;

  constructor(scope: Construct, id: string, props: KubernetesKohaStackProps) {
    super(scope, id);
    kubernetesCluster(this, { backend: props.backend, context: props.context, stateName: id });
    const owner = props.owner;
    this.namespace = new KubernetesNamespace(this, "namespace", { name: props.namespace ?? "koha", owner });
    const ns = this.namespace;
    const claim = (service: KubernetesKohaService) => ({ data: { sizeGb: props.storageGb?.[service], storageClassName: props.storageClassName } });
    const database = `koha_${props.instance.replace(/-/g, "_")}`;

    const dbPassword = Secret.named("koha_db_password", "MariaDB password of the Koha user (DB_PASS)");
    this.mariadb = new KubernetesWorkload(this, "mariadb", {
      service: mariadbProfile({
        image: props.images?.mariadb,
        serverId: props.mariadb.serverId,
        binlogExpireSeconds: props.mariadb.binlogExpireSeconds,
        rootPassword: Secret.named("koha_db_root_password", "MariaDB root password (DB_ROOT_PASS)"),
        database,
        user: "koha",
        password: dbPassword,
      }),
      namespace: ns,
      owner,
      volumeClaims: claim("mariadb"),
    });

    const mqPassword = Secret.named("koha_mq_password", "RabbitMQ password of the Koha user");
    this.rabbitmq = new KubernetesWorkload(this, "rabbitmq", {
      service: rabbitmqProfile({
        image: props.images?.rabbitmq,
        user: "koha",
        password: mqPassword,
        erlangCookie: Secret.named("koha_mq_erlang_cookie", "Erlang distribution cookie of RabbitMQ"),
        plugins: ["rabbitmq_stomp"],
      }),
      namespace: ns,
      owner,
      volumeClaims: claim("rabbitmq"),
    });

    this.elasticsearch = new KubernetesWorkload(this, "elasticsearch", {
      service: elasticsearchProfile({
        image: props.images?.elasticsearch,
        password: Secret.named("koha_es_password", "Password of the Elasticsearch `elastic` user"),
      }),
      namespace: ns,
      owner,
      volumeClaims: claim("elasticsearch"),
    });

    this.memcached = new KubernetesWorkload(this, "memcached", {
      service: memcachedProfile({ image: props.images?.memcached }),
      namespace: ns,
      owner,
    });

    this.koha = new KubernetesWorkload(this, "koha", {
      service: kohaProfile({
        image: props.kohaImage,
        instance: props.instance,
        database: { host: this.mariadb.hostname, name: database, user: "koha", password: dbPassword },
        messageBroker: { host: this.rabbitmq.hostname, user: "koha", password: mqPassword },
        memcachedServers: `${this.memcached.hostname}:${MEMCACHED_PORT}`,
        elasticsearchHost: `${this.elasticsearch.hostname}:${ELASTICSEARCH_HTTP_PORT}`,
        opacPort: KOHA_OPAC_PORT,
        staffPort: KOHA_STAFF_PORT,
      }),
      namespace: ns,
      owner,
      volumeClaims: claim("koha"),
    });

    ns.connect(this.koha, this.mariadb, MARIADB_PORT);
    ns.connect(this.koha, this.rabbitmq, RABBITMQ_STOMP_PORT);
    ns.connect(this.koha, this.memcached, MEMCACHED_PORT);
    ns.connect(this.koha, this.elasticsearch, ELASTICSEARCH_HTTP_PORT);
    if (props.ingressFrom) {
      for (const port of [KOHA_OPAC_PORT, KOHA_STAFF_PORT]) {
        ns.allowIngressFromNamespace(this.koha, { ...props.ingressFrom, port, reason: "the cluster's ingress controller forwards OPAC and staff traffic" });
      }
    }
    if (props.publish) {
      if (props.ingressFrom && props.publish.edge.via === "ingress-nginx") {
        throw new Error(`KubernetesKohaStack ${id}: ingressFrom and publish.edge (ingress-nginx) both admit the ingress controller. Fix: leave ingressFrom out; publish already allows the controller's pods to the OPAC and staff ports`);
      }
      this.edge = addKubernetesEdge(this, {
        namespace: ns,
        owner,
        tunnelName: props.publish.tunnelName ?? `koha-${props.instance}${KOHA_K8S_TUNNEL_SUFFIX}`,
        props: props.publish.edge,
        routes: [
          { hostname: props.publish.opacHostname, workload: this.koha, port: KOHA_OPAC_PORT, gated: false },
          { hostname: props.publish.staffHostname, workload: this.koha, port: KOHA_STAFF_PORT, gated: true },
        ],
      });
    }
  }
}
