/**
 * Static resolution of the expressions hcl2json leaves in `${…}` strings: what can be known
 * before `terraform plan` is replaced by its value, everything else stays an expression (never
 * guessed), so the rules see it as unknown.
 *
 * Known: `var.x` (a literal from a default, a tfvars file, the command line, or a module call's
 * argument), `local.x` (itself resolved the same way, locals referring to variables and other
 * locals; a cycle stays unknown), `each.key`/`each.value`, `count.index`, a `dynamic` block's
 * iterator, each followed by attribute or index steps (`local.github.repository`,
 * `var.ports[0]`, `each.value["image"]`). A string that is exactly one such reference takes the
 * value with its type (a map stays a map); one inside a longer template is spliced in when the
 * value is a string, number or boolean. Any other expression (functions, conditionals, `for`)
 * is left as written; only its references are renamed when the resource lives in a child module
 * or is an expanded instance (`rename`).
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a `${…}` can refer to while one module (or one instance of a resource) is resolved. */
export interface Scope {
  /** Known variable values (literals, or already resolved expressions from the calling module). */
  readonly vars: ReadonlyMap<string, unknown>;
  /** The value of a local, or undefined when it is not known statically. */
  local(name: string): unknown;
  /** `each` of an expanded `for_each` instance. */
  readonly each?: { readonly key: string; readonly value: unknown };
  /** `count.index` of an expanded `count` instance. */
  readonly countIndex?: number;
  /** Iterators of the `dynamic` blocks being expanded (`ports.value`). */
  readonly iterators?: ReadonlyMap<string, { readonly key: unknown; readonly value: unknown }>;
  /**
   * A reference kept as an expression, renamed: `docker_network.inner` of a child module to its
   * flattened name, an unresolved `var.x` of a child module to a name no root variable has.
   * `index` is the literal index that followed (`[0]`, `["a"]`), which selects an instance.
   * Returns the new reference text, or undefined to keep it.
   */
  rename?(address: string, index: string | number | null): string | undefined;
}

const NOT_FOUND = Symbol("unknown");
type Lookup = unknown | typeof NOT_FOUND;

const STEP = /^(?:\.([A-Za-z_][\w-]*)|\[\s*(\d+|"(?:[^"\\]|\\.)*")\s*\])/;
const HEAD = /^([A-Za-z_][\w-]*)/;

/** Follow `.a`, `[0]`, `["k"]` steps into a value. */
function follow(value: unknown, path: string): Lookup {
  let v = value;
  let rest = path;
  while (rest !== "") {
    const m = STEP.exec(rest);
    if (!m) return NOT_FOUND;
    rest = rest.slice(m[0].length);
    const key = m[1] ?? (m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]));
    if (Array.isArray(v) && typeof key === "number") v = v[key];
    else if (isObject(v) && typeof key === "string") v = v[key];
    else if (isObject(v) && typeof key === "number") v = v[String(key)];
    else return NOT_FOUND;
    if (v === undefined) return NOT_FOUND;
  }
  return v;
}

/** The value of a whole expression that is a known reference, or NOT_FOUND. */
function lookup(expr: string, scope: Scope): Lookup {
  const e = expr.trim();
  const head = HEAD.exec(e);
  if (!head) return NOT_FOUND;
  const root = head[1];
  let rest = e.slice(root.length);
  const attr = () => {
    const m = /^\.([A-Za-z_][\w-]*)/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
    return m[1];
  };
  let base: Lookup = NOT_FOUND;
  if (root === "var" || root === "local") {
    const name = attr();
    if (name === null) return NOT_FOUND;
    if (root === "var") base = scope.vars.has(name) ? scope.vars.get(name) : NOT_FOUND;
    else {
      const v = scope.local(name);
      base = v === undefined ? NOT_FOUND : v;
    }
  } else if (root === "each" && scope.each) {
    const which = attr();
    base = which === "key" ? scope.each.key : which === "value" ? scope.each.value : NOT_FOUND;
  } else if (root === "count" && scope.countIndex !== undefined) {
    base = attr() === "index" ? scope.countIndex : NOT_FOUND;
  } else if (scope.iterators?.has(root)) {
    const it = scope.iterators.get(root)!;
    const which = attr();
    base = which === "key" ? it.key : which === "value" ? it.value : NOT_FOUND;
  }
  if (base === NOT_FOUND) return NOT_FOUND;
  if (rest !== "" && !STEP.test(rest)) return NOT_FOUND;
  return follow(base, rest);
}

