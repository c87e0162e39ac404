/**
 * bulwark's public API: everything a stack of your own needs (examples/web-api is built only
 * from this file). Import from the package (`import { HardenedContainer } from "bulwark"`) or from
 * this file; anything not exported here is internal and may move.
 *
 * - Stack boilerplate: `dockerHost` (Docker provider + state backend), `cloudflareProvider`,
 *   `pinnedImage` (image pins from `images:`), `applyBackend`.
 * - L2 constructs: HardenedContainer, NetworkTopology, CloudflareTunnelIngress, AccessGate,
 *   EdgeProtection, RepositoryGovernance.
 * - L3 service profiles (postgresProfile, redisProfile, webAppProfile, …), the service model
 *   (ServiceSpec, SecretRef, HealthProbe) and Secret (sensitive Terraform variables).
 * - Suppressions: `suppress`, `suppressInStack` (one rule, one resource, a written reason).
 * - Configuration: SharedConfigSchema to extend with your section, `loadConfig` to load it with
 *   the same overrides and checks as the reference stacks.
 * - Policy: `runSynthGate` for your app's entry, `policyFindings`/`synthStackJson` for tests,
 *   and `registerPolicyMatchers()` (or `import "bulwark/policy/jest"` in a jest setup file)
 *   for `expect(stack).toPassPolicy()` and `toViolate(ruleId, address?)`.
 * - The reference stacks (KohaStack, SingleServerStack, GovernanceStack) and their catalog.
 */

// --- stack boilerplate ----------------------------------------------------------------------
export {
  dockerHost,
  cloudflareProvider,
  pinnedImage,
  DEFAULT_DOCKER_HOST,
  type DockerHostProps,
  type ImagePins,
  type StackBackend,
} from "./constructs/core/stack-base";
export { applyBackend } from "./constructs/core/backend";

// --- secrets and suppressions ---------------------------------------------------------------
export { Secret, assertSecretRef } from "./constructs/core/secret";
export { suppress, suppressInStack } from "./constructs/core/suppress";

// --- service model and profiles -------------------------------------------------------------
export * from "./constructs/service/spec";
export { HealthProbe, type HttpProbeOptions, type HttpProbeTool } from "./constructs/service/health";
export * from "./constructs/profiles";

// --- L2 constructs --------------------------------------------------------------------------
export { HardenedContainer, type HardenedContainerProps, type Justification, type RestartPolicy } from "./constructs/docker/hardened-container";
export { NetworkTopology, type HardenedNetwork, type NetworkTopologyProps } from "./constructs/docker/network-topology";
export * from "./constructs/cloudflare";
export {
  RepositoryGovernance,
  logicalNameFor,
  type ProtectionMode,
  type RepositoryGovernanceProps,
  type RepositoryVisibility,
  type RulesetBypassActor,
} from "./constructs/github/repository-governance";

// --- configuration --------------------------------------------------------------------------
export {
  AppImage,
  Backend,
  CloudflareSchema,
  DeploymentConfigSchema,
  GithubSchema,
  ImagePin,
  ImageRef,
  KohaSchema,
  KohaInstancesSchema,
  KohaSectionSchema,
  MAX_FURTHER_KOHA_INSTANCE_LENGTH,
  kohaGrafanaHostname,
  kohaInstances,
  SharedConfigSchema,
  SingleServerSchema,
  type BackendConfig,
  type CloudflareConfig,
  type DeploymentConfig,
  type DeploymentConfigInput,
  type GithubConfig,
  type GovernanceDeploymentConfig,
  type ImagePinConfig,
  type KohaConfig,
  type KohaDeploymentConfig,
  type KohaSection,
  type SharedConfig,
  type SingleServerConfig,
  type SingleServerDeploymentConfig,
} from "./config/schema";
export {
  ConfigError,
  ENV_OVERRIDES,
  EXAMPLE_CONFIG_PATH,
  SHARED_ENV_OVERRIDES,
  loadConfig,
  loadDeploymentConfig,
  type Env,
  type EnvOverride,
  type LoadConfigOptions,
} from "./config/load";
export { requireSections, type StackRules, type WithSections } from "./config/checks";

// --- policy ---------------------------------------------------------------------------------
export { runSynthGate, type GateOptions } from "./policy/gate";
export { readinessSummary, type ReadinessSummaryOptions } from "./policy/readiness/summary";
export { checkStack, checkStacks, failsAt, type FailOn, type Report } from "./policy/engine";
export { loadStacks } from "./policy/load";
export { formatReport, type ReportFormat } from "./policy/report";
export { policyFindings, synthStackJson, type PolicySubject } from "./policy/testing";
export type { Finding, Severity } from "./policy/types";

/**
 * Register the jest matchers `toPassPolicy()` and `toViolate(ruleId, address?)`. Call it in a
 * jest setup file (or import "bulwark/policy/jest" there). It needs jest's global `expect`, so
 * importing this module outside jest never registers anything.
 */
export function registerPolicyMatchers(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("./policy/jest");
}

// --- reference stacks -----------------------------------------------------------------------
export { FIRST_KOHA_INSTANCE, KohaStack, KOHA_SERVICES, kohaInstancePlacement, type KohaInstancePlacement, type KohaService, type KohaStackProps } from "./stacks/koha";
export { DEFAULT_KOHA_ZONE_PROTECTION } from "./stacks/koha-edge";
export { SingleServerStack, SINGLE_SERVER_SERVICES, type SingleServerService, type SingleServerStackProps } from "./stacks/single-server";
export { GovernanceStack, type GovernanceStackProps } from "./stacks/governance";
export { STACK_KINDS, buildConfiguredStacks, configuredStackKinds, kohaInstanceStackId, type StackKind } from "./stacks/catalog";
export { pinnedImages, pinnedImagesIn, stackImages, recordEnvironment, DEPLOYMENT_ENVIRONMENTS, ENVIRONMENT_LOCAL, type DeploymentEnvironment, type StackImage } from "./stacks/pinned-images";
export * from "./constructs/kubernetes";
export { KubernetesSingleServerStack } from "./stacks/kubernetes/single-server";
export { KubernetesKohaStack } from "./stacks/kubernetes/koha";
