/**
 * The synth gate: after the app has written cdktf.out, judge the stacks of THIS synthesis. Errors
 * stop `npm run synth` and `cdktf synth|diff|deploy`; warnings are printed only.
 *
 * What is judged: the stacks listed in `cdktf.out/manifest.json`, which `app.synth()` rewrites on
 * every run. Stack folders left by earlier runs (a stack since removed from the app) are named and
 * ignored. A stack synthesized as JSON is judged from the `cdk.tf.json` the manifest names; a stack
 * synthesized as HCL (`cdktf synth --hcl`, i.e. `SYNTH_HCL_OUTPUT=true`) from the app's in-memory
 * `stack.toTerraform()` JSON (`GateOptions.synthesized`): that is the document cdktf renders the HCL
 * from, and the rules speak Terraform JSON, so no HCL parser is needed. A stack folder must not hold
 * both `cdk.tf` and `cdk.tf.json` (Terraform would read every block twice): the one this synthesis
 * did not write is stale and is removed.
 *
 * Which stacks: cdktf-cli 0.21.0 runs the app once for `synth`, `diff <stack>` and `deploy <stack>`
 * alike, with CDKTF_OUTDIR, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS and SYNTH_HCL_OUTPUT only; it
 * picks the stack after synthesis. `App.targetStackId` (CDKTF_TARGET_STACK_ID) still exists in the
 * library but no 0.21 CLI command sets it, and `App.synth()` ignores it. So the app cannot know the
 * targeted stack, and `cdktf diff koha` is gated on every synthesized stack. That is the safe
 * direction: judging a subset would let the others deploy unjudged.
 *
 * Output: the summary and the report go to stdout (a warnings-only run prints nothing on stderr,
 * which the cdktf CLI shows as red [ERROR] lines); a failure adds one "synth stopped" line on
 * stderr. Under the cdktf CLI (`annotateManifest`), a failing app's stdout and stderr are both
 * replayed in the CLI's error block, so the report would show twice; instead the gate records one
 * error annotation per failing stack in manifest.json and exits 0: this is the channel the CLI asks
 * for with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS ("we want to display the errors ourselves"),
 * and it prints the annotations and stops synth, diff and deploy with a non-zero exit.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkStacks, failsAt, type StackInput } from "./engine";
import type { DeploymentEnvironment } from "./environment";
import { InputError, loadStacks } from "./load";
import { formatReport } from "./report";
import { repositoryScorecards, scorecardLine } from "./scorecard";

export interface GateOptions {
  /** Lines appended to the summary. */
  readonly extraSummary?: readonly string[];
  readonly color?: boolean;
  readonly out?: (s: string) => void;
  readonly err?: (s: string) => void;
  /**
   * The app's in-memory Terraform JSON per stack name (`stack.toTerraform()` after `app.synth()`).
   * Judged for stacks synthesized as HCL; a JSON stack is judged from its file on disk.
   * @default none: an HCL stack then stops the gate with exit 2
   */
  readonly synthesized?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Report policy errors as error annotations in manifest.json and return 0, for the cdktf CLI,
   * which then prints them and stops (see the file comment). Set it when
   * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS is set, as the CLI does.
   * @default false: policy errors return 1
   */
  readonly annotateManifest?: boolean;
  /**
   * Judge every stack as this deployment environment (production: DOCKER-022 errors on any image
   * without a digest), whatever its `local.bulwark_environment` says (policy/environment.ts).
   * @default each stack's own marker (the reference stacks record the configuration's `environment`)
   */
  readonly environment?: DeploymentEnvironment;
}

/** `cdktf.out/manifest.json` as cdktf 0.21 writes it (only what the gate reads). */
export interface SynthManifest {
  readonly version: string;
  readonly stacks: Readonly<Record<string, ManifestStack>>;
}

export interface ManifestStack {
  readonly name: string;
  readonly constructPath: string;
  /** Relative to the outdir: `stacks/<name>`. */
  readonly workingDirectory: string;
  /** Relative to the outdir: `stacks/<name>/cdk.tf.json`, or `…/cdk.tf` for HCL output. */
  readonly synthesizedStackPath: string;
  readonly annotations: ReadonlyArray<{ readonly constructPath: string; readonly level: string; readonly message: string }>;
}

const MANIFEST = "manifest.json";
const JSON_FILE = "cdk.tf.json";
const HCL_FILE = "cdk.tf";
/** AnnotationMetadataEntryType.ERROR of cdktf (a string constant, so the engine need not import cdktf). */
const CDKTF_ERROR_LEVEL = "@cdktf/error";

/** Read the manifest of the last synthesis into `outdir`. Throws InputError. */
export function readSynthManifest(outdir: string): SynthManifest {
  const file = path.join(outdir, MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`no ${MANIFEST} in ${outdir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the gate judges what app.synth() just wrote, run it first`);
  }
  let manifest: SynthManifest;
  try {
    manifest = JSON.parse(text) as SynthManifest;
  } catch (e) {
    throw new InputError(`${file} is not JSON: ${(e as Error).message}`);
  }
  if (!manifest || typeof manifest.stacks !== "object" || manifest.stacks === null) throw new InputError(`${file} has no "stacks" object`);
  for (const [name, s] of Object.entries(manifest.stacks)) {
    if (!s || typeof s.synthesizedStackPath !== "string" || typeof s.workingDirectory !== "string") {
      throw new InputError(`${file}: stack "${name}" has no synthesizedStackPath/workingDirectory`);
    }
  }
  return manifest;
}

function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

interface Synthesis {
  readonly stacks: StackInput[];
  readonly notes: string[];
}

