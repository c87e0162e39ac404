/**
 * Memcached profile (Koha's session/cache store, [roadmap koha.3.5]).
 *
 * Image: docker.io/library/memcached:1.6.44-trixie (Debian 13 base).
 *
 * Sources read:
 * - docker-library/memcached 1/debian/Dockerfile, docker-entrypoint.sh, versions.json
 * - docker-library/repo-info, repos/memcached (MEMCACHED_VERSION 1.6.44 on trixie, built 2026-07-07)
 *
 * Verified in those files:
 * - `groupadd --system --gid 11211 memcache; useradd --system --gid memcache --uid 11211 memcache`
 *   and `USER memcache`: the image already runs as 11211:11211; nothing to step down from.
 * - The entrypoint is `case "$1" in -*) set -- memcached "$@";; esac; exec "$@"`: no root step.
 * - EXPOSE 11211; CMD memcached. Memcached writes no files: no writable path is needed.
 * - Debian base: bash is present (Essential package), so the probe can use /dev/tcp; there is no
 *   nc/curl/wget in the final image (build tools are purged).
 *
 * Not verified:
 * - The image was not pulled; no digest (pin it in your deployment config).
 * - Memcached has no authentication in this setup (SASL needs a password database Koha does not
 *   use): it must only ever join internal networks, which role "cache" enforces.
 */
import type { ImageSpec, ResourceSpec, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import {
  assertNoTemplateSyntax,
  positiveInt,
  resolveImage,
  resolveResources,
  serviceName,
  named,
  finish,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "memcachedProfile";

export const MEMCACHED_DEFAULT_IMAGE: ImageSpec = { repository: "memcached", tag: "1.6.44-trixie" };
export const MEMCACHED_USER = "11211:11211";
export const MEMCACHED_PORT = 11211;

export const MEMCACHED_PROVENANCE =
  "memcached:1.6.44-trixie (repo-info, built 2026-07-07). Read: docker-library/memcached " +
  "1/debian/Dockerfile, docker-entrypoint.sh. Verified: USER memcache = 11211:11211 pinned; " +
  "entrypoint has no root step; bash present for the TCP probe. Unverified: image not pulled, no digest.";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 256, cpuShares: 512, maxProcesses: 128, maxOpenFiles: 4096 };

export interface MemcachedProfileOptions {
  /** @default "memcached" */
  readonly name?: string;
  /** @default MEMCACHED_DEFAULT_IMAGE (memcached:1.6.44-trixie) */
  readonly image?: Partial<ImageSpec>;
  /** Item memory (`-m`, MB). @default 80% of resources.memoryMb (the rest is connection overhead) */
  readonly cacheMb?: number;
  /** `-c`. @default 1024 */
  readonly maxConnections?: number;
  /** `-t`. @default 4 */
  readonly threads?: number;
  /** @default { memoryMb: 256, cpuShares: 512, maxProcesses: 128, maxOpenFiles: 4096 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function memcachedProfile(opts: MemcachedProfileOptions = {}): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "memcached");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, MEMCACHED_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const cacheMb = positiveInt(P, "cacheMb", opts.cacheMb ?? Math.floor(resources.memoryMb * 0.8), 8,
    Math.max(8, Math.floor(resources.memoryMb * 0.9)), `keep cacheMb at most 90% of resources.memoryMb (${resources.memoryMb}), or raise memoryMb`);
  const maxConnections = positiveInt(P, "maxConnections", opts.maxConnections ?? 1024, 16, 65_536);
  if (resources.maxOpenFiles !== undefined && maxConnections + 64 > resources.maxOpenFiles) {
    positiveInt(P, "maxConnections", maxConnections, 16, resources.maxOpenFiles - 64,
      `keep maxConnections at least 64 below resources.maxOpenFiles (${resources.maxOpenFiles}), or raise maxOpenFiles`);
  }
  const threads = positiveInt(P, "threads", opts.threads ?? 4, 1, 64);

  // Speak the protocol, not just TCP: "version" must answer "VERSION x.y.z".
  const probe = assertNoTemplateSyntax(P, "health",
    `exec 3<>/dev/tcp/127.0.0.1/${MEMCACHED_PORT} && printf 'version\\r\\n' >&3 && IFS= read -r -t 3 line <&3 && [[ "$line" == VERSION* ]]`);

  return finish(P, {
    name,
    image,
    role: "cache",
    user: MEMCACHED_USER,
    // -U 0: no UDP listener (amplification vector); TCP only.
    command: ["memcached", "-m", String(cacheMb), "-c", String(maxConnections), "-t", String(threads), "-U", "0"],
    ports: [{ port: MEMCACHED_PORT, name: "memcache" }],
    env: {},
    health: { probe: HealthProbe.exec("bash", "-c", probe), interval: Duration.seconds(15), timeout: Duration.seconds(5), retries: 3, startPeriod: Duration.seconds(10) },
    resources,
    writablePaths: [],
    dataVolumes: [],
    capabilities: [],
    // memcached_exporter (memcached has no authentication in this setup).
    observability: { exporter: { kind: "memcached", port: MEMCACHED_PORT } },
    provenance: MEMCACHED_PROVENANCE,
  });
}
