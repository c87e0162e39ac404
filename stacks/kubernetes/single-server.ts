/**
 * The services of docs/roadmaps/single-server.md (a bot, an API, PostgreSQL) on a Kubernetes cluster, from the same
 * profiles as stacks/single-server.ts, in one namespace:
 * - default deny; the API reaches PostgreSQL on 5432, the bot reaches the API on its port, the
 *   bot reaches the internet on 443 (messenger and OpenAI APIs); nothing else;
 * - PostgreSQL is a StatefulSet with a retained volume claim. It is not published anywhere:
 *   operators use `kubectl port-forward` instead of the Docker stack's loopback port 5433;
 * - the API is a Deployment with an autoscaler, a disruption budget and zero-downtime updates;
 *   the bot runs exactly once (one bot token, one poller);
 * - every secret is a key of the namespace's Secret, written from the same sensitive Terraform
 *   variables the Docker stack declares;
 * - `publish` (./edge.ts): the API on a public hostname, through a Cloudflare Tunnel with a
 *   cloudflared Deployment (the default) or an ingress-nginx Ingress with TLS and rate limits.
 *
 * Typed props, not the deployment configuration: the configuration is wired in by the app.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Secret } from "../../constructs/core/secret";
import type { BackendConfig } from "../../constructs/core/backend";
import { kubernetesCluster } from "../../constructs/kubernetes/cluster";
import { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import { KubernetesWorkload, type AutoscalingProps } from "../../constructs/kubernetes/workload";
import { postgresProfile, webAppProfile, POSTGRES_PORT } from "../../constructs/profiles";
import type { HttpProbeTool } from "../../constructs/service/health";
import type { ImageSpec } from "../../constructs/service/spec";
import { CLOUDFLARED_SERVICE, addKubernetesEdge, type KubernetesEdge, type KubernetesEdgeProps } from "./edge";

/** The services this stack builds (the same names as the Docker stack's, so `images:` pins apply to both). */
export const KUBERNETES_SINGLE_SERVER_SERVICES = ["db", "api", "bot"] as const;

export interface KubernetesWebServiceProps {
  readonly image: ImageSpec;
  /** The image's non-root numeric UID:GID. */
  readonly user: string;
  readonly port: number;
  /** @default "/healthz" */
  readonly healthPath?: string;
  readonly probeTool: HttpProbeTool;
  /** @default the profile's (512 MB) */
  readonly memoryMb?: number;
}

export interface KubernetesSingleServerStackProps {
  readonly backend: BackendConfig;
  /** Team or person responsible. */
  readonly owner: string;
  /** @default "single-server" */
  readonly namespace?: string;
  /** kubeconfig context. @default the current context */
  readonly context?: string;
  readonly api: KubernetesWebServiceProps & {
    /** @default { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 } */
    readonly autoscaling?: AutoscalingProps;
  };
  readonly bot: KubernetesWebServiceProps;
  readonly postgres?: {
    /** The profile's image with your tag/digest pin. @default postgres:18.4-trixie */
    readonly image?: Partial<ImageSpec>;
    /** @default 10 */
    readonly storageGb?: number;
    /** @default the cluster's default StorageClass */
    readonly storageClassName?: string;
  };
  /**
   * Who may connect to the API from outside the namespace (an ingress controller's namespace).
   * @default nobody: reach it with `kubectl port-forward`
   */
  readonly apiIngressFrom?: { readonly namespaceLabels: Readonly<Record<string, string>>; readonly podLabels?: Readonly<Record<string, string>> };
  /**
   * Publish the API on a public hostname through the Cloudflare Tunnel (`edge.via` "cloudflared",
   * the default) or an ingress-nginx Ingress. The API is public (clients present API_KEY).
   * @default none: not published
   */
  readonly publish?: {
    readonly edge: KubernetesEdgeProps;
    readonly apiHostname: string;
    /** @default SINGLE_SERVER_K8S_TUNNEL_NAME ("single-server-k8s") */
    readonly tunnelName?: string;
  };
}

export const SINGLE_SERVER_K8S_TUNNEL_NAME = "single-server-k8s";

export class KubernetesSingleServerStack extends TerraformStack {
  /** Services `images:` may pin: the stack's own, and the tunnel connector (`cloudflared`) that `publish` may add. */
  static readonly services: readonly string[] = [...KUBERNETES_SINGLE_SERVER_SERVICES, CLOUDFLARED_SERVICE];

  readonly namespace: KubernetesNamespace;
  readonly db: KubernetesWorkload;
  readonly api: KubernetesWorkload;
  readonly bot: KubernetesWorkload;
  /** The way in, when `publish` is given. */
  readonly edge?: KubernetesEdge;

