/**
 * Monitoring knowledge shared by the constructs and the MON rules: which images are monitoring
 * UIs, Prometheus and exporters, and how an exporter's credential shows on a command line.
 * Imports nothing from the project (the knowledge leaf).
 */

/**
 * Image names (last path component, lower-case) of monitoring UIs: their web interface shows
 * every target, label and alert, and some (Prometheus' admin API, Alertmanager silences, Grafana)
 * change what is watched. They must never be reachable without authentication (MON-002).
 */
export const MONITORING_UI_IMAGE_NAMES: ReadonlySet<string> = new Set([
  "prometheus", "alertmanager", "grafana", "grafana-oss", "grafana-enterprise", "cadvisor", "pushgateway",
  "karma", "kibana", "netdata", "victoria-metrics", "vmalert", "vmagent", "thanos", "uptime-kuma", "loki",
]);

/** Image names of Prometheus servers whose configuration names the scrape jobs (MON-004). */
export const PROMETHEUS_IMAGE_NAMES: ReadonlySet<string> = new Set(["prometheus"]);

/** Image names of Alertmanager (MON-001). */
export const ALERTMANAGER_IMAGE_NAMES: ReadonlySet<string> = new Set(["alertmanager"]);

/** Exporter images that do not end in `exporter` (those that do are exporters by name). */
export const EXPORTER_IMAGE_NAMES: ReadonlySet<string> = new Set(["mysqld-exporter", "postgres-exporter", "redis_exporter", "memcached-exporter", "statsd-exporter"]);

/**
 * A container label a hand-written stack may set to say what a monitoring container is
 * (`prometheus`, `alertmanager`, `grafana`, `exporter`, `ui`), when the image name does not tell.
 */
export const MONITORING_COMPONENT_LABEL = "bulwark.monitoring";

/** `prom/mysqld-exporter`, `oliver006/redis_exporter`, `kbudde/rabbitmq-exporter` (an image's last path component). */
export function isExporterImageName(name: string): boolean {
  const n = name.toLowerCase();
  return EXPORTER_IMAGE_NAMES.has(n) || /(^|[-_])exporter$/.test(n);
}

/** Words of a flag or variable name that make it a credential (`--redis.password`, `DATA_SOURCE_PASS`). */
const CREDENTIAL_WORDS = new Set(["password", "passwd", "pass", "pwd", "secret", "token", "apikey", "credentials", "auth"]);
/** Last words that make the value a path or a command that yields the credential, not the credential. */
const INDIRECT_WORDS = new Set(["file", "path", "dir", "command", "cmd", "env", "user", "username"]);

/** A piece every CREDENTIAL_WORDS entry, `…password`, `…passwd` and `api key` contain (case-insensitive). */
const MAYBE_CREDENTIAL = /pass|pwd|secret|token|credentials|auth|api/i;

function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_.\-]+/).filter((w) => w !== "").map((w) => w.toLowerCase());
}

/** True when a flag or environment name carries the credential itself (`--mysqld.password`), not a file of it. */
export function isCredentialName(name: string): boolean {
  // Each word is a lower-cased piece of the name, so a name holding none of these pieces has no
  // credential word (most flags: `--collector.filesystem`, `--web.listen-address`): no split.
  if (!MAYBE_CREDENTIAL.test(name)) return false;
  const w = words(name);
  if (w.length === 0 || INDIRECT_WORDS.has(w[w.length - 1])) return false;
  return w.some((x, i) => CREDENTIAL_WORDS.has(x) || x.endsWith("password") || x.endsWith("passwd") || (x === "api" && w[i + 1] === "key"));
}

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*):\/\/([^\s:/@]*):([^\s@/]+)@/i;

/**
 * The credential an exporter's command line carries, literal or not: a flag whose name is a
 * credential (`--mysqld.password=…`, `--redis.password …`, `--password=${var.x}`) or a URL with
 * a password part (`--mongodb.uri=mongodb://u:pw@db`). A reference is expanded before the
 * process starts, so it is as visible in `ps` and `docker inspect` as a literal. Null when none.
 */
export function commandLineCredential(args: readonly string[]): string | null {
  const argv = args.flatMap((a) => (args.length === 1 ? a.split(/\s+/) : [a])).filter((w) => w !== "");
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i].replace(/^['"]+|['"]+$/g, "");
    const flag = /^--?([A-Za-z][A-Za-z0-9._-]*)(?:=(.*))?$/.exec(w);
    if (flag && isCredentialName(flag[1])) {
      const value = flag[2] ?? (i + 1 < argv.length && !argv[i + 1].startsWith("-") ? argv[i + 1] : "");
      if (value.replace(/^['"]+|['"]+$/g, "") !== "") return `${w.startsWith("--") ? "--" : "-"}${flag[1]}`;
    }
    const url = URL_PASSWORD.exec(w);
    if (url) return `a ${url[1].toLowerCase()}:// URL with a password`;
  }
  return null;
}
