/**
 * Loads the deployment configuration: the embedded example (or the file named by
 * BULWARK_CONFIG), then single-field overrides from the environment, then zod validation that
 * lists every problem at once.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parse as parseYaml } from "yaml";
import { DeploymentConfigSchema, type DeploymentConfig } from "./schema";

export const EXAMPLE_CONFIG_PATH = join(__dirname, "deployment.example.yaml");

/** A configuration problem; the message is for people and lists every issue. */
export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/** Environment variable → configuration path. Numbers are converted where the schema wants them. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: readonly string[]; number?: boolean; description: string }> = [
  { env: "BULWARK_OWNER", path: ["owner"], description: "owner label of every container" },
  { env: "BULWARK_DOCKER_HOST", path: ["docker", "host"], description: "Docker daemon URL" },
  { env: "BULWARK_GITHUB_OWNER", path: ["github", "owner"], description: "GitHub organization or user" },
  { env: "BULWARK_CLOUDFLARE_ACCOUNT_ID", path: ["cloudflare", "accountId"], description: "Cloudflare account id" },
  { env: "BULWARK_CLOUDFLARE_ZONE_ID", path: ["cloudflare", "zoneId"], description: "Cloudflare zone id" },
  { env: "BULWARK_DOMAIN", path: ["cloudflare", "domain"], description: "the zone's domain" },
  { env: "BULWARK_OPAC_HOSTNAME", path: ["koha", "opacHostname"], description: "Koha OPAC hostname" },
  { env: "BULWARK_STAFF_HOSTNAME", path: ["koha", "staffHostname"], description: "Koha staff hostname" },
  { env: "BULWARK_MARIADB_SERVER_ID", path: ["koha", "mariadb", "serverId"], number: true, description: "MariaDB server_id" },
];

/** Backend selection from the environment: BULWARK_BACKEND=local|s3|cloud plus its fields. */
const BACKEND_ENV: Record<string, Record<string, string>> = {
  local: { BULWARK_STATE_DIRECTORY: "directory" },
  s3: { BULWARK_S3_BUCKET: "bucket", BULWARK_S3_REGION: "region", BULWARK_S3_KEY_PREFIX: "keyPrefix", BULWARK_S3_KMS_KEY_ID: "kmsKeyId", BULWARK_S3_DYNAMODB_TABLE: "dynamodbTable" },
  cloud: { BULWARK_TFC_ORGANIZATION: "organization", BULWARK_TFC_WORKSPACE_PREFIX: "workspacePrefix", BULWARK_TFC_HOSTNAME: "hostname" },
};

function readSource(env: Env): { raw: unknown; source: string } {
  const path = env.BULWARK_CONFIG?.trim() || EXAMPLE_CONFIG_PATH;
  const source = env.BULWARK_CONFIG?.trim() ? path : "embedded example config/deployment.example.yaml";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read deployment configuration ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Fix: set BULWARK_CONFIG to an existing YAML or JSON file`);
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

/** Load, override and validate. Throws ConfigError listing every problem. */
export function loadDeploymentConfig(env: Env = process.env): DeploymentConfig {
  const { raw, source } = readSource(env);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the configuration must be a mapping (YAML object)`);
  }
  const obj = structuredClone(raw) as Record<string, unknown>;
  const problems: string[] = [];
  for (const o of ENV_OVERRIDES) {
    const v = env[o.env];
    if (v === undefined || v === "") continue;
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
  const parsed = DeploymentConfigSchema.safeParse(obj);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid deployment configuration (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return parsed.data!;
}
