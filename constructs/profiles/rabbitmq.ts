/**
 * RabbitMQ profile (Koha's message broker, [roadmap koha.3.5]; Koha talks STOMP on 61613).
 *
 * Image: docker.io/library/rabbitmq:4.2.5 (Ubuntu 24.04 base, Erlang/OTP 27 built into /opt/erlang).
 *
 * Sources read:
 * - docker-library/rabbitmq 4.2/ubuntu/Dockerfile, 4.1/ubuntu/docker-entrypoint.sh,
 *   4.3/ubuntu/10-defaults.conf
 * - docker-library/repo-info, repos/rabbitmq (rabbitmq:4-management = 4.2.5, built 2026-04-21)
 * - docker-library/rabbitmq PR #467 (3.9 dropped the image's env-to-config layer), issues #508 and
 *   #513 (RabbitMQ >= 3.9.4 itself reads RABBITMQ_DEFAULT_USER/PASS/VHOST and
 *   RABBITMQ_ERLANG_COOKIE; the entrypoint whitelists them), rabbitmq-server #7262 and PR #17501
 *   (the cookie variable's deprecation warning was withdrawn), rabbitmq-server #1206 (without a
 *   cookie the Erlang VM generates a random one in $HOME)
 *
 * Verified in those files:
 * - `groupadd --gid 999 --system rabbitmq; useradd --uid 999 ...`: 999:999 is pinned;
 *   RABBITMQ_DATA_DIR=/var/lib/rabbitmq (mode 1777, rabbitmq-owned), HOME=/var/lib/rabbitmq,
 *   VOLUME /var/lib/rabbitmq; /var/log/rabbitmq and /etc/rabbitmq exist (1777).
 * - The entrypoint only chowns /var/lib/rabbitmq and steps down with gosu when `id -u` is 0; as
 *   999 it skips both (no capability needed). It refuses the old *_FILE/SSL env variables.
 * - 10-defaults.conf sets `loopback_users.guest = false` and `log.console = true`: seeding our own
 *   default user (RABBITMQ_DEFAULT_USER/PASS) means no guest/guest account is created.
 * - rabbitmq_prometheus is enabled at build time (metrics on 15692); EXPOSE 4369 5671 5672 15691
 *   15692 25672.
 *
 * Seen on a Docker engine (Docker 20.10.24, runc 1.1.5, Debian's rabbitmq-server as a stand-in
 * for the official image's entrypoint; e2e/):
 * - With RABBITMQ_ENABLED_PLUGINS set, RabbitMQ writes its enabled-plugins file, by default
 *   /etc/rabbitmq/enabled_plugins, at boot: on a read-only root it stops with
 *   `failed_to_update_enabled_plugins_file`. /etc/rabbitmq does not stay read-only-safe, so the
 *   profile points RABBITMQ_ENABLED_PLUGINS_FILE at the data volume (a documented RabbitMQ
 *   server variable), where the file is the broker's own state anyway.
 *
 * Not verified:
 * - RABBITMQ_NODENAME is a RabbitMQ server environment variable as documented upstream; the
 *   official image's entrypoint was not run here (no registry).
 * - Whether file logging still writes under /var/log/rabbitmq with log.console on; a small tmpfs
 *   is mounted there so it cannot fail either way.
 * - No digest: pin it in your deployment config.
 */
