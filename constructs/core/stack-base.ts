/**
 * What every stack repeats before its first container: the providers, the state backend and the
 * image pins from the deployment configuration. Public API (index.ts), so your own stack starts
 * with the same three calls as the reference stacks:
 *
 * ```ts
 * dockerHost(this, { host: config.docker.host, backend: config.backend });
 * cloudflareProvider(this);                      // only when the stack publishes through the edge
 * image: pinnedImage(config, "db")               // the profile's image, tag/digest from `images:`
 * ```
 *
 * Construct ids here (`docker`, `cloudflare`) become provider addresses: they never change.
 */
import type { TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { applyBackend } from "./backend";
import type { ImageSpec } from "../service/spec";

/** A state backend as the deployment configuration's `backend` section describes it. */
export type StackBackend = Parameters<typeof applyBackend>[1];

/** One entry under `images:`: the tag and/or digest that override a service's image. */
export interface ImagePin {
  readonly tag?: string;
  readonly digest?: string;
}

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export interface DockerHostProps {
  /**
   * Docker daemon the provider talks to (deployment config `docker.host`).
   * @default "unix:///var/run/docker.sock"
   */
  readonly host?: string;
  /**
   * State backend (deployment config `backend`). Required: without a declared backend cdktf
   * writes an absolute local path, so the JSON would differ between machines.
   */
  readonly backend: StackBackend;
  /**
   * Name the state is keyed by (`state/<name>.tfstate`, `<prefix>/<name>.tfstate`, workspace
   * `<prefix>-<name>`).
   * @default the stack's construct id
   */
  readonly stateName?: string;
}

/**
 * The Docker provider (no credentials: images come from public registries or the local cache;
 * DOCKER_HOST-style URL only) and the stack's backend.
 */
export function dockerHost(stack: TerraformStack, props: DockerHostProps): DockerProvider {
  const provider = new DockerProvider(stack, "docker", { host: props.host ?? DEFAULT_DOCKER_HOST });
  applyBackend(stack, props.backend, props.stateName ?? stack.node.id);
  return provider;
}

/**
 * The Cloudflare provider with no `api_token` attribute: it reads CLOUDFLARE_API_TOKEN from the
 * environment, so no token reaches code, configuration or the synthesized JSON (SECRET-003).
 */
export function cloudflareProvider(stack: TerraformStack): CloudflareProvider {
  return new CloudflareProvider(stack, "cloudflare", {});
}

/** Anything with the shared `images:` map (the deployment configuration, or your own extension of it). */
export interface ImagePins {
  readonly images?: Readonly<Record<string, ImagePin>>;
}

/**
 * The image of `service`: `base` (the profile's image, or your own) with the tag and digest
 * pinned under `images.<service>` in the configuration, so operators pin digests without
 * touching code. Declare `service` among the names your stack builds: the loader refuses a pin
 * for a service no configured stack builds (a typo would otherwise be ignored silently).
 */
export function pinnedImage(config: ImagePins, service: string, base: ImageSpec): ImageSpec;
export function pinnedImage(config: ImagePins, service: string, base?: Partial<ImageSpec>): Partial<ImageSpec>;
export function pinnedImage(config: ImagePins, service: string, base: Partial<ImageSpec> = {}): Partial<ImageSpec> {
  const pin = config.images?.[service];
  if (!pin) return base;
  return { ...base, ...(pin.tag ? { tag: pin.tag } : {}), ...(pin.digest ? { digest: pin.digest } : {}) };
}
