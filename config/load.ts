/**
 * Loads the deployment configuration: the embedded example (or the file named by
 * BULWARK_CONFIG), then single-field overrides from the environment, then zod validation and the
 * cross-section checks of the configured stacks (config/checks.ts), listing every problem at
 * once. `loadConfig` does the same for a schema of your own (SharedConfigSchema extended).
 */
import { readFileSync } from "fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { packagePath } from "../knowledge/package-files";
import { DeploymentConfigSchema, type DeploymentConfig } from "./schema";
import { imagePinProblems, issueProblems, noStackProblem, requirementProblems, type StackRules } from "./checks";
import { STACK_KINDS } from "../stacks/catalog";

/** The embedded example configuration, shipped with the package (knowledge/package-files.ts finds it from the sources and the compiled library). */
export const EXAMPLE_CONFIG_PATH = packagePath("config", "deployment.example.yaml");

/** A configuration problem; the message is for people and lists every issue. */
export class ConfigError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable that overrides one configuration field. */
export interface EnvOverride {
  readonly env: string;
  /** Path of the field; a field inside an absent stack or edge section is an error, never a new section. */
  readonly path: readonly string[];
  /** Convert to a number (an error when it is not one). */
  readonly number?: boolean;
  readonly description: string;
}

/** Overrides of the shared settings (SharedConfigSchema): the default of `loadConfig`. */
export const SHARED_ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: "BULWARK_OWNER", path: ["owner"], description: "owner label of every container" },
  { env: "BULWARK_DOCKER_HOST", path: ["docker", "host"], description: "Docker daemon URL" },
  { env: "BULWARK_CLOUDFLARE_ACCOUNT_ID", path: ["cloudflare", "accountId"], description: "Cloudflare account id" },
  { env: "BULWARK_CLOUDFLARE_ZONE_ID", path: ["cloudflare", "zoneId"], description: "Cloudflare zone id" },
  { env: "BULWARK_DOMAIN", path: ["cloudflare", "domain"], description: "the zone's domain" },
];

/** Shared overrides plus those of the reference stacks' sections. Numbers are converted where the schema wants them. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  ...SHARED_ENV_OVERRIDES,
  { env: "BULWARK_GITHUB_OWNER", path: ["github", "owner"], description: "GitHub organization or user" },
  { env: "BULWARK_OPAC_HOSTNAME", path: ["koha", "opacHostname"], description: "Koha OPAC hostname" },
  { env: "BULWARK_STAFF_HOSTNAME", path: ["koha", "staffHostname"], description: "Koha staff hostname" },
  { env: "BULWARK_MARIADB_SERVER_ID", path: ["koha", "mariadb", "serverId"], number: true, description: "MariaDB server_id" },
  { env: "BULWARK_POSTGRES_HOST_PORT", path: ["singleServer", "postgresHostPort"], number: true, description: "loopback port of PostgreSQL (single-server)" },
];

/** Backend selection from the environment: BULWARK_BACKEND=local|s3|cloud plus its fields. */
const BACKEND_ENV: Record<string, Record<string, string>> = {
  local: { BULWARK_STATE_DIRECTORY: "directory" },
  s3: { BULWARK_S3_BUCKET: "bucket", BULWARK_S3_REGION: "region", BULWARK_S3_KEY_PREFIX: "keyPrefix", BULWARK_S3_KMS_KEY_ID: "kmsKeyId", BULWARK_S3_DYNAMODB_TABLE: "dynamodbTable" },
  cloud: { BULWARK_TFC_ORGANIZATION: "organization", BULWARK_TFC_WORKSPACE_PREFIX: "workspacePrefix", BULWARK_TFC_HOSTNAME: "hostname" },
};

export interface LoadConfigOptions<S extends z.ZodType> {
  /** The schema (for your own stack: `SharedConfigSchema.extend({ mySection: … })`). */
  readonly schema: S;
  /** The file read when the path variable is unset. */
  readonly defaultPath: string;
  /** How the default file is named in messages. @default its path */
  readonly defaultLabel?: string;
  /** @default process.env */
  readonly env?: Env;
  /** Variable naming another configuration file. @default "BULWARK_CONFIG" */
  readonly pathVariable?: string;
  /** Single-field overrides from the environment. @default SHARED_ENV_OVERRIDES */
  readonly overrides?: readonly EnvOverride[];
  /**
   * The stacks the configuration can turn on: their section, the shared sections they need and
   * the services they build. Missing requirements and pins for services no configured stack
   * builds are errors with their path.
   * @default none: no cross-section check, any service name may be pinned
   */
  readonly stacks?: readonly StackRules[];
}

