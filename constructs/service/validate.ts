/**
 * The one validation and the one defaulting of the service model, used by the profiles (which
 * end with `validateServiceSpec`) and by every renderer (which starts with it and then reads only
 * `resolveDefaults`). The synth path does not type-check (tsx), and a spec may be written by hand
 * in JavaScript or YAML, so every field is checked at run time: a missing or malformed field
 * fails with who is asking, the field and the fix, never with `Cannot read properties of undefined`.
 */
import { isRootUser, looksLikeSecretName, parseImage } from "../../knowledge";
import { isServiceRole } from "../../knowledge/roles";
import { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
import {
  DEFAULT_CPU_SHARES,
  DEFAULT_HEALTH_INTERVAL,
  DEFAULT_HEALTH_RETRIES,
  DEFAULT_HEALTH_START_PERIOD,
  DEFAULT_HEALTH_TIMEOUT,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_MAX_PROCESSES,
  DEFAULT_STOP_GRACE_PERIOD,
  DEFAULT_WRITABLE_PATH_MODE,
  DEFAULT_WRITABLE_PATH_OWNER,
  DEFAULT_WRITABLE_PATH_SIZE_MB,
  MIN_MEMORY_MB,
} from "./defaults";
import {
  CAPABILITIES,
  isSecretRef,
  type CapabilityGrant,
  type ContainerPort,
  type DataVolume,
  type ImageSpec,
  type ProbeCommand,
  type SecretRef,
  type ServiceSpec,
} from "./spec";
import { Duration } from "./units";

/** Throws; `field` is the dotted path inside the spec (`resources.memoryMb`). */
export type SpecFail = (field: string, problem: string, fix: string) => never;

/** A problem with a service description. The message names who asked, the field and the fix. */
export class ServiceSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceSpecError";
  }
}

/**
 * A failer writing `<where>: <prefix><field> <problem>. Fix: <fix>`; profiles use the prefix
 * "option ", renderers "service.".
 */
export function specFailer(where: string, prefix = "service."): SpecFail {
  return (field, problem, fix) => {
    const subject = field === "" ? prefix.replace(/[.:\s]+$/, "") : `${prefix}${field}`;
    throw new ServiceSpecError(`${where}: ${subject} ${problem}. Fix: ${fix}`);
  };
}

export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const UID_GID = /^\d+:\d+$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[a-z][a-z0-9_]*$/;
const VOLUME_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const OCTAL_MODE = /^[0-7]{3,4}$/;

function show(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "string") return JSON.stringify(v);
  if (Duration.isDuration(v)) return v.toString();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Field checks, shared with the profiles' option checks (constructs/profiles/common.ts)

export function checkServiceName(fail: SpecFail, field: string, v: unknown): string {
  if (typeof v !== "string" || !SERVICE_NAME.test(v)) {
    fail(field, `${show(v)} is not a DNS-safe service name`, "use lower-case letters, digits and dashes, starting with a letter (max 63)");
  }
  return v as string;
}

