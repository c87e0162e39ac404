/**
 * Redis profile (cache/queue for the single-server bot/API of docs/roadmaps/single-server.md).
 *
 * Image: docker.io/library/redis:8.10.1-trixie (Debian 13 base).
 *
 * Sources read:
 * - redis/docker-library-redis debian/Dockerfile and debian/docker-entrypoint.sh (the source of
 *   the official image since Redis 8; docker-library/redis only holds versions.json here)
 * - docker-library/repo-info, repos/redis (redis:8-trixie = 8.10.1, built 2026-08-25)
 *
 * Verified in those files:
 * - `groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis`: 999:999 is pinned;
 *   `mkdir /data && chown redis:redis /data`, WORKDIR /data; EXPOSE 6379; CMD redis-server.
 * - The entrypoint drops privileges (setpriv) and fixes /data ownership only when `id -u` is 0
 *   and SETUID/SETGID are in the bounding set; as 999 it skips that, so no capability is needed.
 * - When the command resolves to redis-server it appends `--loadmodule` for the bundled modules;
 *   a first argument that is not redis-server (our `sh -c`) is exec'd unchanged.
 * - Protected mode is compiled off; there is no password environment variable in the image, so
 *   the password is passed as `--requirepass "$REDIS_PASSWORD"` through `sh -c`.
 *
 * Not verified:
 * - That redis-server hides its argv (it rewrites the process title); the password is visible in
 *   /proc/<pid>/cmdline to the same UID until then. Use an ACL file if that matters to you.
 * - `REDISCLI_AUTH` (redis-cli reads the password from it instead of `-a`) is from redis-cli's
 *   documentation as remembered; the probe also fails closed if it is not honoured.
 * - No digest: pin it in your deployment config. Redis 8 is AGPLv3/RSALv2/SSPL licensed; valkey
 *   is a BSD alternative (different image facts: re-verify before switching).
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec, WritablePath } from "../service/spec";
import { HealthProbe } from "../service/health";
import {
  assertNoTemplateSyntax,
  fail,
  positiveInt,
  requireSecret,
  resolveImage,
  resolveResources,
  serviceName,
  tmp,
  SHARED_UID_MAX_PROCESSES,
  named,
  finish,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "redisProfile";

export const REDIS_DEFAULT_IMAGE: ImageSpec = { repository: "redis", tag: "8.10.1-trixie" };
export const REDIS_USER = "999:999";
export const REDIS_PORT = 6379;

export const REDIS_PROVENANCE =
  "redis:8.10.1-trixie (repo-info, built 2026-08-25). Read: redis/docker-library-redis " +
  "debian/Dockerfile, debian/docker-entrypoint.sh. Verified: uid/gid 999 pinned; /data redis-owned; " +
  "entrypoint skips setpriv when non-root; no password env in the image. Unverified: argv hiding, " +
  "REDISCLI_AUTH.";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 512, cpuShares: 512, maxProcesses: SHARED_UID_MAX_PROCESSES, maxOpenFiles: 16384 };

export type RedisPersistence = "aof" | "rdb" | "none";
export type RedisEvictionPolicy = "noeviction" | "allkeys-lru" | "allkeys-lfu" | "volatile-lru" | "volatile-lfu" | "volatile-ttl";
const POLICIES: readonly RedisEvictionPolicy[] = ["noeviction", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "volatile-ttl"];

export interface RedisProfileOptions {
  /** @default "redis" */
  readonly name?: string;
  /** @default REDIS_DEFAULT_IMAGE (redis:8.10.1-trixie) */
  readonly image?: Partial<ImageSpec>;
  /** `requirepass`; required (protected mode is off in this image). */
  readonly password: SecretRef;
  /**
   * "aof": append-only file on the data volume (queues, sessions); "rdb": periodic snapshots;
   * "none": pure cache, nothing written (tmpfs /data). @default "aof"
   */
  readonly persistence?: RedisPersistence;
  /** `--maxmemory` in MB. @default 75% of resources.memoryMb */
  readonly maxMemoryMb?: number;
  /** @default "allkeys-lru" with persistence "none", else "noeviction" (never drop queued data) */
  readonly evictionPolicy?: RedisEvictionPolicy;
  /** @default { memoryMb: 512, cpuShares: 512, maxProcesses: 2048, maxOpenFiles: 16384 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function redisProfile(opts: RedisProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "redis");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, REDIS_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const password = requireSecret(P, "password", opts.password);
  const persistence = opts.persistence ?? "aof";
  if (!["aof", "rdb", "none"].includes(persistence)) {
    fail(P, "persistence", `is "${persistence}"`, "use \"aof\", \"rdb\" or \"none\"");
  }
  const maxMemory = positiveInt(P, "maxMemoryMb", opts.maxMemoryMb ?? Math.floor(resources.memoryMb * 0.75), 8,
    Math.max(8, resources.memoryMb - 32), `keep maxMemoryMb at least 32 MB below resources.memoryMb (${resources.memoryMb}) for Redis' own overhead, or raise memoryMb`);
  const policy = opts.evictionPolicy ?? (persistence === "none" ? "allkeys-lru" : "noeviction");
  if (!POLICIES.includes(policy)) fail(P, "evictionPolicy", `is "${policy}"`, `use one of ${POLICIES.join(", ")}`);

  const args = ["--requirepass \"$REDIS_PASSWORD\"", "--port", String(REDIS_PORT), "--maxmemory", `${maxMemory}mb`, "--maxmemory-policy", policy];
  if (persistence === "aof") args.push("--appendonly", "yes");
  if (persistence === "rdb") args.push("--appendonly", "no");
  if (persistence === "none") args.push("--appendonly", "no", "--save", "''");
  // `exec docker-entrypoint.sh redis-server …` keeps the image's module loading; sh expands the
  // password from the environment so it never appears in Terraform or the container config.
  const script = assertNoTemplateSyntax(P, "command", `exec docker-entrypoint.sh redis-server ${args.join(" ")}`);

  const writablePaths: WritablePath[] = [tmp(16)];
  if (persistence === "none") writablePaths.push({ path: "/data", sizeMb: 16, mode: "1777" });

  return finish(P, {
    name,
    image,
    role: "cache",
    // The entrypoint skips setpriv/chown when not root: run as redis (999) directly.
    user: REDIS_USER,
    command: ["sh", "-c", script],
    ports: [{ port: REDIS_PORT, name: "redis" }],
    env: {},
    // REDISCLI_AUTH lets the probe authenticate without putting the password on a command line.
    secretEnv: { REDIS_PASSWORD: password, REDISCLI_AUTH: password },
    health: {
      // Anything but PONG (NOAUTH, LOADING, refused) is unhealthy.
      probe: HealthProbe.shell(assertNoTemplateSyntax(P, "health", `[ "$(redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping)" = "PONG" ]`)),
      interval: Duration.seconds(15),
      timeout: Duration.seconds(3),
      retries: 3,
      startPeriod: Duration.seconds(30),
    },
    resources,
    writablePaths,
    dataVolumes: persistence === "none" ? [] : [{ name: "data", path: "/data" }],
    capabilities: [],
    // redis_exporter; Redis has one requirepass here, so the exporter uses it (an ACL user would be narrower).
    observability: { exporter: { kind: "redis", port: REDIS_PORT, username: "default", password } },
    provenance: REDIS_PROVENANCE,
  });
}
