/**
 * Readers of docker_container bodies shared by the MON and BACKUP rules: image name, labels,
 * environment, command lines, host names, uploaded files and mounts. Lenient like every rule:
 * a value that is an unresolvable reference is unknown (null), never a finding by itself.
 */
import { parse as parseYaml } from "yaml";
import { BACKEND_ROLES, isDatastoreImage, isLoopbackAddress, parseImage, type ServiceRole } from "../../../knowledge";
import { blocks } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { hasInterpolation } from "../values";
import { containerRole } from "../net/networks";

export type Json = Record<string, unknown>;

/**
 * A fact about a resource, computed once: resources are the index's own objects, read-only, and
 * the MON/BACKUP rules ask the same questions of every container many times.
 */
let nextSlot = 0;

export function perResource<T>(fn: (c: IndexedResource, index: StackIndex) => T): (c: IndexedResource, index: StackIndex) => T {
  // A slot in the resource's own `facts` array: measured much faster than a WeakMap per fact at
  // 10,000 containers (WeakMap lookups were a tenth of the rules' time). Hand-built resources
  // without slots fall back to a WeakMap.
  const slot = nextSlot++;
  const memo = new WeakMap<IndexedResource, { v: T }>();
  return (c, index) => {
    const facts = c.facts;
    if (facts !== undefined) {
      let hit = facts[slot] as { v: T } | undefined;
      if (hit === undefined) facts[slot] = hit = { v: fn(c, index) };
      return hit.v;
    }
    let hit = memo.get(c);
    if (!hit) memo.set(c, (hit = { v: fn(c, index) }));
    return hit.v;
  };
}


/** `perResource` for facts that read only the resource's body. */
export function perResourceOnly<T>(fn: (c: IndexedResource) => T): (c: IndexedResource) => T {
  const memo = perResource((c: IndexedResource) => fn(c));
  return (c) => memo(c, undefined as unknown as StackIndex);
}

/** The image's last path component, lower-case (`prom/prometheus:v2.55.1` → `prometheus`), or null when unknown. */
export const imageName = perResource((c: IndexedResource, index: StackIndex): string | null => {
  const image = index.resolveString(c.body.image);
  if (image === null || image.trim() === "") return null;
  return parseImage(image).name;
});

/** A label's literal value (trimmed), or null. */
export function label(c: IndexedResource, key: string, index: StackIndex): string | null {
  const v = labels(c, index).get(key);
  return v === undefined ? null : v.trim();
}

/**
 * Every label as key → literal value (unknown values left out; the first of duplicate keys wins,
 * as `labelValue` reads it). Computed once per container; read-only.
 */
export const labels = perResource((c: IndexedResource, index: StackIndex): ReadonlyMap<string, string> => {
  const out = new Map<string, string>();
  const put = (k: string, raw: unknown) => {
    if (out.has(k)) return;
    const v = typeof raw === "string" ? index.resolveString(raw) : typeof raw === "boolean" || typeof raw === "number" ? String(raw) : null;
    if (v !== null) out.set(k, v);
  };
  for (const b of blocks(c.body.labels)) {
    if (typeof b.label === "string") put(b.label, b.value);
    else for (const k of Object.keys(b)) put(k, b[k]);
  }
  return out;
});

/** `env = ["K=V", …]` as a map of the raw values (a reference stays a reference); a map form is accepted too. Computed once; read-only. */
export const envOf = perResourceOnly(envOfUncached);

function envOfUncached(c: IndexedResource): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const env = c.body.env;
  if (Array.isArray(env)) {
    for (const e of env) {
      if (typeof e !== "string") continue;
      const eq = e.indexOf("=");
      if (eq > 0) out.set(e.slice(0, eq), e.slice(eq + 1));
    }
  } else if (env && typeof env === "object") {
    for (const [k, v] of Object.entries(env as Json)) if (typeof v === "string") out.set(k, v);
  }
  return out;
}

/** A list attribute of strings (`command`, `entrypoint`); a lone string is one word. */
export function argv(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((w): w is string => typeof w === "string");
  if (typeof v === "string" && v.trim() !== "") return [v];
  return [];
}

/** `command` and `entrypoint` as separate command lines (each split on blanks when given as one string). Computed once; read-only. */
export const commandLines = perResourceOnly(commandLinesUncached);

function commandLinesUncached(c: IndexedResource): ReadonlyArray<[attribute: string, words: string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const attr of ["entrypoint", "command"] as const) {
    const words = argv(c.body[attr]);
    if (words.length > 0) out.push([attr, words.length === 1 ? words[0].split(/\s+/).filter((w) => w !== "") : words]);
  }
  return out;
}

/** Every word of entrypoint and command, each also split on blanks (a shell line). Computed once; read-only. */
export const allWords = perResourceOnly((c: IndexedResource): readonly string[] => allWordsUncached(c));

function allWordsUncached(c: IndexedResource): string[] {
  return [...argv(c.body.entrypoint), ...argv(c.body.command)].flatMap((w) => w.split(/\s+/)).filter((w) => w !== "");
}

/** The value of `--flag=value` / `--flag value` / `-c flag=value`-style options, for a flag name. */
export function flagValue(words: readonly string[], flag: string): string | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith(`${flag}=`)) return w.slice(flag.length + 1);
    if (w === flag && i + 1 < words.length) return words[i + 1];
  }
  return null;
}

/** Lower-case DNS names other containers use for this one: `name`, `hostname`, network aliases. Read-only. */
export const hostNames = perResource(hostNamesOf);

