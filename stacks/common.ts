/**
 * Pieces every Docker reference stack shares: the provider, the backend, image pins from the
 * deployment configuration.
 */
import type { TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { DeploymentConfig } from "../config/schema";
import { applyBackend } from "../constructs/core/backend";
import type { ImageSpec } from "../constructs/service/spec";

/** Docker provider (no credentials: images come from public registries or the local cache) and backend. */
export function dockerStackBase(stack: TerraformStack, id: string, config: DeploymentConfig): void {
  new DockerProvider(stack, "docker", { host: config.docker.host });
  applyBackend(stack, config.backend, id);
}

/**
 * The image pin for a service: the profile's image with the tag/digest from `config.images`
 * (so operators pin digests without touching code).
 */
export function pinnedImage(config: DeploymentConfig, service: string, base: Partial<ImageSpec> = {}): Partial<ImageSpec> {
  const pin = config.images[service];
  if (!pin) return base;
  return { ...base, ...(pin.tag ? { tag: pin.tag } : {}), ...(pin.digest ? { digest: pin.digest } : {}) };
}