export function checkImage(fail: SpecFail, field: string, image: unknown): ImageSpec {
  if (!isObject(image)) fail(field, "is missing", "give the image as { repository, tag } with a pinned version tag (never \"latest\")");
  const img = image as Record<string, unknown>;
  const repository = img.repository;
  if (typeof repository !== "string" || repository.trim() === "" || /[\s@]/.test(repository) || /:[^/]*$/.test(repository.replace(/^[^/]+:\d+\//, ""))) {
    fail(`${field}.repository`, `${show(repository)} is not a repository name`, "give the repository without tag or digest, e.g. \"mariadb\" or \"ghcr.io/org/app\"");
  }
  const tag = img.tag;
  if (typeof tag !== "string" || !TAG.test(tag) || tag.toLowerCase() === "latest") {
    fail(`${field}.tag`, `${show(tag)} is not a pinned version tag`, "use a version tag such as \"11.8.9\" (never \"latest\"), and pin the digest in your deployment config");
  }
  const digest = img.digest;
  if (digest !== undefined && (typeof digest !== "string" || !DIGEST.test(digest))) {
    fail(`${field}.digest`, `${show(digest)} is not a sha256 digest`, "write it as sha256:<64 lower-case hex digits>, from `docker buildx imagetools inspect`");
  }
  const name = `${repository as string}:${tag as string}`;
  if (parseImage(name).tag !== tag) fail(`${field}.repository`, `${show(repository)} does not parse as a repository`, "give the repository without tag or digest");
  return digest === undefined ? { repository: repository as string, tag: tag as string } : { repository: repository as string, tag: tag as string, digest: digest as string };
}

export function checkUser(fail: SpecFail, field: string, user: unknown): string {
  if (typeof user !== "string" || isRootUser(user)) fail(field, `${show(user)} is root or empty`, "run as the image's non-root numeric UID:GID (see its profile)");
  if (!UID_GID.test(user as string)) fail(field, `${show(user)} is not a numeric UID:GID`, "write numeric ids such as \"999:999\" so no passwd lookup inside the image can map it to root");
  return user as string;
}

/** A whole number in [min, max]. */
export function checkInt(fail: SpecFail, field: string, v: unknown, min: number, max: number, fix?: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(field, `is ${show(v)}, not a whole number from ${min} to ${max}`, fix ?? `set ${field} to a whole number from ${min} to ${max}`);
  }
  return v as number;
}

export function checkDuration(fail: SpecFail, field: string, v: unknown, min: Duration, max: Duration): Duration {
  if (!Duration.isDuration(v)) {
    const hint = typeof v === "string" ? ` (durations are typed: write Duration.seconds(${parseInt(v, 10) || 30}), not a string)` : "";
    fail(field, `is ${show(v)}, not a Duration${hint}`, "give a Duration such as Duration.seconds(30)");
  }
  const d = v as Duration;
  if (d.toMilliseconds() < min.toMilliseconds() || d.toMilliseconds() > max.toMilliseconds()) {
    fail(field, `is ${d}`, `give a duration from ${min} to ${max}`);
  }
  return d;
}

/** A secret must be a SecretRef: a named reference, or one bound to a `${…}` expression. */
export function checkSecret(fail: SpecFail, field: string, ref: unknown): SecretRef {
  if (!isSecretRef(ref)) {
    fail(field, "is missing or not a SecretRef", "pass Secret.named(\"<name>\", \"<description>\") or Secret.fromVariable(scope, \"<name>\", \"<description>\"), never a string");
  }
  const r = ref as SecretRef;
  if (r.expression !== undefined && !r.expression.includes("${")) {
    fail(field, `(${r.source}) holds a literal, not a reference`, "create it with Secret.named(), Secret.fromVariable() or Secret.fromSensitiveValue() so the value stays out of code and snapshots");
  }
  if (r.expression === undefined && !SECRET_NAME.test(r.name)) {
    fail(field, `names secret ${show(r.name)}, which is not snake_case`, "name secrets like \"db_password\" ([a-z][a-z0-9_]*)");
  }
  return r;
}

/** Plain env: valid names, string values, and nothing that looks like a secret holding a literal. */
export function checkPlainEnv(fail: SpecFail, field: string, env: unknown): Record<string, string> {
  if (env === undefined) return {};
  if (!isObject(env)) fail(field, "is not a mapping of names to strings", "give env as { NAME: \"value\" }");
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_NAME.test(k)) fail(`${field}.${k}`, "is not a valid variable name", "use letters, digits and underscores, not starting with a digit");
    if (typeof v !== "string") fail(`${field}.${k}`, `is ${show(v)}, not a string`, "give every plain environment value as a string");
    const value = v as string;
    if (/[\r\n]/.test(value)) {
      fail(`${field}.${k}`, "holds a line break", "keep environment values on one line (cdktf's HCL output and env files cannot carry a line break); pass longer text as a file");
    }
    const fileRef = /(_FILE|_PATH)$/i.test(k) && value.startsWith("/");
    if (looksLikeSecretName(k) && value !== "" && !value.includes("${") && !fileRef) {
      fail(`${field}.${k}`, "looks like a secret but holds a literal", "move it to secretEnv (addSecret) as a SecretRef from Secret.named() or Secret.fromVariable()");
    }
  }
  return { ...(env as Record<string, string>) };
}

export function checkSecretEnv(fail: SpecFail, field: string, env: unknown): Record<string, SecretRef> {
  if (env === undefined) return {};
  if (!isObject(env)) fail(field, "is not a mapping of names to SecretRefs", "give secretEnv as { NAME: Secret.named(…) }");
  for (const [k, ref] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_NAME.test(k)) fail(`${field}.${k}`, "is not a valid variable name", "use letters, digits and underscores, not starting with a digit");
    checkSecret(fail, `${field}.${k}`, ref);
  }
  return { ...(env as Record<string, SecretRef>) };
}

