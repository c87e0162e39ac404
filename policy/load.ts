/**
 * Finds and reads the Terraform JSON the policy engine judges, turning every problem with the
 * input into one `InputError` whose message names the file and the problem in one line.
 *
 * What a path may be:
 * - a file: `cdk.tf.json`, any `*.tf.json`, or any JSON file holding a Terraform JSON configuration;
 * - a directory, searched in this order (the first that finds something wins):
 *   1. `stacks/<name>/cdk.tf.json`            (the directory is a `cdktf.out/`)
 *   2. `cdktf.out/stacks/<name>/cdk.tf.json`  (the directory is a cdktf project)
 *   3. `<name>/cdk.tf.json`                   (the directory is `cdktf.out/stacks/`)
 *   4. `cdk.tf.json` and `*.tf.json`        (a single stack directory or a plain Terraform JSON
 *      module). Each file is its own stack: files are NOT merged, so a reference from one file to a
 *      resource in another is judged as unresolved, like any reference the engine cannot follow.
 *
 * Stack name: a `cdk.tf.json` is named after its directory (`cdktf.out/stacks/koha/cdk.tf.json` →
 * `koha`); any other file after its base name without `.tf.json`/`.json` (`network.tf.json` →
 * `network`). The same file reached twice (as a file and through its directory) is read once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parse as parseTolerant, type ParseError } from "jsonc-parser";
import type { StackInput } from "./engine";
import { collectSourceLines, readJsonFileStreaming, StreamFallback } from "./stream-json";

/** A problem with the input (path, file content, suppression): exit code 2, never a finding. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * A stack as read from disk: the engine's input plus where it came from.
 *
 * Treat `json` as read-only: for very large files (`INTERN_MIN_BYTES` in policy/stream-json.ts)
 * equal nested blocks of different resources are one shared object.
 */
export interface LoadedStack extends StackInput {
  /** Absolute, symlink-resolved path of the file. */
  readonly path: string;
  /**
   * The file's text (without a leading BOM). Kept in memory for files read whole; a streamed file
   * (see `LoadOptions.streamThreshold`) is not kept, and reading this reads the file again each
   * time: use `lines` for line numbers.
   */
  readonly text: string;
  /**
   * `sourceLines` of the text (for SARIF regions), computed on first use: from the kept text, or
   * for a streamed file by reading it again in chunks (empty when the file changed since).
   */
  readonly lines: ReadonlyMap<string, number>;
  /**
   * The same as a function that holds on to the file's name (and, for a file read whole, its
   * text) but not to the parsed tree: for line numbers needed after the tree is released.
   */
  readonly lineMap: () => ReadonlyMap<string, number>;
  /** Whether the file went through the streaming reader. */
  readonly streamed: boolean;
}

/** Time spent loading, summed over files (for benchmarks). */
export interface LoadTimings {
  /** Reading bytes from disk (for files read whole, with their UTF-8 decoding). */
  readMs: number;
  /** Everything else: parsing, validating, and for streamed files decoding. */
  parseMs: number;
}

export interface LoadOptions {
  /** Directory that `file` fields are made relative to. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Files of at least this many bytes go through the streaming reader (policy/stream-json.ts),
   * which never holds the whole text: peak memory is the tree plus one chunk instead of the
   * tree plus the text. @default STREAM_THRESHOLD_BYTES
   */
  readonly streamThreshold?: number;
  /** When given, read and parse times are added to it. */
  readonly timings?: LoadTimings;
}

/**
 * From this size on, a file is streamed. Measured on generated stacks (fresh process, load + every
 * rule): below about 1.5 MB one `JSON.parse` of the whole text loads a few ms faster and the text
 * costs little memory; from 1.6 MB on the streaming reader is faster (reading a big file into one
 * string is slow) and its peak memory is far lower.
 */
export const STREAM_THRESHOLD_BYTES = 2 * 1024 * 1024;

/** Top-level keys of a Terraform JSON configuration; a file must have at least one. */
export const TERRAFORM_TOP_LEVEL_KEYS: readonly string[] = [
  "resource", "data", "variable", "provider", "terraform", "output", "locals", "module",
];

const STACK_FILE = "cdk.tf.json";
const TF_JSON = ".tf.json";

interface Found {
  /** Absolute path. */
  readonly abs: string;
  /** Path as given or found (joined onto the argument), used when it lies outside cwd. */
  readonly given: string;
}

/** A stack file found on disk, not read yet. */
export interface StackSource {
  /** Absolute path as found. */
  readonly abs: string;
  /** Path as given or found (joined onto the argument). */
  readonly given: string;
  /** Absolute, symlink-resolved path. */
  readonly path: string;
  /** Path shown in reports (relative to cwd where possible). */
  readonly file: string;
}

