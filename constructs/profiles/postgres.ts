/**
 * PostgreSQL profile ([roadmap single-server.critical.3]: the bot/API database).
 *
 * Image: docker.io/library/postgres:18.4-trixie (Debian 13 base).
 *
 * Sources read:
 * - docker-library/postgres 18/trixie/Dockerfile, 18/alpine3.21/docker-entrypoint.sh (the 18.x
 *   entrypoint; the Debian variants ship the same generated script)
 * - docker-library/repo-info, repos/postgres (PG_VERSION 18.4, built 2026-06/07)
 *
 * Verified in those files:
 * - `groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 postgres`: 999:999 is pinned.
 * - 18+: `ENV PGDATA /var/lib/postgresql/18/docker` and `VOLUME /var/lib/postgresql` (moved from
 *   /var/lib/postgresql/data); /var/lib/postgresql is created postgres-owned, mode 1777.
 * - /var/run/postgresql is created with mode 3777 for the socket; the entrypoint's `chmod 03775`
 *   on it ends in `|| :`, so a root-owned tmpfs with mode 1777 is accepted.
 * - The entrypoint only chowns and steps down with `gosu postgres` when `id -u` is 0; as 999 it
 *   skips both (no capability needed). initdb uses nss_wrapper only when the uid has no passwd
 *   entry (999 has one).
 * - POSTGRES_PASSWORD (required for a new cluster unless trust), POSTGRES_USER, POSTGRES_DB are read;
 *   the temporary init server runs with `listen_addresses=''` (socket only), so a TCP `pg_isready`
 *   cannot report ready before initialisation finishes.
 * - STOPSIGNAL SIGINT (fast shutdown); EXPOSE 5432; CMD postgres.
 *
 * Not verified / not expressible:
 * - The 18.4 image was not pulled; no digest (pin it in your deployment config).
 * - The Dockerfile recommends a stop timeout above Docker's 10 s; ServiceSpec has no stop timeout,
 *   so the renderer decides it.
 * - /dev/shm (dynamic shared memory) keeps Docker's 64 MB default; ServiceSpec has no shm size.
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import { observabilitySecret } from "../service/observability";
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
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "postgresProfile";

export const POSTGRES_DEFAULT_IMAGE: ImageSpec = { repository: "postgres", tag: "18.4-trixie" };
export const POSTGRES_USER_ID = "999:999";
export const POSTGRES_PORT = 5432;

export const POSTGRES_PROVENANCE =
  "postgres:18.4-trixie (repo-info). Read: docker-library/postgres 18/trixie/Dockerfile, 18 " +
  "docker-entrypoint.sh. Verified: uid/gid 999 pinned; VOLUME /var/lib/postgresql (18+); entrypoint " +
  "skips chown/gosu when non-root; init server is socket-only. Unverified: image not pulled, no digest.";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 1024, cpuShares: 1024, maxProcesses: SHARED_UID_MAX_PROCESSES, maxOpenFiles: 8192 };
const SETTING_KEY = /^[a-z][a-z0-9_.]*$/;

export interface PostgresProfileOptions {
  /** @default "postgres" */
  readonly name?: string;
  /** @default POSTGRES_DEFAULT_IMAGE (postgres:18.4-trixie) */
  readonly image?: Partial<ImageSpec>;
  /** Superuser password (`POSTGRES_PASSWORD`); required, the image refuses to init without it. */
  readonly password: SecretRef;
  /** Superuser name (`POSTGRES_USER`). @default "postgres" */
  readonly user?: string;
  /** Database created at first start (`POSTGRES_DB`). @default the user name */
  readonly database?: string;
  /** Server settings passed as `-c key=value`, e.g. `{ max_connections: "200" }`. @default none */
  readonly settings?: Readonly<Record<string, string>>;
  /** @default { memoryMb: 1024, cpuShares: 1024, maxProcesses: 2048, maxOpenFiles: 8192 } */
  readonly resources?: Partial<ResourceSpec>;
}

/** The volume path the image declares: /var/lib/postgresql from 18 on, .../data before. */
export function postgresDataPath(tag: string): string {
  const major = /^(\d+)/.exec(tag);
  return major && Number(major[1]) < 18 ? "/var/lib/postgresql/data" : "/var/lib/postgresql";
}

export function postgresProfile(opts: PostgresProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "postgres");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, POSTGRES_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const password = requireSecret(P, "password", opts.password);
  const user = identifier(P, "user", opts.user ?? "postgres", 63);
  const database = identifier(P, "database", opts.database ?? user, 63);

  const command = ["postgres"];
  for (const [k, v] of Object.entries(opts.settings ?? {})) {
    if (!SETTING_KEY.test(k)) fail(P, `settings.${k}`, "is not a PostgreSQL setting name", "use the lower-case setting name, e.g. \"max_connections\"");
    if (typeof v !== "string" || v === "" || /[\r\n]/.test(v)) fail(P, `settings.${k}`, "is empty or spans lines", "give a one-line value as a string");
    if (k === "listen_addresses" || k === "port") {
      fail(P, `settings.${k}`, "would move the server away from the port the health probe and clients use", "leave listen_addresses and port at their defaults; isolate with internal networks instead");
    }
    command.push("-c", `${k}=${v}`);
  }

  const env: Record<string, string> = { POSTGRES_USER: user, POSTGRES_DB: database };
  checkPlainEnv(P, "env", env);

  return finish(P, {
    name,
    image,
    role: "datastore",
    // The entrypoint skips its chown + gosu step when not root: run as postgres (999) directly.
    user: POSTGRES_USER_ID,
    command,
    ports: [{ port: POSTGRES_PORT, name: "postgresql" }],
    env,
    secretEnv: { POSTGRES_PASSWORD: password },
    // Clean shutdown flushes and checkpoints; Docker's 10 s default can cut it short.
    stopGracePeriod: Duration.seconds(60),
    health: {
      // TCP, not the socket: the init-time server is socket-only, so this stays red until the
      // real server listens.
      probe: HealthProbe.exec("pg_isready", "-h", "127.0.0.1", "-p", String(POSTGRES_PORT), "-U", user, "-d", database),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(60),
    },
    resources,
    writablePaths: [tmp(64), runDir("/var/run/postgresql")],
    dataVolumes: [{ name: "data", path: postgresDataPath(image.tag) }],
    capabilities: [],
    // postgres_exporter as a pg_monitor member: statistics views, no table data.
    observability: {
      exporter: {
        kind: "postgres",
        port: POSTGRES_PORT,
        username: "exporter",
        password: observabilitySecret(`${name.replace(/-/g, "_")}_exporter_password`, `Password of the PostgreSQL role "exporter" that postgres_exporter uses to observe ${name} (pg_monitor only)`),
        setup: "CREATE ROLE exporter WITH LOGIN PASSWORD '<password>' CONNECTION LIMIT 3; GRANT pg_monitor TO exporter;",
      },
    },
    provenance: POSTGRES_PROVENANCE,
    // WAL at the server's default wal_level (replica) streams to pg_receivewal; `minimal` or
    // max_wal_senders=0 leave nothing to stream, so only full backups are possible then.
    backup: {
      engine: "postgresql",
      volume: "data",
      port: POSTGRES_PORT,
      changeLog: opts.settings?.wal_level === "minimal" || opts.settings?.max_wal_senders === "0"
        ? { kind: "none", why: `settings ${opts.settings?.wal_level === "minimal" ? "wal_level=minimal" : "max_wal_senders=0"} leave no WAL to stream` }
        : { kind: "wal", walLevel: opts.settings?.wal_level === "logical" ? "logical" : "replica" },
    },
  });
}
