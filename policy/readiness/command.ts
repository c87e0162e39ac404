/**
 * `bulwark readiness <path>...`: score the roadmaps (docs/roadmaps/*.yaml) against a synthesis
 * (`cdktf.out/`) or any Terraform input `bulwark check` reads (policy/load.ts).
 *
 *   bulwark readiness cdktf.out [--format text|json|markdown|html] [--output FILE]
 *                    [--config deployment.yaml] [--drills drill-results.json]
 *                    [--roadmap koha,single-server] [--min-score PERCENT]
 *                    [--roadmaps my-roadmaps/]   (roadmaps of one's own instead of docs/roadmaps)
 *
 * Exit codes: 0 report written (and every roadmap at or above --min-score); 1 a roadmap below
 * --min-score; 2 usage or input error (one line naming the file and the problem).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { checkStacks, type StackInput } from "../engine";
import { InputError, loadStacks } from "../load";
import { SuppressionError } from "../suppressions";
import type { Rule } from "../types";
import { evaluateReadiness, type ReadinessReport } from "./evaluate";
import { readinessHtml } from "./html";
import { readDrillResults, readManualStatuses } from "./inputs";
import { READINESS_FORMATS, readinessJson, readinessMarkdown, readinessText, type ReadinessFormat } from "./render";
import { loadRoadmapPaths, loadRoadmaps, ReadinessError, type RoadmapSet } from "./roadmaps";
import { buildStackIndex } from "../stack-index";
import { stackTopology, type StackTopology } from "./topology";

/** What the command needs of the CLI (policy/cli.ts passes its CliIO). */
export interface ReadinessIO {
  readonly stdout: { write(chunk: string): unknown };
  readonly cwd: string;
  readonly rules: readonly Rule[];
}

export interface ReadinessOptions {
  readonly format: ReadinessFormat;
  /** Write the report here. @default stdout */
  readonly output?: string;
  /** Deployment configuration with `readiness.manual`. @default none: manual items are pending */
  readonly config?: string;
  /** Drill results JSON. @default none: drills are unknown */
  readonly drills?: string;
  /** Only these roadmaps. @default every roadmap */
  readonly roadmap?: readonly string[];
  /**
   * Roadmaps of one's own instead of this package's: roadmap files or directories of them (a
   * `drills.yaml` among them adds drills; loadRoadmapPaths). @default the package's docs/roadmaps
   */
  readonly roadmaps?: readonly string[];
  /** Exit 1 when a roadmap scores below this percentage. @default none: exit 0 whatever the scores */
  readonly minScore?: number;
}

export const EXIT_BELOW_MIN_SCORE = 1;

/** A readiness run's report and the stacks' topology. */
export interface ReadinessRun {
  readonly report: ReadinessReport;
  readonly topology: readonly StackTopology[];
}

/** Topology of every stack of the input, in input order. */
export function topologyOf(stacks: readonly StackInput[]): StackTopology[] {
  return stacks.map((s) => stackTopology(buildStackIndex(s.stack, s.file, s.json)));
}

/** The report in a format. */
export function formatReadiness(run: ReadinessRun, format: ReadinessFormat): string {
  switch (format) {
    case "json":
      return readinessJson(run.report, { topology: run.topology });
    case "markdown":
      return readinessMarkdown(run.report);
    case "html":
      return readinessHtml(run.report, run.topology);
    default:
      return readinessText(run.report);
  }
}

function resolve(cwd: string, p: string): string {
  return path.resolve(cwd, p);
}

/** Run readiness over paths; throws InputError for any input problem. */
export function runReadinessOver(paths: readonly string[], opts: Omit<ReadinessOptions, "format">, io: ReadinessIO, set?: RoadmapSet): ReadinessRun {
  try {
    const roadmaps = set ?? (opts.roadmaps !== undefined ? loadRoadmapPaths(opts.roadmaps, io.cwd) : loadRoadmaps());
    const stacks = loadStacks(paths, { cwd: io.cwd });
    let findings;
    try {
      findings = checkStacks(stacks, io.rules).findings;
    } catch (e) {
      if (e instanceof SuppressionError) throw new InputError(`invalid suppression: ${e.message}`);
      throw e;
    }
    const drills = opts.drills !== undefined ? readDrillResults(resolve(io.cwd, opts.drills), roadmaps, opts.drills) : undefined;
    const manual = opts.config !== undefined ? readManualStatuses(resolve(io.cwd, opts.config), roadmaps, opts.config) : undefined;
    const report = evaluateReadiness(stacks, roadmaps, { findings, rules: io.rules, drills, manual, only: opts.roadmap });
    return { report, topology: topologyOf(stacks) };
  } catch (e) {
    if (e instanceof ReadinessError) throw new InputError(e.message.split("\n").map((l) => l.trim()).filter((l) => l !== "").join(" "));
    if (e instanceof Error && /^unknown roadmap/.test(e.message)) throw new InputError(e.message);
    throw e;
  }
}

function writeOutput(cwd: string, given: string, text: string): void {
  if (given.trim() === "") throw new InputError("--output needs a file name");
  const abs = path.resolve(cwd, given);
  try {
    const dir = path.dirname(abs);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(abs, text);
  } catch (e) {
    throw new InputError(`cannot write ${given}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function percentArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError("must be a percentage from 0 to 100");
  return n;
}

function listArg(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((s) => s.trim()).filter((s) => s !== "")];
}

/** Register `readiness` on the CLI's commander program. */
export function registerReadinessCommand(program: Command, io: ReadinessIO, setExit: (code: number) => void): void {
  program
    .command("readiness")
    .description("score the production-readiness roadmaps (docs/roadmaps, or your own with --roadmaps) against Terraform JSON: per roadmap and phase, met / not met / unknown / manual / n/a")
    .argument("<path...>", "cdktf.out/, cdk.tf.json, *.tf.json, a directory of them, or HCL")
    .addOption(new Option("-f, --format <format>", "report format").choices(READINESS_FORMATS).default("text"))
    .addOption(new Option("-o, --output <file>", "write the report to FILE instead of stdout"))
    .addOption(new Option("--config <file>", "deployment configuration whose readiness.manual section records manual sign-offs"))
    .addOption(new Option("--drills <file>", 'drill results JSON ({ "drills": { "restore-drill": { "status": "passed" } } }); without it drills are unknown'))
    .addOption(new Option("--roadmap <names>", "only these roadmaps, comma-separated").argParser(listArg))
    .addOption(new Option("--roadmaps <paths>", "score roadmaps of your own instead of bulwark's: roadmap .yaml files or directories of them, comma-separated (a drills.yaml among them adds drills)").argParser(listArg))
    .addOption(new Option("--min-score <percent>", "exit 1 when a roadmap's score is below PERCENT").argParser(percentArg))
    .action((paths: string[], opts: ReadinessOptions) => {
      const run = runReadinessOver(paths, opts, io);
      const text = formatReadiness(run, opts.format);
      if (opts.output !== undefined && opts.output !== "-") writeOutput(io.cwd, opts.output, text);
      else io.stdout.write(text);
      const below = opts.minScore !== undefined && run.report.roadmaps.some((r) => r.score !== null && r.score < opts.minScore!);
      setExit(below ? EXIT_BELOW_MIN_SCORE : 0);
    });
}
