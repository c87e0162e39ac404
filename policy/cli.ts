/**
 * `bulwark`: the policy engine over Terraform JSON, for CI and for people.
 *
 *   bulwark check <path>... [--format text|json|sarif|markdown] [--fail-on error|warning|info|never] [--output FILE]
 *   bulwark check <path>... --pack docker-runtime,cloudflare-edge   (only the rules of those packs)
 *   bulwark check <path>... --write-baseline FILE   (record today's findings)  /  --baseline FILE   (fail only on new ones)
 *   bulwark rules [--pack PACKS] [--format text|json]
 *
 * Exit codes (a public contract):
 *   0  no open finding (unsuppressed, not in the --baseline) at or above --fail-on (default: error)
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
import { SuppressionError, suppressionUseFindings } from "./suppressions";
import { BaselineError, applyBaseline, readBaseline, writeBaseline, type Baseline } from "./baseline";
import { declaredSuppressions, type DeclaredSuppression } from "./hcl/notes";
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
  /** `--baseline FILE`: findings recorded there are reported as baselined and do not fail. @default none */
  readonly baseline?: string;
  /** `--write-baseline FILE`: record the findings of this run there (then judge against it). @default none */
  readonly writeBaseline?: string;
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
    .description("check Terraform: cdktf.out/, cdk.tf.json and *.tf.json files, HCL modules (a directory of *.tf, or one .tf file), `terraform show -json` plans")
    .argument("<path...>", "cdk.tf.json, *.tf.json, cdktf.out/, a directory of *.tf.json or *.tf files, a .tf file, or a plan JSON")
    .addOption(new Option("-f, --format <format>", "report format").choices(REPORT_FORMATS).default("text"))
    .addOption(new Option("--fail-on <severity>", "exit 1 when an open finding (not suppressed, not in the --baseline) is at or above this severity").choices(FAIL_ON).default("error"))
    .addOption(new Option("-o, --output <file>", "write the report to FILE instead of stdout (directories are created; `-` is stdout)"))
    .addOption(packOption("run only the rules of these packs"))
    .addOption(new Option("--environment <env>", "judge every stack as this deployment environment (production: DOCKER-022 errors on any image without a digest); overrides local.bulwark_environment").choices(DEPLOYMENT_ENVIRONMENTS))
    .addOption(new Option("--var <name=value>", "set an HCL input variable (repeatable; after every --var-file)").argParser(collect))
    .addOption(new Option("--var-file <file>", "read HCL input variables from a .tfvars file (repeatable; after *.auto.tfvars)").argParser(collect))
    .addOption(new Option("--baseline <file>", "judge against a baseline: findings recorded in FILE are reported as baselined and do not fail, those gone as fixed"))
    .addOption(new Option("--write-baseline <file>", "record this run's findings in FILE (a new file, or a bulwark baseline to update), then judge against it"))
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
  // A baseline that cannot be read fails before anything is checked.
  const baselineFile = opts.baseline !== undefined ? baselinePath("--baseline", opts.baseline, sources, output, ctx.cwd) : null;
  const baselineOut = opts.writeBaseline !== undefined ? baselinePath("--write-baseline", opts.writeBaseline, sources, output, ctx.cwd) : null;
  // Both naming one file: it is being (re)written, so it need not exist yet.
  let baseline: Baseline | null = baselineFile === null || baselineFile === baselineOut ? null : baselineCall(() => readBaseline(baselineFile, opts.baseline!));
  const lines = opts.format === "sarif";
  const hcl = { vars: opts.var, varFiles: opts.varFile, cwd: ctx.cwd };
  let { report, lineMaps } = checkSources(sources, { cwd: ctx.cwd, rules: opts.pack ? rulesInPacks(ctx.rules, opts.pack) : ctx.rules, lines, hcl, environment: opts.environment });
  // --write-baseline records this run and the report is judged against what it wrote.
  if (baselineOut !== null) baseline = baselineCall(() => writeBaseline(baselineOut, opts.writeBaseline!, report.findings));
  if (baseline !== null) {
    const findings = applyBaseline(report.findings, baseline, opts.writeBaseline ?? opts.baseline!);
    report = { findings, summary: summarize(findings, report.summary.stacks, report.summary.resources) };
  }
  const locate = opts.format === "sarif" ? locator(lineMaps) : undefined;
  const color = output === null && ctx.stdout.isTTY === true && colorAllowed(ctx.env);
  const text = formatReport(report, opts.format, { color, locate });
  if (output === null) ctx.stdout.write(text);
  else writeReportFile(output, opts.output!, text);
  return failsAt(report.findings, opts.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/** The absolute path of a baseline file; refused when it is an input file or the report's --output. */
function baselinePath(flag: string, given: string, inputs: readonly StackSource[], output: string | null, cwd: string): string {
  if (given.trim() === "") throw new InputError(`${flag} needs a file name`);
  const abs = path.resolve(cwd, given);
  const real = realOrParentReal(abs);
  const clash = inputs.find((i) => i.path === abs || i.path === real);
  if (clash) throw new InputError(`${flag} ${given}: that is the input file ${clash.file}; give the baseline its own file (e.g. .bulwark-baseline.json)`);
  if (output !== null && (output === abs || realOrParentReal(output) === real)) throw new InputError(`${flag} ${given}: that is also the --output report file; give the baseline its own file`);
  return abs;
}

function baselineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BaselineError) throw new InputError(e.message);
    throw e;
  }
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
  // HCL input: the suppressions written for each stack, to report those expired or unused.
  const declared: Array<{ stack: string; file: string; list: DeclaredSuppression[] }> = [];
  for (const source of sources) {
    const { input, lines, placement } = readForCheck(source, options);
    if (lines) lineMaps.set(input.file, lines);
    if (placement) placements.set(`${input.stack}\u0000${input.file}`, placement);
    if (placement) {
      const list = declaredSuppressions(input.json);
      if (list.length > 0) declared.push({ stack: input.stack, file: input.file, list });
    }
    const result = guardNesting(source, () => checkLoaded(input, run));
    for (const f of result.findings) findings.push(f);
    resources += result.resources;
  }
  findings = run.finishInto(findings);
  // HCL input: module and instance addresses as written, and the .tf file and line of each.
  if (placements.size > 0) findings = findings.map((f) => placeFindings([f], placements.get(`${f.stack}\u0000${f.file}`))[0]);
  if (declared.length > 0) findings = withSuppressionUse(findings, declared, options.rules ?? ALL_RULES);
  return { report: { findings, summary: summarize(findings, sources.length, resources) }, lineMaps };
}

