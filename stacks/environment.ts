/**
 * Production means pinned and signed: the marker a stack carries.
 *
 * `recordEnvironment(stack, environment)` writes `local.bulwark_environment`, the marker the
 * policy engine judges the synthesized JSON by (policy/environment.ts). HCL users write
 * `locals { bulwark_environment = "production" }` themselves. The reference Docker stacks call it
 * from the deployment configuration's `environment` (stacks/common.ts).
 */
import { TerraformLocal, type TerraformStack } from "cdktf";
import { ENVIRONMENT_LOCAL, type DeploymentEnvironment } from "../policy/environment";

export { DEPLOYMENT_ENVIRONMENTS, ENVIRONMENT_LOCAL, type DeploymentEnvironment } from "../policy/environment";

/** Record the deployment environment in the stack's Terraform (`local.bulwark_environment`). */
export function recordEnvironment(stack: TerraformStack, environment: DeploymentEnvironment): TerraformLocal {
  return new TerraformLocal(stack, ENVIRONMENT_LOCAL, environment);
}
