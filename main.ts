/**
 * The bulwark app: the configured reference stacks, synthesized by `npm run synth` or by the cdktf CLI
 * (`cdktf synth | diff | deploy`), then judged by the policy engine (the synth gate).
 *
 * Exit codes: 0 synthesized and no unsuppressed policy error; 1 policy errors (the report is
 * printed, warnings never stop it); 2 invalid configuration or construct props (one clear
 * message, no stack trace).
 */
import { App, type TerraformStack } from "cdktf";
import { loadDeploymentConfig, ConfigError } from "./config/load";
import type { DeploymentConfig } from "./config/schema";
import { GovernanceStack } from "./stacks/governance";
import { buildConfiguredStacks } from "./stacks/catalog";
import { runSynthGate } from "./policy/gate";
import { readinessSummary } from "./policy/readiness/summary";

export interface BuiltApp {
  readonly app: App;
  /** The configured stacks, in synthesis order (koha and its further instances, single-server, governance). */
  readonly stacks: readonly TerraformStack[];
  /** The governance stack, when the configuration has a github section. */
  readonly governance?: GovernanceStack;
}

/**
 * Build exactly the stacks the configuration turns on (its koha, singleServer and github
 * sections; stacks/catalog.ts) into an App, without synthesizing. Stack ids are fixed per kind
 * (`koha`, `single-server`, `governance`; a further Koha instance `koha-<instance>`): they are the
 * roots of every Terraform address.
 */
export function buildApp(config: DeploymentConfig, outdir?: string): BuiltApp {
  const app = new App({ outdir, skipValidation: false });
  const stacks = buildConfiguredStacks(app, config);
  const governance = stacks.find((s): s is GovernanceStack => s instanceof GovernanceStack);
  return { app, stacks, governance };
}

export function main(env: NodeJS.ProcessEnv = process.env): number {
  let built: BuiltApp;
  try {
    const config = loadDeploymentConfig(env);
    built = buildApp(config, env.CDKTF_OUTDIR || undefined);
    built.app.synth();
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : (e as Error).message ?? String(e);
    process.stderr.write(`bulwark: ${message}\n`);
    if (env.BULWARK_DEBUG) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
    return 2;
  }
  // The gate prints each repository's Scorecard tier from the synthesized JSON (policy/scorecard.ts).
  // HCL output (`cdktf synth --hcl` sets SYNTH_HCL_OUTPUT) leaves no JSON on disk: the gate judges the
  // stacks' in-memory Terraform JSON, the document cdktf rendered the HCL from.
  const synthesized = built.app.hclOutput ? Object.fromEntries(built.stacks.map((s) => [s.node.id, s.toTerraform() as Record<string, unknown>])) : undefined;
  return runSynthGate(built.app.outdir, {
    synthesized,
    // Each roadmap's per-phase readiness score (docs/roadmaps), manual sign-offs from the configuration (loaded and validated above).
    extraSummary: readinessSummary(built.app.outdir, { synthesized, manual: loadDeploymentConfig(env).readiness?.manual }),
    // Set by the cdktf CLI ("we want to display the errors ourselves"): policy errors become manifest
    // error annotations, which the CLI prints once and stops on (policy/gate.ts explains why).
    annotateManifest: env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
    color: process.stdout.isTTY === true && !env.NO_COLOR,
  });
}

if (require.main === module) {
  process.exitCode = main();
}
