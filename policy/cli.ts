/**
 * `bulwark`: the policy engine over Terraform JSON, for CI and for people.
 *
 *   bulwark check <path>... [--format text|json|sarif|markdown] [--fail-on error|warning|info|never] [--output FILE]
 *   bulwark check <path>... --pack docker-runtime,cloudflare-edge   (only the rules of those packs)
 *   bulwark rules [--pack PACKS] [--format text|json]
 *
 * Exit codes (a public contract):
 *   0  no unsuppressed finding at or above --fail-on (default: error)
 *   1  at least one such finding
 *   2  usage or input error: one line on stderr naming the file and the problem, never a trace
 *
 * `main` runs in-process (tests inject stdout, stderr, env, cwd and rules); bin/bulwark.js calls it
 * with `process.argv.slice(2)`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CATALOG } from "./catalog";
import { PolicyRun, failsAt, summarize, type FailOn, type Report, type StackCheck, type StackInput } from "./engine";
import { PACKS, PACK_IDS, UnknownPackError, parsePackList, rulesInPacks } from "./packs";
import { InputError, findStacks, isStackOverflow, lineOf, nestingError, placeFindings, readStackSource, type LoadOptions, type LoadedStack, type Placement, type StackSource } from "./load";
import { REPORT_FORMATS, TOOL_VERSION, formatReport, type ReportFormat } from "./report";
import { printable } from "./report/printable";
import { ALL_RULES } from "./rules";
import { SuppressionError } from "./suppressions";
import type { Finding, PackId, Rule } from "./types";
import { DEPLOYMENT_ENVIRONMENTS, type DeploymentEnvironment } from "./environment";
import { registerSecretsCommand } from "./secrets/command";
import { registerReadinessCommand } from "./readiness/command";

export interface OutputStream {
  write(chunk: string): unknown;
  /** Colour is used only when this is true (a terminal). */
  readonly isTTY?: boolean;
}

export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against and reported relative to. */
  readonly cwd: string;
  /** Rules to run. @default ALL_RULES */
  readonly rules: readonly Rule[];
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const FAIL_ON: readonly FailOn[] = ["error", "warning", "info", "never"];
const RULES_FORMATS = ["text", "json"] as const;

interface CheckOptions {
  readonly format: ReportFormat;
  /** Only the rules of these packs. @default every pack */
  readonly pack?: readonly PackId[];
  readonly failOn: FailOn;
  /** `--environment production`: judge every stack as this environment. @default each stack's `local.bulwark_environment` */
  readonly environment?: DeploymentEnvironment;
  readonly output?: string;
  /** `--var name=value` for HCL input (repeatable). @default none */
  readonly var?: readonly string[];
  /** `--var-file FILE` for HCL input (repeatable). @default none */
  readonly varFile?: readonly string[];
}

/** Run the CLI with the user's arguments (without `node` and the script); returns the exit code. */
export function main(args: readonly string[], io: Partial<CliIO> = {}): number {
  const ctx: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    rules: io.rules ?? ALL_RULES,
  };
  const fail = (message: string): number => {
    ctx.stderr.write(`bulwark: ${printable(oneLine(message))}\n`);
    return EXIT_USAGE;
  };
  if (args.length === 0) return fail("missing command: use `bulwark check <path>...` or `bulwark rules` (see `bulwark --help`)");

  let exitCode = EXIT_OK;
  const program = buildProgram(ctx, (code) => (exitCode = code));
  try {
    program.parse([...args], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT_OK; // --help, --version
      return fail(e.message.replace(/^error: /, ""));
    }
    if (e instanceof InputError) return fail(e.message);
    const err = e instanceof Error ? e : new Error(String(e));
    if (ctx.env.BULWARK_DEBUG) ctx.stderr.write(`${err.stack ?? err.message}\n`);
    return fail(`internal error: ${err.message}${ctx.env.BULWARK_DEBUG ? "" : " (set BULWARK_DEBUG=1 for the stack trace)"}`);
  }
}

