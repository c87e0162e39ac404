/**
 * cloudflared connector profile (the only way in: a Cloudflare Tunnel, [roadmap koha.3.3]).
 *
 * Image: docker.io/cloudflare/cloudflared:2026.9.1
 *
 * Sources read:
 * - cloudflare/cloudflared Dockerfile (current: alpine 3.24 final stage; earlier releases used
 *   distroless `nonroot`)
 * - ../shared/PROVIDER_NOTES.md "cloudflared in a container" (checked facts of this project)
 * - public compose files pinning cloudflare/cloudflared:2026.9.x (for the tag only)
 *
 * Verified:
 * - `USER 65532:65532` (numeric on purpose, "Kubernetes doesn't support strings") in both the
 *   distroless and the alpine generations; ENTRYPOINT ["cloudflared", "--no-autoupdate"].
 * - The current Dockerfile sets `ENV TUNNEL_METRICS=0.0.0.0:2000`; our `--metrics` flag overrides
 *   it: `127.0.0.1:2000` by default, so metrics never listen beyond the container, or
 *   `0.0.0.0:2000` with `metricsListen: "network"`, for a Prometheus on an internal network the
 *   connector joins (the port is never published; see CloudflareTunnelIngress `metricsNetwork`).
 * - Metric names (cloudflared proxy/metrics.go, and Cloudflare's "Tunnel metrics" page):
 *   `cloudflared_tunnel_total_requests` (every proxied request), `cloudflared_tunnel_response_by_code`
 *   {status_code} (responses the origin gave), `cloudflared_tunnel_request_errors` (requests that
 *   never reached the origin: cloudflared answers those 502 itself and counts them only here).
 * - The image's own HEALTHCHECK is `cloudflared tunnel --metrics 127.0.0.1:2000 ready`
 *   (`ready` needs cloudflared >= 2024.11.1, PROVIDER_NOTES); read-only root and cap_drop ALL work.
 * - The token goes in TUNNEL_TOKEN, never on the command line (old versions leak argv through
 *   /debug/pprof).
 * - Egress only (7844 tcp/udp to the Cloudflare edge): no port is listed and none may be published.
 *
 * Not verified:
 * - That the 2026.9.1 tag exists on Docker Hub: seen pinned in several public compose files, not
 *   in a registry listing. No digest: pin it in your deployment config.
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import {
  positiveInt,
  requireSecret,
  resolveImage,
  resolveResources,
  serviceName,
  named,
  finish,
  fail,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "cloudflaredProfile";

export const CLOUDFLARED_DEFAULT_IMAGE: ImageSpec = { repository: "cloudflare/cloudflared", tag: "2026.9.1" };
export const CLOUDFLARED_USER = "65532:65532";

export const CLOUDFLARED_PROVENANCE =
  "cloudflare/cloudflared:2026.9.1. Read: cloudflare/cloudflared Dockerfile; PROVIDER_NOTES.md. " +
  "Verified: USER 65532:65532; ENTRYPOINT cloudflared --no-autoupdate; `tunnel ready` probe; token via " +
  "TUNNEL_TOKEN. Unverified: tag existence on Docker Hub, no digest.";

export type CloudflaredMetricsListen = "loopback" | "network";
export const DEFAULT_CLOUDFLARED_METRICS_LISTEN: CloudflaredMetricsListen = "loopback";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 256, cpuShares: 512, maxProcesses: 256, maxOpenFiles: 8192 };

export interface CloudflaredProfileOptions {
  /** @default "cloudflared" */
  readonly name?: string;
  /** @default CLOUDFLARED_DEFAULT_IMAGE (cloudflare/cloudflared:2026.9.1) */
  readonly image?: Partial<ImageSpec>;
  /** Tunnel token, from `DataCloudflareZeroTrustTunnelCloudflaredToken.token` via Secret.fromSensitiveValue. */
  readonly token: SecretRef;
  /** Metrics/readiness port. @default 2000 */
  readonly metricsPort?: number;
  /**
   * Where the metrics server listens: `loopback` (127.0.0.1, only the health probe reads it) or
   * `network` (0.0.0.0: every network the container joins, so Prometheus can scrape it; give the
   * connector an internal monitoring network and never publish the port).
   * @default DEFAULT_CLOUDFLARED_METRICS_LISTEN ("loopback")
   */
  readonly metricsListen?: CloudflaredMetricsListen;
  /** @default { memoryMb: 256, cpuShares: 512, maxProcesses: 256, maxOpenFiles: 8192 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function cloudflaredProfile(opts: CloudflaredProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "cloudflared");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, CLOUDFLARED_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const token = requireSecret(P, "token", opts.token);
  const metricsPort = positiveInt(P, "metricsPort", opts.metricsPort ?? 2000, 1024, 65535);
  const listen = opts.metricsListen ?? DEFAULT_CLOUDFLARED_METRICS_LISTEN;
  if (listen !== "loopback" && listen !== "network") fail(P, "metricsListen", `is ${JSON.stringify(listen)}`, "use \"loopback\" (127.0.0.1) or \"network\" (scraped over an internal network)");
  const metrics = `${listen === "network" ? "0.0.0.0" : "127.0.0.1"}:${metricsPort}`;
  // The readiness probe runs inside the container: loopback reaches either listener.
  const ready = `127.0.0.1:${metricsPort}`;

  return finish(P, {
    name,
    image,
    role: "ingress",
    user: CLOUDFLARED_USER,
    // Appended to the image ENTRYPOINT ["cloudflared", "--no-autoupdate"].
    command: ["tunnel", "--no-autoupdate", "--metrics", metrics, "run"],
    ports: [],
    env: {},
    secretEnv: { TUNNEL_TOKEN: token },
    health: {
      probe: HealthProbe.exec("cloudflared", "tunnel", "--metrics", ready, "ready"),
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(20),
    },
    resources,
    writablePaths: [],
    dataVolumes: [],
    capabilities: [],
    // Edge responses by status code; scrapeable only when the metrics listen on the network.
    observability: { scrape: [{ port: metricsPort, path: "/metrics", dialect: "cloudflared", ...(listen === "loopback" ? { listen: "loopback" as const } : {}) }] },
    provenance: CLOUDFLARED_PROVENANCE,
  });
}
