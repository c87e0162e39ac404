/**
 * Readers of docker_container bodies shared by the MON and BACKUP rules: image name, labels,
 * environment, command lines, host names, uploaded files and mounts. Lenient like every rule:
 * a value that is an unresolvable reference is unknown (null), never a finding by itself.
 *
 * "The files a container sees" are its own `upload` blocks plus the files a never-started
 * container (`start = false`: a config seeder, as HardenedContainer.addFile renders) uploads into
 * a named volume that this container mounts too: such a file appears at this container's mount
 * path plus the file's path below the seeder's mount path. Read-only containers cannot receive
 * uploads (Docker: "container rootfs is marked read-only"; DOCKER-033), so that is how bulwark's
 * read-only containers get their configuration. The seeded files are indexed once per stack.
 */
import { parse as parseYaml } from "yaml";
import { BACKEND_ROLES, isDatastoreImage, isLoopbackAddress, parseImage, type ServiceRole } from "../../../knowledge";
import { blocks } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { hasInterpolation } from "../values";
import { containerRole, labelValue } from "../net/networks";
import { perResource, perResourceOnly } from "../facts";

export { perResource, perResourceOnly };

export type Json = Record<string, unknown>;

/** The image's last path component, lower-case (`prom/prometheus:v2.55.1` → `prometheus`), or null when unknown. */
export const imageName = perResource((c: IndexedResource, index: StackIndex): string | null => {
  const image = index.resolveString(c.body.image);
  if (image === null || image.trim() === "") return null;
  return parseImage(image).name;
});