function buildProgram(ctx: CliIO, setExit: (code: number) => void): Command {
  const program = new Command("bulwark")
    .description("Judge Terraform JSON (cdk.tf.json, cdktf.out/, *.tf.json) against the bulwark policy catalog.")
    .version(TOOL_VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
      // main() prints commander's errors itself, as one `bulwark: …` line.
      outputError: () => undefined,
    })
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, 2 usage or input error.",
    );

  program
    .command("check")
    .description("check Terraform JSON files or directories (cdktf.out/, a stack directory, a folder of *.tf.json)")
    .argument("<path...>", "cdk.tf.json, *.tf.json, cdktf.out/ or a directory of *.tf.json files")
    .addOption(new Option("-f, --format <format>", "report format").choices(REPORT_FORMATS).default("text"))
    .addOption(new Option("--fail-on <severity>", "exit 1 when an unsuppressed finding is at or above this severity").choices(FAIL_ON).default("error"))
    .addOption(new Option("-o, --output <file>", "write the report to FILE instead of stdout (directories are created; `-` is stdout)"))
    .addOption(packOption("run only the rules of these packs"))
    .addOption(new Option("--environment <env>", "judge every stack as this deployment environment (production: DOCKER-022 errors on any image without a digest); overrides local.bulwark_environment").choices(DEPLOYMENT_ENVIRONMENTS))
    .addOption(new Option("--var <name=value>", "set an HCL input variable (repeatable; after every --var-file)").argParser(collect))
    .addOption(new Option("--var-file <file>", "read HCL input variables from a .tfvars file (repeatable; after *.auto.tfvars)").argParser(collect))
    .action((paths: string[], opts: CheckOptions) => setExit(runCheck(paths, opts, ctx)));

  program
    .command("rules")
    .description("list the rule catalog (id, pack, severity, title, anchor)")
    .addOption(new Option("-f, --format <format>", "output format").choices(RULES_FORMATS).default("text"))
    .addOption(packOption("list only the rules of these packs"))
    .action((opts: { format: (typeof RULES_FORMATS)[number]; pack?: readonly PackId[] }) => {
      ctx.stdout.write(opts.format === "json" ? rulesJson(opts.pack) : rulesText(opts.pack));
      setExit(EXIT_OK);
    });

  registerSecretsCommand(program, ctx, setExit);
  registerReadinessCommand(program, ctx, setExit);
  return program;
}

