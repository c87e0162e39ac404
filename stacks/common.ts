/**
 * Pieces every Docker reference stack shares. They are the public helpers of
 * constructs/core/stack-base.ts (what your own stack uses too), applied to the deployment
 * configuration.
 */
import type { TerraformStack } from "cdktf";
import type { DeploymentConfig } from "../config/schema";
import { dockerHost } from "../constructs/core/stack-base";
import { recordEnvironment } from "./environment";

export { pinnedImage } from "../constructs/core/stack-base";

/**
 * Docker provider (no credentials), the configured backend (state keyed by `id`) and the
 * deployment environment (`local.bulwark_environment`, which the policy engine judges by).
 */
export function dockerStackBase(stack: TerraformStack, id: string, config: DeploymentConfig): void {
  dockerHost(stack, { host: config.docker.host, backend: config.backend, stateName: id });
  recordEnvironment(stack, config.environment);
}
