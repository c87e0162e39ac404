/**
 * Koha profile (the ILS of docs/roadmaps/koha.md): Apache + Plack serving the OPAC and the staff interface.
 *
 * There is no official Koha image. What was checked:
 * - teogramm/koha (teogramm/koha-docker: Dockerfile, README, s6-overlay scripts 02-setup-koha.sh,
 *   s6-rc.d/plack/run): Debian + koha-core + Apache, OPAC on 8080 and staff on 8081 (ports.conf
 *   "Listen 8081 / Listen 8080"), EXPOSE 2100 6001 8080 8081, CMD /init (s6-overlay). No USER: it
 *   runs as root, runs `koha-create`/`a2enmod`/`koha-translate` at every start (writes /etc,
 *   creates the instance user) and lets starman drop to `<instance>-koha` itself.
 * - pinokew/koha-docker-build (the build repository of [roadmap koha.2.1], derived from teogramm/koha-docker):
 *   debian:bookworm, KOHA_VERSION 25.05, s6-overlay 3.2, Apache with mpm_itk disabled, Plack,
 *   `wget` installed; runtime steps create `<instance>-koha` with UID/GID 1000:1000 and also
 *   run a2enmod/koha-create as root (scripts/koha-setup/steps/01-create-user.sh, 09-start-services.sh,
 *   lib/koha-setup-common.sh for the environment names used below).
 * - koha-community koha-testing-docker (koha/koha-testing): a development box (cap_add ALL), not
 *   for production.
 *
 * None of them can run as a non-root user on a read-only root filesystem: they configure the
 * system at start-up. This profile therefore REQUIRES you to supply a Koha image built to run
 * non-root (`image` has no default): instance created and Apache/Plack configured at build time,
 * Apache listening on unprivileged ports, logs to stdout or to the writable paths below, and the
 * entrypoint doing no chown/su/a2enmod. The defaults describe such an image built from
 * koha-docker-build's layout:
 * - user 1000:1000 (koha-docker-build's `<instance>-koha` ids);
 * - OPAC 8080, staff 8081 (both images above);
 * - configuration through the koha-docker-build environment names (MYSQL_SERVER, DB_NAME,
 *   MYSQL_USER, MYSQL_PASSWORD, MB_HOST, MB_PORT, MB_USER, MB_PASS, MEMCACHED_SERVERS,
 *   USE_ELASTICSEARCH, ELASTICSEARCH_HOST, KOHA_INSTANCE, KOHA_OPAC_PORT, KOHA_INTRANET_PORT, TZ);
 * - writable: /tmp, /var/run/koha (Plack socket and pid), /var/run/apache2, /var/lock/apache2,
 *   /var/log/koha, /var/log/apache2, /var/cache/koha (template cache) — the Debian koha-common and
 *   apache2 package paths; uploads and plugins in /var/lib/koha (data volume).
 *
 * Not verified (no such image exists publicly to read): every default above for *your* image —
 * override `user`, `writablePaths` and `dataVolumes` to match it. The health probe uses wget
 * (installed in both Dockerfiles read); pass `probeTool: "curl"` if your image has curl instead.
 * Koha's Elasticsearch client is configured by ELASTICSEARCH_HOST only: with the
 * elasticsearchProfile's security on, your image must add the credentials to koha-conf.xml.
 */
import type { DataVolume, ImageSpec, ResourceSpec, SecretRef, ServiceSpec, WritablePath } from "../service/spec";
import { HealthProbe, type HttpProbeTool } from "../service/health";
import {
  assertNoTemplateSyntax,
  checkPlainEnv,
  fail,
  hostRef,
  identifier,
  positiveInt,
  requireSecret,
  requireUser,
  resolveImage,
  resolveResources,
  runDir,
  serviceName,
  shQuote,
  tmp,
  SHARED_UID_MAX_PROCESSES,
  named,
  finish,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "kohaProfile";

export const KOHA_DEFAULT_USER = "1000:1000";
export const KOHA_OPAC_PORT = 8080;
export const KOHA_STAFF_PORT = 8081;
/** Pages that go through Apache, Plack and the database (the staff one renders the login form). */
export const KOHA_OPAC_HEALTH_PATH = "/cgi-bin/koha/opac-main.pl";
export const KOHA_STAFF_HEALTH_PATH = "/cgi-bin/koha/mainpage.pl";

export const KOHA_PROVENANCE =
  "No official Koha image. Read: teogramm/koha-docker Dockerfile, README, s6 scripts; " +
  "pinokew/koha-docker-build Dockerfile and scripts/koha-setup (env names, UID 1000). Verified: " +
  "OPAC 8080 / staff 8081, wget installed, both images run as root and configure the system at start. " +
  "Hence: image is required and must be built to run non-root; user/paths are defaults for such an image.";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 2048, cpuShares: 1024, maxProcesses: SHARED_UID_MAX_PROCESSES, maxOpenFiles: 16384 };

