/**
 * Grafana profile (the dashboards of constructs/monitoring, reachable only through the tunnel
 * behind Cloudflare Access).
 *
 * Image: docker.io/grafana/grafana:12.2.1 (the OSS image).
 *
 * Sources read:
 * - grafana/grafana Dockerfile (repository root; final stage `FROM alpine`), and
 *   packaging/docker/run.sh (the ENTRYPOINT)
 * - Grafana documentation: HTTP API "Health API" (`GET /api/health` answers 200 with
 *   `{"database": "ok", …}`) and "Configure Grafana" (every setting can be overridden by an
 *   environment variable `GF_<SectionName>_<KeyName>`, e.g. `[server] http_port` →
 *   `GF_SERVER_HTTP_PORT`)
 * - pkg/setting/setting_plugins.go (a mirror): Grafana 12 pre-installs a default plugin list
 *   (grafana-lokiexplore-app, …) at start, which needs grafana.com
 *
 * Verified in those files:
 * - `ARG GF_UID="472"`, `USER "$GF_UID"`: the server runs as uid 472. The image's group is
 *   `GF_GID="0"` (the root group, for platforms that run images with an arbitrary uid); this
 *   profile runs as 472:472 instead, which the image allows because it `chmod -R 777`s every
 *   directory Grafana writes: GF_PATHS_DATA=/var/lib/grafana (SQLite database, plugins:
 *   GF_PATHS_PLUGINS=/var/lib/grafana/plugins), GF_PATHS_LOGS=/var/log/grafana and
 *   GF_PATHS_PROVISIONING=/etc/grafana/provisioning.
 * - run.sh starts `grafana server` with `cfg:default.log.mode="console"` (no log file is
 *   written) and the paths above; it writes only `mkdir "$GF_PATHS_PLUGINS"` (inside the data
 *   volume) and, with GF_AWS_PROFILES (never set here), `$GF_PATHS_HOME/.aws/credentials`.
 * - run.sh turns every `GF_*__FILE` variable into the variable without the suffix, read from the
 *   file: the admin password is `GF_SECURITY_ADMIN_PASSWORD__FILE`, a file the monitoring
 *   construct delivers from a sensitive variable; it is never an environment value or a flag.
 * - `EXPOSE 3000`; the final stage installs `curl` (`apk add --no-cache ca-certificates bash curl
 *   tzdata musl-utils`), which the health probe uses against `/api/health`.
 *
 * Not verified:
 * - That the 12.2.1 tag exists on Docker Hub (no registry here) and the image was not pulled or
 *   run: Debian packages no Grafana, so neither the tests nor the e2e run it; the provisioning
 *   files are checked by parsing only (__tests__/monitoring). Pin tag and digest in your config.
 * - That `GF_PLUGINS_PREINSTALL_DISABLED=true` (`[plugins] preinstall_disabled`) stops that
 *   download in 12.2.1: seen set for this purpose in public deployments, not in Grafana's docs read
 *   here; releases without the setting ignore it. Grafana 13 exists (its docs do); the 12.2.1 pin
 *   is conservative, not a recommendation.
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import { Duration } from "../service/units";
import { checkPlainEnv, fail, finish, named, positiveInt, requireSecret, resolveImage, resolveResources, runDir, serviceName, tmp } from "./common";

const PROFILE = "grafanaProfile";

export const GRAFANA_DEFAULT_IMAGE: ImageSpec = { repository: "grafana/grafana", tag: "12.2.1" };
/** The image's uid (GF_UID) with a group of its own instead of the image's root group. */
export const GRAFANA_USER = "472:472";
export const GRAFANA_PORT = 3000;
export const GRAFANA_HEALTH_PATH = "/api/health";
/** GF_PATHS_DATA of the image: SQLite database, sessions, plugins. */
export const GRAFANA_DATA_DIR = "/var/lib/grafana";
/** GF_PATHS_PROVISIONING of the image. */
export const GRAFANA_PROVISIONING_PATH = "/etc/grafana/provisioning";
/** The admin user's login. */
export const DEFAULT_GRAFANA_ADMIN_USER = "admin";

export const GRAFANA_PROVENANCE =
  "grafana/grafana:12.2.1. Read: grafana/grafana Dockerfile, packaging/docker/run.sh; Grafana docs (Health API). " +
  "Verified: USER 472 (GF_GID 0, run as 472:472: the data, log and provisioning dirs are mode 777); writes " +
  "/var/lib/grafana only (log mode console); GF_*__FILE secrets; EXPOSE 3000; curl for /api/health. " +
  "Unverified: tag existence, no digest, not run here (no Debian package).";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 256, cpuShares: 256, maxProcesses: 256, maxOpenFiles: 8192 };

