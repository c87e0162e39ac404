/**
 * How a service is observed: a plain typed part of the service model (`ServiceSpec.observability`),
 * free of Prometheus syntax, so the monitoring construct (constructs/monitoring) and any later
 * renderer (a Kubernetes ServiceMonitor) read the same facts the profile declared once.
 *
 * Three ways, any combination:
 * - `scrape`: the service itself serves Prometheus metrics (RabbitMQ's plugin on 15692, a web
 *   app's `/metrics`), optionally behind a bearer token that is a secret, never a literal;
 * - `exporter`: a sidecar exporter the monitoring construct runs next to the service (MariaDB:
 *   mysqld_exporter with its own least-privilege user), its credentials secrets delivered as files;
 * - `probes`: HTTP or TCP checks the blackbox exporter runs against the service over the
 *   internal network (Elasticsearch's cluster health, Koha's OPAC page).
 *
 * Secrets here are `SecretRef`s like everywhere in the model; the monitoring construct writes
 * them into files inside its own containers (`password_file`, `credentials_file`), never onto a
 * command line and never into a configuration string as a literal.
 */

/**
 * A secret by reference: the same shape as `SecretRef` in ./spec.ts (every SecretRef is one),
 * restated here so this module imports nothing from spec.ts, which imports its types (the layer
 * test forbids the cycle).
 */
export interface SecretRef {
  readonly kind: "secret";
  readonly name: string;
  readonly description?: string;
  readonly expression?: string;
  readonly source: string;
}

type SpecFail = (field: string, problem: string, fix: string) => never;

/** Same message shape as validate.ts' specFailer: `<where>: <prefix><field> <problem>. Fix: <fix>`. */
function specFailer(where: string, prefix: string): SpecFail {
  return (field, problem, fix) => {
    const subject = field === "" ? prefix.replace(/[.:\s]+$/, "") : `${prefix}${field}`;
    const e = new Error(`${where}: ${subject} ${problem}. Fix: ${fix}`);
    e.name = "ServiceSpecError";
    throw e;
  };
}

function checkInt(fail: SpecFail, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(field, `is ${show(v)}, not a whole number from ${min} to ${max}`, `set ${field} to a whole number from ${min} to ${max}`);
  }
  return v as number;
}

function checkSecret(fail: SpecFail, field: string, ref: unknown): SecretRef {
  const r = ref as SecretRef;
  if (!isObject(ref) || r.kind !== "secret" || typeof r.name !== "string" || (r.expression !== undefined && typeof r.expression !== "string")) {
    fail(field, "is missing or not a SecretRef", "pass Secret.named(\"<name>\", \"<description>\") or Secret.fromVariable(scope, \"<name>\", \"<description>\"), never a string");
  }
  if (r.expression !== undefined && !r.expression.includes("${")) {
    fail(field, `(${r.source}) holds a literal, not a reference`, "create it with Secret.named(), Secret.fromVariable() or Secret.fromSensitiveValue()");
  }
  if (r.expression === undefined && !/^[a-z][a-z0-9_]*$/.test(r.name)) {
    fail(field, `names secret ${show(r.name)}, which is not snake_case`, "name secrets like \"db_password\" ([a-z][a-z0-9_]*)");
  }
  return r;
}

/** What kind of metrics an endpoint serves, so the right alert families are generated. */
export type MetricsDialect =
  /** Anything else: only "target down" is generated. */
  | "generic"
  /** An HTTP service exporting `http_requests_total{code}` and `http_request_duration_seconds`. */
  | "http-app"
  /** RabbitMQ's rabbitmq_prometheus plugin (queue backlog alerts). */
  | "rabbitmq"
  /** cloudflared's metrics (`cloudflared_tunnel_response_by_code`: 5xx at the edge). */
  | "cloudflared";

export interface MetricsEndpoint {
  readonly port: number;
  /** @default "/metrics" */
  readonly path?: string;
  /** @default "http" */
  readonly scheme?: "http" | "https";
  /** Bearer token the endpoint requires; Prometheus reads it from a file (`credentials_file`). @default none */
  readonly bearerToken?: SecretRef;
  /** @default "generic" */
  readonly dialect?: MetricsDialect;
  /**
   * Where the endpoint listens. `loopback` means only the container itself can reach it (the
   * cloudflared profile binds its metrics to 127.0.0.1): nothing can scrape it, and the monitoring
   * construct reports it as not observed instead of generating a job that is always down.
   * @default "network"
   */
  readonly listen?: "network" | "loopback";
}

/** Exporters the monitoring construct knows how to run (image, user, port, credential file). */
export type ExporterKind = "mysqld" | "postgres" | "redis" | "memcached";

