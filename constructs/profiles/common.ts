/**
 * Shared validation for the L3 service profiles: every profile fails early with a message that
 * names the profile, the option and the fix (DESIGN.md), and builds its ServiceSpec only from
 * checked values. Security lists come from knowledge.ts; nothing is copied here.
 */
import { isRootUser, looksLikeSecretName } from "../../knowledge";
import {
  isSecretRef,
  type ImageSpec,
  type ResourceSpec,
  type SecretRef,
  type WritablePath,
} from "../service/spec";

/** Throw `<profile>: option <option> <problem>. Fix: <fix>`. */
export function fail(profile: string, option: string, problem: string, fix: string): never {
  throw new Error(`${profile}: option ${option} ${problem}. Fix: ${fix}`);
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const UID_GID = /^\d+:\d+$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The service name (container name and DNS alias); DNS-safe. */
export function serviceName(profile: string, name: string | undefined, fallback: string): string {
  const n = name ?? fallback;
  if (!SERVICE_NAME.test(n)) {
    fail(profile, "name", `"${n}" is not a DNS-safe service name`, "use lower-case letters, digits and dashes, starting with a letter (max 63)");
  }
  return n;
}

/** Merge a partial image override onto the profile's default and check tag and digest. */
export function resolveImage(profile: string, override: Partial<ImageSpec> | undefined, fallback: ImageSpec): ImageSpec {
  const repository = override?.repository ?? fallback.repository;
  // A different repository with the default tag would silently mix two images' facts.
  const tag = override?.tag ?? (override?.repository && override.repository !== fallback.repository ? undefined : fallback.tag);
  const digest = override?.digest ?? (override?.repository || override?.tag ? undefined : fallback.digest);
  if (repository.trim() === "" || /[\s@]/.test(repository) || /:[^/]*$/.test(repository.replace(/^[^/]+:\d+\//, ""))) {
    fail(profile, "image.repository", `"${repository}" is not a repository name`, "give the repository without tag or digest, e.g. \"mariadb\" or \"ghcr.io/org/app\"");
  }
  if (tag === undefined) {
    fail(profile, "image.tag", `is missing for repository "${repository}"`, "give the version tag of that image (never \"latest\")");
  }
  if (!TAG.test(tag) || tag.toLowerCase() === "latest") {
    fail(profile, "image.tag", `"${tag}" is not a pinned version tag`, "use a version tag such as \"11.8.9\" (never \"latest\"), and pin the digest in your deployment config");
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    fail(profile, "image.digest", `"${digest}" is not a sha256 digest`, "write it as sha256:<64 lower-case hex digits>, from `docker buildx imagetools inspect`");
  }
  return digest === undefined ? { repository, tag } : { repository, tag, digest };
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
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(profile, option, `is ${typeof v === "number" ? String(v) : JSON.stringify(v)}, not a whole number from ${min} to ${max}`, fix ?? `set ${option} to a whole number from ${min} to ${max}`);
  }
  return v;
}

/** A secret must be a SecretRef built from a sensitive Terraform value (a `${…}` reference). */
export function requireSecret(profile: string, option: string, ref: SecretRef | undefined): SecretRef {
  if (!isSecretRef(ref)) {
    fail(profile, option, "is missing or not a SecretRef", "pass Secret.fromVariable(scope, \"<name>\", \"<description>\") (a sensitive Terraform variable), never a string");
  }
  if (!ref.expression.includes("${")) {
    fail(profile, option, `(${ref.source}) holds a literal, not a reference`, "create it with Secret.fromVariable() or Secret.fromSensitiveValue() so the value stays out of code and snapshots");
  }
  return ref;
}

/** Non-root numeric `UID:GID`. */
export function requireUser(profile: string, option: string, user: string): string {
  if (isRootUser(user)) fail(profile, option, `"${user}" is root or empty`, "run as the image's non-root numeric UID:GID");
  if (!UID_GID.test(user)) fail(profile, option, `"${user}" is not a numeric UID:GID`, "write numeric ids such as \"999:999\" so no passwd lookup inside the image can map it to root");
  return user;
}

/** Plain env: valid names, and nothing that looks like a secret holding a literal. */
export function checkPlainEnv(profile: string, option: string, env: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) fail(profile, `${option}.${k}`, "is not a valid variable name", "use letters, digits and underscores, not starting with a digit");
    if (typeof v !== "string") fail(profile, `${option}.${k}`, "is not a string", "give every plain environment value as a string");
    const fileRef = /(_FILE|_PATH)$/i.test(k) && v.startsWith("/");
    if (looksLikeSecretName(k) && v !== "" && !v.includes("${") && !fileRef) {
      fail(profile, `${option}.${k}`, "looks like a secret but holds a literal", "move it to secretEnv as a SecretRef from Secret.fromVariable()");
    }
  }
}

/** Secret env: valid names, every value a SecretRef. */
export function checkSecretEnv(profile: string, option: string, env: Readonly<Record<string, SecretRef>>): void {
  for (const [k, ref] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) fail(profile, `${option}.${k}`, "is not a valid variable name", "use letters, digits and underscores, not starting with a digit");
    requireSecret(profile, `${option}.${k}`, ref);
  }
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
 * A tmpfs directory the non-root service user must write to. A tmpfs root is owned by root, so
 * without a writable mode the service could not create its socket/pid/lock files: use "1777"
 * (sticky, like /tmp), the same mode the images give these directories themselves.
 */
export function runDir(path: string, sizeMb = 1): WritablePath {
  return { path, sizeMb, mode: "1777" };
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
