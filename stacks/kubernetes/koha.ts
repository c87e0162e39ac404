/**
 * The Koha platform (docs/roadmaps/koha.md) on a Kubernetes cluster, from the same profiles as stacks/koha.ts:
 * Koha + MariaDB + RabbitMQ + Elasticsearch + Memcached in one namespace with default deny.
 * - Only Koha reaches the backends, each on its declared port (MariaDB 3306, RabbitMQ STOMP,
 *   Memcached 11211, Elasticsearch 9200); the backends reach nothing but DNS.
 * - Every backend is a StatefulSet with one pod and retained claims; Koha is a StatefulSet too,
 *   because its profile keeps /var/lib/koha on a data volume (one pod, like the one container).
 * - The way in is an ingress controller's namespace (`ingressFrom`), to OPAC and staff ports;
 *   the Docker stack's Cloudflare tunnel is not rendered here (see constructs/kubernetes/README.md).
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
}

export class KubernetesKohaStack extends TerraformStack {
  static readonly services = KUBERNETES_KOHA_SERVICES;

  readonly namespace: KubernetesNamespace;
  readonly koha: KubernetesWorkload;
  readonly mariadb: KubernetesWorkload;
  readonly rabbitmq: KubernetesWorkload;
  readonly elasticsearch: KubernetesWorkload;
  readonly memcached: KubernetesWorkload;

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
  }
}
