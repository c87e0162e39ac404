/**
 * Reads a Terraform module written in HCL (`*.tf` files) as ONE Terraform JSON document, the
 * form the engine judges.
 *
 * - Every `.tf` file of the module is parsed by `@cdktf/hcl2json` (HashiCorp's HCL parser
 *   compiled to WASM, offline); the files are merged into one document, since a module directory
 *   is one configuration (a protection in one file, its repository in another).
 * - hcl2json's output is normalized to Terraform's JSON syntax where it differs: labelled blocks
 *   come as arrays of bodies (`resource.<type>.<name> = [body]`), made `… = body`; `locals` and
 *   `terraform` blocks are merged into one object each; `depends_on`, `provider`, `lifecycle`
 *   (`ignore_changes`, `replace_triggered_by`) and a variable's `type` are unwrapped from the
 *   `${…}` hcl2json puts around them (Terraform JSON takes them as plain strings).
 * - Values are resolved statically (./hcl/expressions.ts): variables from `*.auto.tfvars` (in
 *   name order, the later winning) over `terraform.tfvars` over the default, then `--var-file`
 *   and `--var`; `locals`; local child modules (`source = "./x"`) judged with the call's
 *   arguments bound to their variables, flattened into the one document under generated names
 *   that reports show as `module.x.<type>.<name>`; `count`/`for_each` over known collections
 *   expanded into instances (`<type>.<name>["key"]`), `dynamic` blocks expanded when their
 *   for_each is known. What cannot be known is left as an expression and listed under the
 *   document's `"//"` key (STATE-002 reports it as info): remote module sources, unknown
 *   for_each/count, unexpanded dynamic blocks.
 * - Each address carries the `.tf` file and line of its block (./hcl/locate.ts).
 *
 * hcl2json's API is asynchronous (a Go WASM runtime); loading is synchronous in this project, so
 * the parser runs in a worker thread and the caller waits on it with `Atomics.wait`. The worker
 * is started on first use, kept for later files, and does not keep the process alive.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { countOf, forEachItems, isLiteral, substitute, type Scope } from "./hcl/expressions";
import { blockLines, inlineSuppressions } from "./hcl/locate";
import { suppressionFormatProblem } from "../knowledge/suppressions";
import { LineCounter, isSeq, parseDocument } from "yaml";
import { NOTES_KEY, type DeclaredSuppression, type UnknownNote } from "./hcl/notes";
import { V4_TO_V5_TYPES, linkV4AccessPolicies, v4BodyToV5, v5Type } from "./rules/cloudflare/v4";

/**
 * A problem with an HCL module (unreadable file, syntax error, duplicate address); one line
 * naming the file. policy/load.ts turns it into an InputError (this module does not import
 * load.ts, which imports it).
 */
export class HclError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HclError";
  }
}

type Json = Record<string, unknown>;

/** A `.tf` file, or a directory holding one, is HCL input. */
export const HCL_EXT = ".tf";

/** One file to parse: the name shown in messages, and its text. */
interface HclFile {
  readonly name: string;
  readonly text: string;
}

type ParseResult = { readonly ok: Json } | { readonly error: string } | { readonly fatal: string };

