/**
 * Your own stack, built only from bulwark's public API (../../index): a web API with PostgreSQL
 * and Redis on one Docker host, the API published through a Cloudflare Tunnel.
 *
 * - PostgreSQL and Redis join only the internal backnet: no route off the host, no published
 *   port, unreachable from the tunnel (the constructs refuse it).
 * - The API joins frontnet (where the tunnel connector is) and backnet (to reach the data).
 * - The only way in is the tunnel: `api.example.org` → `http://api:8080`; every other hostname
 *   gets 404 from the catch-all. The zone gets the managed WAF and a rate limit on /api/.
 * - Every secret is a sensitive Terraform variable without a default (TF_VAR_<name>).
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import {
  CloudflareTunnelIngress,
  EdgeProtection,
  HardenedContainer,
  NetworkTopology,
  POSTGRES_PORT,
  REDIS_PORT,
  Secret,
  cloudflareProvider,
  dockerHost,
  pinnedImage,
  postgresProfile,
  redisProfile,
  requireSections,
  webAppProfile,
} from "../../index";
import type { WebApiConfig } from "./config";

/** The services this stack builds: the names its `images:` may pin. */
export const WEB_API_SERVICES = ["api", "postgres", "redis", "cloudflared"] as const;
export type WebApiService = (typeof WEB_API_SERVICES)[number];

export interface WebApiStackProps {
  readonly config: WebApiConfig;
}

export class WebApiStack extends TerraformStack {
  static readonly services: readonly WebApiService[] = WEB_API_SERVICES;

  readonly topology: NetworkTopology;
  readonly postgres: HardenedContainer;
  readonly redis: HardenedContainer;
  readonly api: HardenedContainer;
  readonly tunnel: CloudflareTunnelIngress;
  readonly protection: EdgeProtection;

  constructor(scope: Construct, id: string, props: WebApiStackProps) {
    super(scope, id);
    const config = requireSections(props.config, ["cloudflare"], `WebApiStack ${id} (its tunnel)`);
    const { owner, webApi } = config;
    const cf = config.cloudflare;
    // A typed name per service: a pin for a service not in WEB_API_SERVICES does not compile.
    const pin = (service: WebApiService) => pinnedImage(config, service);

    // 1. Providers and state backend (no credentials anywhere: CLOUDFLARE_API_TOKEN from the environment).
    dockerHost(this, { host: config.docker.host, backend: config.backend });
    cloudflareProvider(this);

    // 2. The two tiers. The prefix keeps the Docker network names apart from other stacks on the host.
    this.topology = new NetworkTopology(this, "network", { prefix: "webapi" });
    const back = this.topology.back;

    // 3. Secrets: sensitive variables, never literals.
    const dbPassword = Secret.fromVariable(this, "postgres_password", "PostgreSQL password of the web API's database user");
    const redisPassword = Secret.fromVariable(this, "redis_password", "Redis requirepass of the web API's cache");
    const sessionSecret = Secret.fromVariable(this, "api_session_secret", "Key the web API signs session cookies with");

    // 4. Datastores on the internal network only.
    this.postgres = new HardenedContainer(this, "postgres", {
      service: postgresProfile({ image: pin("postgres"), password: dbPassword, user: webApi.database, database: webApi.database }),
      networks: [back],
      owner,
    });
    this.redis = new HardenedContainer(this, "redis", {
      service: redisProfile({ image: pin("redis"), password: redisPassword, persistence: "aof" }),
      networks: [back],
      owner,
    });

    // 5. The API: your image, its pin from `images.api` when present.
    const image = webApi.api;
    this.api = new HardenedContainer(this, "api", {
      service: webAppProfile({
        name: "api",
        image: pinnedImage(config, "api", { repository: image.repository, tag: image.tag, ...(image.digest ? { digest: image.digest } : {}) }),
        user: image.user,
        port: image.port,
        healthPath: image.healthPath,
        probeTool: image.probeTool,
        env: {
          DATABASE_HOST: this.postgres.hostname,
          DATABASE_PORT: String(POSTGRES_PORT),
          DATABASE_NAME: webApi.database,
          DATABASE_USER: webApi.database,
          REDIS_HOST: this.redis.hostname,
          REDIS_PORT: String(REDIS_PORT),
        },
        secretEnv: { DATABASE_PASSWORD: dbPassword, REDIS_PASSWORD: redisPassword, SESSION_SECRET: sessionSecret },
        resources: { memoryMb: image.memoryMb },
      }),
      networks: [this.topology.front, back],
      owner,
    });

    // 6. The only way in: the tunnel, its connector on frontnet, a proxied CNAME per hostname.
    this.tunnel = new CloudflareTunnelIngress(this, "edge", {
      accountId: cf.accountId,
      zoneId: cf.zoneId,
      domain: cf.domain,
      network: this.topology.front,
      owner,
      tunnelName: id,
      connector: { image: pin("cloudflared") },
    }).addPublicService({ hostname: webApi.hostname, container: this.api, port: image.port });

    // 7. The zone's managed WAF and the API rate limit. Cloudflare allows one entrypoint ruleset
    // per zone and phase: manage these only here (drop this for a zone another stack protects).
    this.protection = new EdgeProtection(this, "zone", { zoneId: cf.zoneId, rateLimit: { requestsPerMinute: cf.rateLimitPerMinute } });
  }
}
