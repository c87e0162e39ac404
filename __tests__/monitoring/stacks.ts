/**
 * Test stacks built only from the profiles, with monitoring added the way the README tells a
 * stack author to (the reference stacks themselves are owned elsewhere; constructs/monitoring/README.md
 * has the lines to add to them).
 */
import { Testing, TerraformStack, LocalBackend } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Secret } from "../../constructs/core/secret";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import {
  elasticsearchProfile, kohaProfile, mariadbProfile, memcachedProfile, postgresProfile, rabbitmqProfile, redisProfile, webAppProfile,
  ELASTICSEARCH_HTTP_PORT, MEMCACHED_PORT,
} from "../../constructs/profiles";
import { withObservability } from "../../constructs/service/observability";
import { Monitoring, type MonitoringProps } from "../../constructs/monitoring";
import { Duration } from "../../constructs/service/units";

function base(id: string, prefix: string) {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
  new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
  const topology = new NetworkTopology(stack, "network", { prefix, additionalInternalNetworks: ["monnet"] });
  return { app, stack, topology };
}

export function kohaMonitoredStack(overrides: Partial<MonitoringProps> = {}) {
  const { stack, topology } = base("koha", "koha");
  const owner = "library-it";
  const back = [topology.back];
  const dbPassword = Secret.fromVariable(stack, "koha_db_password", "MariaDB password of the Koha user");
  const mqPassword = Secret.fromVariable(stack, "koha_mq_password", "RabbitMQ password of the Koha user");
  const mariadb = new HardenedContainer(stack, "mariadb", {
    service: mariadbProfile({ serverId: 1, rootPassword: Secret.fromVariable(stack, "koha_db_root_password", "MariaDB root password"), database: "koha_library", user: "koha", password: dbPassword }),
    networks: back, owner,
  });
  const rabbitmq = new HardenedContainer(stack, "rabbitmq", { service: rabbitmqProfile({ user: "koha", password: mqPassword, plugins: ["rabbitmq_stomp"] }), networks: back, owner });
  const elasticsearch = new HardenedContainer(stack, "elasticsearch", { service: elasticsearchProfile({ password: Secret.fromVariable(stack, "koha_es_password", "Elasticsearch elastic password") }), networks: back, owner });
  const memcached = new HardenedContainer(stack, "memcached", { service: memcachedProfile(), networks: back, owner });
  const koha = new HardenedContainer(stack, "koha", {
    service: kohaProfile({
      image: { repository: "ghcr.io/example/koha", tag: "25.05.1" },
      database: { host: mariadb.hostname, name: "koha_library", user: "koha", password: dbPassword },
      messageBroker: { host: rabbitmq.hostname, user: "koha", password: mqPassword },
      memcachedServers: `${memcached.hostname}:${MEMCACHED_PORT}`,
      elasticsearchHost: `${elasticsearch.hostname}:${ELASTICSEARCH_HTTP_PORT}`,
    }),
    networks: [topology.front, topology.back], owner,
  });
  const monitoring = new Monitoring(stack, "monitoring", {
    topology,
    services: [mariadb, rabbitmq, elasticsearch, memcached, koha],
    owner,
    alerting: {
      email: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["oncall@example.org"], username: "alerts@example.org", password: Secret.fromVariable(stack, "smtp_password", "SMTP password of alerts@example.org") },
      telegram: { chatId: -1001234567890, botToken: Secret.fromVariable(stack, "telegram_bot_token", "Telegram bot token of the on-call bot") },
    },
    publicProbes: [{ name: "opac", url: "https://opac.example.org/cgi-bin/koha/opac-main.pl", service: "koha" }],
    slos: [{ name: "opac-availability", objective: 0.999, window: Duration.hours(24 * 30), sli: { kind: "probe", probe: "opac" }, description: "The OPAC answers through the edge" }],
    ...overrides,
  });
  return { stack, topology, monitoring, containers: { mariadb, rabbitmq, elasticsearch, memcached, koha } };
}

export function singleServerMonitoredStack(overrides: Partial<MonitoringProps> = {}) {
  const { stack, topology } = base("single", "app");
  const owner = "platform-team";
  const metricsToken = Secret.fromVariable(stack, "metrics_bearer_token", "Bearer token bot and API require on /metrics");
  const db = new HardenedContainer(stack, "db", {
    service: postgresProfile({ name: "db", password: Secret.fromVariable(stack, "postgres_password", "PostgreSQL password"), user: "app", database: "app" }),
    networks: [topology.back], owner,
  });
  const redis = new HardenedContainer(stack, "redis", { service: redisProfile({ password: Secret.fromVariable(stack, "redis_password", "Redis password") }), networks: [topology.back], owner });
  const app = (name: string) => new HardenedContainer(stack, name, {
    service: withObservability(
      webAppProfile({ name, image: { repository: `ghcr.io/example/${name}`, tag: "1.0.0" }, user: "10001:10001", port: 8080, probeTool: "wget" }),
      { scrape: [{ port: 8080, path: "/metrics", bearerToken: metricsToken, dialect: "http-app" }], probes: [{ kind: "http", name: "health", port: 8080, path: "/healthz" }] },
    ),
    networks: [topology.front, topology.back], owner,
  });
  const api = app("api");
  const bot = app("bot");
  const monitoring = new Monitoring(stack, "monitoring", {
    topology,
    services: [db, redis, api, bot],
    owner,
    alerting: { email: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"], username: "alerts@example.org", password: Secret.fromVariable(stack, "smtp_password", "SMTP password") } },
    cadvisor: { dockerSocketGroupId: 998 },
    slos: [{
      name: "api-errors", objective: 0.99, sli: {
        kind: "ratio", errors: `http_requests_total{service="api",code=~"5.."}`, total: `http_requests_total{service="api"}`,
        testSeries: { errors: `http_requests_total{service="api",code="500"}`, good: `http_requests_total{service="api",code="200"}` },
      },
    }],
    ...overrides,
  });
  return { stack, topology, monitoring, containers: { db, redis, api, bot } };
}