export function checkCapabilities(fail: SpecFail, field: string, caps: unknown): CapabilityGrant[] {
  if (caps === undefined) return [];
  if (!Array.isArray(caps)) fail(field, "is not a list", "give a list of { capability, reason }");
  for (const g of caps as unknown[]) {
    const grant = g as Partial<CapabilityGrant>;
    if (!isObject(g) || !CAPABILITIES.includes(grant.capability as CapabilityGrant["capability"])) {
      fail(field, `holds ${show(isObject(g) ? grant.capability : g)}, which is not an allowed capability`, `use one of ${CAPABILITIES.join(", ")}, or fix the image`);
    }
    if (typeof grant.reason !== "string" || grant.reason.trim().length < MIN_REASON_LENGTH) {
      fail(`${field}[${grant.capability}].reason`, `is missing or shorter than ${MIN_REASON_LENGTH} characters`, "say why the service needs it");
    }
  }
  return [...(caps as CapabilityGrant[])];
}

function checkProbe(fail: SpecFail, field: string, probe: unknown): ProbeCommand {
  if (!isObject(probe)) fail(field, "is missing", "use HealthProbe.exec/http/tcp/shell with a real command");
  const p = probe as Record<string, unknown>;
  if (p.kind === "exec") {
    if (!Array.isArray(p.command) || p.command.length === 0 || p.command.some((c) => typeof c !== "string" || c.trim() === "")) {
      fail(`${field}.command`, "is empty or holds an empty word", "use HealthProbe.exec(\"program\", \"arg\", …)");
    }
  } else if (p.kind === "shell") {
    if (typeof p.script !== "string" || p.script.trim() === "") fail(`${field}.script`, "is empty", "use HealthProbe.shell(\"<script>\")");
  } else {
    fail(field, `has kind ${show(p.kind)}`, "build probes with HealthProbe.exec/http/tcp/shell");
  }
  return probe as ProbeCommand;
}

function checkPath(fail: SpecFail, field: string, path: unknown): string {
  if (typeof path !== "string" || !path.startsWith("/") || path === "/" || /\s/.test(path)) {
    fail(field, `${show(path)} is not an absolute path below /`, "give the absolute container path, e.g. \"/var/lib/app\"");
  }
  return path as string;
}

// ---------------------------------------------------------------------------------------------
// The whole spec

/** A ServiceSpec with every default filled in: what renderers read. */
export interface ResolvedServiceSpec extends ServiceSpec {
  readonly ports: readonly Required<ContainerPort>[];
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, SecretRef>>;
  readonly health: {
    readonly probe: ProbeCommand;
    readonly interval: Duration;
    readonly timeout: Duration;
    readonly retries: number;
    readonly startPeriod: Duration;
  };
  readonly resources: {
    readonly memoryMb: number;
    readonly cpuShares: number;
    readonly cpuLimit?: number;
    readonly maxProcesses: number;
    readonly maxOpenFiles: number;
  };
  readonly writablePaths: readonly { path: string; sizeMb: number; mode: string; exec: boolean; owner: "root" | "service" }[];
  readonly dataVolumes: readonly DataVolume[];
  readonly capabilities: readonly CapabilityGrant[];
  readonly stopGracePeriod: Duration;
}

/**
 * Check every field of a service description; returns it unchanged when valid. `where` names who
 * asks (`HardenedContainer koha/db`, `webAppProfile(api)`); `prefix` goes before field names.
 */