export interface GrafanaProfileOptions {
  /** @default "grafana" */
  readonly name?: string;
  /** @default GRAFANA_DEFAULT_IMAGE (grafana/grafana:12.2.1) */
  readonly image?: Partial<ImageSpec>;
  /**
   * The admin password's file inside the container (`GF_SECURITY_ADMIN_PASSWORD__FILE`); the
   * caller delivers the secret there (Monitoring writes it into its provisioning volume).
   */
  readonly adminPasswordFile: string;
  /**
   * The secret that file holds: declared so reports and the secret inventory name it, never put
   * into the environment.
   */
  readonly adminPassword: SecretRef;
  /** @default DEFAULT_GRAFANA_ADMIN_USER ("admin") */
  readonly adminUser?: string;
  /**
   * The public URL users reach Grafana at, through the tunnel (`https://grafana.example.org/`):
   * Grafana builds its redirects and cookie paths from it. @default none (Grafana's own default)
   */
  readonly rootUrl?: string;
  /** @default GRAFANA_PORT (3000) */
  readonly port?: number;
  /** @default { memoryMb: 256, cpuShares: 256, maxProcesses: 256, maxOpenFiles: 8192 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function grafanaProfile(opts: GrafanaProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts?.name, "grafana");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, GRAFANA_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  requireSecret(P, "adminPassword", opts.adminPassword);
  const file = opts.adminPasswordFile;
  if (typeof file !== "string" || !/^\/[A-Za-z0-9._\/-]+$/.test(file) || file.startsWith(`${GRAFANA_DATA_DIR}/`)) {
    fail(P, "adminPasswordFile", `is ${JSON.stringify(file)}`, "give an absolute path of a file the caller delivers (outside /var/lib/grafana), e.g. /etc/grafana/provisioning/secrets/admin_password");
  }
  const port = positiveInt(P, "port", opts.port ?? GRAFANA_PORT, 1024, 65535);
  const adminUser = opts.adminUser ?? DEFAULT_GRAFANA_ADMIN_USER;
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(adminUser)) fail(P, "adminUser", `is ${JSON.stringify(adminUser)}`, "use letters, digits, dots, dashes, underscores or @ (max 64)");
  const rootUrl = opts.rootUrl;
  if (rootUrl !== undefined && !/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/.test(rootUrl)) {
    fail(P, "rootUrl", `is ${JSON.stringify(rootUrl)}`, "give the https URL of the public hostname, e.g. \"https://grafana.example.org/\" (Grafana is reached only through the tunnel)");
  }
  const env: Record<string, string> = {
    GF_SERVER_HTTP_PORT: String(port),
    ...(rootUrl ? { GF_SERVER_ROOT_URL: rootUrl } : {}),
    GF_SECURITY_ADMIN_USER: adminUser,
    GF_SECURITY_ADMIN_PASSWORD__FILE: file,
    // Behind Access and TLS at the edge: secure cookies, no sign-up, no anonymous viewers.
    GF_SECURITY_COOKIE_SECURE: "true",
    GF_SECURITY_DISABLE_GRAVATAR: "true",
    GF_USERS_ALLOW_SIGN_UP: "false",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    // No calls home and no plugin downloads at start.
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    GF_PLUGINS_PREINSTALL_DISABLED: "true",
    GF_LOG_MODE: "console",
  };
  checkPlainEnv(P, "env", env);

  return finish(P, {
    name,
    image,
    role: "app",
    user: GRAFANA_USER,
    ports: [{ port, name: "http" }],
    env,
    secretEnv: {},
    health: {
      probe: HealthProbe.http({ port, path: GRAFANA_HEALTH_PATH, tool: "curl" }),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(60),
    },
    resources,
    // /var/log/grafana: nothing is logged to files (log mode console), but Grafana may create it.
    writablePaths: [tmp(16), runDir("/var/log/grafana", 8)],
    // No volume at GRAFANA_PROVISIONING_PATH: the caller delivers provisioning files there with
    // HardenedContainer.addFile (a read-only config volume), as constructs/monitoring does.
    dataVolumes: [{ name: "data", path: GRAFANA_DATA_DIR }],
    capabilities: [],
    // Its HTTP page, probed by the blackbox exporter like any web app.
    observability: { probes: [{ kind: "http", name: "health", port, path: GRAFANA_HEALTH_PATH }] },
    provenance: GRAFANA_PROVENANCE,
  });
}
