/**
 * Security knowledge shared by the constructs (early, friendly errors) and the policy rules
 * (final judgement on any Terraform JSON). One source of truth: when a list changes here, the
 * constructs and the engine change together. This folder is the bottom layer: it imports nothing
 * from the project (a test pins that).
 */

/** Capabilities that break container isolation (DOCKER-003). Stored without the CAP_ prefix. */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "NET_ADMIN",
  "NET_RAW", "DAC_READ_SEARCH", "MKNOD", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE",
  "AUDIT_CONTROL", "SYSLOG", "ALL",
]);

/** `cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`. */
export function normalizeCapability(cap: string): string {
  const upper = cap.trim().toUpperCase();
  return upper.startsWith("CAP_") ? upper.slice(4) : upper;
}

/** Image repository names of datastores and brokers (NET-001), exact match. */
export const DATASTORE_IMAGE_NAMES: ReadonlySet<string> = new Set([
  "mariadb", "mysql", "postgres", "postgresql", "redis", "valkey", "elasticsearch", "opensearch",
  "memcached", "rabbitmq", "mongo", "mongodb", "kafka", "zookeeper", "minio", "etcd", "cassandra",
  "couchdb", "influxdb", "clickhouse",
]);

/** Ports of datastores and brokers (DOCKER-020). */
export const DATASTORE_PORTS: ReadonlySet<number> = new Set([
  3306, 5432, 6379, 9200, 9300, 11211, 5672, 15672, 27017, 9092, 2181, 5984, 8086, 9042,
]);

/** Host paths that must never be bind-mounted (DOCKER-016): the path itself or anything under it. */
export const SENSITIVE_HOST_DIRECTORIES: readonly string[] = [
  "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr",
];


/**
 * Images that are ingress connectors by nature (they face the outside, so a non-internal network
 * is their place; NET-002). Other images opt in with the label `bulwark.role = ingress`, which
 * HardenedContainer writes from the service role.
 */
export const INGRESS_IMAGE_NAMES: ReadonlySet<string> = new Set([
  "cloudflared", "traefik", "caddy", "nginx", "haproxy", "envoy",
]);

/** The kreuzwerker/docker release that stopped panicking on `cpus` (DOCKER-010). */
export const DOCKER_PROVIDER_CPUS_FIXED_IN = "3.7.0";

/** Security options that turn confinement off (DOCKER-023). */
const UNCONFINED_OPT = /^(seccomp|apparmor|systempaths)[:=]unconfined$|^label[:=]disable$/i;

export function isUnconfinedSecurityOpt(opt: string): boolean {
  return UNCONFINED_OPT.test(opt.trim());
}

/** `no-new-privileges`, `no-new-privileges:true`, `no-new-privileges=true` (DOCKER-005). */
export function isNoNewPrivilegesOpt(opt: string): boolean {
  return /^no-new-privileges([:=]true)?$/i.test(opt.trim());
}

// ---------------------------------------------------------------------------------------------
// Names that look like secrets (DOCKER-025, SECRET-002)

const SECRET_WORDS = new Set([
  "pass", "password", "passwd", "secret", "secrets", "token", "tokens", "apikey", "credential",
  "credentials",
]);
const SECRET_WORD_PAIRS = new Set(["api key", "private key"]);

/** Split a name into words at `_`, `-`, `.` and lower-to-upper case changes. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.\-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const secretNameCache = new Map<string, boolean>();

/** `DB_PASSWORD`, `jwtSecret`, `OPENAI_API_KEY` yes; `COMPASS_URL`, `service_private_ip` no. */
export function looksLikeSecretName(name: string): boolean {
  let hit = secretNameCache.get(name);
  if (hit === undefined) {
    hit = secretNameUncached(name);
    // Names repeat across thousands of containers; bound the cache for pathological input.
    if (secretNameCache.size < 100_000) secretNameCache.set(name, hit);
  }
  return hit;
}