/** `--pack docker-runtime,cloudflare-edge` (repeatable); an unknown name is a usage error naming the packs. */
function packOption(what: string): Option {
  return new Option("--pack <packs>", `${what}, comma-separated (${PACK_IDS.join(", ")})`).argParser((value: string, previous: PackId[] | undefined) => {
    try {
      return [...(previous ?? []), ...parsePackList(value)];
    } catch (e) {
      if (e instanceof UnknownPackError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function runCheck(paths: readonly string[], opts: CheckOptions, ctx: CliIO): number {
  const sources = findStacks(paths, { cwd: ctx.cwd });
  const toFile = opts.output !== undefined && opts.output !== "-";
  const output = toFile ? resolveOutput(opts.output!, sources, ctx.cwd) : null;
  const lines = opts.format === "sarif";
  const hcl = { vars: opts.var, varFiles: opts.varFile, cwd: ctx.cwd };
  const { report, lineMaps } = checkSources(sources, { cwd: ctx.cwd, rules: opts.pack ? rulesInPacks(ctx.rules, opts.pack) : ctx.rules, lines, hcl, environment: opts.environment });
  const locate = opts.format === "sarif" ? locator(lineMaps) : undefined;
  const color = output === null && ctx.stdout.isTTY === true && colorAllowed(ctx.env);
  const text = formatReport(report, opts.format, { color, locate });
  if (output === null) ctx.stdout.write(text);
  else writeReportFile(output, opts.output!, text);
  return failsAt(report.findings, opts.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

export interface CheckSourcesOptions extends LoadOptions {
  /** Rules to run. @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Keep a line map per file (for SARIF regions). @default false */
  readonly lines?: boolean;
  /** Judge every stack as this environment (`--environment`). @default each stack's own marker */
  readonly environment?: DeploymentEnvironment;
}

/** A check over files: the report, and (when asked for) each file's line map. */
export interface SourcesCheck {
  readonly report: Report;
  /** By report path (computed while the file's text is at hand). */
  readonly lineMaps: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/**
 * Read and check the stacks one at a time, letting each text and tree go before the next is
 * read: the peak memory is that of the largest stack (plus the findings), not of all of them.
 * The text is let go before the rules run (the line map, when asked for, is taken first).
 */
export function checkSources(sources: readonly StackSource[], options: CheckSourcesOptions = {}): SourcesCheck {
  let findings: Finding[] = [];
  const lineMaps = new Map<string, ReadonlyMap<string, number>>();
  let resources = 0;
  // App rules (collisions between stacks) keep only what they collect from each stack.
  const run = new PolicyRun(options.rules ?? ALL_RULES);
  const placements = new Map<string, Placement>();
  for (const source of sources) {
    const { input, lines, placement } = readForCheck(source, options);
    if (lines) lineMaps.set(input.file, lines);
    if (placement) placements.set(`${input.stack}\u0000${input.file}`, placement);
    const result = guardNesting(source, () => checkLoaded(input, run));
    for (const f of result.findings) findings.push(f);
    resources += result.resources;
  }
  findings = run.finishInto(findings);
  // HCL input: module and instance addresses as written, and the .tf file and line of each.
  if (placements.size > 0) findings = findings.map((f) => placeFindings([f], placements.get(`${f.stack}\u0000${f.file}`))[0]);
  return { report: { findings, summary: summarize(findings, sources.length, resources) }, lineMaps };
}

/**
 * The engine's input from a file (without its text), and its line map when asked for. The line
 * finder recurses: on a file too deeply nested for it, lines are unknown (SARIF then says line 1)
 * and the judgement is the same as in every other format.
 */
function readForCheck(source: StackSource, options: CheckSourcesOptions): { input: StackInput; lines: ReadonlyMap<string, number> | null; placement?: Placement } {
  const loaded = readStackSource(source, options);
  let lines: ReadonlyMap<string, number> | null = null;
  if (options.lines) {
    try {
      lines = loaded.lines;
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      lines = new Map();
    }
  }
  return { input: { stack: loaded.stack, file: loaded.file, json: loaded.json, environment: options.environment }, lines, placement: loaded.placement };
}

/**
 * Run `fn` over a file; a stack overflow on a file nested absurdly deep (which JSON.parse takes,
 * but recursive rules and the line finder do not) becomes an input error naming the file.
 */
function guardNesting<T>(source: { readonly file: string; readonly abs: string }, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isStackOverflow(e)) throw nestingError(source.file, source.abs) ?? e;
    throw e;
  }
}

/** Check stacks already in memory; an invalid suppression becomes an input error naming the file. */
export function checkInputs(inputs: readonly LoadedStack[], rules: readonly Rule[] = ALL_RULES): Report {
  let findings: Finding[] = [];
  let resources = 0;
  const run = new PolicyRun(rules);
  for (const input of inputs) {
    const result = guardNesting({ file: input.file, abs: input.path }, () => checkLoaded(input, run));
    for (const f of result.findings) findings.push(f);
    resources += result.resources;
  }
  findings = run.finishInto(findings);
  const placements = new Map(inputs.filter((i) => i.placement).map((i) => [`${i.stack}\u0000${i.file}`, i.placement]));
  if (placements.size > 0) findings = findings.map((f) => placeFindings([f], placements.get(`${f.stack}\u0000${f.file}`))[0]);
  return { findings, summary: summarize(findings, inputs.length, resources) };
}

function checkLoaded(input: StackInput, run: PolicyRun): StackCheck {
  try {
    return run.add(input);
  } catch (e) {
    if (e instanceof SuppressionError) throw new InputError(`${input.file}: invalid suppression: ${e.message}`);
    throw e;
  }
}

/** https://no-color.org: NO_COLOR present and non-empty disables colour; so does TERM=dumb. */
export function colorAllowed(env: Readonly<Record<string, string | undefined>>): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== "") && env.TERM !== "dumb";
}

/** Absolute output path, refusing one that is (or links to) an input file. */
function resolveOutput(given: string, inputs: readonly StackSource[], cwd: string): string {
  if (given.trim() === "") throw new InputError("--output needs a file name");
  const abs = path.resolve(cwd, given);
  const real = realOrParentReal(abs);
  const clash = inputs.find((i) => i.path === abs || i.path === real);
  if (clash) throw new InputError(`--output ${given}: refusing to overwrite the input file ${clash.file}`);
  return abs;
}

function realOrParentReal(abs: string): string {
  try {
    return fs.realpathSync(abs);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

/** Write the report to a file, creating its directory; any failure is one `cannot write` line. */
function writeReportFile(abs: string, given: string, text: string): void {
  try {
    makeDirectories(path.dirname(abs));
    fs.writeFileSync(abs, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new InputError(`cannot write ${given}: ${WRITE_ERRORS[code] ?? code}`);
  }
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory, and it cannot be created there",
  ENOTDIR: "a component of the path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "file name too long",
};

/**
 * `mkdir -p`, one level at a time. `fs.mkdirSync(…, { recursive: true })` never returns for some
 * paths it cannot create (under /proc it spins at full CPU), so the missing levels are found by
 * walking up to a directory that exists and created downwards, each failure an error.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || path.dirname(d) === d) throw e;
    }
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`${d} is not a directory`), { code: "ENOTDIR" });
      break;
    }
    missing.push(d);
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Lines of resources per file (for SARIF). */
function locator(lineMaps: ReadonlyMap<string, ReadonlyMap<string, number>>): (file: string, address: string) => number | undefined {
  return (file, address) => {
    const lines = lineMaps.get(file);
    return lines ? lineOf(lines, address) : undefined;
  };
}

/** The catalog entries of the given packs (every pack when none is given), in catalog order. */
function catalogOf(packs?: readonly PackId[]) {
  return packs ? PACKS.filter((p) => packs.includes(p.id)).flatMap((p) => p.rules).sort((a, b) => CATALOG.indexOf(a) - CATALOG.indexOf(b)) : CATALOG;
}

export function rulesJson(packs?: readonly PackId[]): string {
  const list = catalogOf(packs).map((m) => ({ id: m.id, pack: m.pack, severity: m.severity, title: m.title, anchor: m.anchor, fix: m.fix }));
  return JSON.stringify(list, null, 2) + "\n";
}

export function rulesText(packs?: readonly PackId[]): string {
  const header = { id: "ID", pack: "PACK", severity: "SEVERITY", title: "TITLE", anchor: "ANCHOR" };
  const rows = [header, ...catalogOf(packs)];
  const w = (k: "id" | "pack" | "severity" | "title") => Math.max(...rows.map((r) => r[k].length));
  const [wi, wp, ws, wt] = [w("id"), w("pack"), w("severity"), w("title")];
  return rows.map((r) => `${r.id.padEnd(wi)}  ${r.pack.padEnd(wp)}  ${r.severity.padEnd(ws)}  ${r.title.padEnd(wt)}  ${r.anchor}`.trimEnd()).join("\n") + "\n";
}

function oneLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}