export interface ExporterSpec {
  readonly kind: ExporterKind;
  /** Port of the service the exporter connects to. */
  readonly port: number;
  /** The exporter's own database user (least privilege; never the application's or root). @default none (no authentication) */
  readonly username?: string;
  /** That user's password, delivered to the exporter as a file. @default none */
  readonly password?: SecretRef;
  /**
   * What an operator runs once to create `username` with the least privileges the exporter needs
   * (shown in the README and the runbooks; not executed by Terraform).
   * @default none
   */
  readonly setup?: string;
}

export interface HttpProbe {
  readonly kind: "http";
  /** Short name, unique within the service (`opac`, `cluster-health`). */
  readonly name: string;
  readonly port: number;
  /** @default "/" */
  readonly path?: string;
  /** @default "http" */
  readonly scheme?: "http" | "https";
  /** A regular expression the body must match (`"status":"green"`). @default none */
  readonly bodyMatches?: string;
  /** HTTP basic auth; the password reaches the blackbox exporter as a `password_file`. @default none */
  readonly basicAuth?: { readonly username: string; readonly password: SecretRef };
  /** @default "availability" */
  readonly category?: "availability" | "saturation";
}

export interface TcpProbe {
  readonly kind: "tcp";
  readonly name: string;
  readonly port: number;
}

export type ServiceProbe = HttpProbe | TcpProbe;

/** How a service is observed. Every field is optional; an empty object means "not observed". */
export interface ObservabilitySpec {
  /** Metrics the service serves itself. @default none */
  readonly scrape?: readonly MetricsEndpoint[];
  /** A sidecar exporter. @default none */
  readonly exporter?: ExporterSpec;
  /** Blackbox probes over the internal network. @default none */
  readonly probes?: readonly ServiceProbe[];
}

const PROBE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const USERNAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const EXPORTERS: readonly ExporterKind[] = ["mysqld", "postgres", "redis", "memcached"];
const DIALECTS: readonly MetricsDialect[] = ["generic", "http-app", "rabbitmq", "cloudflared"];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? "missing" : JSON.stringify(v) ?? String(v));

function checkUrlPath(fail: SpecFail, field: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== "string" || !/^\/[A-Za-z0-9._~\/?=&%:,+-]*$/.test(v) || v.includes("${") || v.includes("%{")) {
    fail(field, `${show(v)} is not a plain absolute URL path`, "give a path such as \"/metrics\" (no spaces, no template syntax)");
  }
}

function checkScheme(fail: SpecFail, field: string, v: unknown): void {
  if (v !== undefined && v !== "http" && v !== "https") fail(field, `is ${show(v)}`, "use \"http\" or \"https\"");
}

/**
 * Check an observability description. `where` names who asks (`mariadbProfile(mariadb)`,
 * `Monitoring koha/monitoring`); `prefix` goes before the field names. Returns it unchanged.
 */
