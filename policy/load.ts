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
import { parse as parseTolerant, visit, type ParseError } from "jsonc-parser";
import type { StackInput } from "./engine";

/** A problem with the input (path, file content, suppression): exit code 2, never a finding. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** A stack as read from disk: the engine's input plus where it came from. */
export interface LoadedStack extends StackInput {
  /** Absolute, symlink-resolved path of the file. */
  readonly path: string;
  /** The file's text (used to find the line of a resource for SARIF regions). */
  readonly text: string;
}

export interface LoadOptions {
  /** Directory that `file` fields are made relative to. @default process.cwd() */
  readonly cwd?: string;
}

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

/** Read every stack under the given paths, in argument order, files sorted within a directory. */
export function loadStacks(paths: readonly string[], options: LoadOptions = {}): LoadedStack[] {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  if (paths.length === 0) throw new InputError("no input: give a cdk.tf.json, a *.tf.json or a cdktf.out/ directory");
  const seen = new Set<string>();
  const out: LoadedStack[] = [];
  for (const p of paths) {
    for (const found of discover(p, cwd)) {
      const real = realpath(found.abs);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(readStack(found, real, cwd));
    }
  }
  return out;
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

function readStack(found: Found, real: string, cwd: string): LoadedStack {
  const file = displayPath(found.abs, found.given, cwd);
  let text: string;
  try {
    text = fs.readFileSync(found.abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read (${code === "EACCES" ? "permission denied" : code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const json = parseTerraformJson(text, file);
  return { stack: stackName(found.abs), file, json, path: real, text };
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
        // Addresses live at most 3 object levels deep, plus up to 2 array levels (block arrays).
        if (depth > 5) return;
        const keys = pathSupplier().filter((k): k is string => typeof k === "string");
        const address = addressOf(keys, property);
        if (address !== null && !lines.has(address)) lines.set(address, startLine + 1);
      },
    },
    { disallowComments: true },
  );
  return lines;
}

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