/** True when a value holds no expression at all. */
export function isLiteral(v: unknown): boolean {
  if (typeof v === "string") return !v.includes("${") && !v.includes("%{");
  if (Array.isArray(v)) return v.every(isLiteral);
  if (isObject(v)) return Object.values(v).every(isLiteral);
  return true;
}

interface Part {
  readonly text: string;
  readonly expr: boolean;
}

/** Split a template into literal text and `${…}` expressions (nested braces and strings kept). */
function templateParts(s: string): Part[] | null {
  const parts: Part[] = [];
  let text = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i)) {
      text += "$${";
      i += 3;
      continue;
    }
    if (!s.startsWith("${", i)) {
      text += s[i++];
      continue;
    }
    let depth = 1;
    let j = i + 2;
    let inString = false;
    for (; j < s.length && depth > 0; j++) {
      const c = s[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
    }
    if (depth !== 0) return null;
    if (text !== "") parts.push({ text, expr: false });
    text = "";
    parts.push({ text: s.slice(i + 2, j - 1), expr: true });
    i = j;
  }
  if (text !== "") parts.push({ text, expr: false });
  return parts;
}

const REF_IN_EXPR = /(?<![\w.\-\u0000])((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(\[\s*(?:\d+|\u0000\d+\u0000)\s*\])?/g;

/** The references of an expression renamed by the scope (string literals left alone). */
function renameIn(expr: string, scope: Scope): string {
  if (!scope.rename) return expr;
  const literals: string[] = [];
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => `\u0000${literals.push(lit) - 1}\u0000`);
  const renamed = masked.replace(REF_IN_EXPR, (whole, address: string, idx: string | undefined) => {
    let index: string | number | null = null;
    if (idx !== undefined) {
      const inner = idx.slice(1, -1).trim();
      index = inner.startsWith("\u0000") ? (JSON.parse(literals[Number(inner.slice(1, -1))]) as string) : Number(inner);
    }
    const withIndex = index === null ? undefined : scope.rename!(address, index);
    if (withIndex !== undefined) return withIndex;
    const plain = scope.rename!(address, null);
    return plain === undefined ? whole : plain + (idx ?? "");
  });
  return renamed.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => literals[Number(n)]);
}

/** A string with its known references replaced (see the module comment). */
export function substituteString(s: string, scope: Scope): unknown {
  if (!s.includes("${")) return s;
  const parts = templateParts(s);
  if (parts === null) return s;
  if (parts.length === 1 && parts[0].expr) {
    const v = lookup(parts[0].text, scope);
    if (v !== NOT_FOUND) return typeof v === "object" && v !== null ? structuredClone(v) : v;
    return `\${${renameIn(parts[0].text, scope)}}`;
  }
  let out = "";
  for (const p of parts) {
    if (!p.expr) {
      out += p.text;
      continue;
    }
    const v = lookup(p.text, scope);
    if (v !== NOT_FOUND && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) out += String(v);
    else out += `\${${renameIn(p.text, scope)}}`;
  }
  return out;
}

/** A value (string, list, object) with its known references replaced. */
export function substitute(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") return substituteString(value, scope);
  if (Array.isArray(value)) return value.map((v) => substitute(v, scope));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, scope);
    return out;
  }
  return value;
}

/**
 * The literal collection a `for_each` iterates, or null: an object (keys and values), a list of
 * strings, or `toset([...])` / `toset(var.x)` whose list is known.
 */
export function forEachItems(value: unknown, scope: Scope): Array<{ key: string; value: unknown }> | null {
  let v = value;
  if (typeof v === "string") {
    const m = /^\$\{\s*toset\(([\s\S]*)\)\s*\}$/.exec(v);
    if (!m) return null;
    const inner = m[1].trim();
    const known = lookup(inner, scope);
    if (known !== NOT_FOUND) v = known;
    else {
      try {
        v = JSON.parse(inner);
      } catch {
        return null;
      }
    }
    if (!Array.isArray(v)) return null;
  }
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === "string")) return null;
    return [...new Set(v as string[])].map((k) => ({ key: k, value: k }));
  }
  if (isObject(v) && isLiteral(v)) return Object.entries(v).map(([key, value]) => ({ key, value }));
  return null;
}

/** A literal `count` (a number, or a numeric string after substitution), or null. */
export function countOf(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return null;
}
