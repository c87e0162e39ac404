/**
 * Cloudflare provider v4 resources read as their v5 equivalents, in one place, so that every CF
 * rule (written against cloudflare/cloudflare 5.x) judges configurations still on v4:
 *
 * | v4 | v5 | body |
 * |---|---|---|
 * | `cloudflare_tunnel` | `cloudflare_zero_trust_tunnel_cloudflared` | `secret` → `tunnel_secret` |
 * | `cloudflare_tunnel_config` | `cloudflare_zero_trust_tunnel_cloudflared_config` | `config { ingress_rule { … } }` → `config.ingress[…]` (`origin_request` blocks kept; the rules read both forms) |
 * | `cloudflare_record` | `cloudflare_dns_record` | `value` → `content` |
 * | `cloudflare_access_application` | `cloudflare_zero_trust_access_application` | unchanged, plus `policies` (below) |
 * | `cloudflare_access_policy` | `cloudflare_zero_trust_access_policy` | unchanged (`include { everyone = true }` reads as the v5 condition) |
 *
 * A v4 Access policy names its application (`application_id`); a v5 application lists its
 * policies. `linkV4AccessPolicies` adds to each application the v4 policies that name it, so
 * CF-006 sees them (by reference, or in a plan by the literal id the application already has). The field names are those of the v4 provider documentation (4.x registry
 * docs, as read from memory of the schema; no provider can be downloaded here to check them).
 * The HCL reader (policy/hcl.ts) applies this mapping, and `v4JsonToV5` applies it to Terraform
 * JSON and plans (policy/load.ts); reports keep the v4 addresses.
 */
import { blocks, isObject } from "../../stack-index";
import { ACCESS_APP, ACCESS_POLICY, DNS_RECORD, TUNNEL, TUNNEL_CONFIG } from "./util";

type Json = Record<string, unknown>;

/** v4 resource type → the v5 type the rules read. */
export const V4_TO_V5_TYPES: Readonly<Record<string, string>> = {
  cloudflare_tunnel: TUNNEL,
  cloudflare_tunnel_config: TUNNEL_CONFIG,
  cloudflare_record: DNS_RECORD,
  cloudflare_access_application: ACCESS_APP,
  cloudflare_access_policy: ACCESS_POLICY,
};

/** The v5 type of a resource type (itself when it is not a v4 name). */
export function v5Type(type: string): string {
  return Object.prototype.hasOwnProperty.call(V4_TO_V5_TYPES, type) ? V4_TO_V5_TYPES[type] : type;
}

/** A v4 body in the v5 shape (`type` is the v4 type); other types are returned as they are. */
export function v4BodyToV5(type: string, body: Json): Json {
  switch (type) {
    case "cloudflare_tunnel": {
      const { secret, ...rest } = body;
      return secret === undefined || "tunnel_secret" in rest ? body : { ...rest, tunnel_secret: secret };
    }
    case "cloudflare_tunnel_config": {
      if (body.config === undefined || typeof body.config === "string") return body;
      const config = blocks(body.config).map((c) => {
        const { ingress_rule, ...rest } = c;
        return ingress_rule === undefined ? c : { ...rest, ingress: blocks(ingress_rule) };
      });
      return { ...body, config: config[0] ?? {} };
    }
    case "cloudflare_record": {
      const { value, ...rest } = body;
      return value === undefined || "content" in rest ? body : { ...rest, content: value };
    }
    default:
      return body;
  }
}

/**
 * Add `policies = [{ id, precedence }]` to each Access application that v4 policies name by
 * `application_id` (`resource`: the document's resource section, already in v5 types; `v4Policies`:
 * the names, in that section, of the policies that were v4).
 */