export function validateServiceSpec(spec: unknown, where: string, prefix = "service."): ServiceSpec {
  const fail = specFailer(where, prefix);
  if (!isObject(spec)) fail("", `is ${show(spec)}, not a service description`, "build it with a profile (mariadbProfile, webAppProfile, …) or give a ServiceSpec object");
  const s = spec as Record<string, unknown>;
  checkServiceName(fail, "name", s.name);
  checkImage(fail, "image", s.image);
  if (!isServiceRole(s.role)) fail("role", `is ${show(s.role)}`, "use one of app, worker, ingress, datastore, broker, cache, search");
  checkUser(fail, "user", s.user);
  for (const key of ["command", "entrypoint"] as const) {
    const v = s[key];
    if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.some((w) => typeof w !== "string"))) {
      fail(key, "is not a non-empty list of strings", `give ${key} as ["program", "arg", …]`);
    }
  }
  const ports = s.ports ?? [];
  if (!Array.isArray(ports)) fail("ports", "is not a list", "give ports as [{ port, name }]");
  const seenPorts = new Set<string>();
  (ports as unknown[]).forEach((p, i) => {
    if (!isObject(p)) fail(`ports[${i}]`, "is not a port", "give { port, name, protocol? }");
    const port = p as Record<string, unknown>;
    checkInt(fail, `ports[${i}].port`, port.port, 1, 65535);
    const protocol = port.protocol ?? "tcp";
    if (protocol !== "tcp" && protocol !== "udp") fail(`ports[${i}].protocol`, `is ${show(protocol)}`, "use \"tcp\" or \"udp\"");
    if (typeof port.name !== "string" || port.name.trim() === "") fail(`ports[${i}].name`, "is empty", "say what the port serves (\"http\", \"mysql\", \"metrics\")");
    const key = `${port.port}/${protocol}`;
    if (seenPorts.has(key)) fail(`ports[${i}]`, `declares ${key} twice`, "declare each port once");
    seenPorts.add(key);
  });
  const env = checkPlainEnv(fail, "env", s.env);
  const secretEnv = checkSecretEnv(fail, "secretEnv", s.secretEnv);
  for (const k of Object.keys(secretEnv)) {
    if (k in env) fail(`secretEnv.${k}`, "is also set in env", "set each variable in one place");
  }

  if (!isObject(s.health)) fail("health", "is missing", "give health: { probe: HealthProbe.http(…) | HealthProbe.exec(…) } so the platform knows when the service works");
  const h = s.health as Record<string, unknown>;
  checkProbe(fail, "health.probe", h.probe);
  const interval = h.interval === undefined ? DEFAULT_HEALTH_INTERVAL : checkDuration(fail, "health.interval", h.interval, Duration.seconds(1), Duration.hours(1));
  const timeout = h.timeout === undefined ? DEFAULT_HEALTH_TIMEOUT : checkDuration(fail, "health.timeout", h.timeout, Duration.seconds(1), Duration.minutes(10));
  if (h.startPeriod !== undefined) checkDuration(fail, "health.startPeriod", h.startPeriod, Duration.seconds(0), Duration.hours(1));
  if (h.retries !== undefined) checkInt(fail, "health.retries", h.retries, 1, 100);
  if (timeout.toMilliseconds() > interval.toMilliseconds()) {
    fail("health.timeout", `(${timeout}) is longer than health.interval (${interval})`, "make the timeout at most the interval");
  }

  if (!isObject(s.resources)) fail("resources", "is missing", "give resources: { memoryMb } (a memory limit is required)");
  const r = s.resources as Record<string, unknown>;
  checkInt(fail, "resources.memoryMb", r.memoryMb, MIN_MEMORY_MB, 1_048_576, `set a whole number of MB, at least ${MIN_MEMORY_MB}`);
  if (r.cpuShares !== undefined) checkInt(fail, "resources.cpuShares", r.cpuShares, 2, 262_144, "use a whole number >= 2 (Docker default 1024)");
  if (r.cpuLimit !== undefined && (typeof r.cpuLimit !== "number" || !(r.cpuLimit > 0) || r.cpuLimit > 512)) {
    fail("resources.cpuLimit", `is ${show(r.cpuLimit)}`, "give the CPU cap in cores, e.g. 0.5 or 2");
  }
  if (r.maxProcesses !== undefined) checkInt(fail, "resources.maxProcesses", r.maxProcesses, 1, 4_194_304);
  if (r.maxOpenFiles !== undefined) checkInt(fail, "resources.maxOpenFiles", r.maxOpenFiles, 64, 1_048_576, "use a whole number >= 64");

  const mountPaths = new Set<string>();
  const claimPath = (field: string, path: unknown) => {
    const p = checkPath(fail, field, path);
    if (mountPaths.has(p)) fail(field, `"${p}" is mounted twice`, "mount each path once");
    mountPaths.add(p);
  };
  const writable = s.writablePaths ?? [];
  if (!Array.isArray(writable)) fail("writablePaths", "is not a list", "give writablePaths as [{ path, sizeMb?, mode? }]");
  (writable as unknown[]).forEach((w, i) => {
    if (!isObject(w)) fail(`writablePaths[${i}]`, "is not a writable path", "give { path, sizeMb?, mode? }");
    const wp = w as Record<string, unknown>;
    claimPath(`writablePaths[${i}].path`, wp.path);
    if (wp.sizeMb !== undefined) checkInt(fail, `writablePaths[${wp.path}].sizeMb`, wp.sizeMb, 1, 1_048_576, "use a positive whole number of MB");
    if (wp.mode !== undefined && (typeof wp.mode !== "string" || !OCTAL_MODE.test(wp.mode))) {
      fail(`writablePaths[${wp.path}].mode`, `${show(wp.mode)} is not an octal mode`, "write it like \"1777\" or \"0700\"");
    }
    if (wp.exec !== undefined && typeof wp.exec !== "boolean") fail(`writablePaths[${wp.path}].exec`, `is ${show(wp.exec)}`, "use true or false");
    if (wp.owner !== undefined && wp.owner !== "root" && wp.owner !== "service") fail(`writablePaths[${wp.path}].owner`, `is ${show(wp.owner)}`, "use \"root\" or \"service\"");
  });
  const volumes = s.dataVolumes ?? [];
  if (!Array.isArray(volumes)) fail("dataVolumes", "is not a list", "give dataVolumes as [{ name, path }]");
  const seenVolumes = new Set<string>();
  for (const d of volumes as unknown[]) {
    const dv = (isObject(d) ? d : {}) as Record<string, unknown>;
    if (typeof dv.name !== "string" || !VOLUME_NAME.test(dv.name)) fail(`dataVolumes[${show(dv.name)}]`, "has an invalid name", "use lower-case letters, digits and dashes (max 31)");
    if (seenVolumes.has(dv.name as string)) fail(`dataVolumes[${dv.name}]`, "is declared twice", "give each data volume a unique name");
    seenVolumes.add(dv.name as string);
    claimPath(`dataVolumes[${dv.name}].path`, dv.path);
  }
  checkCapabilities(fail, "capabilities", s.capabilities);
  if (s.stopGracePeriod !== undefined) checkDuration(fail, "stopGracePeriod", s.stopGracePeriod, Duration.seconds(1), Duration.hours(1));
  if ((s as { stopGraceSeconds?: unknown }).stopGraceSeconds !== undefined) {
    fail("stopGraceSeconds", "is no longer a field", "give stopGracePeriod: Duration.seconds(n)");
  }
  return spec as ServiceSpec;
}

