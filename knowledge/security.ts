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

/** A word that ends in one of these is a secret glued to a prefix: `PGPASSWORD`, `dbpasswd`. */
const GLUED_SECRET_SUFFIXES = ["password", "passwd"];
/**
 * Words that mean a secret only after a prefix: `MYSQL_PWD`, `REDIS_AUTH` yes, but `PWD` (the
 * working directory) and `AUTH` alone no.
 */
const SECRET_LAST_WORDS = new Set(["pwd", "auth"]);
/** First words that make such a name a switch, not a secret: `ENABLE_AUTH`, `REQUIRE_AUTH`. */
const SWITCH_FIRST_WORDS = new Set(["enable", "enabled", "disable", "disabled", "require", "required", "use", "skip", "no", "with", "without", "allow"]);

function secretNameUncached(name: string): boolean {
  const words = nameWords(name);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECRET_WORDS.has(w)) return true;
    if (i + 1 < words.length && SECRET_WORD_PAIRS.has(`${w} ${words[i + 1]}`)) return true;
    if (GLUED_SECRET_SUFFIXES.some((s) => w.length > s.length && w.endsWith(s))) return true;
  }
  return words.length >= 2 && SECRET_LAST_WORDS.has(words[words.length - 1]) && !SWITCH_FIRST_WORDS.has(words[0]);
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
  { name: "private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  // Stripe secret and restricted keys; publishable keys (pk_live_) are public by design.
  { name: "Stripe secret key", pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{10,}/ },
  { name: "Slack webhook", pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/ },
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

const imageCache = new Map<string, ImageReference>();

/**
 * Parse `registry:port/ns/name:tag@sha256:…`. Never throws; odd input gives odd parts. The result
 * is frozen and shared: stacks repeat one image across many containers and rules parse it often.
 */
export function parseImage(image: string): ImageReference {
  let hit = imageCache.get(image);
  if (hit === undefined) {
    hit = Object.freeze(parseImageUncached(image));
    // Bounded, like the secret-name cache, for pathological input.
    if (imageCache.size < 100_000) imageCache.set(image, hit);
  }
  return hit;
}

function parseImageUncached(image: string): ImageReference {
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

const DOT_SEGMENTS = /\/+/;

/**
 * `//etc/./ssl/../x/` → `/etc/x`: collapse repeated slashes and `.`/`..` segments so a path cannot
 * dodge the sensitive-path check by spelling. Relative paths are returned trimmed, unchanged.
 */
export function normalizeHostPath(path: string): string {
  const p = path.trim();
  if (!p.startsWith("/")) return p;
  const out: string[] = [];
  for (const seg of p.split(DOT_SEGMENTS)) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/**
 * Host files under a sensitive directory that containers commonly bind read-only to share the
 * host's clock settings; read-only they disclose only the time zone and give no control of the
 * host (DOCKER-016 lets them pass when the bind is read-only; writable they stay sensitive).
 */
export const READ_ONLY_SAFE_HOST_FILES: readonly string[] = ["/etc/localtime", "/etc/timezone"];

/** True for a host file that is harmless when bound read-only (`READ_ONLY_SAFE_HOST_FILES`). */
export function isReadOnlySafeHostFile(path: string): boolean {
  return READ_ONLY_SAFE_HOST_FILES.includes(path.trim().replace(/\/+$/, ""));
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

// ---------------------------------------------------------------------------------------------
// Credentials written inside other values

/** A reference, not a literal: Terraform `${…}`, shell `$VAR` / `${VAR}`, or empty. */
export function isReferenceText(v: string): boolean {
  return v === "" || v.includes("${") || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v) || /^%\{/.test(v);
}

const URL_CREDENTIAL = /\b([a-z][a-z0-9+.-]*):\/\/([^\s:/@]*):([^\s@/]*)@/gi;

/**
 * The scheme of the first URL whose password part is a literal (`postgres://u:pw@db/app`,
 * `redis://:pw@cache`, `amqp://`, `https://user:pw@host`), or null. A password that is a reference
 * (`${var.x}`, `$DB_PASSWORD`) is not a literal.
 */
export function credentialInUrl(value: string): string | null {
  // Most values hold no URL with credentials: skip the regex scan for them.
  if (!value.includes("@") || !value.includes("://")) return null;
  for (const m of value.matchAll(URL_CREDENTIAL)) {
    const password = m[3];
    if (password !== "" && !isReferenceText(password)) return m[1].toLowerCase();
  }
  return null;
}

/** `Basic dXNlcjpwYXNz` / `Bearer eyJ…` with a literal credential: the scheme, or null. */
export function literalAuthorization(value: string): string | null {
  const m = /^\s*(?:authorization:\s*)?(basic|bearer)\s+(\S{8,})\s*$/i.exec(value);
  if (!m || isReferenceText(m[2])) return null;
  return m[1][0].toUpperCase() + m[1].slice(1).toLowerCase();
}

/** Clients that take `-p<password>` glued to the flag (MySQL/MariaDB command-line clients). */
const MYSQL_CLIENTS = /(^|\/)(mysql|mysqladmin|mysqldump|mysqlcheck|mysqlimport|mysqlshow|mysqlbinlog|mariadb|mariadb-admin|mariadb-dump|mariadb-check|mariadb-import|mariadb-show|mariadb-binlog|mariadb-backup)$/;

/**
 * The password flag of a command line that carries a literal password: `--password=…`,
 * `--password …`, `--pass=…`, and `-p<literal>` for MySQL/MariaDB clients; null when none.
 * Command lines are seen by everyone on the host (`ps`) and end up in the container's config.
 */
export function literalPasswordFlag(args: readonly string[]): string | null {
  // Every flag below starts with "-p"/"-P" or "--p"/"--P": a command line without one has none.
  if (!args.some((a) => a.includes("-p") || a.includes("-P"))) return null;
  const words = args
    .flatMap((a) => (args.length === 1 ? a.split(/\s+/) : [a]))
    .map((w) => w.replace(/^['"]+|['";]+$/g, ""))
    .filter((w) => w !== "");
  const mysql = words.some((w) => MYSQL_CLIENTS.test(w));
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const eq = /^--(password|passwd|pass)=(.*)$/i.exec(w);
    if (eq) {
      if (!isReferenceText(eq[2].replace(/^['"]|['"]$/g, ""))) return `--${eq[1]}=`;
      continue;
    }
    if (/^--(password|passwd)$/i.test(w) && i + 1 < words.length && !words[i + 1].startsWith("-")) {
      if (!isReferenceText(words[i + 1].replace(/^['"]|['"]$/g, ""))) return w;
      continue;
    }
    if (mysql && /^-p\S+$/.test(w) && !isReferenceText(w.slice(2).replace(/^['"]|['"]$/g, ""))) return "-p<password>";
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Tags that move

/** Tags that name a branch or a channel, not a release: they move under you. */
export const MOVING_TAGS: ReadonlySet<string> = new Set([
  "latest", "main", "master", "stable", "edge", "nightly", "dev", "develop", "development", "next", "beta", "alpha", "rc", "canary", "unstable", "current", "lts",
]);

/**
 * Why a tag is not a pinned version, or null when it is one: a channel (`stable`, `main`) or a bare
 * major (`8`, `v1`). A version tag has a minor part (`8.4`, `v1.2.3`, `11.8.9-noble`) or is pinned by
 * digest anyway (the caller decides that).
 */
export function movingTagReason(tag: string): string | null {
  const t = tag.trim().toLowerCase();
  if (MOVING_TAGS.has(t)) return `"${tag}" names a channel, not a release`;
  const base = t.split("-")[0];
  if (MOVING_TAGS.has(base)) return `"${tag}" names a channel, not a release`;
  // A bare number of up to three digits is a major version; longer ones are build numbers or dates.
  if (/^v?\d{1,3}$/.test(base)) return `"${tag}" is a bare major version, which moves with every minor release`;
  return null;
}