export interface KohaDatabase {
  /** MariaDB service name on the internal network (`MYSQL_SERVER`). */
  readonly host: string;
  /** `DB_NAME` */
  readonly name: string;
  /** `MYSQL_USER` */
  readonly user: string;
  /** `MYSQL_PASSWORD` */
  readonly password: SecretRef;
}

export interface KohaMessageBroker {
  /** RabbitMQ service name (`MB_HOST`); the broker needs the rabbitmq_stomp plugin. */
  readonly host: string;
  /** `MB_PORT`. @default 61613 (STOMP) */
  readonly port?: number;
  /** `MB_USER` */
  readonly user: string;
  /** `MB_PASS` */
  readonly password: SecretRef;
}

export interface KohaProfileOptions {
  /** @default "koha" */
  readonly name?: string;
  /**
   * Required: a Koha image built to run as a non-root user on a read-only root filesystem (see
   * the header of this file). Public Koha images run as root and are refused by the platform.
   */
  readonly image: ImageSpec;
  /** The image's non-root UID:GID. @default "1000:1000" */
  readonly user?: string;
  /** `KOHA_INSTANCE`. @default "library" */
  readonly instance?: string;
  readonly database: KohaDatabase;
  readonly messageBroker: KohaMessageBroker;
  /** `MEMCACHED_SERVERS`, host:port. @default "memcached:11211" */
  readonly memcachedServers?: string;
  /** Elasticsearch `host:port` (`USE_ELASTICSEARCH=true`, `ELASTICSEARCH_HOST`). @default Zebra (none) */
  readonly elasticsearchHost?: string;
  /** `TZ`. @default "UTC" */
  readonly timezone?: string;
  /** @default 8080 */
  readonly opacPort?: number;
  /** @default 8081 */
  readonly staffPort?: number;
  /** HTTP client the image ships, for the probe. @default "wget" */
  readonly probeTool?: HttpProbeTool;
  /** Replace the default writable paths (for an image with another layout). */
  readonly writablePaths?: readonly WritablePath[];
  /** Replace the default data volumes. @default [{ name: "data", path: "/var/lib/koha" }] */
  readonly dataVolumes?: readonly DataVolume[];
  /** @default { memoryMb: 2048, cpuShares: 1024, maxProcesses: 2048, maxOpenFiles: 16384 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function kohaProfile(opts: KohaProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "koha");
  const P = named(PROFILE, name);
  if (opts.image === undefined || opts.image.repository === undefined || opts.image.tag === undefined) {
    fail(P, "image", "is missing", "build a Koha image that runs non-root on a read-only root filesystem (see constructs/profiles/koha.ts) and pass its repository and tag; public Koha images run as root");
  }
  // Pass the whole spec as the "default" so a missing tag is reported, and `latest` refused.
  const image = resolveImage(P, opts.image, opts.image);
  const user = requireUser(P, "user", opts.user ?? KOHA_DEFAULT_USER);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const instance = identifier(P, "instance", opts.instance ?? "library", 32, /^[a-z][a-z0-9]*$/);
  const opacPort = positiveInt(P, "opacPort", opts.opacPort ?? KOHA_OPAC_PORT, 1024, 65535,
    "use an unprivileged port (>= 1024) so Apache needs no NET_BIND_SERVICE");
  const staffPort = positiveInt(P, "staffPort", opts.staffPort ?? KOHA_STAFF_PORT, 1024, 65535,
    "use an unprivileged port (>= 1024) so Apache needs no NET_BIND_SERVICE");
  if (opacPort === staffPort) fail(P, "staffPort", `equals opacPort (${opacPort})`, "serve OPAC and staff on two ports so only OPAC is routed publicly");

  const db = opts.database;
  if (db === undefined) fail(P, "database", "is missing", "give host, name, user and password of the MariaDB service");
  const mb = opts.messageBroker;
  if (mb === undefined) fail(P, "messageBroker", "is missing", "give host, user and password of the RabbitMQ service (with rabbitmq_stomp)");
  const dbPassword = requireSecret(P, "database.password", db.password);
  const mbPassword = requireSecret(P, "messageBroker.password", mb.password);

  const env: Record<string, string> = {
    KOHA_INSTANCE: instance,
    KOHA_OPAC_PORT: String(opacPort),
    KOHA_INTRANET_PORT: String(staffPort),
    MYSQL_SERVER: hostRef(P, "database.host", db.host, false),
    DB_NAME: identifier(P, "database.name", db.name, 64),
    MYSQL_USER: identifier(P, "database.user", db.user, 80),
    MB_HOST: hostRef(P, "messageBroker.host", mb.host, false),
    MB_PORT: String(positiveInt(P, "messageBroker.port", mb.port ?? 61613, 1, 65535)),
    MB_USER: identifier(P, "messageBroker.user", mb.user, 64, /^[A-Za-z][A-Za-z0-9_.-]*$/),
    MEMCACHED_SERVERS: hostRef(P, "memcachedServers", opts.memcachedServers ?? "memcached:11211", true),
    USE_ELASTICSEARCH: opts.elasticsearchHost === undefined ? "false" : "true",
    TZ: opts.timezone ?? "UTC",
  };
  if (opts.elasticsearchHost !== undefined) env.ELASTICSEARCH_HOST = hostRef(P, "elasticsearchHost", opts.elasticsearchHost, true);
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(env.TZ)) fail(P, "timezone", `"${env.TZ}" is not a zone name`, "use an IANA zone such as \"Europe/Kyiv\" or \"UTC\"");
  checkPlainEnv(P, "env", env);

  const tool = opts.probeTool ?? "wget";
  if (tool !== "wget" && tool !== "curl") fail(P, "probeTool", `is "${String(tool)}"`, "use \"wget\" or \"curl\", whichever the image ships");
  const probeCmd = (port: number, path: string) => {
    const p = HealthProbe.http({ port, path, tool });
    return p.kind === "exec" ? p.command.map(shQuote).join(" ") : p.script;
  };
  const script = assertNoTemplateSyntax(P, "health",
    `${probeCmd(opacPort, KOHA_OPAC_HEALTH_PATH)} && ${probeCmd(staffPort, KOHA_STAFF_HEALTH_PATH)}`);

  const writablePaths = opts.writablePaths ?? [
    tmp(256),
    runDir("/var/run/koha", 8),
    runDir("/var/run/apache2", 8),
    runDir("/var/lock/apache2", 8),
    runDir("/var/log/koha", 128),
    runDir("/var/log/apache2", 64),
    runDir("/var/cache/koha", 256),
  ];
  const dataVolumes = opts.dataVolumes ?? [{ name: "data", path: "/var/lib/koha" }];

  return finish(P, {
    name,
    image,
    role: "app",
    user,
    ports: [
      { port: opacPort, name: "opac" },
      { port: staffPort, name: "staff" },
    ],
    env,
    secretEnv: { MYSQL_PASSWORD: dbPassword, MB_PASS: mbPassword },
    health: {
      probe: HealthProbe.shell(script),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(20),
      retries: 3,
      // First start may create the schema and rebuild indexes.
      startPeriod: Duration.seconds(300),
    },
    resources,
    writablePaths,
    dataVolumes,
    capabilities: [],
    // The pages the health check uses, probed from the monitoring network (Apache + Plack + DB).
    observability: {
      probes: [
        { kind: "http", name: "opac", port: opacPort, path: KOHA_OPAC_HEALTH_PATH },
        { kind: "http", name: "staff", port: staffPort, path: KOHA_STAFF_HEALTH_PATH },
      ],
    },
    provenance: KOHA_PROVENANCE,
  });
}