import type { ContainerPort, ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import {
  checkPlainEnv,
  fail,
  identifier,
  requireSecret,
  resolveImage,
  resolveResources,
  runDir,
  serviceName,
  tmp,
  SHARED_UID_MAX_PROCESSES,
  named,
  finish,
  sameSecret,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "rabbitmqProfile";

export const RABBITMQ_DEFAULT_IMAGE: ImageSpec = { repository: "rabbitmq", tag: "4.2.5" };
export const RABBITMQ_USER = "999:999";
export const RABBITMQ_AMQP_PORT = 5672;
export const RABBITMQ_STOMP_PORT = 61613;
export const RABBITMQ_DATA_PATH = "/var/lib/rabbitmq";
/** Where the enabled-plugins file lives: on the data volume (RabbitMQ writes it at boot). */
export const RABBITMQ_ENABLED_PLUGINS_FILE = `${RABBITMQ_DATA_PATH}/enabled_plugins`;
/**
 * Stable node name: the data directory is per node name, and the default is rabbit@<hostname>,
 * which is the container id unless pinned; a re-created container would start an empty node.
 */
export const RABBITMQ_NODE_NAME = "rabbit@localhost";

export const RABBITMQ_PROVENANCE =
  "rabbitmq:4.2.5 (repo-info, built 2026-04-21). Read: docker-library/rabbitmq 4.2/ubuntu/Dockerfile, " +
  "4.1/ubuntu/docker-entrypoint.sh, 10-defaults.conf; PR #467, issues #508/#513; rabbitmq-server " +
  "#7262, #17501, #1206. Verified: uid/gid 999 pinned; entrypoint skips gosu when non-root; " +
  "RABBITMQ_DEFAULT_USER/PASS and RABBITMQ_ERLANG_COOKIE read by the server. Unverified: " +
  "RABBITMQ_ENABLED_PLUGINS/RABBITMQ_NODENAME against this image.";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 512, cpuShares: 1024, maxProcesses: SHARED_UID_MAX_PROCESSES, maxOpenFiles: 65536 };
const PLUGIN = /^rabbitmq_[a-z0-9_]+$/;

export interface RabbitMqProfileOptions {
  /** @default "rabbitmq" */
  readonly name?: string;
  /** @default RABBITMQ_DEFAULT_IMAGE (rabbitmq:4.2.5) */
  readonly image?: Partial<ImageSpec>;
  /** Default user seeded at first boot (`RABBITMQ_DEFAULT_USER`); never "guest". */
  readonly user: string;
  /** Its password (`RABBITMQ_DEFAULT_PASS`). */
  readonly password: SecretRef;
  /** `RABBITMQ_DEFAULT_VHOST`. @default "/" */
  readonly vhost?: string;
  /**
   * Erlang distribution cookie (`RABBITMQ_ERLANG_COOKIE`). Anyone who knows it controls the node.
   * @default none — the node generates a random cookie in its data volume on first boot, which
   * the CLI tools in the same container (and the health probe) read from $HOME. Give one only to
   * cluster nodes or run CLI tools from another container.
   */
  readonly erlangCookie?: SecretRef;
  /**
   * Plugins to enable in addition to rabbitmq_prometheus, e.g. ["rabbitmq_stomp"] for Koha.
   * Enabled through RABBITMQ_ENABLED_PLUGINS, with the plugins file RabbitMQ rewrites at boot
   * (RABBITMQ_ENABLED_PLUGINS_FILE) on the data volume: the root filesystem stays read-only.
   * @default none (the image's enabled_plugins file: rabbitmq_prometheus)
   */
  readonly plugins?: readonly string[];
  /** @default { memoryMb: 512, cpuShares: 1024, maxProcesses: 2048, maxOpenFiles: 65536 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function rabbitmqProfile(opts: RabbitMqProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "rabbitmq");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, RABBITMQ_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const user = identifier(P, "user", opts.user, 64, /^[A-Za-z][A-Za-z0-9_.-]*$/);
  if (user === "guest") fail(P, "user", "is \"guest\"", "seed a named user (e.g. \"koha\"); the image lets guest log in from any host");
  const password = requireSecret(P, "password", opts.password);
  const vhost = opts.vhost ?? "/";
  if (!/^\/?[A-Za-z0-9_.-]*$/.test(vhost) || vhost.length > 64) {
    fail(P, "vhost", `"${vhost}" is not a plain vhost name`, "use \"/\" or letters, digits, dot, dash and underscore");
  }

  const env: Record<string, string> = {
    RABBITMQ_DEFAULT_USER: user,
    RABBITMQ_DEFAULT_VHOST: vhost,
    RABBITMQ_NODENAME: RABBITMQ_NODE_NAME,
  };
  const secretEnv: Record<string, SecretRef> = { RABBITMQ_DEFAULT_PASS: password };
  if (opts.erlangCookie !== undefined) {
    const cookie = requireSecret(P, "erlangCookie", opts.erlangCookie);
    if (sameSecret(cookie, password)) fail(P, "erlangCookie", "is the same secret as password", "use a separate random secret for the cookie");
    secretEnv.RABBITMQ_ERLANG_COOKIE = cookie;
  }

  const ports: ContainerPort[] = [
    { port: RABBITMQ_AMQP_PORT, name: "amqp" },
    { port: 15692, name: "metrics" },
  ];
  if (opts.plugins !== undefined) {
    const plugins = ["rabbitmq_prometheus"];
    for (const p of opts.plugins) {
      if (!PLUGIN.test(p)) fail(P, "plugins", `holds "${p}"`, "name plugins as RabbitMQ does, e.g. \"rabbitmq_stomp\"");
      if (!plugins.includes(p)) plugins.push(p);
    }
    env.RABBITMQ_ENABLED_PLUGINS = plugins.join(",");
    // RabbitMQ rewrites this file at boot: keep it on the data volume, not the read-only root.
    env.RABBITMQ_ENABLED_PLUGINS_FILE = RABBITMQ_ENABLED_PLUGINS_FILE;
    if (plugins.includes("rabbitmq_stomp")) ports.push({ port: RABBITMQ_STOMP_PORT, name: "stomp" });
    if (plugins.includes("rabbitmq_management")) ports.push({ port: 15672, name: "management" });
  }
  checkPlainEnv(P, "env", env);

  return finish(P, {
    name,
    image,
    role: "broker",
    // The entrypoint skips its chown + gosu step when not root: run as rabbitmq (999) directly.
    user: RABBITMQ_USER,
    ports,
    env,
    secretEnv,
    health: {
      // Starts an Erlang CLI node (~1-2 s): generous timeout, modest interval.
      probe: HealthProbe.exec("rabbitmq-diagnostics", "-q", "ping"),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(15),
      retries: 3,
      startPeriod: Duration.seconds(60),
    },
    resources,
    writablePaths: [tmp(64), runDir("/var/log/rabbitmq", 64)],
    dataVolumes: [{ name: "data", path: RABBITMQ_DATA_PATH }],
    capabilities: [],
    // The image enables rabbitmq_prometheus: aggregated metrics on 15692, no credentials.
    observability: { scrape: [{ port: 15692, path: "/metrics", dialect: "rabbitmq" }] },
    provenance: RABBITMQ_PROVENANCE,
  });
}