/** Longest wait for the parser (a module of a few MB parses in well under a second). */
const PARSE_TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
let hcl = null;
let fatal = null;
try {
  hcl = require(workerData.module);
} catch (e) {
  fatal = String(e && e.message ? e.message : e);
}
let reply = null;
parentPort.on("message", async ({ files, port, flag }) => {
  if (port) reply = port;
  const out = [];
  if (fatal !== null) out.push({ fatal });
  else for (const f of files) {
    try {
      out.push({ ok: await hcl.parse(f.name, f.text) });
    } catch (e) {
      out.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  reply.postMessage(out);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Parser {
  readonly worker: Worker;
  readonly mine: MessagePort;
  readonly flag: Int32Array;
}

let parser: Parser | null = null;

function startParser(): Parser {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: require.resolve("@cdktf/hcl2json") } });
  worker.unref();
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // The first message hands the worker the port it answers on; wait for its (empty) answer.
  worker.postMessage({ files: [], port: port2, flag }, [port2]);
  const started: Parser = { worker, mine: port1, flag };
  const [first] = wait(started) as ParseResult[];
  if (first !== undefined && "fatal" in first) {
    void worker.terminate();
    throw new Error(`cannot load the HCL parser @cdktf/hcl2json: ${first.fatal}`);
  }
  return started;
}

function wait(p: Parser): unknown {
  const status = Atomics.wait(p.flag, 0, 0, PARSE_TIMEOUT_MS);
  Atomics.store(p.flag, 0, 0);
  const message = receiveMessageOnPort(p.mine);
  if (status === "timed-out" || message === undefined) {
    void p.worker.terminate();
    parser = null;
    throw new Error(`the HCL parser (@cdktf/hcl2json) did not answer within ${PARSE_TIMEOUT_MS / 1000} s`);
  }
  return message.message;
}

/** Parse HCL files synchronously (one round trip to the worker for all of them). */
function parseFiles(files: readonly HclFile[]): ParseResult[] {
  if (files.length === 0) return [];
  parser ??= startParser();
  parser.worker.postMessage({ files, port: undefined, flag: parser.flag });
  return wait(parser) as ParseResult[];
}

// hcl2json: `parse config: [main.tf:2,10-3,1: Invalid expression; Expected ….]`
const DIAGNOSTIC = /^(?:parse config: )?\[?(.*?):(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([\s\S]*?)\]?$/;

/** `<file>: HCL syntax error at line L, column C: <what>` (one line). */
function describeHclError(shown: string, parsedAs: string, message: string): string {
  const first = message.split("\n")[0];
  const m = DIAGNOSTIC.exec(first);
  if (m && m[1] === parsedAs) {
    const what = m[4].replace(/\s+/g, " ").replace(/\.?$/, "");
    return `${shown}: HCL syntax error at line ${m[2]}, column ${m[3]}: ${what}`;
  }
  return `${shown}: HCL syntax error: ${first.replace(/^parse config: /, "").replace(/\s+/g, " ")}`;
}

/** The `*.tf` files of a directory, sorted by name. */
export function hclFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(HCL_EXT) && isFile(path.join(dir, n)))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Variable files Terraform reads by itself, lowest precedence first. */
function tfvarsFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  // Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name.
  const auto = names.filter((n) => n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json")).sort();
  return ["terraform.tfvars", "terraform.tfvars.json", ...auto].filter((n) => isFile(path.join(dir, n))).map((n) => path.join(dir, n));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function readText(abs: string, shown: string): string {
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HclError(`${shown}: cannot read (${code === "EACCES" ? "permission denied" : code ?? (e as Error).message})`);
  }
  if (text.includes("\u0000")) throw new HclError(`${shown}: not a text file (binary data)`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Variables given on the command line (`bulwark check --var-file f --var name=value`). They apply
 * to the root module of each HCL input that declares them (a name a module does not declare is
 * left out there, as each input is its own root), after `terraform.tfvars` and `*.auto.tfvars`:
 * every `--var-file` in order, then every `--var` in order (Terraform applies them in command-line
 * order, interleaved; commander hands them over as two lists).
 */
export interface HclOptions {
  /** `--var-file` paths (HCL, or JSON when named `*.json`). @default NO_VAR_FILES */
  readonly varFiles?: readonly string[];
  /** `--var name=value` assignments. @default NO_VARS */
  readonly vars?: readonly string[];
  /** Directory `--var-file` paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

export const NO_VAR_FILES: readonly string[] = [];
export const NO_VARS: readonly string[] = [];

/** Where an address is declared: a `.tf` file (as shown in reports) and the line of its block. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** An HCL module read as one Terraform JSON document, with what reports need to point into it. */
export interface HclModule {
  readonly json: Json;
  /** Where each address (as shown) is declared: root, child-module and instance addresses. */
  readonly locations: ReadonlyMap<string, SourceLocation>;
  /**
   * Address as the engine sees it → address shown. A child module's resources and the instances of
   * an expanded `count`/`for_each` are flattened into the one document under generated names
   * (`docker_container.bulwark--app--web`); reports show `module.app.docker_container.web`.
   */
  readonly renames: ReadonlyMap<string, string>;
}

export { NOTES_KEY, unknownNotes, type UnknownNote } from "./hcl/notes";

/**
 * Read a Terraform module as one Terraform JSON document: `target` is a directory (all its
 * `*.tf` files) or one `.tf` file (that file alone; variable files of its directory still
 * apply). `shown` is how the directory or file is named in messages.
 */
export function loadHclModule(target: string, shown: string, options: HclOptions = {}): Json {
  return readHclModule(target, shown, options).json;
}

/** `loadHclModule` with the locations and renamed addresses of what it read. */
export function readHclModule(target: string, shown: string, options: HclOptions = {}): HclModule {
  const isDir = fs.statSync(target).isDirectory();
  const dir = isDir ? target : path.dirname(target);
  const shownDir = isDir ? shown : path.dirname(shown);
  const tfFiles = (isDir ? hclFilesIn(target) : [target]).map((abs) => ({ abs, shown: isDir || abs !== target ? path.join(shownDir, path.basename(abs)) : shown }));
  const cwd = options.cwd ?? process.cwd();
  const varFiles = [
    ...tfvarsFilesIn(dir).map((abs) => ({ abs, shown: path.join(shownDir, path.basename(abs)) })),
    ...(options.varFiles ?? NO_VAR_FILES).map((f) => {
      const abs = path.resolve(cwd, f);
      if (!isFile(abs)) throw new HclError(`--var-file ${f}: no such file`);
      return { abs, shown: f };
    }),
  ];
  const root = readModuleFiles(tfFiles, varFiles);
  const values = variableValues(root.doc, root.varDocs);
  applyCommandLineVars(root.doc, values, options.vars ?? NO_VARS, shownDir);
  const out = new Flattened();
  resolveModule(out, { prefix: [], dir, doc: root.doc, lines: root.lines, vars: values, chain: [realpath(dir)], shownDir, inline: root.inline });
  const file = path.join(dir, SUPPRESSIONS_FILE);
  if (isFile(file)) out.suppressions = readSuppressionsFile(readText(file, path.join(shownDir, SUPPRESSIONS_FILE)), path.join(shownDir, SUPPRESSIONS_FILE));
  return out.result(root.doc);
}

interface ReadFile {
  readonly abs: string;
  readonly shown: string;
}

/** One module's files parsed (one round trip), merged and located; variable files as documents. */
function readModuleFiles(tfFiles: readonly ReadFile[], varFiles: readonly ReadFile[]): { doc: Json; lines: Map<string, SourceLocation>; varDocs: Json[]; inline: InlineSource[] } {
  const hclVarFiles = varFiles.filter((f) => !f.abs.endsWith(".json"));
  const all = [...tfFiles, ...hclVarFiles];
  const texts = all.map((f) => readText(f.abs, f.shown));
  const results = parseFiles(all.map((f, i) => ({ name: path.basename(f.abs), text: texts[i] })));
  const parsed = results.map((r, i) => {
    if ("fatal" in r) throw new Error(`HCL parser failed: ${r.fatal}`);
    if ("error" in r) throw new HclError(describeHclError(all[i].shown, path.basename(all[i].abs), r.error));
    return r.ok;
  });
  const doc: Json = {};
  const declaredIn = new Map<string, string>();
  const lines = new Map<string, SourceLocation>();
  const inline: InlineSource[] = [];
  tfFiles.forEach((f, i) => {
    mergeFile(doc, normalize(parsed[i], f.shown), f.shown, declaredIn);
    for (const [address, line] of blockLines(texts[i])) if (!lines.has(address)) lines.set(address, { file: f.shown, line });
    attachInlineSuppressions(doc, texts[i], f.shown, inline);
  });
  let next = tfFiles.length;
  const varDocs = varFiles.map((f) => {
    if (!f.abs.endsWith(".json")) return parsed[next++];
    const text = readText(f.abs, f.shown);
    try {
      const v = JSON.parse(text) as unknown;
      if (!isObject(v)) throw new Error("top level is not an object");
      return v;
    } catch (e) {
      throw new HclError(`${f.shown}: invalid JSON variable file (${(e as Error).message})`);
    }
  });
  return { doc, lines, varDocs, inline };
}

/** An inline suppression as written: the module-local address it is about, and its comment's place. */
interface InlineSource {
  readonly address: string;
  readonly rule: string;
  readonly file: string;
  readonly line: number;
}

/**
 * `# bulwark:ignore RULE-ID reason` comments of a file as the engine's suppressions of the
 * resource (`"//".bulwark.suppressions` in its body, the format of policy/suppressions.ts, so
 * the engine applies and validates them like any other; the rule id is checked there). A
 * malformed comment, or one that belongs to no resource of the file, is an input error naming
 * the file and line.
 */
function attachInlineSuppressions(doc: Json, text: string, shown: string, sources: InlineSource[]): void {
  if (!text.includes("bulwark:ignore")) return;
  for (const [address, list] of inlineSuppressions(text)) {
    for (const s of list) {
      const problem = suppressionFormatProblem(s.rule, s.reason);
      if (problem) throw new HclError(`${shown}:${s.line}: bulwark:ignore: ${problem} (write \`# bulwark:ignore RULE-ID reason\`)`);
    }
    const [mode, type, name] = address.startsWith("data.") ? ["data", ...address.slice(5).split(".")] : ["resource", ...address.split(".")];
    const body = address === "" ? undefined : ((doc[mode] as Json | undefined)?.[type] as Json | undefined)?.[name];
    if (!isObject(body)) {
      throw new HclError(`${shown}:${list[0].line}: bulwark:ignore ${list[0].rule} is not on the line before a resource block or inside one`);
    }
    const meta = isObject(body["//"]) ? (body["//"] as Json) : {};
    const bulwark = isObject(meta.bulwark) ? (meta.bulwark as Json) : {};
    const prior = Array.isArray(bulwark.suppressions) ? bulwark.suppressions : [];
    body["//"] = { ...meta, bulwark: { ...bulwark, suppressions: [...prior, ...list.map((s) => ({ rule: s.rule, reason: s.reason }))] } };
    for (const s of list) sources.push({ address, rule: s.rule, file: shown, line: s.line });
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Normalization

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Bodies of a block that hcl2json gives as an array (or already as an object). */
function bodies(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

function mergeBodies(v: unknown): Json {
  return Object.assign({}, ...bodies(v)) as Json;
}

/** `${x}` → `x` (only a whole-string interpolation). */
function unwrap(v: unknown): unknown {
  if (typeof v === "string") {
    const m = /^\$\{([\s\S]*)\}$/.exec(v);
    return m && !m[1].includes("${") ? m[1].trim() : v;
  }
  if (Array.isArray(v)) return v.map(unwrap);
  return v;
}

/** Meta-arguments of a resource or data body, in Terraform JSON's form. */
function normalizeBody(body: Json): Json {
  const out: Json = { ...body };
  if ("depends_on" in out) out.depends_on = unwrap(out.depends_on);
  if ("provider" in out) out.provider = unwrap(out.provider);
  if ("lifecycle" in out) {
    const lc = mergeBodies(out.lifecycle);
    for (const k of ["ignore_changes", "replace_triggered_by"]) if (k in lc) lc[k] = unwrap(lc[k]);
    out.lifecycle = lc;
  }
  return out;
}

/** One parsed file in Terraform JSON syntax (`shown`: the file, for messages). */
function normalize(raw: Json, shown: string): Json {
  /** The one body of a labelled block (hcl2json lists a block declared twice in a file twice). */
  const single = (address: string, v: unknown): Json => {
    if (bodies(v).length > 1) throw new HclError(`${shown}: ${address} is declared more than once in the module (twice in this file)`);
    return mergeBodies(v);
  };
  const out: Json = {};
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case "resource":
      case "data": {
        const types: Json = {};
        for (const [type, named] of Object.entries(isObject(value) ? value : {})) {
          const byName: Json = {};
          for (const [name, body] of Object.entries(isObject(named) ? named : {})) {
            byName[name] = normalizeBody(single(`${key === "data" ? "data." : ""}${type}.${name}`, body));
          }
          types[type] = byName;
        }
        out[key] = types;
        break;
      }
      case "variable": {
        const vars: Json = {};
        for (const [name, body] of Object.entries(isObject(value) ? value : {})) {
          const v = single(`var.${name}`, body);
          if ("type" in v) v.type = unwrap(v.type);
          vars[name] = v;
        }
        out.variable = vars;
        break;
      }
      case "output":
      case "module": {
        const named: Json = {};
        for (const [name, body] of Object.entries(isObject(value) ? value : {})) {
          const b = single(`${key}.${name}`, body);
          if ("depends_on" in b) b.depends_on = unwrap(b.depends_on);
          named[name] = b;
        }
        out[key] = named;
        break;
      }
      case "locals":
        out.locals = mergeBodies(value);
        break;
      case "terraform":
        out.terraform = normalizeTerraform(bodies(value));
        break;
      case "provider": {
        // Terraform JSON takes a provider as an object, or an array of them (aliases).
        const providers: Json = {};
        for (const [name, body] of Object.entries(isObject(value) ? value : {})) {
          const list = bodies(body);
          providers[name] = list.length === 1 ? list[0] : list;
        }
        out.provider = providers;
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

/** `terraform` blocks as one object; `required_providers`, `backend "x"`, `cloud` as objects. */
function normalizeTerraform(list: readonly Json[]): Json {
  const out: Json = {};
  for (const block of list) {
    for (const [key, value] of Object.entries(block)) {
      if (key === "required_providers") {
        out.required_providers = { ...(isObject(out.required_providers) ? out.required_providers : {}), ...mergeBodies(value) };
      } else if (key === "backend") {
        const backend: Json = {};
        for (const [type, body] of Object.entries(isObject(value) ? value : {})) backend[type] = mergeBodies(body);
        out.backend = backend;
      } else if (key === "cloud") {
        out.cloud = mergeBodies(value);
      } else {
        out[key] = value;
      }
    }
  }
  return out;
}

/**
 * Add one file's blocks to the module's document; an address declared twice is an input error
 * (`declaredIn`: the file each address came from).
 */
function mergeFile(doc: Json, file: Json, shown: string, declaredIn: Map<string, string>): void {
  const declare = (address: string) => {
    const prior = declaredIn.get(address);
    if (prior !== undefined) {
      const where = prior === shown ? "twice in this file" : `also in ${prior}`;
      throw new HclError(`${shown}: ${address} is declared more than once in the module (${where})`);
    }
    declaredIn.set(address, shown);
  };
  for (const [key, value] of Object.entries(file)) {
    if (key === "resource" || key === "data") {
      const types = (doc[key] ??= {}) as Json;
      for (const [type, named] of Object.entries(value as Json)) {
        const byName = (types[type] ??= {}) as Json;
        for (const [name, body] of Object.entries(named as Json)) {
          declare(`${key === "data" ? "data." : ""}${type}.${name}`);
          byName[name] = body;
        }
      }
    } else if (key === "variable" || key === "output" || key === "module" || key === "locals") {
      const named = (doc[key] ??= {}) as Json;
      for (const [name, body] of Object.entries(value as Json)) {
        declare(`${key === "variable" ? "var." : key === "locals" ? "local." : `${key}.`}${name}`);
        named[name] = body;
      }
    } else if (key === "provider") {
      const providers = (doc.provider ??= {}) as Json;
      for (const [name, body] of Object.entries(value as Json)) {
        const prior = providers[name];
        providers[name] = prior === undefined ? body : [...bodies(prior), ...bodies(body)];
      }
    } else if (key === "terraform") {
      doc.terraform = normalizeTerraform([...bodies(doc.terraform), value as Json]);
    } else {
      doc[key] = value;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Variables

/** Literal value of each variable: variable files (later wins) over the default. */
function variableValues(doc: Json, varFiles: readonly Json[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const declared = isObject(doc.variable) ? doc.variable : {};
  for (const [name, body] of Object.entries(declared)) {
    if (isObject(body) && "default" in body && body.default !== null && isLiteral(body.default)) values.set(name, body.default);
  }
  for (const file of varFiles) {
    for (const [name, value] of Object.entries(file)) {
      if (!(name in declared)) continue;
      if (isLiteral(value)) values.set(name, value);
      else values.delete(name);
    }
  }
  return values;
}

/** Types whose `--var` value Terraform parses as an HCL expression (a string type takes it raw). */
const PARSED_TYPES = /^(?:number|bool|list|set|map|object|tuple|any)\b/;

/** `--var name=value` over the values so far (declared variables only). */
function applyCommandLineVars(doc: Json, values: Map<string, unknown>, assignments: readonly string[], shownDir: string): void {
  const declared = isObject(doc.variable) ? doc.variable : {};
  const toParse: Array<{ name: string; raw: string }> = [];
  for (const a of assignments) {
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq).trim() : "";
    if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new HclError(`--var ${a}: expected name=value (a variable name, then =, then its value)`);
    const body = declared[name];
    if (!isObject(body)) continue;
    const raw = a.slice(eq + 1);
    const type = typeof body.type === "string" ? body.type.trim() : "";
    if (PARSED_TYPES.test(type)) toParse.push({ name, raw });
    else values.set(name, raw);
  }
  if (toParse.length === 0) return;
  const results = parseFiles(toParse.map((p) => ({ name: `--var ${p.name}`, text: `v = ${p.raw}\n` })));
  results.forEach((r, i) => {
    const { name, raw } = toParse[i];
    if ("ok" in r && isLiteral(r.ok.v) && r.ok.v !== undefined) values.set(name, r.ok.v);
    else throw new HclError(`--var ${name}=${raw}: not a literal value of type ${String((declared[name] as Json).type)} (in ${shownDir})`);
  });
}

// ---------------------------------------------------------------------------------------------
// Modules, locals, count/for_each, dynamic blocks

/** Most instances a `count`/`for_each` is expanded to; beyond it the resource is judged once. */
export const MAX_INSTANCES = 100;
/** Deepest chain of local module calls followed (a module calling itself is stopped sooner). */
export const MAX_MODULE_DEPTH = 10;

/** Arguments of a `module` block that are not input variables of the child. */
const MODULE_META = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "lifecycle"]);
/** Meta-arguments of a resource that take no part in its instances' bodies. */
const RESOURCE_META = ["count", "for_each"];

interface ModuleInput {
  /** Module names from the root (`["app", "db"]` for module.app.module.db). */
  readonly prefix: readonly string[];
  readonly dir: string;
  readonly shownDir: string;
  readonly doc: Json;
  readonly lines: ReadonlyMap<string, SourceLocation>;
  readonly vars: ReadonlyMap<string, unknown>;
  /** Real paths of the modules on the way here (a module that calls itself is not followed). */
  readonly chain: readonly string[];
  /** The module's `# bulwark:ignore` comments. */
  readonly inline: readonly InlineSource[];
}

/** What every module contributes to the one flattened document. */
class Flattened {
  readonly resource: Json = {};
  readonly data: Json = {};
  readonly renames = new Map<string, string>();
  readonly locations = new Map<string, SourceLocation>();
  readonly notes: UnknownNote[] = [];
  /** Names (in the flattened document) of Access policies written with the v4 type. */
  readonly v4Policies = new Set<string>();
  root: Json = {};
  /** Entries of the module's `.bulwark.yaml`. */
  suppressions: readonly FileSuppression[] = [];
  /** Every suppression written for this module, with its place (unused and expired ones are reported). */
  readonly declared: DeclaredSuppression[] = [];

  add(mode: "resource" | "data", type: string, name: string, body: Json, shown: string): void {
    const bucket = mode === "resource" ? this.resource : this.data;
    const byName = (bucket[type] ??= {}) as Json;
    byName[name] = body;
    const engineAddress = `${mode === "data" ? "data." : ""}${type}.${name}`;
    if (engineAddress !== shown) this.renames.set(engineAddress, shown);
  }

  note(address: string, message: string): void {
    this.notes.push({ address, message });
  }

  result(_rootDoc: Json): HclModule {
    const json: Json = { ...this.root };
    delete json.resource;
    delete json.data;
    if (this.v4Policies.size > 0) linkV4AccessPolicies(this.resource, this.v4Policies);
    if (Object.keys(this.resource).length > 0) json.resource = this.resource;
    if (Object.keys(this.data).length > 0) json.data = this.data;
    const suppressions = this.applySuppressions(json);
    if (this.notes.length > 0 || suppressions.length > 0 || this.declared.length > 0) {
      json[NOTES_KEY] = {
        bulwark: {
          ...(this.notes.length > 0 ? { unknown: this.notes } : {}),
          ...(suppressions.length > 0 ? { suppressions } : {}),
          ...(this.declared.length > 0 ? { declared: this.declared } : {}),
        },
      };
    }
    return { json, locations: this.locations, renames: this.renames };
  }

  /**
   * `.bulwark.yaml` entries as the engine's stack-level suppressions (`address` as the engine
   * names it), one per matching address; an expired entry applies to nothing (the CLI reports it,
   * with unused entries: policy/suppressions.ts `suppressionUseFindings`). An address pattern with `*` matches resource addresses as shown; a plain address
   * that names no resource is kept as written (a stack-level address: `terraform.backend`).
   */
  private applySuppressions(json: Json): Json[] {
    if (this.suppressions.length === 0) return [];
    const shownToEngine = new Map<string, string>();
    for (const mode of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries(isObject(json[mode]) ? (json[mode] as Json) : {})) {
        for (const name of Object.keys(byName as Json)) {
          const engine = `${mode === "data" ? "data." : ""}${type}.${name}`;
          shownToEngine.set(this.renames.get(engine) ?? engine, engine);
        }
      }
    }
    const today = new Date().toISOString().slice(0, 10);
    const out: Json[] = [];
    for (const s of this.suppressions) {
      const expired = s.expires !== undefined && s.expires < today;
      this.declared.push({
        kind: "file", rule: s.rule, address: s.address, file: s.file, line: s.line,
        ...(expired ? { expired: s.expires } : {}), ...(s.owner !== undefined ? { owner: s.owner } : {}),
      });
      if (expired) continue;
      const glob = s.address.includes("*") ? new RegExp(`^${s.address.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`) : null;
      const targets = glob ? [...shownToEngine].filter(([shown]) => glob.test(shown)).map(([, e]) => e) : [shownToEngine.get(s.address) ?? s.address];
      for (const address of targets) out.push({ rule: s.rule, address, reason: s.reason });
    }
    return out;
  }
}

/** The suppressions file read in an HCL module's directory (the checked directory). */
export const SUPPRESSIONS_FILE = ".bulwark.yaml";

/** One entry of `.bulwark.yaml`. */
interface FileSuppression {
  readonly rule: string;
  /** Address as reports show it, or a pattern with `*` (`module.app.*`). */
  readonly address: string;
  readonly reason: string;
  /** `YYYY-MM-DD`: after this day the suppression no longer applies (and is reported). */
  readonly expires?: string;
  readonly owner?: string;
  /** `file: entry #n`, for messages. */
  readonly where: string;
  /** The file as shown, and the line the entry starts on. */
  readonly file: string;
  readonly line: number;
}

/**
 * `.bulwark.yaml`:
 *   suppressions:
 *     - rule: DOCKER-016            # a rule id
 *       address: module.app.*       # address as reports show it, or a pattern with *
 *       reason: agent lists containers through the socket   # at least 10 characters
 *       expires: 2027-06-30         # optional: stops applying after that day, and is reported
 *       owner: platform-team        # optional
 * Anything wrong is an input error naming the file and the entry.
 */
function readSuppressionsFile(text: string, shown: string): FileSuppression[] {
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter, prettyErrors: false });
  if (parsed.errors.length > 0) {
    const err = parsed.errors[0];
    const at = err.pos ? lineCounter.linePos(err.pos[0]) : null;
    throw new HclError(`${shown}${at ? `:${at.line}` : ""}: invalid YAML (${String(err.message).split("\n")[0]})`);
  }
  const doc: unknown = parsed.toJS();
  if (doc === null || doc === undefined) return [];
  if (!isObject(doc) || !Array.isArray(doc.suppressions)) throw new HclError(`${shown}: expected a top-level \`suppressions:\` list`);
  const seq = parsed.get("suppressions", true);
  const items = isSeq(seq) ? seq.items : [];
  const lineOf = (i: number): number => {
    const range = (items[i] as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  return doc.suppressions.map((e, i) => {
    const where = `${shown}:${lineOf(i)}: suppression #${i + 1}`;
    if (!isObject(e)) throw new HclError(`${where}: expected an object with rule, address and reason`);
    const problem = suppressionFormatProblem(e.rule, e.reason);
    if (problem) throw new HclError(`${where}: ${problem}`);
    if (typeof e.address !== "string" || e.address.trim() === "") throw new HclError(`${where}: needs an "address" (as reports show it, or a pattern with *)`);
    let expires: string | undefined;
    if (e.expires !== undefined) {
      const v = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : String(e.expires);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new HclError(`${where}: "expires" must be a date YYYY-MM-DD, not ${JSON.stringify(e.expires)}`);
      expires = v;
    }
    return { rule: e.rule as string, address: e.address.trim(), reason: (e.reason as string).trim(), expires, owner: typeof e.owner === "string" ? e.owner : undefined, where, file: shown, line: lineOf(i) };
  });
}

const modulePath = (prefix: readonly string[]) => prefix.map((m) => `module.${m}.`).join("");
/** Generated names are plain Terraform names (`[\w-]`), so the engine's reference parser reads them. */
const safe = (s: string) => s.replace(/[^\w-]/g, "_");

/** A resource's name in the flattened document, and the address reports show for it. */
function names(prefix: readonly string[], mode: "resource" | "data", type: string, name: string, instance?: string | number) {
  const inModule = prefix.length > 0 ? `bulwark--${prefix.map(safe).join("--")}--` : "";
  const suffix = instance === undefined ? "" : `--i-${safe(String(instance))}`;
  const flat = `${inModule}${name}${suffix}`;
  const index = instance === undefined ? "" : typeof instance === "number" ? `[${instance}]` : `[${JSON.stringify(instance)}]`;
  return { flat, shown: `${modulePath(prefix)}${mode === "data" ? "data." : ""}${type}.${name}${index}` };
}

interface Declared {
  readonly mode: "resource" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Json;
  /** Instance keys when expanded, null when judged once. */
  instances: Array<string | number> | null;
}

function declaredIn(doc: Json): Declared[] {
  const out: Declared[] = [];
  for (const mode of ["resource", "data"] as const) {
    const types = isObject(doc[mode]) ? doc[mode] : {};
    for (const [type, byName] of Object.entries(types)) {
      for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
        if (isObject(body)) out.push({ mode, type, name, body, instances: null });
      }
    }
  }
  return out;
}

/** Judge one module: its resources into `out`, its local module calls followed. */
function resolveModule(out: Flattened, m: ModuleInput): void {
  const isRoot = m.prefix.length === 0;
  for (const s of m.inline) out.declared.push({ kind: "inline", rule: s.rule, address: `${modulePath(m.prefix)}${s.address}`, file: s.file, line: s.line });
  const declared = declaredIn(m.doc);
  const byAddress = new Map(declared.map((d) => [`${d.mode === "data" ? "data." : ""}${d.type}.${d.name}`, d]));
  const mangle = isRoot ? "" : `bulwark--${m.prefix.map(safe).join("--")}--`;
  const rename = (address: string, index: string | number | null): string | undefined => {
    if (address.startsWith("var.") || address.startsWith("local.")) {
      // An unresolved variable or local of a child module must not read as the root's.
      if (isRoot) return undefined;
      const dot = address.indexOf(".");
      return `${address.slice(0, dot)}.${mangle}${address.slice(dot + 1)}`;
    }
    const d = byAddress.get(address);
    if (!d) return undefined;
    const mode = d.mode === "data" ? "data." : "";
    const type = d.mode === "resource" ? v5Type(d.type) : d.type;
    if (d.instances !== null && index !== null && d.instances.includes(index)) {
      return `${mode}${type}.${names(m.prefix, d.mode, d.type, d.name, index).flat}`;
    }
    if (index !== null && d.instances !== null) return undefined;
    return isRoot && d.instances === null && type === d.type ? undefined : `${mode}${type}.${names(m.prefix, d.mode, d.type, d.name).flat}`;
  };

  // Locals, resolved on first use (a cycle, or an expression that is not known, stays unknown).
  const rawLocals = isObject(m.doc.locals) ? m.doc.locals : {};
  const localValues = new Map<string, unknown>();
  const resolving = new Set<string>();
  const scope: Scope = {
    vars: m.vars,
    rename,
    local(name) {
      if (localValues.has(name)) return localValues.get(name);
      if (!(name in rawLocals) || resolving.has(name)) return undefined;
      resolving.add(name);
      const v = substitute(rawLocals[name], scope);
      resolving.delete(name);
      localValues.set(name, v);
      return v;
    },
  };

  // Instances first (references to `x[0]` or `x["a"]` rename to an instance).
  for (const d of declared) {
    const address = `${modulePath(m.prefix)}${d.mode === "data" ? "data." : ""}${d.type}.${d.name}`;
    if ("for_each" in d.body) {
      const items = forEachItems(substitute(d.body.for_each, scope), scope);
      if (items !== null && items.length <= MAX_INSTANCES) d.instances = items.map((i) => i.key);
      else out.note(address, `${address}: for_each ${items === null ? "is not known before plan" : `has ${items.length} items (more than ${MAX_INSTANCES})`}, so its instances are judged once, with each.key and each.value unknown. Fix: nothing to fix; pass literal collections (a map or toset([...]) of strings) to have each instance judged.`);
    } else if ("count" in d.body) {
      const n = countOf(substitute(d.body.count, scope));
      if (n !== null && n <= MAX_INSTANCES) d.instances = Array.from({ length: n }, (_v, i) => i);
      else out.note(address, `${address}: count ${n === null ? "is not known before plan" : `is ${n} (more than ${MAX_INSTANCES})`}, so its instances are judged once, with count.index unknown. Fix: nothing to fix; a literal count (or one from a variable default or tfvars) has each instance judged.`);
    }
  }

  for (const d of declared) {
    const base = names(m.prefix, d.mode, d.type, d.name);
    const where = m.lines.get(`${d.mode === "data" ? "data." : ""}${d.type}.${d.name}`);
    const body: Json = { ...d.body };
    for (const k of RESOURCE_META) delete body[k];
    // Cloudflare provider v4 names are judged as their v5 equivalents (policy/rules/cloudflare/v4.ts).
    const v4 = d.mode === "resource" && d.type in V4_TO_V5_TYPES;
    const emit = (flat: string, shown: string, s: Scope) => {
      const expanded = expandBody(body, s, shown, out) as Json;
      out.add(d.mode, v4 ? v5Type(d.type) : d.type, flat, v4 ? v4BodyToV5(d.type, expanded) : expanded, shown);
      if (v4 && d.type === "cloudflare_access_policy") out.v4Policies.add(flat);
      if (where) out.locations.set(shown, where);
    };
    if (d.instances === null) {
      emit(base.flat, base.shown, scope);
      continue;
    }
    const items = "for_each" in d.body ? forEachItems(substitute(d.body.for_each, scope), scope) ?? [] : [];
    d.instances.forEach((key, i) => {
      const n = names(m.prefix, d.mode, d.type, d.name, key);
      const s: Scope = typeof key === "number" ? { ...scope, countIndex: key } : { ...scope, each: { key, value: items[i]?.value ?? key } };
      emit(n.flat, n.shown, s);
    });
  }

  if (isRoot) {
    // Everything but resources and data sources: substituted (variable blocks kept as declared).
    const rest: Json = {};
    for (const [k, v] of Object.entries(m.doc)) {
      if (k === "resource" || k === "data") continue;
      rest[k] = k === "variable" || k === "locals" ? v : substitute(v, scope);
    }
    out.root = rest;
    for (const [address, where] of m.lines) if (!out.locations.has(address)) out.locations.set(address, where);
  }

  for (const [name, callValue] of Object.entries(isObject(m.doc.module) ? m.doc.module : {})) {
    if (!isObject(callValue)) continue;
    followModule(out, m, name, callValue, scope);
  }
}

/** A module call: a local source is judged with its arguments bound; any other is noted. */
function followModule(out: Flattened, m: ModuleInput, name: string, call: Json, scope: Scope): void {
  const address = `${modulePath(m.prefix)}module.${name}`;
  const callWhere = m.lines.get(`module.${name}`);
  if (callWhere) out.locations.set(address, callWhere);
  const source = call.source;
  if (typeof source !== "string" || !/^\.\.?[\\/]/.test(source)) {
    out.note(address, `${address}: source ${JSON.stringify(source)} is not a local path, so the module's resources are not followed (nothing in them is judged). Fix: nothing to fix; check that module's own repository with bulwark.`);
    return;
  }
  const childDir = path.resolve(m.dir, source);
  const shownDir = path.join(m.shownDir, source);
  const files = hclFilesIn(childDir);
  if (files.length === 0) {
    const where = callWhere ? `${callWhere.file}:${callWhere.line}` : m.shownDir;
    throw new HclError(`${where}: ${address}: source "${source}" is no directory holding *.tf files (${shownDir}); terraform init would fail too`);
  }
  const real = realpath(childDir);
  if (m.chain.includes(real) || m.prefix.length >= MAX_MODULE_DEPTH) {
    out.note(address, `${address}: source "${source}" calls a module already on the way here (or nests deeper than ${MAX_MODULE_DEPTH}), so it is not followed again. Fix: nothing to fix.`);
    return;
  }
  if ("count" in call || "for_each" in call) {
    const n = "count" in call ? countOf(substitute(call.count, scope)) : null;
    if (n === 0) return;
    if (!(n === 1)) out.note(address, `${address}: the module has count or for_each, so its resources are judged once, addressed without an instance key. Fix: nothing to fix.`);
  }
  const child = readModuleFiles(files.map((abs) => ({ abs, shown: path.join(shownDir, path.basename(abs)) })), []);
  const vars = variableValues(child.doc, []);
  const declaredVars = isObject(child.doc.variable) ? child.doc.variable : {};
  for (const [k, v] of Object.entries(call)) {
    if (MODULE_META.has(k) || !(k in declaredVars)) continue;
    const value = substitute(v, scope);
    // An argument the caller does not know stays unknown in the child (not the child's default).
    vars.set(k, value);
  }
  resolveModule(out, { prefix: [...m.prefix, name], dir: childDir, shownDir, doc: child.doc, lines: child.lines, vars, chain: [...m.chain, real], inline: child.inline });
}

/** A body substituted, with its `dynamic` blocks expanded where their for_each is known. */
function expandBody(value: unknown, scope: Scope, address: string, out: Flattened): unknown {
  if (Array.isArray(value)) return value.map((v) => expandBody(v, scope, address, out));
  if (!isObject(value)) return substitute(value, scope);
  const result: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== "dynamic") result[k] = expandBody(v, scope, address, out);
  }
  if (isObject(value.dynamic)) {
    for (const [label, specs] of Object.entries(value.dynamic)) {
      for (const spec of bodies(specs)) {
        const items = dynamicItems(substitute(spec.for_each, scope), scope);
        if (items === null || items.length > MAX_INSTANCES) {
          out.note(address, `${address}: dynamic "${label}" blocks are not expanded (their for_each ${items === null ? "is not known before plan" : `has more than ${MAX_INSTANCES} items`}), so what they set is not judged. Fix: nothing to fix; a literal collection (or one from a variable default or tfvars) has them judged.`);
          continue;
        }
        const iterator = typeof spec.iterator === "string" ? String(unwrap(spec.iterator)) : label;
        const content = mergeBodies(spec.content);
        const list = Array.isArray(result[label]) ? (result[label] as unknown[]) : result[label] === undefined ? [] : [result[label]];
        for (const item of items) {
          const iterators = new Map(scope.iterators ?? []);
          iterators.set(iterator, item);
          list.push(expandBody(content, { ...scope, iterators }, address, out));
        }
        result[label] = list;
      }
    }
  }
  return result;
}

/** The items a `dynamic` block's for_each iterates (a list: index and element; a map: key and value). */
function dynamicItems(value: unknown, scope: Scope): Array<{ key: unknown; value: unknown }> | null {
  if (Array.isArray(value)) return isLiteral(value) ? value.map((v, i) => ({ key: i, value: v })) : null;
  if (isObject(value)) return isLiteral(value) ? Object.entries(value).map(([key, v]) => ({ key, value: v })) : null;
  const set = forEachItems(value, scope);
  return set === null ? null : set.map((i) => ({ key: i.key, value: i.value }));
}