/**
 * Every stack file under the given paths, in argument order, files sorted within a directory;
 * the same file reached twice is listed once. Throws InputError for a path that is missing or
 * holds no Terraform JSON. Nothing is read yet: `readStackSource` reads one.
 */
export function findStacks(paths: readonly string[], options: Pick<LoadOptions, "cwd"> = {}): StackSource[] {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  if (paths.length === 0) throw new InputError("no input: give a cdk.tf.json, a *.tf.json or a cdktf.out/ directory");
  const seen = new Set<string>();
  const out: StackSource[] = [];
  for (const p of paths) {
    for (const found of discover(p, cwd)) {
      const real = realpath(found.abs);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push({ abs: found.abs, given: found.given, path: real, file: displayPath(found.abs, found.given, cwd) });
    }
  }
  return out;
}

/** Read every stack under the given paths (`findStacks`, then `readStackSource` for each). */
export function loadStacks(paths: readonly string[], options: LoadOptions = {}): LoadedStack[] {
  return findStacks(paths, options).map((source) => readStackSource(source, options));
}

function discover(given: string, cwd: string): Found[] {
  if (given.trim() === "") throw new InputError("empty path argument");
  const abs = path.resolve(cwd, given);
  const shown = displayPath(abs, given, cwd);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new InputError(`${shown}: no such file or directory`);
    throw new InputError(`${shown}: cannot access (${code ?? (e as Error).message})`);
  }
  if (stat.isFile()) return [{ abs, given }];
  if (!stat.isDirectory()) throw new InputError(`${shown}: not a file or directory`);

  const searches: Array<() => Found[]> = [
    () => stackDirs(abs, given, ["stacks"]),
    () => stackDirs(abs, given, ["cdktf.out", "stacks"]),
    () => stackDirs(abs, given, []),
    () => tfJsonFiles(abs, given),
  ];
  for (const search of searches) {
    const found = search();
    if (found.length > 0) return found;
  }
  throw new InputError(
    `${shown}: no Terraform JSON found (looked for stacks/*/cdk.tf.json, cdktf.out/stacks/*/cdk.tf.json, */cdk.tf.json and *.tf.json)`,
  );
}

/** `<dir>/<sub…>/<name>/cdk.tf.json`, sorted by stack directory name. */
function stackDirs(dirAbs: string, dirGiven: string, sub: readonly string[]): Found[] {
  const base = path.join(dirAbs, ...sub);
  const out: Found[] = [];
  for (const entry of listDir(base)) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const abs = path.join(base, entry.name, STACK_FILE);
    if (isFile(abs)) out.push({ abs, given: path.join(dirGiven, ...sub, entry.name, STACK_FILE) });
  }
  return out;
}

/** `<dir>/*.tf.json` (cdk.tf.json included), sorted by file name. */
function tfJsonFiles(dirAbs: string, dirGiven: string): Found[] {
  const out: Found[] = [];
  for (const entry of listDir(dirAbs)) {
    if (!entry.name.endsWith(TF_JSON)) continue;
    const abs = path.join(dirAbs, entry.name);
    if (isFile(abs)) out.push({ abs, given: path.join(dirGiven, entry.name) });
  }
  return out;
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Relative to cwd when the file lies under it; otherwise the path as given. */
export function displayPath(abs: string, given: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) return rel;
  return path.normalize(given);
}

/** `cdktf.out/stacks/koha/cdk.tf.json` → `koha`; `net/main.tf.json` → `main`; `plan.json` → `plan`. */
export function stackName(file: string): string {
  const base = path.basename(file);
  if (base === STACK_FILE) {
    const dir = path.basename(path.dirname(path.resolve(file)));
    if (dir !== "") return dir;
  }
  if (base.endsWith(TF_JSON) && base.length > TF_JSON.length) return base.slice(0, -TF_JSON.length);
  if (base.endsWith(".json") && base.length > ".json".length) return base.slice(0, -".json".length);
  return base;
}

/** Read and validate one stack file (InputError for anything wrong with it). */
export function readStackSource(source: StackSource, options: LoadOptions = {}): LoadedStack {
  const { file, path: real } = source;
  const stack = stackName(source.abs);
  const threshold = options.streamThreshold ?? STREAM_THRESHOLD_BYTES;
  const timings = options.timings;
  if (fileSize(source.abs) >= threshold) {
    const t0 = performance.now();
    const streamed = readStreaming(source.abs, file);
    if (streamed !== null) {
      const json = checkTerraformJson(streamed.value, file);
      if (timings) {
        timings.readMs += streamed.readMs;
        timings.parseMs += performance.now() - t0 - streamed.readMs;
      }
      const abs = source.abs;
      // Only this closure is kept by the line map, never the parsed tree.
      const lineMap = streamed.lineMap;
      return {
        stack, file, json, path: real, streamed: true, lineMap,
        get text() { return readText(abs, file); },
        get lines() { return lineMap(); },
      };
    }
    // A syntax problem (or a shape the reader does not take): the whole text gives the message.
  }
  const t0 = performance.now();
  const text = readText(source.abs, file);
  const t1 = performance.now();
  const json = parseTerraformJson(text, file);
  if (timings) {
    timings.readMs += t1 - t0;
    timings.parseMs += performance.now() - t1;
  }
  let lines: ReadonlyMap<string, number> | null = null;
  const lineMap = () => (lines ??= sourceLines(text));
  return {
    stack, file, json, path: real, text, streamed: false, lineMap,
    get lines() { return lineMap(); },
  };
}

