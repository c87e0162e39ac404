/** The reference stacks built from the embedded example configuration, for stack tests. */
import { Testing } from "cdktf";
import { requireSections } from "../../config/checks";
import { loadDeploymentConfig } from "../../config/load";
import type { DeploymentConfig } from "../../config/schema";
import { synthStackJson } from "../../policy/testing";
import { KohaStack } from "../../stacks/koha";
import { SingleServerStack } from "../../stacks/single-server";

/** The embedded example, which configures every reference stack: all its sections are present. */
export function exampleConfig(env: NodeJS.ProcessEnv = {}) {
  return requireSections(loadDeploymentConfig(env), ["koha", "cloudflare", "singleServer", "github"], "the embedded example");
}

export type ExampleConfig = ReturnType<typeof exampleConfig>;

export function kohaStack(config: DeploymentConfig = exampleConfig()): KohaStack {
  return new KohaStack(Testing.app(), "koha", { config });
}

export function singleServerStack(config: DeploymentConfig = exampleConfig()): SingleServerStack {
  return new SingleServerStack(Testing.app(), "single-server", { config });
}

/** Synthesized JSON with the only volatile value (the cdktf version stamp) normalized. */
export function normalizedJson(stack: Parameters<typeof synthStackJson>[0]): string {
  const json = synthStackJson(stack) as { "//"?: { metadata?: { version?: string } } };
  if (json["//"]?.metadata?.version) json["//"].metadata.version = "<cdktf-version>";
  return JSON.stringify(json, null, 2);
}

/**
 * The `bulwark.service` labels of a synthesized stack's containers, sorted. Config seeders
 * (`start = false`, HardenedContainer.addFile) are left out: they run no service.
 */
export function serviceLabels(json: Record<string, any>): string[] {
  const containers: Record<string, { start?: boolean; labels?: Array<{ label: string; value: string }> }> = json.resource?.docker_container ?? {};
  return Object.values(containers)
    .filter((c) => c.start !== false)
    .map((c) => c.labels?.find((l) => l.label === "bulwark.service")?.value ?? "?")
    .sort();
}