  constructor(scope: Construct, id: string, props: KubernetesSingleServerStackProps) {
    super(scope, id);
    kubernetesCluster(this, { backend: props.backend, context: props.context, stateName: id });
    const owner = props.owner;
    this.namespace = new KubernetesNamespace(this, "namespace", { name: props.namespace ?? "single-server", owner });
    const ns = this.namespace;

    const dbPassword = Secret.named("postgres_password", "PostgreSQL password of the app user ([roadmap single-server.high.1]: rotated; owner platform-team)");
    this.db = new KubernetesWorkload(this, "db", {
      service: postgresProfile({ name: "db", image: props.postgres?.image, password: dbPassword, user: "app", database: "app" }),
      namespace: ns,
      owner,
      volumeClaims: { data: { sizeGb: props.postgres?.storageGb, storageClassName: props.postgres?.storageClassName } },
    });

    const api = props.api;
    this.api = new KubernetesWorkload(this, "api", {
      service: webAppProfile({
        name: "api",
        image: api.image,
        user: api.user,
        port: api.port,
        healthPath: api.healthPath,
        probeTool: api.probeTool,
        env: { POSTGRES_HOST: "db", POSTGRES_PORT: String(POSTGRES_PORT), POSTGRES_DB: "app", POSTGRES_USER: "app" },
        secretEnv: {
          POSTGRES_PASSWORD: dbPassword,
          JWT_SECRET: Secret.named("api_jwt_secret", "JWT signing key of the API"),
          API_KEY: Secret.named("api_key", "API key clients present to the API"),
          HMAC_SECRET: Secret.named("api_hmac_secret", "HMAC key for signed requests"),
          HMAC_SECRET_PARTNER: Secret.named("api_hmac_secret_partner", "HMAC key shared with the partner integration"),
          METRICS_TOKEN: Secret.named("api_metrics_token", "Bearer token Prometheus uses to scrape the API"),
        },
        resources: api.memoryMb !== undefined ? { memoryMb: api.memoryMb } : undefined,
      }),
      namespace: ns,
      owner,
      autoscaling: api.autoscaling,
    });

    const bot = props.bot;
    this.bot = new KubernetesWorkload(this, "bot", {
      service: webAppProfile({
        name: "bot",
        role: "worker",
        image: bot.image,
        user: bot.user,
        port: bot.port,
        healthPath: bot.healthPath,
        probeTool: bot.probeTool,
        env: { API_URL: `http://api:${api.port}` },
        secretEnv: {
          BOT_TOKEN: Secret.named("bot_token", "Messenger bot token (BOT_TOKEN_PROD)"),
          OPENAI_API_KEY: Secret.named("openai_api_key", "OpenAI API key of the bot"),
          BOT_METRICS_TOKEN: Secret.named("bot_metrics_token", "Bearer token Prometheus uses to scrape the bot"),
          API_KEY: Secret.named("bot_api_key", "API key the bot presents to the API"),
        },
        resources: bot.memoryMb !== undefined ? { memoryMb: bot.memoryMb } : undefined,
      }),
      namespace: ns,
      owner,
      singleton: { reason: "one messenger bot token: two pollers would both receive and answer every update" },
    });

    // backnet: only the API reaches PostgreSQL. frontnet: the bot reaches the API and the internet.
    ns.connect(this.api, this.db, POSTGRES_PORT);
    ns.connect(this.bot, this.api, api.port);
    ns.allowEgressToInternet(this.bot, { ports: [443], reason: "the messenger and OpenAI APIs, over HTTPS" });
    if (props.apiIngressFrom) {
      ns.allowIngressFromNamespace(this.api, { ...props.apiIngressFrom, port: api.port, reason: "the cluster's ingress controller forwards public API traffic" });
    }
    if (props.publish) {
      if (props.apiIngressFrom && props.publish.edge.via === "ingress-nginx") {
        throw new Error(`KubernetesSingleServerStack ${id}: apiIngressFrom and publish.edge (ingress-nginx) both admit the ingress controller. Fix: leave apiIngressFrom out; publish already allows the controller's pods to the API port`);
      }
      this.edge = addKubernetesEdge(this, {
        namespace: ns,
        owner,
        tunnelName: props.publish.tunnelName ?? SINGLE_SERVER_K8S_TUNNEL_NAME,
        props: props.publish.edge,
        routes: [{ hostname: props.publish.apiHostname, workload: this.api, port: api.port, gated: false }],
      });
    }
  }
}