function hostNamesOf(c: IndexedResource, index: StackIndex): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    const s = typeof v === "string" ? index.resolveString(v) : null;
    if (s !== null && s.trim() !== "") out.add(s.trim().toLowerCase());
  };
  add(c.body.name);
  add(c.body.hostname);
  for (const n of blocks(c.body.networks_advanced)) if (Array.isArray(n.aliases)) n.aliases.forEach(add);
  return out;
}

/** Host-name-like tokens of a text (`host=mariadb`, `redis://redis:6379`, `--memcached.address=memcached:11211`). */
export function hostTokens(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9._-]+/).filter((t) => t !== ""));
}

/**
 * Everything a container is told about other hosts (command line, environment values, uploaded
 * files) as host-name-like tokens: computed once per container; read-only.
 */
export const mentionedTokens = perResourceOnly(
  (c: IndexedResource): ReadonlySet<string> => hostTokens([...allWords(c), ...envOf(c).values(), ...uploadTexts(c)].join("\n")),
);

/** True when the text names one of the hosts (as a whole token). */
export function namesHost(text: string, hosts: ReadonlySet<string>): boolean {
  if (hosts.size === 0) return false;
  for (const t of hostTokens(text)) if (hosts.has(t)) return true;
  return false;
}

/** A file an `upload` block writes: its path and its content when known (null when not literal). */
export interface UploadedFile {
  readonly file: string;
  readonly content: string | null;
}

/** Terraform's literal escapes (`$${`, `%%{`) undone: the text the file holds. */
function unescape(s: string): string {
  return s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** The literal text of an upload's `content`/`content_base64`, or null when it is computed or read from `source`. */
export function uploadContent(u: Json, index: StackIndex): string | null {
  const text = (raw: unknown): string | null => {
    if (typeof raw !== "string") return null;
    if (!hasInterpolation(raw)) return unescape(raw);
    const r = index.resolveString(raw);
    return r === null ? null : r;
  };
  const c = text(u.content);
  if (c !== null) return c;
  const b = text(u.content_base64);
  if (b !== null) {
    try {
      return Buffer.from(b, "base64").toString("utf8");
    } catch {
      return null;
    }
  }
  return null;
}

export function uploads(c: IndexedResource, index: StackIndex): UploadedFile[] {
  const out: UploadedFile[] = [];
  for (const u of blocks(c.body.upload)) {
    const file = index.resolveString(u.file);
    if (file === null || file.trim() === "") continue;
    out.push({ file: file.trim(), content: uploadContent(u, index) });
  }
  return out;
}

/** The uploaded configuration file: the one `--config.file` names, else one whose base name matches. Null when none. */
export function configUpload(c: IndexedResource, index: StackIndex, baseName: RegExp): UploadedFile | null {
  const files = uploads(c, index);
  const flag = flagValue(allWords(c), "--config.file");
  if (flag !== null && flag.trim() !== "") return files.find((f) => f.file === flag.trim()) ?? null;
  return files.find((f) => baseName.test(f.file.slice(f.file.lastIndexOf("/") + 1))) ?? null;
}

/**
 * Parsed configurations by their text: stacks repeat the same Prometheus/Alertmanager file across
 * containers, and parsing YAML dominated these rules' time. Rules never change what they read.
 */
const YAML_CACHE = new Map<string, Json | null>();

/** YAML text as an object, or null when it does not parse to one (lenient: unknown, not wrong). Read-only. */
export function yamlObject(text: string): Json | null {
  const hit = YAML_CACHE.get(text);
  if (hit !== undefined) return hit;
  let out: Json | null;
  try {
    const doc = parseYaml(text, { strict: false, uniqueKeys: false, maxAliasCount: 100 }) as unknown;
    out = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Json) : null;
  } catch {
    out = null;
  }
  if (YAML_CACHE.size >= 256) YAML_CACHE.clear();
  YAML_CACHE.set(text, out);
  return out;
}

/** A datastore by image name (knowledge) or by a backend `bulwark.role` label. */
export const isDatastore = perResource((c: IndexedResource, index: StackIndex): boolean => {
  const role = containerRole(c, index);
  if (role !== null && BACKEND_ROLES.has(role as ServiceRole)) return true;
  const image = index.resolveString(c.body.image);
  return image !== null && isDatastoreImage(image);
});

/** Ports published on an address other than loopback (a missing address is every interface); unknown addresses are left out. */
export function publicPorts(c: IndexedResource, index: StackIndex): string[] {
  const out: string[] = [];
  for (const p of blocks(c.body.ports)) {
    const ipRaw = p.ip;
    const ip = ipRaw === undefined || ipRaw === null ? "" : index.resolveString(ipRaw);
    if (ip === null) continue;
    const v = ip.trim();
    if (isLoopbackAddress(v) || v.toLowerCase() === "localhost") continue;
    const internal = p.internal === undefined ? "?" : String(index.resolveString(String(p.internal)) ?? p.internal);
    const external = p.external === undefined || p.external === null ? "(random)" : String(index.resolveString(String(p.external)) ?? p.external);
    out.push(`${v === "" ? "0.0.0.0" : v}:${external}->${internal}`);
  }
  return out;
}

/** The text of every upload's `content` as written (interpolations left in), for scanning host names. Computed once; read-only. */
export const uploadTexts = perResourceOnly((c: IndexedResource): readonly string[] => uploadTextsUncached(c));

function uploadTextsUncached(c: IndexedResource): string[] {
  return blocks(c.body.upload).map((u) => (typeof u.content === "string" ? unescape(u.content) : "")).filter((s) => s !== "");
}

/** `a, b, c and 7 more`: a list that stays short whatever the stack's size. */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
