/**
 * Shared validation for the L3 service profiles: every profile fails early with a message that
 * names the profile, the option and the fix (DESIGN.md), and builds its ServiceSpec only from
 * checked values. Security lists come from knowledge.ts; nothing is copied here.
 */
import {
  ServiceSpecError,
  checkImage,
  checkInt,
  checkPlainEnv as checkPlainEnvField,
  checkSecret,
  checkSecretEnv as checkSecretEnvField,
  checkServiceName,
  checkUser,
  specFailer,
  validateServiceSpec,
  type SpecFail,
} from "../service/validate";
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec, WritablePath } from "../service/spec";

/** Throw `<profile>: option <option> <problem>. Fix: <fix>`. */
export function fail(profile: string, option: string, problem: string, fix: string): never {
  throw new ServiceSpecError(`${profile}: option ${option} ${problem}. Fix: ${fix}`);
}

const optionFailer = (profile: string): SpecFail => specFailer(profile, "option ");

/** `webAppProfile(api)`: how every later message of a profile names itself. */
export function named(profile: string, name: string): string {
  return `${profile}(${name})`;
}

/** The service name (container name and DNS alias); DNS-safe. */
export function serviceName(profile: string, name: string | undefined, fallback: string): string {
  return checkServiceName(optionFailer(profile), "name", name ?? fallback);
}

/**
 * A profile's last step: the same validation every renderer runs, so a profile can never hand out
 * a spec a renderer would refuse.
 */
export function finish(profile: string, spec: ServiceSpec): ServiceSpec {
  return validateServiceSpec(spec, profile);
}

/** Merge a partial image override onto the profile's default and check tag and digest. */
export function resolveImage(profile: string, override: Partial<ImageSpec> | undefined, fallback: ImageSpec): ImageSpec {
  const repository = override?.repository ?? fallback.repository;
  // A different repository with the default tag would silently mix two images' facts.
  const tag = override?.tag ?? (override?.repository && override.repository !== fallback.repository ? undefined : fallback.tag);
  const digest = override?.digest ?? (override?.repository || override?.tag ? undefined : fallback.digest);
  if (tag === undefined) {
    checkImage(optionFailer(profile), "image", { repository, tag: "placeholder" });
    fail(profile, "image.tag", `is missing for repository "${repository}"`, "give the version tag of that image (never \"latest\")");
  }
  return checkImage(optionFailer(profile), "image", digest === undefined ? { repository, tag } : { repository, tag, digest });
}

