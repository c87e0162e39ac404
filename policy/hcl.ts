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
 * - A string that is exactly `${var.x}` is replaced by the variable's literal value: from
 *   `*.auto.tfvars` (in name order, the later winning) over `terraform.tfvars` over its default.
 *   Anything else (`"a-${var.x}"`, a default that is itself an expression) stays a reference.
 *
 * Not done yet (issue 14): file and line of findings (the stack's file is the directory),
 * `locals`, child modules, `count`/`for_each` expansion, `--var`/`--var-file`.
 *
 * hcl2json's API is asynchronous (a Go WASM runtime); loading is synchronous in this project, so
 * the parser runs in a worker thread and the caller waits on it with `Atomics.wait`. The worker
 * is started on first use, kept for later files, and does not keep the process alive.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";

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
  const auto = names.filter((n) => n.endsWith(".auto.tfvars")).sort();
  return ["terraform.tfvars", ...auto].filter((n) => isFile(path.join(dir, n))).map((n) => path.join(dir, n));
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
 * Read a Terraform module as one Terraform JSON document: `target` is a directory (all its
 * `*.tf` files) or one `.tf` file (that file alone; variable files of its directory still
 * apply). `shown` is how the directory or file is named in messages.
 */
export function loadHclModule(target: string, shown: string): Json {
  const isDir = fs.statSync(target).isDirectory();
  const dir = isDir ? target : path.dirname(target);
  const shownDir = isDir ? shown : path.dirname(shown);
  const tfFiles = isDir ? hclFilesIn(target) : [target];
  const varFiles = tfvarsFilesIn(dir);
  const all = [...tfFiles, ...varFiles];
  const shownOf = (abs: string) => (isDir || abs !== target ? path.join(shownDir, path.basename(abs)) : shown);
  const inputs = all.map((abs) => ({ name: path.basename(abs), text: readText(abs, shownOf(abs)) }));
  const results = parseFiles(inputs);
  const parsed = results.map((r, i) => {
    if ("fatal" in r) throw new Error(`HCL parser failed: ${r.fatal}`);
    if ("error" in r) throw new HclError(describeHclError(shownOf(all[i]), inputs[i].name, r.error));
    return r.ok;
  });
  const doc: Json = {};
  const declaredIn = new Map<string, string>();
  tfFiles.forEach((abs, i) => mergeFile(doc, normalize(parsed[i], shownOf(abs)), shownOf(abs), declaredIn));
  const values = variableValues(doc, parsed.slice(tfFiles.length));
  return substituteVariables(doc, values) as Json;
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

/** True when a value holds no expression at all. */
function isLiteral(v: unknown): boolean {
  if (typeof v === "string") return !v.includes("${") && !v.includes("%{");
  if (Array.isArray(v)) return v.every(isLiteral);
  if (isObject(v)) return Object.values(v).every(isLiteral);
  return true;
}

/** Literal value of each variable: tfvars files (later wins) over the default. */
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

const VAR_REFERENCE = /^\$\{\s*var\.([A-Za-z_][\w-]*)\s*\}$/;

/** Replace every string that is exactly `${var.x}` (outside `variable` blocks) by x's literal value. */
function substituteVariables(value: unknown, values: ReadonlyMap<string, unknown>, top = true): unknown {
  if (values.size === 0) return value;
  if (typeof value === "string") {
    const m = VAR_REFERENCE.exec(value);
    return m && values.has(m[1]) ? structuredClone(values.get(m[1])) : value;
  }
  if (Array.isArray(value)) return value.map((v) => substituteVariables(v, values, false));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = top && k === "variable" ? v : substituteVariables(v, values, false);
    return out;
  }
  return value;
}
