/**
 * The deployment environment a stack is judged for (`production`, `staging`, `development`).
 *
 * It is a fact of the Terraform the engine reads, so it works for cdktf, hand-written JSON and
 * HCL alike: the local value `bulwark_environment`.
 *
 *   HCL:              locals { bulwark_environment = "production" }
 *   Terraform JSON:   "locals": { "bulwark_environment": "production" }
 *
 * The reference stacks write it from the deployment configuration's `environment` (stacks/
 * environment.ts); `bulwark check --environment <env>` (and the synth gate's `environment` option)
 * overrides it for every stack of a run. A stack without the marker and without the option is
 * judged as before (no environment: DOCKER-022 warns about a missing digest). A marker whose value
 * is not one of the known names is judged as production (fail closed) and the finding says so, so
 * a typo never weakens a production check silently.
 *
 * Rules read it with `stackEnvironment(index.json)`; the engine applies an override with
 * `withEnvironment` on a shallow copy (the caller's JSON is never mutated).
 */
import { blocks } from "./stack-index";

export const DEPLOYMENT_ENVIRONMENTS = ["production", "staging", "development"] as const;
export type DeploymentEnvironment = (typeof DEPLOYMENT_ENVIRONMENTS)[number];

/** The local value that carries the environment in Terraform (`local.bulwark_environment`). */
export const ENVIRONMENT_LOCAL = "bulwark_environment";

export function isDeploymentEnvironment(v: unknown): v is DeploymentEnvironment {
  return typeof v === "string" && (DEPLOYMENT_ENVIRONMENTS as readonly string[]).includes(v);
}

/** What a stack says about its environment. */
export interface StackEnvironment {
  /** The environment judged: a known name; an unrecognized marker is judged as production. */
  readonly environment: DeploymentEnvironment;
  /** Where it came from, for messages: `local.bulwark_environment` or `--environment`. */
  readonly source: string;
  /** The marker's value when it is not a known name (then `environment` is production). */
  readonly unrecognized?: string;
}

/** The environment of a stack's JSON, or null when it declares none. */
export function stackEnvironment(json: Readonly<Record<string, unknown>>): StackEnvironment | null {
  let raw: unknown;
  for (const locals of blocks(json.locals)) if (ENVIRONMENT_LOCAL in locals) raw = locals[ENVIRONMENT_LOCAL];
  const override = json[OVERRIDE_KEY];
  if (isDeploymentEnvironment(override)) return { environment: override, source: "--environment" };
  if (raw === undefined || raw === null) return null;
  const source = `local.${ENVIRONMENT_LOCAL}`;
  if (typeof raw === "string" && isDeploymentEnvironment(raw.trim().toLowerCase())) return { environment: raw.trim().toLowerCase() as DeploymentEnvironment, source };
  return { environment: "production", source, unrecognized: typeof raw === "string" ? raw : JSON.stringify(raw) };
}

/**
 * Where an override is kept in the copy the engine judges: a `//` key, which Terraform JSON
 * treats as a comment, so the override never looks like configuration to any other rule.
 */
const OVERRIDE_KEY = "//bulwark_environment";

/** A shallow copy of `json` judged as `environment` (the input is not mutated). */
export function withEnvironment(json: Record<string, unknown>, environment: DeploymentEnvironment): Record<string, unknown> {
  return { ...json, [OVERRIDE_KEY]: environment };
}

/** `--environment production`: the value, or an error message naming the choices. */
export function parseEnvironment(value: string): DeploymentEnvironment {
  const v = value.trim().toLowerCase();
  if (!isDeploymentEnvironment(v)) throw new Error(`unknown environment ${JSON.stringify(value)}: use one of ${DEPLOYMENT_ENVIRONMENTS.join(", ")}`);
  return v;
}