export function linkV4AccessPolicies(resource: Json, v4Policies: ReadonlySet<string>): void {
  const policies = (resource[ACCESS_POLICY] ?? {}) as Json;
  const apps = (resource[ACCESS_APP] ?? {}) as Json;
  for (const name of v4Policies) {
    const body = policies[name] as Json | undefined;
    const appId = body?.application_id;
    if (typeof appId !== "string") continue;
    const m = new RegExp(`^\\$\\{\\s*${ACCESS_APP}\\.([\\w-]+)\\.id\\s*\\}$`).exec(appId);
    // A reference to the application, or (plans) the literal id the planned application has.
    const appName = m ? m[1] : appId.includes("${") ? undefined : Object.keys(apps).find((n) => isObject(apps[n]) && (apps[n] as Json).id === appId);
    const app = appName !== undefined ? (apps[appName] as Json | undefined) : undefined;
    if (!app || typeof app.policies === "string") continue;
    const entry = { id: `\${${ACCESS_POLICY}.${name}.id}`, precedence: body!.precedence ?? 1 };
    // A new body, not an assignment into it: the application may be the caller's input.
    apps[appName!] = { ...app, policies: [...blocks(app.policies), entry] };
  }
}

/** The v4 types, for the presence check (a handful of key lookups per document). */
const V4_TYPES = Object.keys(V4_TO_V5_TYPES);

