/**
 * The web-api example's configuration: bulwark's shared settings extended with one strict
 * section of its own, loaded with the same environment overrides (BULWARK_OWNER,
 * BULWARK_DOCKER_HOST, BULWARK_BACKEND, BULWARK_DOMAIN, …) and checks as the reference stacks.
 */
import { join } from "path";
import { z } from "zod";
import { AppImage, SharedConfigSchema, loadConfig, type Env, type StackRules } from "../../index";
import { WEB_API_SERVICES } from "./stack";

export const WebApiSection = z.strictObject({
  /** Public hostname of the API (inside cloudflare.domain), published through the tunnel. */
  hostname: z.string().min(1),
  /** Your API image and what the platform needs to run it hardened. */
  api: AppImage,
  /** PostgreSQL database (and user) of the API. */
  database: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier").default("app"),
});

export const WebApiConfigSchema = SharedConfigSchema.extend({ webApi: WebApiSection });
export type WebApiConfig = z.infer<typeof WebApiConfigSchema>;

export const WEB_API_CONFIG_PATH = join(__dirname, "web-api.yaml");

/** What the stack declares: its section, what it needs from the shared part, the services it builds. */
export const WEB_API_RULES: StackRules = {
  section: "webApi",
  requires: [{ section: "cloudflare", why: "its tunnel publishes the API" }],
  services: WEB_API_SERVICES,
};

/** web-api.yaml, or the file named by WEB_API_CONFIG, with the environment overrides. */
export function loadWebApiConfig(env: Env = process.env): WebApiConfig {
  return loadConfig({
    schema: WebApiConfigSchema,
    defaultPath: WEB_API_CONFIG_PATH,
    defaultLabel: "examples/web-api/web-api.yaml",
    pathVariable: "WEB_API_CONFIG",
    env,
    stacks: [WEB_API_RULES],
  });
}