/** Fill in every default (from ./defaults.ts). Call on a spec that passed validateServiceSpec. */
export function resolveDefaults(spec: ServiceSpec): ResolvedServiceSpec {
  const h = spec.health;
  const r = spec.resources;
  return {
    ...spec,
    ports: (spec.ports ?? []).map((p) => ({ port: p.port, name: p.name, protocol: p.protocol ?? "tcp" })),
    env: { ...(spec.env ?? {}) },
    secretEnv: { ...(spec.secretEnv ?? {}) },
    health: {
      probe: h.probe,
      interval: h.interval ?? DEFAULT_HEALTH_INTERVAL,
      timeout: h.timeout ?? DEFAULT_HEALTH_TIMEOUT,
      retries: h.retries ?? DEFAULT_HEALTH_RETRIES,
      startPeriod: h.startPeriod ?? DEFAULT_HEALTH_START_PERIOD,
    },
    resources: {
      memoryMb: r.memoryMb,
      cpuShares: r.cpuShares ?? DEFAULT_CPU_SHARES,
      ...(r.cpuLimit !== undefined ? { cpuLimit: r.cpuLimit } : {}),
      maxProcesses: r.maxProcesses ?? DEFAULT_MAX_PROCESSES,
      maxOpenFiles: r.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES,
    },
    writablePaths: (spec.writablePaths ?? []).map((w) => ({
      path: w.path,
      sizeMb: w.sizeMb ?? DEFAULT_WRITABLE_PATH_SIZE_MB,
      mode: w.mode ?? DEFAULT_WRITABLE_PATH_MODE,
      exec: w.exec ?? false,
      owner: w.owner ?? DEFAULT_WRITABLE_PATH_OWNER,
    })),
    dataVolumes: [...(spec.dataVolumes ?? [])],
    capabilities: [...(spec.capabilities ?? [])],
    stopGracePeriod: spec.stopGracePeriod ?? DEFAULT_STOP_GRACE_PERIOD,
  };
}
