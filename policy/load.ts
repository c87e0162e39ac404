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
 *   5. `*.tf` (HCL, when none of the above found anything): the directory is ONE Terraform
 *      module, its files merged into one document (policy/hcl.ts), one stack named after the
 *      directory. A `.tf` file given directly is that file alone, named after its directory.
 *
 * Stack name: a `cdk.tf.json` is named after its directory (`cdktf.out/stacks/koha/cdk.tf.json` →
 * `koha`); any other file after its base name without `.tf.json`/`.json` (`network.tf.json` →
 * `network`). The same file reached twice (as a file and through its directory) is read once.
 *
 * A file is read whole and parsed by `JSON.parse` (jsonc-parser only locates syntax errors and
 * finds SARIF lines). Input that is no configuration at all (binary data, another encoding than
 * UTF-8, nesting far deeper than any configuration) is named as such, and no message carries a
 * raw control character from the input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isUtf8 } from "node:buffer";
import { performance } from "node:perf_hooks";
import { parse as parseTolerant, visit, type ParseError } from "jsonc-parser";
import type { StackInput } from "./engine";
import { printable } from "./report/printable";
import { HCL_EXT, HclError, hclFilesIn, readHclModule, type HclOptions, type SourceLocation } from "./hcl";
import type { Finding } from "./types";
import { isPlanJson, planToTerraformJson } from "./hcl/plan";
import { v4JsonToV5 } from "./rules/cloudflare/v4";

/**
 * A problem with the input (path, file content, suppression): exit code 2, never a finding.
 * The message never carries raw control characters (they are escaped): it quotes file names and
 * bytes of the input, and is printed to a terminal.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(printable(message));
    this.name = "InputError";
  }
}

/** A stack as read from disk: the engine's input plus where it came from. */
export interface LoadedStack extends StackInput {
  /** Absolute, symlink-resolved path of the file. */
  readonly path: string;
  /** The file's text (without a leading BOM). */
  readonly text: string;
  /** `sourceLines` of the text (for SARIF regions), computed on first use. */
  readonly lines: ReadonlyMap<string, number>;
  /** HCL input: where its addresses are declared, and the addresses reports show. @default absent (JSON input) */
  readonly placement?: Placement;
}

/**
 * What an HCL module's reader knows that the engine's findings do not carry: the address a
 * flattened name stands for (`docker_container.bulwark--app--web` → `module.app.docker_container.web`)
 * and the `.tf` file and line of each address.
 */
export interface Placement {
  readonly renames: ReadonlyMap<string, string>;
  readonly locations: ReadonlyMap<string, SourceLocation>;
}

/** Addresses in a message that may be renamed (child-module resources, instances, Cloudflare v4 types). */
const FLAT_ADDRESS = /(?<![\w.-])(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*/g;

/** Where an address is declared: exact, else without an instance key, else its enclosing block. */
export function locationOf(locations: ReadonlyMap<string, SourceLocation>, address: string): SourceLocation | undefined {
  const exact = locations.get(address);
  if (exact) return exact;
  const bare = address.replace(/\[[^\]]*\]$/, "");
  if (bare !== address) return locationOf(locations, bare);
  const dot = address.lastIndexOf(".");
  return dot > 0 ? locationOf(locations, address.slice(0, dot)) : undefined;
}

/** Findings of a stack with the addresses reports show and the location of each (HCL input). */
export function placeFindings(findings: readonly Finding[], placement: Placement | undefined): Finding[] {
  if (!placement) return findings as Finding[];
  const { renames, locations } = placement;
  return findings.map((f) => {
    const address = renames.get(f.address) ?? f.address;
    const message = renames.size > 0 ? f.message.replace(FLAT_ADDRESS, (a) => renames.get(a) ?? a) : f.message;
    const where = locationOf(locations, address);
    return { ...f, address, message, ...(where ? { location: { file: where.file, line: where.line } } : {}) };
  });
}

/** Time spent loading, summed over files (for the benchmark). */
export interface LoadTimings {
  /** Reading the file and decoding it as UTF-8. */
  readMs: number;
  /** Parsing and validating. */
  parseMs: number;
}

