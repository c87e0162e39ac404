/**
 * Builds the read-only StackIndex of one Terraform JSON configuration (cdk.tf.json or any
 * *.tf.json): resources by type and address, data sources, variables, providers, backend,
 * required providers, and reference resolution within the stack.
 *
 * Terraform JSON allows a block to be an object or an array of objects at most levels; both are
 * accepted. Nothing here mutates the input.
 */
import type {
  BackendBlock,
  IndexedResource,
  ProviderBlock,
  Reference,
  StackIndex,
  VariableBlock,
} from "./types";
import { pinnedVersion } from "../knowledge";

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An object, or each object of an array of objects (Terraform JSON block forms). */
export function blocks(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
// A reference inside an expression: data.type.name, var.x, local.x, module.x, type.name; then
// an optional attribute path. Keywords and function names never contain a dot, so they drop out.
const REFERENCE = /(?<![\w."])(data\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*|(?:var|local|module)\.[A-Za-z_][\w-]*|[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)((?:\.[\w-]+|\[[^\]]*\])*)/g;

/** `${type.name.attribute}` exactly (no spaces, functions, indexes or further attributes). */
const SIMPLE_REFERENCE = /^\$\{([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\.([\w-]+)\}$/;
/** First words that make `a.b.c` something other than `resource.name.attribute`. */
const NOT_A_RESOURCE = new Set(["data", "var", "local", "module", "each", "count", "path", "terraform", "self"]);

export function constructPathOf(body: Json): string | null {
  const meta = body["//"];
  if (isObject(meta) && isObject(meta.metadata) && typeof meta.metadata.path === "string") {
    return meta.metadata.path;
  }
  return null;
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") {
    if (value.includes("${")) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out);
  } else if (isObject(value)) {
    for (const k in value) if (k !== "//") collectStrings(value[k], out);
  }
}

export function parseReferences(value: unknown): Reference[] {
  const strings: string[] = [];
  collectStrings(value, strings);
  const refs: Reference[] = [];
  for (const s of strings) {
    for (const m of s.matchAll(INTERPOLATION)) {
      const expr = m[1].replace(/"(?:[^"\\]|\\.)*"/g, '""');
      for (const r of expr.matchAll(REFERENCE)) {
        const attribute = r[2].replace(/^\./, "");
        refs.push({ address: r[1], attribute });
      }
    }
  }
  return refs;
}

/** A resource or data source; its construct path is read from the body only when asked for. */
class Resource implements IndexedResource {
  constructor(
    readonly mode: "resource" | "data",
    readonly type: string,
    readonly name: string,
    readonly address: string,
    readonly body: Json,
  ) {}

  /** Memo slots of `perResource` facts (rules ask the same questions of a resource many times). */
  readonly facts: unknown[] = [];

  get constructPath(): string | null {
    return constructPathOf(this.body);
  }
}

class Index implements StackIndex {
  readonly resources: IndexedResource[] = [];
  readonly variables = new Map<string, VariableBlock>();
  readonly providers: ProviderBlock[] = [];
  readonly backend: BackendBlock | null = null;
  readonly requiredProviders = new Map<string, { source: string; version: string | null }>();
  private readonly types = new Map<string, IndexedResource[]>();
  private readonly addresses = new Map<string, IndexedResource>();
  private reverse: Map<string, IndexedResource[]> | null = null;
  /** Rules resolve the same strings over and over (every image, every network name). */
  private readonly resolved = new Map<string, string | null>();

  constructor(readonly stack: string, readonly file: string, readonly json: Json) {
    for (const [mode, key] of [["resource", "resource"], ["data", "data"]] as const) {
      for (const byType of blocks(json[key])) {
        for (const type of Object.keys(byType)) {
          let list: IndexedResource[] | undefined;
          if (mode === "resource") {
            list = this.types.get(type);
            if (!list) this.types.set(type, (list = []));
          }
          for (const byName of blocks(byType[type])) {
            const names = Object.keys(byName);
            for (let i = 0; i < names.length; i++) {
              const name = names[i];
              const value = byName[name];
              // One body (the usual form) without the array `blocks` would allocate for it.
              if (isObject(value)) this.add(mode, type, name, value, list);
              else if (Array.isArray(value)) for (const body of value) if (isObject(body)) this.add(mode, type, name, body, list);
            }
          }
        }
      }
    }
    for (const vars of blocks(json.variable)) {
      for (const name of Object.keys(vars)) {
        const body = blocks(vars[name])[0] ?? {};
        this.variables.set(name, { name, address: `var.${name}`, body });
      }
    }
    for (const provs of blocks(json.provider)) {
      for (const name of Object.keys(provs)) {
        for (const body of blocks(provs[name])) {
          const alias = typeof body.alias === "string" ? body.alias : null;
          this.providers.push({ name, alias, address: alias ? `provider.${name}.${alias}` : `provider.${name}`, body });
        }
      }
    }
    for (const tf of blocks(json.terraform)) {
      for (const rp of blocks(tf.required_providers)) {
        for (const name of Object.keys(rp)) {
          const v = rp[name];
          if (typeof v === "string") {
            this.requiredProviders.set(name, { source: name, version: v });
          } else if (isObject(v)) {
            const source = typeof v.source === "string" ? v.source : name;
            this.requiredProviders.set(name, { source, version: typeof v.version === "string" ? v.version : null });
          }
        }
      }
      for (const be of blocks(tf.backend)) {
        const type = Object.keys(be)[0];
        if (type) this.backend = { type, body: blocks(be[type])[0] ?? {} };
      }
      if (!this.backend && isObject(tf.cloud)) this.backend = { type: "cloud", body: tf.cloud };
    }
  }

  private add(mode: "resource" | "data", type: string, name: string, body: Json, list: IndexedResource[] | undefined): void {
    const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
    const r = new Resource(mode, type, name, address, body);
    this.resources.push(r);
    this.addresses.set(address, r);
    if (list) list.push(r);
  }

  byType(type: string): readonly IndexedResource[] {
    return this.types.get(type) ?? [];
  }

  byAddress(address: string): IndexedResource | undefined {
    return this.addresses.get(address);
  }

  providerVersion(source: string): string | null {
    const wanted = source.toLowerCase();
    for (const rp of this.requiredProviders.values()) {
      const s = rp.source.toLowerCase().replace(/^registry\.terraform\.io\//, "");
      if (s === wanted) return pinnedVersion(rp.version);
    }
    return null;
  }

  referencesIn(value: unknown): Reference[] {
    return parseReferences(value);
  }

  isReference(value: unknown): boolean {
    return typeof value === "string" && value.includes("${");
  }

  resolveString(value: unknown): string | null {
    if (typeof value !== "string") return null;
    if (!value.includes("${")) return value;
    let hit = this.resolved.get(value);
    if (hit === undefined) {
      hit = this.resolveUncached(value);
      this.resolved.set(value, hit);
    }
    return hit;
  }

  private resolveUncached(value: string): string | null {
    let address: string;
    let attribute: string;
    const simple = SIMPLE_REFERENCE.exec(value);
    if (simple !== null && !NOT_A_RESOURCE.has(simple[1])) {
      // `${type.name.attribute}`, by far the most common form: what parseReferences would find.
      address = `${simple[1]}.${simple[2]}`;
      attribute = simple[3];
    } else {
      const m = /^\$\{([^}]*)\}$/.exec(value.trim());
      if (!m) return null;
      const refs = parseReferences(value);
      if (refs.length !== 1) return null;
      ({ address, attribute } = refs[0]);
    }
    const target = this.addresses.get(address);
    if (!target) return null;
    if (target.type === "docker_image" && (attribute === "image_id" || attribute === "name" || attribute === "id")) {
      return this.resolveString(target.body.name);
    }
    if (attribute && /^[\w-]+$/.test(attribute)) return this.resolveString(target.body[attribute]);
    return null;
  }

  referencedBy(address: string): readonly IndexedResource[] {
    if (!this.reverse) {
      const reverse = new Map<string, IndexedResource[]>();
      for (const r of this.resources) {
        const seen = new Set<string>();
        for (const ref of parseReferences(r.body)) {
          if (seen.has(ref.address)) continue;
          seen.add(ref.address);
          let list = reverse.get(ref.address);
          if (!list) reverse.set(ref.address, (list = []));
          list.push(r);
        }
      }
      this.reverse = reverse;
    }
    return this.reverse.get(address) ?? [];
  }
}

export function buildStackIndex(stack: string, file: string, json: Json): StackIndex {
  return new Index(stack, file, json);
}
