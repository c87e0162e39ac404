/**
 * The single-server bot + API platform of seed 002: a bot, an API and PostgreSQL on one Docker
 * host.
 * - PostgreSQL is published only on 127.0.0.1:<postgresHostPort> (seed 002: 127.0.0.1:5433:5432),
 *   for operators over an SSH tunnel; everything else reaches it over backnet.
 * - No bind mounts of source code: bot and API run from their images only.
 * - The API answers a `/healthz` probe; every secret is a sensitive Terraform variable.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { DeploymentConfig, SingleServerDeploymentConfig } from "../config/schema";
import { Secret } from "../constructs/core/secret";
import { HardenedContainer } from "../constructs/docker/hardened-container";
import { NetworkTopology } from "../constructs/docker/network-topology";
import { postgresProfile, webAppProfile, POSTGRES_PORT } from "../constructs/profiles";
import type { SecretRef } from "../constructs/service/spec";
import { dockerStackBase, pinnedImage } from "./common";

/**
 * The services the single-server stack builds: the names `images:` may pin for it (the loader
 * checks pins against this list; a test checks it against the synthesized containers).
 */
export const SINGLE_SERVER_SERVICES = ["db", "api", "bot"] as const;
export type SingleServerService = (typeof SINGLE_SERVER_SERVICES)[number];

export interface SingleServerStackProps {
  /** The deployment configuration; its `singleServer` section must be present. */
  readonly config: DeploymentConfig;
}

export class SingleServerStack extends TerraformStack {
  /** Services this stack builds (valid names under `images:`). */
  static readonly services: readonly SingleServerService[] = SINGLE_SERVER_SERVICES;

  readonly topology: NetworkTopology;
  readonly db: HardenedContainer;
  readonly api: HardenedContainer;
  readonly bot: HardenedContainer;

  constructor(scope: Construct, id: string, props: SingleServerStackProps) {
    super(scope, id);
    if (props.config.singleServer === undefined) {
      throw new Error(`SingleServerStack ${id}: props.config.singleServer is missing. Fix: add a singleServer section to the deployment configuration`);
    }
    const config = props.config as SingleServerDeploymentConfig;
    const pin = (service: SingleServerService) => pinnedImage(config, service);
    dockerStackBase(this, id, config);
    this.topology = new NetworkTopology(this, "network", { prefix: "app" });
    const secret = (name: string, description: string): SecretRef => Secret.fromVariable(this, name, description);

    const dbPassword = secret("postgres_password", "PostgreSQL password of the app user (seed 002: rotated; owner platform-team)");
    this.db = new HardenedContainer(this, "db", {
      service: postgresProfile({ name: "db", image: pin("db"), password: dbPassword, user: "app", database: "app" }),
      networks: [this.topology.back],
      owner: config.owner,
      publish: [{ containerPort: POSTGRES_PORT, hostPort: config.singleServer.postgresHostPort, hostIp: "127.0.0.1" }],
    });
    // DOCKER-020 warns on any published datastore port, loopback included; seed 002 wants this one.
    this.db.suppress("DOCKER-020", "seed 002: PostgreSQL published on loopback only, for operators over an SSH tunnel");

    const api = config.singleServer.api;
    this.api = new HardenedContainer(this, "api", {
      service: webAppProfile({
        name: "api",
        image: { repository: api.repository, tag: api.tag, digest: api.digest, ...pin("api") },
        user: api.user,
        port: api.port,
        healthPath: api.healthPath,
        probeTool: api.probeTool,
        env: { POSTGRES_HOST: "db", POSTGRES_PORT: String(POSTGRES_PORT), POSTGRES_DB: "app", POSTGRES_USER: "app" },
        secretEnv: {
          POSTGRES_PASSWORD: dbPassword,
          JWT_SECRET: secret("api_jwt_secret", "JWT signing key of the API"),
          API_KEY: secret("api_key", "API key clients present to the API"),
          HMAC_SECRET: secret("api_hmac_secret", "HMAC key for signed requests"),
          HMAC_SECRET_PARTNER: secret("api_hmac_secret_partner", "HMAC key shared with the partner integration"),
          METRICS_TOKEN: secret("api_metrics_token", "Bearer token Prometheus uses to scrape the API"),
        },
        resources: { memoryMb: api.memoryMb },
      }),
      networks: [this.topology.front, this.topology.back],
      owner: config.owner,
    });

    const bot = config.singleServer.bot;
    this.bot = new HardenedContainer(this, "bot", {
      service: webAppProfile({
        name: "bot",
        role: "worker",
        image: { repository: bot.repository, tag: bot.tag, digest: bot.digest, ...pin("bot") },
        user: bot.user,
        port: bot.port,
        healthPath: bot.healthPath,
        probeTool: bot.probeTool,
        env: { API_URL: `http://api:${api.port}` },
        secretEnv: {
          BOT_TOKEN: secret("bot_token", "Messenger bot token (BOT_TOKEN_PROD)"),
          OPENAI_API_KEY: secret("openai_api_key", "OpenAI API key of the bot"),
          BOT_METRICS_TOKEN: secret("bot_metrics_token", "Bearer token Prometheus uses to scrape the bot"),
          API_KEY: secret("bot_api_key", "API key the bot presents to the API"),
        },
        resources: { memoryMb: bot.memoryMb },
      }),
      // frontnet for egress to the messenger and OpenAI APIs; backnet to reach the API.
      networks: [this.topology.front, this.topology.back],
      owner: config.owner,
    });
  }
}