export interface LoadOptions {
  /** Directory that `file` fields are made relative to. @default process.cwd() */
  readonly cwd?: string;
  /** When given, read and parse times are added to it. */
  readonly timings?: LoadTimings;
  /** `--var`/`--var-file` for HCL input (policy/hcl.ts). @default none */
  readonly hcl?: HclOptions;
}

/**
 * A Terraform JSON configuration is a handful of levels deep (cdktf output: about ten). A file
 * nested far deeper is not one, and would exhaust the call stack of the rules that walk values.
 * Checked only when a stack overflows (see `nestingError`), so valid files never pay for it.
 */
export const MAX_NESTING = 1000;

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
    // 5. `*.tf` (HCL): the directory is one Terraform module, one stack (see ./hcl.ts).
    () => (hclFilesIn(abs).length > 0 ? [{ abs, given }] : []),
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
  if (isHclSource(source.abs)) return readHclSource(source, options);
  const t0 = performance.now();
  const text = readText(source.abs, file);
  const t1 = performance.now();
  const { json, renames } = parseTerraformInput(text, file, source.abs);
  if (options.timings) {
    options.timings.readMs += t1 - t0;
    options.timings.parseMs += performance.now() - t1;
  }
  let lines: ReadonlyMap<string, number> | null = null;
  return {
    stack: stackName(source.abs), file, json, path: real, text,
    get lines() { return (lines ??= sourceLines(text)); },
    ...(renames ? { placement: { renames, locations: new Map() } } : {}),
  };
}

