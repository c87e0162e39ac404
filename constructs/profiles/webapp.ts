/**
 * Generic web application profile (the bot/API of [roadmap single-server.medium.5], or any HTTP service behind the tunnel).
 *
 * No image facts can be verified for an arbitrary image, so every fact a profile would know is an
 * option: the image (required, pinned tag), its non-root UID:GID (required), the port, the health
 * path and the HTTP tool the image ships (or a custom probe). Defaults are the safe ones: no
 * capabilities, only /tmp writable, no data volumes.
 */
import type {
  CapabilityGrant,
  DataVolume,
  ImageSpec,
  ProbeCommand,
  ResourceSpec,
  SecretRef,
  ServiceSpec,
  WritablePath,
} from "../service/spec";
import { CAPABILITIES } from "../service/spec";
import { HealthProbe, type HttpProbeTool } from "../service/health";
import {
  checkPlainEnv,
  checkSecretEnv,
  fail,
  positiveInt,
  requireUser,
  resolveImage,
  resolveResources,
  serviceName,
  tmp,
  named,
  finish,
} from "./common";
import type { Duration } from "../service/units";
import { DEFAULT_HEALTH_INTERVAL, DEFAULT_HEALTH_RETRIES, DEFAULT_HEALTH_START_PERIOD, DEFAULT_HEALTH_TIMEOUT } from "../service/defaults";

const PROFILE = "webAppProfile";

const DEFAULT_RESOURCES: ResourceSpec = { memoryMb: 512, cpuShares: 1024, maxProcesses: 256, maxOpenFiles: 4096 };

export interface WebAppProfileOptions {
  readonly name: string;
  /** Pinned image (tag required, never `latest`; digest recommended). */
  readonly image: ImageSpec;
  /** The image's non-root numeric UID:GID, e.g. "10001:10001". */
  readonly user: string;
  /** Port the app listens on inside its network (>= 1024: no NET_BIND_SERVICE). */
  readonly port: number;
  /** "app" serves HTTP; "worker" serves nothing public. @default "app" */
  readonly role?: "app" | "worker";
  /** Path of the health endpoint. @default "/healthz" */
  readonly healthPath?: string;
  /** HTTP client in the image for the probe; required unless `probe` is given. */
  readonly probeTool?: HttpProbeTool;
  /** A custom probe (e.g. `HealthProbe.exec("/app/healthcheck")` for distroless images). */
  readonly probe?: ProbeCommand;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Plain configuration; secret-looking names are refused (use secretEnv). */
  readonly env?: Readonly<Record<string, string>>;
  readonly secretEnv?: Readonly<Record<string, SecretRef>>;
  /** @default [/tmp, 64 MB, mode 1777] */
  readonly writablePaths?: readonly WritablePath[];
  /** @default none */
  readonly dataVolumes?: readonly DataVolume[];
  /** Each with a reason; only the typed safe set exists. @default none */
  readonly capabilities?: readonly CapabilityGrant[];
  /** @default DEFAULT_HEALTH_START_PERIOD (30 s) */
  readonly startPeriod?: Duration;
  /** @default { memoryMb: 512, cpuShares: 1024, maxProcesses: 256, maxOpenFiles: 4096 } */
  readonly resources?: Partial<ResourceSpec>;
  /** Where the image facts come from (your Dockerfile). @default "webAppProfile: facts supplied by the caller" */
  readonly provenance?: string;
}

export function webAppProfile(opts: WebAppProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "app");
  const P = named(PROFILE, name);
  if (opts.image === undefined) fail(P, "image", "is missing", "pass the image repository and a pinned tag");
  const image = resolveImage(P, opts.image, opts.image);
  const user = requireUser(P, "user", opts.user);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const port = positiveInt(P, "port", opts.port, 1024, 65535, "listen on an unprivileged port (>= 1024) so no NET_BIND_SERVICE is needed");
  const role = opts.role ?? "app";
  if (role !== "app" && role !== "worker") fail(P, "role", `is "${String(role)}"`, "use \"app\" or \"worker\"; datastores have their own profiles");

  let probe: ProbeCommand;
  if (opts.probe !== undefined) {
    probe = opts.probe;
  } else {
    if (opts.probeTool === undefined) {
      fail(P, "probeTool", "is missing", "say which HTTP client the image ships (\"curl\" or \"wget\"), or give `probe` for images without one");
    }
    const path = opts.healthPath ?? "/healthz";
    if (!/^\/[A-Za-z0-9._~\/-]*$/.test(path)) fail(P, "healthPath", `"${path}" is not a plain absolute path`, "give a path such as \"/healthz\" (no query string, no spaces)");
    probe = HealthProbe.http({ port, path, tool: opts.probeTool });
  }

  const env = { ...(opts.env ?? {}) };
  checkPlainEnv(P, "env", env);
  const secretEnv = { ...(opts.secretEnv ?? {}) };
  checkSecretEnv(P, "secretEnv", secretEnv);
  for (const k of Object.keys(secretEnv)) {
    if (k in env) fail(P, `secretEnv.${k}`, "is also set in env", "set each variable in one place");
  }
  for (const g of opts.capabilities ?? []) {
    if (!CAPABILITIES.includes(g.capability)) fail(P, "capabilities", `holds "${String(g.capability)}", which is not an allowed capability`, `use one of ${CAPABILITIES.join(", ")}, or fix the image`);
    if (!g.reason || g.reason.trim().length < 10) fail(P, `capabilities[${g.capability}].reason`, "is missing or shorter than 10 characters", "say why the app needs it");
  }

  return finish(P, {
    name,
    image,
    role,
    user,
    ...(opts.command ? { command: [...opts.command] } : {}),
    ...(opts.entrypoint ? { entrypoint: [...opts.entrypoint] } : {}),
    ports: [{ port, name: "http" }],
    env,
    secretEnv,
    health: { probe, interval: DEFAULT_HEALTH_INTERVAL, timeout: DEFAULT_HEALTH_TIMEOUT, retries: DEFAULT_HEALTH_RETRIES, startPeriod: opts.startPeriod ?? DEFAULT_HEALTH_START_PERIOD },
    resources,
    writablePaths: opts.writablePaths ? [...opts.writablePaths] : [tmp(64)],
    dataVolumes: opts.dataVolumes ? [...opts.dataVolumes] : [],
    capabilities: opts.capabilities ? [...opts.capabilities] : [],
    // An HTTP probe of the health path (a TCP probe when the image brings its own probe); a stack
    // whose app serves /metrics replaces this with withObservability(spec, { scrape: [...] }).
    observability: {
      probes: [opts.probe === undefined
        ? { kind: "http", name: "health", port, path: opts.healthPath ?? "/healthz" }
        : { kind: "tcp", name: "port", port }],
    },
    provenance: opts.provenance ?? "webAppProfile: image facts (user, port, probe tool) supplied by the caller",
  });
}