/** The findings with, after each stack's own, the reports of its suppressions that expired or matched nothing. */
function withSuppressionUse(findings: Finding[], declared: ReadonlyArray<{ stack: string; file: string; list: DeclaredSuppression[] }>, rules: readonly Rule[]): Finding[] {
  const ran = new Set(rules.map((r) => r.meta.id));
  const suppressedBy = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.suppressed) continue;
    const key = `${f.stack}\u0000${f.file}`;
    let list = suppressedBy.get(key);
    if (!list) suppressedBy.set(key, (list = []));
    list.push(f);
  }
  const extra = new Map<string, Finding[]>();
  for (const d of declared) {
    const list = suppressionUseFindings(d.list, suppressedBy.get(`${d.stack}\u0000${d.file}`) ?? [], d.stack, d.file, ran);
    if (list.length > 0) extra.set(`${d.stack}\u0000${d.file}`, list);
  }
  if (extra.size === 0) return findings;
  const out: Finding[] = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    out.push(f);
    const key = `${f.stack}\u0000${f.file}`;
    const next = findings[i + 1];
    if (extra.has(key) && (next === undefined || `${next.stack}\u0000${next.file}` !== key)) {
      for (const x of extra.get(key)!) out.push(x);
      extra.delete(key);
    }
  }
  for (const list of extra.values()) for (const x of list) out.push(x);
  return out;
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