/** A `.tf` file, or a directory (found by discovery only when it holds `*.tf` files). */
function isHclSource(abs: string): boolean {
  if (abs.endsWith(HCL_EXT)) return true;
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/**
 * An HCL module (a directory of `*.tf`, or one `.tf` file) as one stack named after its
 * directory. `placement` carries each address's `.tf` file and line; `text` is empty.
 */
function readHclSource(source: StackSource, options: LoadOptions): LoadedStack {
  const t0 = performance.now();
  let module: ReturnType<typeof readHclModule>;
  try {
    module = readHclModule(source.abs, source.file, { ...options.hcl, cwd: options.hcl?.cwd ?? options.cwd });
  } catch (e) {
    if (e instanceof HclError) throw new InputError(e.message);
    throw e;
  }
  if (options.timings) options.timings.parseMs += performance.now() - t0;
  const dir = source.abs.endsWith(HCL_EXT) ? path.dirname(source.abs) : source.abs;
  return {
    stack: path.basename(path.resolve(dir)) || "root", file: source.file, json: module.json, path: source.path, text: "",
    lines: new Map(), placement: { renames: module.renames, locations: module.locations },
  };
}

/** The file's text without a leading BOM. */
function readText(abs: string, file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ERR_STRING_TOO_LONG" || code === "ERR_FS_FILE_TOO_LARGE") {
      throw new InputError(`${file}: too large to read (${(fileSize(abs) / 1e6).toFixed(0)} MB)`);
    }
    const why = code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : code ?? (e as Error).message;
    throw new InputError(`${file}: cannot read (${why})`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function fileSize(abs: string): number {
  try {
    return fs.statSync(abs).size;
  } catch {
    return 0;
  }
}

/**
 * Parse and check that the text is a Terraform JSON configuration. `abs` (the file) lets an
 * unparsable text be told apart as binary data or another encoding than UTF-8.
 */
export function parseTerraformJson(text: string, file: string, abs?: string): Record<string, unknown> {
  return parseTerraformInput(text, file, abs).json;
}

/**
 * `parseTerraformJson`, also taking `terraform show -json` plans (`format_version` with
 * `planned_values`): their planned resources as a configuration (policy/hcl/plan.ts), with the
 * plan's addresses of the resources that got generated names (child modules, instances).
 * Cloudflare provider v4 resources are read as their v5 equivalents (policy/rules/cloudflare/v4.ts
 * `v4JsonToV5`, a copy made only when a v4 type is present), `renames` mapping them back to the
 * v4 addresses as written.
 */
export function parseTerraformInput(text: string, file: string, abs?: string): { json: Record<string, unknown>; renames?: ReadonlyMap<string, string> } {
  if (text.trim() === "") throw new InputError(`${file}: empty file`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: ${notTextProblem(text, abs) ?? describeJsonError(text, e)}`);
  }
  if (isPlanJson(value)) {
    const plan = planToTerraformJson(value);
    return v4JsonToV5(plan.json, plan.renames) ?? { json: plan.json, renames: plan.renames };
  }
  const json = checkTerraformJson(value, file);
  // Cloudflare provider v4 names read as their v5 equivalents, reports keeping the v4 addresses.
  return v4JsonToV5(json) ?? { json };
}

/**
 * Why an unparsable text is not text at all, or null. A NUL byte is never valid in JSON, and
 * text files hold none; replacement characters from decoding mean bytes that are not UTF-8
 * (confirmed on the bytes, as the file may hold U+FFFD itself).
 */
function notTextProblem(text: string, abs: string | undefined): string | null {
  if (text.includes("\u0000")) return "not a text file (binary data)";
  if (abs !== undefined && text.includes("\ufffd")) {
    try {
      if (!isUtf8(fs.readFileSync(abs))) return "not a text file (binary data, or text in another encoding than UTF-8)";
    } catch {
      return null;
    }
  }
  return null;
}

/** True for the RangeError of an exhausted call stack. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * After a stack overflow while judging a file (`abs`, shown as `file`): the InputError to report
 * when the file is nested deeper than MAX_NESTING, else null (then the overflow is an internal
 * error). Reads the file again: this is the error path only.
 */
export function nestingError(file: string, abs: string): InputError | null {
  let text: string;
  try {
    text = readText(abs, file);
  } catch {
    return null;
  }
  return nestingDepth(text, MAX_NESTING) > MAX_NESTING
    ? new InputError(`${file}: nested deeper than ${MAX_NESTING} levels; not a Terraform configuration`)
    : null;
}

/** Deepest nesting of objects and arrays in a JSON text (counting stops past `limit`). */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
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
    return "this is `terraform show -json` output of a state, which is not supported; pass a plan (`terraform show -json plan.out`) or the configuration";
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
 * `terraform`, `terraform.backend`. The first occurrence wins. Lines end at LF, CR or CRLF.
 */
export function sourceLines(text: string): ReadonlyMap<string, number> {
  const lines = new Map<string, number>();
  let depth = 0;
  const enter = () => void depth++;
  const leave = () => void depth--;
  visit(
    text,
    {
      onObjectBegin: enter,
      onObjectEnd: leave,
      onArrayBegin: enter,
      onArrayEnd: leave,
      onObjectProperty(property, _offset, _length, startLine, _startCharacter, pathSupplier) {
        if (depth > MAX_ADDRESS_DEPTH) return;
        const keys = pathSupplier().filter((k): k is string => typeof k === "string");
        const address = addressOf(keys, property);
        if (address !== null && !lines.has(address)) lines.set(address, startLine + 1);
      },
    },
    { disallowComments: true },
  );
  return lines;
}

/** Addresses live at most 3 object levels deep, plus up to 2 array levels (block arrays). */
const MAX_ADDRESS_DEPTH = 5;

/** The address a property names, given the string keys of the objects enclosing it. */
function addressOf(keys: readonly string[], property: string): string | null {
  const [top, second] = keys;
  if (keys.length === 0) return property === "terraform" ? "terraform" : null;
  if (keys.length === 1) {
    switch (top) {
      case "variable": return `var.${property}`;
      case "provider": return `provider.${property}`;
      case "output": return `output.${property}`;
      case "locals": return `local.${property}`;
      case "module": return `module.${property}`;
      case "terraform": return property === "backend" || property === "cloud" ? "terraform.backend" : null;
      default: return null;
    }
  }
  if (keys.length === 2) {
    if (top === "resource") return `${second}.${property}`;
    if (top === "data") return `data.${second}.${property}`;
  }
  return null;
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