function secretNameUncached(name: string): boolean {
  const words = nameWords(name);
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i])) return true;
    if (i + 1 < words.length && SECRET_WORD_PAIRS.has(`${words[i]} ${words[i + 1]}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Credential formats (SECRET-001)

export interface CredentialPattern {
  readonly name: string;
  readonly pattern: RegExp;
}

export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { name: "GitHub token", pattern: /\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{20,}/ },
  { name: "GitHub fine-grained token", pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/ },
  { name: "AWS access key id", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: "Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { name: "GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { name: "secret key (sk-)", pattern: /\bsk-[A-Za-z0-9_-]{20,}/ },
  { name: "private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
];

/** Name of the first credential format a string matches, or null. */
export function matchCredential(value: string): string | null {
  for (const c of CREDENTIAL_PATTERNS) if (c.pattern.test(value)) return c.name;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Images

export interface ImageReference {
  /** Registry host when present (`ghcr.io`, `localhost:5000`), else null. */
  readonly registry: string | null;
  /** Repository path without registry (`library/mariadb`, `bitnami/redis`, `mariadb`). */
  readonly path: string;
  /** Last path component (`mariadb`): what datastore detection compares. */
  readonly name: string;
  readonly tag: string | null;
  /** `sha256:…` when pinned by digest. */
  readonly digest: string | null;
}

/** Parse `registry:port/ns/name:tag@sha256:…`. Never throws; odd input gives odd parts. */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1) || null;
    rest = rest.slice(0, at);
  }
  const parts = rest.split("/");
  let registry: string | null = null;
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) {
    registry = parts.shift() ?? null;
  }
  let last = parts[parts.length - 1] ?? "";
  let tag: string | null = null;
  const colon = last.lastIndexOf(":");
  if (colon >= 0) {
    tag = last.slice(colon + 1) || null;
    last = last.slice(0, colon);
  }
  parts[parts.length - 1] = last;
  return { registry, path: parts.join("/"), name: last.toLowerCase(), tag, digest };
}

export function isDatastoreImage(image: string): boolean {
  return DATASTORE_IMAGE_NAMES.has(parseImage(image).name);
}

// ---------------------------------------------------------------------------------------------
// Users and addresses

/** `root`, `0`, `root:*`, `0:*`, and empty are root (DOCKER-006). */
export function isRootUser(user: string | undefined | null): boolean {
  if (user === undefined || user === null) return true;
  const u = user.trim();
  if (u === "") return true;
  const name = u.split(":")[0];
  return name === "root" || name === "0";
}

/** 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(ip: string): boolean {
  const v = ip.trim();
  if (v === "::1" || v === "[::1]") return true;
  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v);
}

/** Missing, `0.0.0.0`, `::` or `[::]`: every interface. */
export function isAllInterfaces(ip: string | undefined | null): boolean {
  if (ip === undefined || ip === null) return true;
  const v = ip.trim();
  return v === "" || v === "0.0.0.0" || v === "::" || v === "[::]";
}

/** True when `path` is `/` or equals/is under a sensitive directory, or is a docker.sock. */
export function isSensitiveHostPath(path: string): boolean {
  const p = path.trim().replace(/\/+$/, "") || "/";
  if (p === "/") return true;
  if (/(^|\/)docker\.sock$/.test(p)) return true;
  return SENSITIVE_HOST_DIRECTORIES.some((d) => p === d || p.startsWith(`${d}/`));
}

// ---------------------------------------------------------------------------------------------
// Versions

/** Compare dotted versions numerically (`3.6.2` < `3.7.0`); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => parseInt(x, 10) || 0);
  const pb = b.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * The exact version a Terraform version constraint pins (`3.6.2`, `= 3.6.2`), or null when the
 * constraint is a range or missing (then the installed version is unknown).
 */
export function pinnedVersion(constraint: string | null | undefined): string | null {
  if (!constraint) return null;
  const m = /^\s*=?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(constraint);
  return m ? m[1] : null;
}