/** Merge resource overrides onto the profile defaults and check the numbers. */
export function resolveResources(profile: string, override: Partial<ResourceSpec> | undefined, fallback: ResourceSpec): ResourceSpec {
  const r: ResourceSpec = { ...fallback, ...stripUndefined(override ?? {}) };
  positiveInt(profile, "resources.memoryMb", r.memoryMb, 16, 1_048_576);
  if (r.cpuShares !== undefined) positiveInt(profile, "resources.cpuShares", r.cpuShares, 2, 262_144);
  if (r.cpuLimit !== undefined && (!(r.cpuLimit > 0) || r.cpuLimit > 512)) {
    fail(profile, "resources.cpuLimit", `is ${r.cpuLimit}`, "give the CPU cap in cores, e.g. 0.5 or 2");
  }
  if (r.maxProcesses !== undefined) positiveInt(profile, "resources.maxProcesses", r.maxProcesses, 1, 4_194_304);
  if (r.maxOpenFiles !== undefined) positiveInt(profile, "resources.maxOpenFiles", r.maxOpenFiles, 64, 1_048_576);
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** A whole number in [min, max]; the message names the range. */
export function positiveInt(profile: string, option: string, v: unknown, min: number, max: number, fix?: string): number {
  return checkInt(optionFailer(profile), option, v, min, max, fix);
}

/** A secret must be a SecretRef (a named reference, or one bound to a sensitive Terraform value). */
export function requireSecret(profile: string, option: string, ref: SecretRef | undefined): SecretRef {
  return checkSecret(optionFailer(profile), option, ref);
}

/** Non-root numeric `UID:GID`. */
export function requireUser(profile: string, option: string, user: string): string {
  return checkUser(optionFailer(profile), option, user);
}

/** Plain env: valid names, and nothing that looks like a secret holding a literal. */
export function checkPlainEnv(profile: string, option: string, env: Readonly<Record<string, string>>): void {
  checkPlainEnvField(optionFailer(profile), option, env);
}

/** Secret env: valid names, every value a SecretRef. */
export function checkSecretEnv(profile: string, option: string, env: Readonly<Record<string, SecretRef>>): void {
  checkSecretEnvField(optionFailer(profile), option, env);
}

/** Two references to the same secret (the same bound expression, or the same unbound name). */
export function sameSecret(a: SecretRef, b: SecretRef): boolean {
  return (a.expression ?? `name:${a.name}`) === (b.expression ?? `name:${b.name}`);
}

/** MariaDB/PostgreSQL/RabbitMQ identifiers we pass through env: plain, short, unquoted-safe. */
export function identifier(profile: string, option: string, v: string | undefined, max = 63, pattern = /^[A-Za-z_][A-Za-z0-9_]*$/): string {
  if (typeof v !== "string" || v.length === 0 || v.length > max || !pattern.test(v)) {
    fail(profile, option, `${JSON.stringify(v)} is not a plain identifier`, `use 1-${max} letters, digits and underscores, starting with a letter or underscore`);
  }
  return v;
}

/** A host:port or host a client container connects to over the internal network. */
export function hostRef(profile: string, option: string, v: string | undefined, withPort: boolean): string {
  const re = withPort ? /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?:\d{1,5}$/ : /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
  if (typeof v !== "string" || !re.test(v)) {
    fail(profile, option, `${JSON.stringify(v)} is not a ${withPort ? "host:port" : "host name"}`, `give the service name of the target on the internal network${withPort ? " and its port, e.g. \"memcached:11211\"" : ", e.g. \"mariadb\""}`);
  }
  return v;
}

/**
 * ulimit nproc is counted per host UID, across containers (no user-namespace remapping): the
 * official images of MariaDB, PostgreSQL, Redis and RabbitMQ all run as 999, and Koha's and
 * Elasticsearch's UID is 1000, so their threads add up against each other's limit. Profiles sharing
 * a UID therefore get a limit that still stops a fork bomb but leaves room for the neighbours.
 */
export const SHARED_UID_MAX_PROCESSES = 2048;

/** `/tmp`, world-writable with the sticky bit, as every image expects. */
export function tmp(sizeMb: number, exec = false): WritablePath {
  return exec ? { path: "/tmp", sizeMb, mode: "1777", exec: true } : { path: "/tmp", sizeMb, mode: "1777" };
}

/**
 * A tmpfs directory the non-root service user creates its socket, pid or lock files in, owned by
 * that user (tmpfs `uid`/`gid`). Ownership, not a mode, keeps it writable: runc before 1.1.8
 * ignores a tmpfs `mode=` when the directory exists in the image and re-creates the mount point
 * root-owned 0755 on every restart (runc#3911; seen on Docker 20.10.24 / runc 1.1.5: MariaDB was
 * healthy, then crash-looped after `docker restart` with "Bind on unix socket: Permission denied").
 */
export function runDir(path: string, sizeMb = 1): WritablePath {
  return { path, sizeMb, mode: "0755", owner: "service" };
}

/** Quote one word for /bin/sh. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Terraform JSON treats `${` and `%{` in any string as template syntax. Scripts we render must use
 * `$VAR`, never `${VAR}`, or Terraform would try to interpolate them.
 */
export function assertNoTemplateSyntax(profile: string, option: string, s: string): string {
  if (s.includes("${") || s.includes("%{")) {
    fail(profile, option, `contains "\${" or "%{", which Terraform would read as template syntax`, "write shell variables as $VAR, not ${VAR}");
  }
  return s;
}
