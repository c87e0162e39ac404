/**
 * The bulwark app: every reference stack, synthesized by `npm run synth` or by the cdktf CLI
 * (`cdktf synth | diff | deploy`), then judged by the policy engine (the synth gate).
 *
 * Exit codes: 0 synthesized and no unsuppressed policy error; 1 policy errors (the report is
 * printed, warnings never stop it); 2 invalid configuration or construct props (one clear
 * message, no stack trace).
 */
import { App } from "cdktf";
import { loadDeploymentConfig, ConfigError } from "./config/load";
import type { DeploymentConfig } from "./config/schema";
import { KohaStack } from "./stacks/koha";
import { SingleServerStack } from "./stacks/single-server";
import { GovernanceStack } from "./stacks/governance";
import { runSynthGate } from "./policy/gate";

export interface BuiltApp {
  readonly app: App;
  readonly governance: GovernanceStack;
}

/** Build every reference stack into an App (no synthesis). */
export function buildApp(config: DeploymentConfig, outdir?: string): BuiltApp {
  const app = new App({ outdir, skipValidation: false });
  new KohaStack(app, "koha", { config });
  new SingleServerStack(app, "single-server", { config });
  const governance = new GovernanceStack(app, "governance", { config });
  return { app, governance };
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
  const extra = built.governance.governance.map((g) => `  github ${g.scorecardSummary()}`);
  return runSynthGate(built.app.outdir, { extraSummary: extra, color: process.stderr.isTTY === true && !env.NO_COLOR });
}

if (require.main === module) {
  process.exitCode = main();
}
