/**
 * Production means pinned and signed: the images to verify.
 *
 * `pinnedImages(config)` lists every image the configured stacks pin by digest, as
 * `repository:tag@sha256:…`: what the deploy workflow verifies with `cosign verify` before
 * `cdktf deploy`. `pinnedImagesIn(jsons)` does the same over synthesized Terraform JSON
 * (cdktf.out, hand-written JSON, normalized HCL).
 */
import { App } from "cdktf";
import type { DeploymentConfig } from "../config/schema";
import { pinnedImagesIn } from "../policy/pinned-images";
import { buildConfiguredStacks, configuredStackKinds } from "./catalog";

export { pinnedImagesIn, stackImages, type StackImage } from "../policy/pinned-images";
export { recordEnvironment, DEPLOYMENT_ENVIRONMENTS, ENVIRONMENT_LOCAL, type DeploymentEnvironment } from "./environment";

/**
 * Every image the configured stacks of `config` pin by digest (`repository:tag@sha256:…`),
 * unique and sorted. The stacks are built in memory, in an App of their own (nothing is written
 * to disk), so the list is exactly what a synthesis would deploy. The governance stack runs no
 * image and is not built, so the governance stack itself may call this for its deploy workflow.
 * Images without a digest are not listed: in production DOCKER-022 refuses them before deploy.
 */
export function pinnedImages(config: DeploymentConfig): string[] {
  const app = new App({ skipValidation: true });
  // Every stack of every kind, further Koha instances included (they may pin other images).
  const stacks = buildConfiguredStacks(app, config, configuredStackKinds(config).filter((kind) => kind.section !== "github"));
  return pinnedImagesIn(stacks.map((s) => s.toTerraform() as Record<string, unknown>));
}
