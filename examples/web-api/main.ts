/**
 * The web-api example's app: load its configuration, build its one stack, synthesize, then run
 * bulwark's synth gate (policy errors stop it with the report, warnings are printed).
 *
 *   npx tsx examples/web-api/main.ts                 # from the repository root
 *   cd examples/web-api && cdktf synth|diff|deploy   # with the cdktf CLI (cdktf.json here)
 *
 * Exit codes: 0 synthesized and no unsuppressed policy error; 1 policy errors; 2 invalid
 * configuration or construct props (one message, no stack trace).
 */
import { join } from "path";
import { App } from "cdktf";
import { ConfigError, readinessSummary, runSynthGate } from "../../index";
import { loadWebApiConfig } from "./config";
import { WebApiStack } from "./stack";

/** The stack id: the root of every Terraform address and the state key. Choose it once. */
export const WEB_API_STACK_ID = "web-api";

export function main(env: NodeJS.ProcessEnv = process.env): number {
  let app: App;
  try {
    const config = loadWebApiConfig(env);
    // Next to this file by default, so the repository's own cdktf.out stays the reference stacks'.
    app = new App({ outdir: env.CDKTF_OUTDIR || join(__dirname, "cdktf.out"), skipValidation: false });
    new WebApiStack(app, WEB_API_STACK_ID, { config });
    app.synth();
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : (e as Error).message ?? String(e);
    process.stderr.write(`web-api: ${message}\n`);
    if (env.BULWARK_DEBUG) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
    return 2;
  }
  // The summary ends with the score of this stack's own roadmap (readiness/web-api.yaml), phase by phase.
  const extraSummary = readinessSummary(app.outdir, { roadmaps: [join(__dirname, "readiness")] });
  return runSynthGate(app.outdir, { color: process.stdout.isTTY === true && !env.NO_COLOR, extraSummary });
}

if (require.main === module) {
  process.exitCode = main();
}