function fileSize(abs: string): number {
  try {
    return fs.statSync(abs).size;
  } catch {
    return 0; // reading it reports the problem
  }
}

function cannotRead(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError(`${file}: cannot read (${code === "EACCES" ? "permission denied" : code ?? (e as Error).message})`);
}

/** The file's text without a leading BOM. */
function readText(abs: string, file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    throw cannotRead(file, e);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The streaming reader's result, or null when the whole text must be read instead. */
function readStreaming(abs: string, file: string): ReturnType<typeof readJsonFileStreaming> | null {
  try {
    return readJsonFileStreaming(abs);
  } catch (e) {
    if (e instanceof StreamFallback) return null;
    if (e instanceof Error && "code" in e) throw cannotRead(file, e);
    throw e;
  }
}

/** Parse and check that the text is a Terraform JSON configuration. */
export function parseTerraformJson(text: string, file: string): Record<string, unknown> {
  if (text.trim() === "") throw new InputError(`${file}: empty file`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: ${describeJsonError(text, e)}`);
  }
  return checkTerraformJson(value, file);
}

/** Check that a parsed value is a Terraform JSON configuration. */
export function checkTerraformJson(value: unknown, file: string): Record<string, unknown> {
  const notTerraform = notTerraformProblem(value);
  if (notTerraform) throw new InputError(`${file}: not a Terraform JSON configuration (${notTerraform})`);
  return value as Record<string, unknown>;
}

function notTerraformProblem(value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return `top level is ${kind}, expected an object`;
  }
  const obj = value as Record<string, unknown>;
  if (TERRAFORM_TOP_LEVEL_KEYS.some((k) => k in obj)) return null;
  if ("format_version" in obj && ("planned_values" in obj || "resource_changes" in obj || "values" in obj)) {
    return "this is `terraform show -json` output, which is not supported; pass the configuration: a *.tf.json or cdktf.out/";
  }
  return `none of the top-level blocks ${TERRAFORM_TOP_LEVEL_KEYS.join(", ")}`;
}

// `… in JSON at position 12`, `… after JSON at position 8`; newer V8 adds `(line 2 column 1)`.
const V8_POSITION = /(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/;
// `Unexpected token '}', "{"a": }" is not valid JSON` (the excerpt may be cut: `…"x"…`).
const V8_EXCERPT = /,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s+is not valid JSON\s*$/;

/**
 * `invalid JSON at line L, column C: <reason>` for a JSON.parse error. V8 gives the position for
 * most errors; for "Unexpected token" it gives none, and jsonc-parser (strict mode) locates it.
 */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let offset: number | null = null;
  const m = V8_POSITION.exec(message);
  if (m) {
    offset = Number(m[1]);
  } else if (message.includes("Unexpected end of JSON input")) {
    offset = text.trimEnd().length;
  } else {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    if (errors.length > 0) offset = errors[0].offset;
  }
  const reason = message.replace(V8_POSITION, "").replace(V8_EXCERPT, "").trim() || "syntax error";
  if (offset === null) return `invalid JSON: ${reason}`;
  // An error at the end of the input reads better at the end of the last non-blank line.
  offset = Math.min(offset, text.trimEnd().length);
  const { line, column } = lineColumn(text, offset);
  return `invalid JSON at line ${line}, column ${column}: ${reason}`;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * 1-based line of each addressable block in a Terraform JSON text: `docker_container.app`,
 * `data.cloudflare_zone.z`, `var.x`, `provider.github`, `output.x`, `local.x`, `module.x`,
 * `terraform`, `terraform.backend`. The first occurrence wins.
 */
export function sourceLines(text: string): ReadonlyMap<string, number> {
  const lines = new Map<string, number>();
  collectSourceLines(text, (address, line) => {
    if (!lines.has(address)) lines.set(address, line);
  });
  return lines;
}

/** Line of an address, falling back to its enclosing block (`provider.github.alias` → `provider.github`). */
export function lineOf(lines: ReadonlyMap<string, number>, address: string): number | undefined {
  let a = address;
  for (;;) {
    const line = lines.get(a);
    if (line !== undefined) return line;
    const dot = a.lastIndexOf(".");
    if (dot <= 0) return undefined;
    a = a.slice(0, dot);
  }
}