/** A label's literal value (trimmed), or null. */
export function label(c: IndexedResource, key: string, index: StackIndex): string | null {
  // The one label, read from the body (building `labels` for every container cost a Map each).
  const raw = labelValue(c.body, key);
  const v = typeof raw === "string" ? index.resolveString(raw) : typeof raw === "boolean" || typeof raw === "number" ? String(raw) : null;
  return v === null ? null : v.trim();
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
export const mentionedTokens = perResource(
  (c: IndexedResource, index: StackIndex): ReadonlySet<string> => hostTokens([...allWords(c), ...envOf(c).values(), ...uploadTexts(c, index)].join("\n")),
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
  // Most texts hold no escape: two scans of indexOf instead of two regex replaces that copy.
  if (s.indexOf("$${") < 0 && s.indexOf("%%{") < 0) return s;
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

/** The files a container sees (see the header), each an `upload` block; read-only. */
export function uploads(c: IndexedResource, index: StackIndex): UploadedFile[] {
  const out: UploadedFile[] = [];
  for (const u of uploadBlocks(c, index)) {
    const file = index.resolveString(u.file);
    if (file === null || file.trim() === "") continue;
    out.push({ file: file.trim(), content: uploadContent(u, index) });
  }
  return out;
}

/**
 * The uploaded configuration file: the one `--config.file` names, else one whose base name matches.
 * Null when none. Only that file's content is read (a Prometheus container also uploads its rule
 * files, tens of kilobytes each, which this never needs).
 */
export function configUpload(c: IndexedResource, index: StackIndex, baseName: RegExp): UploadedFile | null {
  const flag = flagValue(allWords(c), "--config.file");
  const wanted = flag !== null && flag.trim() !== "" ? flag.trim() : null;
  for (const u of uploadBlocks(c, index)) {
    const raw = index.resolveString(u.file);
    if (raw === null || raw.trim() === "") continue;
    const file = raw.trim();
    if (wanted !== null ? file === wanted : baseName.test(file.slice(file.lastIndexOf("/") + 1))) return { file, content: uploadContent(u, index) };
  }
  return null;
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

/** A datastore by image name (knowledge) or by a backend `bulwark.role` label; never a never-started container (it runs nothing). */
export const isDatastore = perResource((c: IndexedResource, index: StackIndex): boolean => {
  if (neverStarted(c)) return false;
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

/** The text of every file the container sees (`content` as written, interpolations left in), for scanning host names. Computed once; read-only. */
export const uploadTexts = perResource((c: IndexedResource, index: StackIndex): readonly string[] =>
  uploadBlocks(c, index).map((u) => (typeof u.content === "string" ? unescape(u.content) : "")).filter((s) => s !== ""),
);

const isFalse = (v: unknown) => v === false || (typeof v === "string" && v.trim().toLowerCase() === "false");

/** A container Terraform creates and never starts (`start = false`): it runs nothing; its uploads fill volumes. */
export const neverStarted = perResourceOnly((c: IndexedResource): boolean => isFalse(c.body.start));

/** A named volume mounted into a container: the volume's name (or its unresolved reference) and the path. */
interface VolumeMount {
  readonly key: string;
  readonly path: string;
}

/** `${docker_volume.x.name}` resolved to the literal name; an unresolvable single reference kept as itself. */
function volumeKey(raw: unknown, index: StackIndex): string | null {
  if (typeof raw !== "string" || raw.trim() === "") return null;
  const literal = index.resolveString(raw);
  if (literal !== null) return literal.trim();
  const refs = index.referencesIn(raw);
  return refs.length === 1 ? `\${${refs[0].address}}` : null;
}

function cleanPath(p: unknown): string | null {
  if (typeof p !== "string" || !p.startsWith("/")) return null;
  // Most paths are clean already (`/etc/prometheus`): no empty or `.` segment, no trailing slash.
  if (p.indexOf("//") < 0 && p.indexOf("/./") < 0 && !p.endsWith("/.") && (p.length === 1 || !p.endsWith("/"))) return p;
  const out = "/" + p.split("/").filter((s) => s !== "" && s !== ".").join("/");
  return out;
}

/** The named volumes of `volumes` and `mounts` (type volume) blocks, with their container paths. Computed once; read-only. */
const volumeMounts = perResource((c: IndexedResource, index: StackIndex): readonly VolumeMount[] => {
  const out: VolumeMount[] = [];
  const add = (name: unknown, target: unknown) => {
    const key = volumeKey(name, index);
    const path = cleanPath(typeof target === "string" ? index.resolveString(target) : null);
    if (key !== null && path !== null) out.push({ key, path });
  };
  for (const v of blocks(c.body.volumes)) if (v.host_path === undefined || v.host_path === null) add(v.volume_name, v.container_path);
  for (const m of blocks(c.body.mounts)) {
    const type = typeof m.type === "string" ? m.type.trim().toLowerCase() : "volume";
    if (type === "volume") add(m.source, m.target);
  }
  return out;
});

/** Upload blocks of never-started containers by the volume they land in, with the path below the mount. */
type Seeds = Map<string, { readonly below: string; readonly block: Json }[]>;
const SEEDS = new WeakMap<StackIndex, Seeds>();

/**
 * The upload blocks of the stack's never-started containers, by the volume each file lands in
 * (its innermost mount): one pass over the stack's containers, once per stack. A started container
 * is handed its share only when a rule asks for its files (`uploadBlocks`), so the volumes of the
 * thousands of containers no rule reads files of are never resolved.
 */
function seeds(index: StackIndex): Seeds {
  let out = SEEDS.get(index);
  if (out) return out;
  out = new Map();
  SEEDS.set(index, out);
  for (const c of index.byType("docker_container")) {
    if (c.body.upload === undefined || !neverStarted(c)) continue;
    const mounts = volumeMounts(c, index);
    if (mounts.length === 0) continue;
    for (const u of blocks(c.body.upload)) {
      const file = cleanPath(typeof u.file === "string" ? index.resolveString(u.file) : null);
      if (file === null) continue;
      // The innermost mount holding the file (Docker writes it into that volume).
      let best: VolumeMount | null = null;
      for (const m of mounts) if ((file.startsWith(`${m.path}/`) || m.path === "/") && (best === null || m.path.length > best.path.length)) best = m;
      if (best === null) continue;
      const list = out.get(best.key);
      const entry = { below: best.path === "/" ? file : file.slice(best.path.length), block: u };
      if (list) list.push(entry);
      else out.set(best.key, [entry]);
    }
  }
  return out;
}

/**
 * Every upload block whose file a container sees: its own, then the ones never-started containers
 * seeded into volumes it mounts, with `file` rewritten to its own path (see the header). Computed
 * once; read-only.
 */
export const uploadBlocks = perResource((c: IndexedResource, index: StackIndex): readonly Json[] => {
  const own = blocks(c.body.upload);
  if (neverStarted(c)) return own;
  const all = seeds(index);
  if (all.size === 0) return own;
  let out: Json[] | null = null;
  for (const m of volumeMounts(c, index)) {
    const list = all.get(m.key);
    if (!list) continue;
    const base = m.path === "/" ? "" : m.path;
    if (out === null) out = [...own];
    for (const e of list) out.push({ ...e.block, file: `${base}${e.below}` });
  }
  return out ?? own;
});

/** `a, b, c and 7 more`: a list that stays short whatever the stack's size. */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