export function validateObservability(obs: unknown, where: string, prefix = "service.observability."): ObservabilitySpec {
  const fail: SpecFail = specFailer(where, prefix);
  if (obs === undefined) return {};
  if (!isObject(obs)) fail("", `is ${show(obs)}, not an observability description`, "give { scrape?, exporter?, probes? }");
  const o = obs as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!["scrape", "exporter", "probes"].includes(key)) fail(key, "is not a field", "use scrape, exporter or probes");
  }
  const ports = new Set<string>();
  if (o.scrape !== undefined) {
    if (!Array.isArray(o.scrape)) fail("scrape", "is not a list", "give scrape as [{ port, path?, bearerToken? }]");
    (o.scrape as unknown[]).forEach((e, i) => {
      const f = `scrape[${i}]`;
      if (!isObject(e)) fail(f, "is not a metrics endpoint", "give { port, path?, scheme?, bearerToken?, dialect? }");
      checkInt(fail, `${f}.port`, e.port, 1, 65535);
      checkUrlPath(fail, `${f}.path`, e.path);
      checkScheme(fail, `${f}.scheme`, e.scheme);
      if (e.bearerToken !== undefined) checkSecret(fail, `${f}.bearerToken`, e.bearerToken);
      if (e.dialect !== undefined && !DIALECTS.includes(e.dialect as MetricsDialect)) fail(`${f}.dialect`, `is ${show(e.dialect)}`, `use one of ${DIALECTS.join(", ")}`);
      if (e.listen !== undefined && e.listen !== "network" && e.listen !== "loopback") fail(`${f}.listen`, `is ${show(e.listen)}`, "use \"network\" or \"loopback\"");
      const key = `${e.port}${e.path ?? "/metrics"}`;
      if (ports.has(key)) fail(f, `declares port ${e.port} path ${e.path ?? "/metrics"} twice`, "declare each endpoint once");
      ports.add(key);
    });
  }
  if (o.exporter !== undefined) {
    const x = o.exporter;
    if (!isObject(x)) fail("exporter", "is not an exporter", "give { kind, port, username?, password? }");
    if (!EXPORTERS.includes(x.kind as ExporterKind)) fail("exporter.kind", `is ${show(x.kind)}`, `use one of ${EXPORTERS.join(", ")}`);
    checkInt(fail, "exporter.port", x.port, 1, 65535);
    if ((x.username === undefined) !== (x.password === undefined)) {
      fail("exporter", "gives only one of username and password", "give both (the exporter's own least-privilege user and its secret) or neither");
    }
    if (x.username !== undefined) {
      if (typeof x.username !== "string" || !USERNAME.test(x.username)) fail("exporter.username", `${show(x.username)} is not a plain user name`, "use letters, digits, dot, dash and underscore");
      if (["root", "postgres", "elastic", "admin"].includes((x.username as string).toLowerCase())) {
        fail("exporter.username", `is the superuser ${show(x.username)}`, "give the exporter its own least-privilege user (e.g. \"exporter\")");
      }
      checkSecret(fail, "exporter.password", x.password);
    }
    if (x.setup !== undefined && typeof x.setup !== "string") fail("exporter.setup", "is not a string", "give the setup SQL as a string");
  }
  if (o.probes !== undefined) {
    if (!Array.isArray(o.probes)) fail("probes", "is not a list", "give probes as [{ kind: \"http\" | \"tcp\", name, port }]");
    const names = new Set<string>();
    (o.probes as unknown[]).forEach((p, i) => {
      const f = `probes[${i}]`;
      if (!isObject(p)) fail(f, "is not a probe", "give { kind: \"http\" | \"tcp\", name, port }");
      if (p.kind !== "http" && p.kind !== "tcp") fail(`${f}.kind`, `is ${show(p.kind)}`, "use \"http\" or \"tcp\"");
      if (typeof p.name !== "string" || !PROBE_NAME.test(p.name)) fail(`${f}.name`, `${show(p.name)} is not a short name`, "use lower-case letters, digits and dashes (max 31)");
      if (names.has(p.name as string)) fail(`${f}.name`, `"${p.name}" is used twice`, "give every probe of a service its own name");
      names.add(p.name as string);
      checkInt(fail, `${f}.port`, p.port, 1, 65535);
      if (p.kind === "http") {
        checkUrlPath(fail, `${f}.path`, p.path);
        checkScheme(fail, `${f}.scheme`, p.scheme);
        if (p.bodyMatches !== undefined) {
          if (typeof p.bodyMatches !== "string" || p.bodyMatches === "" || p.bodyMatches.includes("${") || p.bodyMatches.includes("%{")) {
            fail(`${f}.bodyMatches`, `is ${show(p.bodyMatches)}`, "give a non-empty regular expression without template syntax");
          }
          try {
            new RegExp(p.bodyMatches as string);
          } catch {
            fail(`${f}.bodyMatches`, "is not a regular expression", "give a valid (RE2-compatible) regular expression");
          }
        }
        if (p.basicAuth !== undefined) {
          const b = p.basicAuth;
          if (!isObject(b) || typeof b.username !== "string" || !USERNAME.test(b.username)) fail(`${f}.basicAuth.username`, "is missing or not a plain user name", "give { username, password: SecretRef }");
          checkSecret(fail, `${f}.basicAuth.password`, (b as Record<string, unknown>).password);
        }
        if (p.category !== undefined && p.category !== "availability" && p.category !== "saturation") fail(`${f}.category`, `is ${show(p.category)}`, "use \"availability\" or \"saturation\"");
      }
    });
  }
  return obs as ObservabilitySpec;
}

/**
 * A neutral secret reference a profile declares for an exporter credential (the Docker renderer
 * binds it to a sensitive variable of that name). The same shape `Secret.named` returns; kept
 * here so profiles need no cdktf import.
 */
export function observabilitySecret(name: string, description: string): SecretRef {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`observabilitySecret: ${JSON.stringify(name)} must be snake_case`);
  return { kind: "secret", name, description, source: `secret ${name}` };
}

/** The spec with its observability replaced (validated): for a stack that knows more than the profile. */
export function withObservability<S extends { readonly name: string; readonly observability?: ObservabilitySpec }>(spec: S, observability: ObservabilitySpec): S {
  validateObservability(observability, `withObservability(${spec.name})`, "observability.");
  return { ...spec, observability };
}