function readSource(env: Env, opts: { defaultPath: string; defaultLabel?: string; pathVariable: string }): { raw: unknown; source: string } {
  const given = env[opts.pathVariable]?.trim();
  const path = given || opts.defaultPath;
  const source = given ? path : opts.defaultLabel ?? path;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read deployment configuration ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Fix: set ${opts.pathVariable} to an existing YAML or JSON file`);
  }
  try {
    // YAML is a superset of JSON: one parser for both.
    return { raw: parseYaml(text, { prettyErrors: true }), source };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new ConfigError(`${source}: not valid YAML/JSON: ${msg}`);
  }
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

/**
 * Load a configuration file (YAML or JSON), apply environment overrides, validate with `schema`
 * and the stacks' cross-section rules. Throws ConfigError listing every problem with its path.
 */
export function loadConfig<S extends z.ZodType>(opts: LoadConfigOptions<S>): z.output<S> {
  const env = opts.env ?? process.env;
  const pathVariable = opts.pathVariable ?? "BULWARK_CONFIG";
  const { raw, source } = readSource(env, { defaultPath: opts.defaultPath, defaultLabel: opts.defaultLabel, pathVariable });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the configuration must be a mapping (YAML object)`);
  }
  const obj = structuredClone(raw) as Record<string, unknown>;
  const stacks = opts.stacks ?? [];
  // Sections that exist only when configured: an override never creates one (that would turn a
  // stack on, or half-configure the edge, from a single variable).
  const optionalSections = new Set(["cloudflare", ...stacks.flatMap((s) => [s.section, ...s.requires.map((r) => r.section)])]);
  const problems: string[] = [];
  for (const o of opts.overrides ?? SHARED_ENV_OVERRIDES) {
    const v = env[o.env];
    if (v === undefined || v === "") continue;
    const section = o.path[0];
    if (o.path.length > 1 && optionalSections.has(section) && (obj[section] === undefined || obj[section] === null)) {
      problems.push(`${o.env}: sets ${o.path.join(".")}, but the configuration has no ${section} section. Fix: add the section, or unset ${o.env}`);
      continue;
    }
    // A section written as a list of instances (koha: [...]): one variable cannot say which one.
    const list = o.path.slice(0, -1).findIndex((_, i) => Array.isArray(o.path.slice(0, i + 1).reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], obj)));
    if (list >= 0) {
      const listPath = o.path.slice(0, list + 1).join(".");
      problems.push(`${o.env}: sets ${o.path.join(".")}, but ${listPath} is a list of instances, and the variable cannot say which one. Fix: set ${o.path.slice(list + 1).join(".")} of each instance in the configuration file (${listPath}[0], ${listPath}[1], …), or unset ${o.env}`);
      continue;
    }
    if (o.number) {
      const n = Number(v);
      if (!Number.isFinite(n)) problems.push(`${o.env}="${v}": must be a number (${o.description})`);
      else setPath(obj, o.path, n);
    } else setPath(obj, o.path, v);
  }
  const backendType = env.BULWARK_BACKEND?.trim();
  if (backendType) {
    const fields = BACKEND_ENV[backendType];
    if (!fields) problems.push(`BULWARK_BACKEND="${backendType}": must be one of ${Object.keys(BACKEND_ENV).join(", ")}`);
    else {
      const backend: Record<string, unknown> = { type: backendType };
      for (const [name, field] of Object.entries(fields)) if (env[name]) backend[field] = env[name];
      obj.backend = backend;
    }
  }
  const parsed = opts.schema.safeParse(obj);
  if (!parsed.success) problems.push(...issueProblems(opts.schema, parsed.error.issues, obj));
  problems.push(...noStackProblem(obj, stacks), ...requirementProblems(obj, stacks), ...imagePinProblems(obj, stacks));
  if (problems.length > 0) {
    throw new ConfigError(`invalid deployment configuration (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return parsed.data as z.output<S>;
}

/**
 * The reference deployment: the embedded example (or the file named by BULWARK_CONFIG), the
 * environment overrides, the schema, and the reference stacks' rules (stacks/catalog.ts).
 */
export function loadDeploymentConfig(env: Env = process.env): DeploymentConfig {
  return loadConfig({
    schema: DeploymentConfigSchema,
    defaultPath: EXAMPLE_CONFIG_PATH,
    defaultLabel: "embedded example config/deployment.example.yaml",
    env,
    overrides: ENV_OVERRIDES,
    stacks: STACK_KINDS,
  });
}
