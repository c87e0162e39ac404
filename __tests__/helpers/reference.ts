/** The reference stacks built from the embedded example configuration, for stack tests. */
import { Testing } from "cdktf";
import { loadDeploymentConfig } from "../../config/load";
import type { DeploymentConfig } from "../../config/schema";
import { synthStackJson } from "../../policy/testing";
import { KohaStack } from "../../stacks/koha";
import { SingleServerStack } from "../../stacks/single-server";

export function exampleConfig(env: NodeJS.ProcessEnv = {}): DeploymentConfig {
  return loadDeploymentConfig(env);
}

export function kohaStack(config = exampleConfig()): KohaStack {
  return new KohaStack(Testing.app(), "koha", { config });
}

export function singleServerStack(config = exampleConfig()): SingleServerStack {
  return new SingleServerStack(Testing.app(), "single-server", { config });
}

/** Synthesized JSON with the only volatile value (the cdktf version stamp) normalized. */
export function normalizedJson(stack: Parameters<typeof synthStackJson>[0]): string {
  const json = synthStackJson(stack) as { "//"?: { metadata?: { version?: string } } };
  if (json["//"]?.metadata?.version) json["//"].metadata.version = "<cdktf-version>";
  return JSON.stringify(json, null, 2);
}