/** A reference (`type.name`) inside a `${…}` expression, not after a dot (`data.`, `var.`). */
const REF = /(?<![\w.\-"])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g;
const INTERPOLATION = /\$\{([^}]*)\}/g;

/** True when a resource section (object or Terraform JSON's array form) holds a v4 type. */
function hasV4Type(section: unknown): boolean {
  for (const byType of blocks(section)) for (const t of V4_TYPES) if (t in byType) return true;
  return false;
}

/** `value` with the references of `table` (v4 address → engine address) renamed; the same value when none is. */
function renameRefs(value: unknown, table: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    return value.replace(INTERPOLATION, (whole, expr: string) => {
      const literals: string[] = [];
      const masked = expr.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => `\u0000${literals.push(lit) - 1}\u0000`);
      const renamed = masked.replace(REF, (ref: string, type: string, name: string) => table.get(`${type}.${name}`) ?? ref);
      return renamed === masked ? whole : `\${${renamed.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => literals[Number(n)])}}`;
    });
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((v, i) => {
      const r = renameRefs(v, table);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  if (isObject(value)) {
    let out: Json | null = null;
    for (const k of Object.keys(value)) {
      if (k === "//") continue;
      const v = value[k];
      // `depends_on` lists addresses without `${}`.
      const r = k === "depends_on" && Array.isArray(v) ? v.map((a) => (typeof a === "string" ? table.get(a) ?? a : renameRefs(a, table))) : renameRefs(v, table);
      if (r !== v && !(Array.isArray(r) && Array.isArray(v) && r.every((x, i) => x === v[i]))) (out ??= { ...value })[k] = r;
    }
    return out ?? value;
  }
  return value;
}

/**
 * A Terraform JSON document (a configuration, or a plan read as one) with its Cloudflare v4
 * resources as their v5 equivalents, or null when it has none (checked once per document: a few
 * key lookups, nothing per resource). The input is never changed: the result is a copy that shares
 * every part it does not change. `renames` (engine address → address reports show; a plan's
 * generated names) is extended so that reports keep the v4 addresses: `cloudflare_tunnel_config.x`,
 * not `cloudflare_zero_trust_tunnel_cloudflared_config.x`. References to v4 resources anywhere in
 * the document (`${cloudflare_tunnel.t.id}`, `depends_on`) and top-level suppression addresses
 * are renamed with them. A v4 resource whose v5 name is already taken by a v5 resource of the same
 * name gets a generated name (`name--v4`).
 */
export function v4JsonToV5(json: Json, renames?: ReadonlyMap<string, string>): { json: Json; renames: Map<string, string> } | null {
  if (!hasV4Type(json.resource)) return null;
  const sections = blocks(json.resource);
  // Names taken in each v5 type, to keep v4 names from colliding with them.
  const taken = new Map<string, Set<string>>();
  const namesOf = (type: string) => {
    let set = taken.get(type);
    if (!set) taken.set(type, (set = new Set()));
    return set;
  };
  for (const byType of sections) {
    for (const type of Object.keys(byType)) {
      if (type in V4_TO_V5_TYPES) continue;
      for (const byName of blocks(byType[type])) for (const name of Object.keys(byName)) namesOf(type).add(name);
    }
  }
  const table = new Map<string, string>();
  const engineName = new Map<string, string>();
  for (const byType of sections) {
    for (const type of V4_TYPES) {
      if (!(type in byType)) continue;
      const used = namesOf(V4_TO_V5_TYPES[type]);
      for (const byName of blocks(byType[type])) {
        for (const name of Object.keys(byName)) {
          let flat = name;
          for (let i = 1; used.has(flat); i++) flat = i === 1 ? `${name}--v4` : `${name}--v4-${i}`;
          used.add(flat);
          table.set(`${type}.${name}`, `${V4_TO_V5_TYPES[type]}.${flat}`);
          engineName.set(`${type}.${name}`, flat);
        }
      }
    }
  }

  const v4Policies = new Set<string>();
  const mapSection = (byType: Json): Json => {
    const out: Json = {};
    const put = (type: string, byName: unknown) => {
      out[type] = type in out ? [...blocks(out[type]), ...blocks(byName)] : byName;
    };
    for (const type of Object.keys(byType)) {
      if (!(type in V4_TO_V5_TYPES)) {
        put(type, renameRefs(byType[type], table));
        continue;
      }
      const v5 = V4_TO_V5_TYPES[type];
      const mapped: Json = {};
      for (const byName of blocks(byType[type])) {
        for (const [name, body] of Object.entries(byName)) {
          const flat = engineName.get(`${type}.${name}`)!;
          mapped[flat] = isObject(body) ? v4BodyToV5(type, renameRefs(body, table) as Json) : body;
          if (type === "cloudflare_access_policy") v4Policies.add(flat);
        }
      }
      put(v5, mapped);
    }
    return out;
  };
  const mappedSections = sections.map(mapSection);
  // One object, so that v4 policies can be linked to their applications (types from several
  // elements of the array form are merged as lists of name maps, which the index reads alike).
  let resource: Json;
  if (mappedSections.length === 1) {
    resource = mappedSections[0];
  } else {
    resource = {};
    for (const s of mappedSections) for (const [type, byName] of Object.entries(s)) resource[type] = type in resource ? [...blocks(resource[type]), ...blocks(byName)] : byName;
  }
  if (v4Policies.size > 0) {
    // linkV4AccessPolicies reads one name map per type: merge the list forms of the two types it reads.
    for (const type of [ACCESS_POLICY, ACCESS_APP]) {
      if (Array.isArray(resource[type])) resource[type] = Object.assign({}, ...blocks(resource[type]));
      else if (isObject(resource[type])) resource[type] = { ...(resource[type] as Json) };
    }
    linkV4AccessPolicies(resource, v4Policies);
  }

  const doc: Json = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === "resource") doc.resource = resource;
    else if (k === "//") doc[k] = renameSuppressionAddresses(v, table);
    else if (k === "variable") doc[k] = v;
    else doc[k] = renameRefs(v, table);
  }

  const out = new Map(renames ?? []);
  for (const [v4, engine] of table) {
    const shown = out.get(v4) ?? v4;
    out.delete(v4);
    out.set(engine, shown);
  }
  return { json: doc, renames: out };
}

/** Top-level `"//".bulwark.suppressions[].address` written with a v4 address, as the engine names it. */
function renameSuppressionAddresses(meta: unknown, table: ReadonlyMap<string, string>): unknown {
  if (!isObject(meta) || !isObject(meta.bulwark) || !Array.isArray(meta.bulwark.suppressions)) return meta;
  const list = meta.bulwark.suppressions;
  if (!list.some((e) => isObject(e) && typeof e.address === "string" && table.has(e.address))) return meta;
  const suppressions = list.map((e) => (isObject(e) && typeof e.address === "string" && table.has(e.address) ? { ...e, address: table.get(e.address) } : e));
  return { ...meta, bulwark: { ...meta.bulwark, suppressions } };
}
