/**
 * `bulwark`: the policy engine over Terraform JSON, for CI and for people.
 *
 *   bulwark check <path>... [--format text|json|sarif|markdown] [--fail-on error|warning|info|never] [--output FILE]
 *   bulwark rules [--format text|json]
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
import { Command, CommanderError, Option } from "commander";
import { CATALOG } from "./catalog";
import { checkStack, failsAt, summarize, type FailOn, type Report } from "./engine";
import { InputError, findStacks, lineOf, readStackSource, type LoadOptions, type LoadedStack, type StackSource } from "./load";
import { REPORT_FORMATS, TOOL_VERSION, reportPieces, writeBatched, type Pieces, type ReportFormat } from "./report";
import { ALL_RULES } from "./rules";
import { SuppressionError } from "./suppressions";
import type { Finding, Rule } from "./types";

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
  readonly failOn: FailOn;
  readonly output?: string;
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
    ctx.stderr.write(`bulwark: ${oneLine(message)}\n`);
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
    .action((paths: string[], opts: CheckOptions) => setExit(runCheck(paths, opts, ctx)));

  program
    .command("rules")
    .description("list the rule catalog (id, severity, title, anchor)")
    .addOption(new Option("-f, --format <format>", "output format").choices(RULES_FORMATS).default("text"))
    .action((opts: { format: (typeof RULES_FORMATS)[number] }) => {
      ctx.stdout.write(opts.format === "json" ? rulesJson() : rulesText());
      setExit(EXIT_OK);
    });

  return program;
}

function runCheck(paths: readonly string[], opts: CheckOptions, ctx: CliIO): number {
  const sources = findStacks(paths, { cwd: ctx.cwd });
  const toFile = opts.output !== undefined && opts.output !== "-";
  const output = toFile ? resolveOutput(opts.output!, sources, ctx.cwd) : null;
  const lines = opts.format === "sarif";
  const { report, lineMaps } = checkSources(sources, { cwd: ctx.cwd, rules: ctx.rules, lines });
  const locate = opts.format === "sarif" ? locator(lineMaps) : undefined;
  const color = output === null && ctx.stdout.isTTY === true && colorAllowed(ctx.env);
  const pieces = reportPieces(report, opts.format, { color, locate });
  if (output === null) writeBatched(pieces, (chunk) => void ctx.stdout.write(chunk));
  else writeReportFile(output, opts.output!, pieces);
  return failsAt(report.findings, opts.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

export interface CheckSourcesOptions extends LoadOptions {
  /** Rules to run. @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Keep a line map per file (for SARIF regions). @default false */
  readonly lines?: boolean;
}

/** A check over files: the report, and (when asked for) each file's line map. */
export interface SourcesCheck {
  readonly report: Report;
  /**
   * By report path. A file read whole has its map computed before its text is let go; a streamed
   * file's is computed on first use by reading the file again. Neither holds on to a parsed tree.
   */
  readonly lineMaps: ReadonlyMap<string, () => ReadonlyMap<string, number>>;
}

/**
 * Read and check the stacks one at a time, letting each parsed tree go before the next is read:
 * the peak memory is that of the largest stack (plus the findings), not of all of them.
 */
export function checkSources(sources: readonly StackSource[], options: CheckSourcesOptions = {}): SourcesCheck {
  const findings: Finding[] = [];
  const lineMaps = new Map<string, () => ReadonlyMap<string, number>>();
  let resources = 0;
  for (const source of sources) {
    const input = readStackSource(source, options);
    const result = checkLoaded(input, options.rules ?? ALL_RULES);
    for (const f of result.findings) findings.push(f);
    resources += result.resources;
    if (options.lines) {
      const map = input.streamed ? null : input.lineMap();
      lineMaps.set(input.file, map === null ? input.lineMap : () => map);
    }
  }
  return { report: { findings, summary: summarize(findings, sources.length, resources) }, lineMaps };
}

/** Check stacks already in memory; an invalid suppression becomes an input error naming the file. */
export function checkInputs(inputs: readonly LoadedStack[], rules: readonly Rule[] = ALL_RULES): Report {
  const findings: Finding[] = [];
  let resources = 0;
  for (const input of inputs) {
    const result = checkLoaded(input, rules);
    for (const f of result.findings) findings.push(f);
    resources += result.resources;
  }
  return { findings, summary: summarize(findings, inputs.length, resources) };
}

function checkLoaded(input: LoadedStack, rules: readonly Rule[]): ReturnType<typeof checkStack> {
  try {
    return checkStack(input, rules);
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

/** Write the report to a file in batches (it never exists as one string). */
function writeReportFile(abs: string, given: string, pieces: Pieces): void {
  let fd: number | null = null;
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fd = fs.openSync(abs, "w");
    const out = fd;
    writeBatched(pieces, (chunk) => void fs.writeSync(out, chunk));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    const why = code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : code;
    throw new InputError(`--output ${given}: cannot write (${why})`);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Lines of resources per file (for SARIF), computed when the report asks for them. */
function locator(lineMaps: ReadonlyMap<string, () => ReadonlyMap<string, number>>): (file: string, address: string) => number | undefined {
  return (file, address) => {
    const lines = lineMaps.get(file)?.();
    return lines ? lineOf(lines, address) : undefined;
  };
}

export function rulesJson(): string {
  const list = CATALOG.map((m) => ({ id: m.id, severity: m.severity, title: m.title, anchor: m.anchor, fix: m.fix }));
  return JSON.stringify(list, null, 2) + "\n";
}

export function rulesText(): string {
  const header = { id: "ID", severity: "SEVERITY", title: "TITLE", anchor: "ANCHOR" };
  const rows = [header, ...CATALOG];
  const w = (k: "id" | "severity" | "title") => Math.max(...rows.map((r) => r[k].length));
  const [wi, ws, wt] = [w("id"), w("severity"), w("title")];
  return rows.map((r) => `${r.id.padEnd(wi)}  ${r.severity.padEnd(ws)}  ${r.title.padEnd(wt)}  ${r.anchor}`.trimEnd()).join("\n") + "\n";
}

function oneLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}