/** The stacks of the manifest, as the engine's input; removes a stale sibling stack file. */
function readSynthesis(outdir: string, manifest: SynthManifest, synthesized: GateOptions["synthesized"]): Synthesis {
  const stacks: StackInput[] = [];
  const notes: string[] = [];
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const file = path.join(outdir, entry.synthesizedStackPath);
    const base = path.basename(file);
    if (base !== JSON_FILE && base !== HCL_FILE) throw new InputError(`${MANIFEST}: stack "${name}" names ${entry.synthesizedStackPath}, neither ${JSON_FILE} nor ${HCL_FILE}`);
    const stale = path.join(path.dirname(file), base === JSON_FILE ? HCL_FILE : JSON_FILE);
    if (fs.existsSync(stale)) {
      fs.rmSync(stale, { force: true });
      notes.push(`  removed stale ${shown(stale)}: this synthesis wrote ${base}, and Terraform would read both`);
    }
    if (base === JSON_FILE) {
      const [loaded] = loadStacks([file]);
      stacks.push({ stack: name, file: loaded.file, json: loaded.json });
    } else {
      const json = synthesized?.[name];
      if (!json) {
        throw new InputError(`${shown(file)} is HCL: the gate judges the app's in-memory JSON of an HCL stack; pass runSynthGate(outdir, { synthesized: { "${name}": stack.toTerraform() } })`);
      }
      stacks.push({ stack: name, file: shown(file), json });
    }
  }
  const stacksDir = path.join(outdir, "stacks");
  const known = new Set(Object.values(manifest.stacks).map((s) => path.resolve(outdir, s.workingDirectory)));
  const leftovers = fs.existsSync(stacksDir)
    ? fs.readdirSync(stacksDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !known.has(path.resolve(stacksDir, d.name))).map((d) => d.name).sort()
    : [];
  if (leftovers.length > 0) notes.push(`  not judged: ${leftovers.join(", ")} (left in ${shown(stacksDir)} by an earlier run, not part of this synthesis)`);
  return { stacks, notes };
}

function countByType(json: Record<string, unknown>): Array<[string, number]> {
  const resources = (json.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(resources)
    .map(([type, byName]) => [type, Object.keys(byName).length] as [string, number])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Add one error annotation per failing stack to manifest.json (for the cdktf CLI). */
function annotate(outdir: string, failing: ReadonlyMap<string, string[]>): void {
  const file = path.join(outdir, MANIFEST);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { stacks: Record<string, { constructPath: string; annotations?: unknown[] }> };
  for (const [name, errors] of failing) {
    const entry = manifest.stacks[name];
    const shownErrors = errors.slice(0, 10).join(", ") + (errors.length > 10 ? `, and ${errors.length - 10} more` : "");
    (entry.annotations ??= []).push({
      constructPath: entry.constructPath,
      level: CDKTF_ERROR_LEVEL,
      message: `bulwark: ${errors.length} unsuppressed policy error(s): ${shownErrors}. See the policy report above; fix them or suppress each with a reason.`,
    });
  }
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
}

/** Returns the process exit code: 0 pass (or errors recorded for the CLI), 1 policy errors, 2 unreadable output. */
export function runSynthGate(outdir: string, opts: GateOptions = {}): number {
  const out = opts.out ?? ((s: string) => process.stdout.write(s));
  const err = opts.err ?? ((s: string) => process.stderr.write(s));
  let synthesis: Synthesis;
  try {
    synthesis = readSynthesis(outdir, readSynthManifest(outdir), opts.synthesized);
  } catch (e) {
    err(`bulwark: ${(e as Error).message}\n`);
    return 2;
  }
  const { stacks, notes } = synthesis;
  const report = checkStacks(opts.environment ? stacks.map((s) => ({ ...s, environment: opts.environment })) : stacks);
  const lines = [`bulwark: synthesized ${stacks.length} stack(s) into ${outdir}`];
  const width = Math.max(0, ...stacks.map((s) => s.stack.length));
  for (const s of stacks) {
    const types = countByType(s.json);
    const total = types.reduce((n, [, c]) => n + c, 0);
    lines.push(`  ${s.stack.padEnd(width)}  ${String(total).padStart(3)} resources  (${types.map(([t, c]) => `${c} ${t}`).join(", ")})`);
  }
  lines.push(...notes);
  for (const s of stacks) for (const card of repositoryScorecards(s)) lines.push(`  github ${scorecardLine(card)}`);
  lines.push(...(opts.extraSummary ?? []));
  const { errors, warnings, suppressed } = report.summary;
  lines.push(`policy: ${errors} error(s), ${warnings} warning(s), ${suppressed} suppressed`);
  out(`${lines.join("\n")}\n`);
  if (report.findings.length > 0) out(formatReport(report, "text", { color: opts.color ?? false }));
  if (!failsAt(report.findings, "error")) return 0;

  const stopped = `bulwark: synth stopped: ${errors} unsuppressed policy error(s). Fix them or suppress each with a reason.`;
  if (opts.annotateManifest) {
    const failing = new Map<string, string[]>();
    for (const f of report.findings) {
      if (f.suppressed || f.severity !== "error") continue;
      let list = failing.get(f.stack);
      if (!list) failing.set(f.stack, (list = []));
      list.push(`${f.ruleId} ${f.address}`);
    }
    annotate(outdir, failing);
    err(`${stopped} (recorded in ${shown(path.join(outdir, MANIFEST))} for the cdktf CLI)\n`);
    return 0;
  }
  err(`${stopped}\n`);
  return 1;
}
