/**
 * Shared reading of cloudflare/cloudflare v5 Terraform JSON for the CF rules: tunnel configs and
 * their ingress, tunnel-id keys, hostnames, and Access application coverage.
 *
 * v5 nested settings are attributes (plain objects/lists); `blocks` still accepts either form so
 * hand-written JSON that wraps an object in a one-element list is read the same way.
 */
import { blocks } from "../../stack-index";
import { TUNNEL_CNAME_SUFFIX, isAdminHostname } from "../../../knowledge";
import type { IndexedResource, StackIndex } from "../../types";

export type Json = Record<string, unknown>;

export const TUNNEL = "cloudflare_zero_trust_tunnel_cloudflared";
export const TUNNEL_CONFIG = "cloudflare_zero_trust_tunnel_cloudflared_config";
export const DNS_RECORD = "cloudflare_dns_record";
export const ACCESS_APP = "cloudflare_zero_trust_access_application";
export const ACCESS_POLICY = "cloudflare_zero_trust_access_policy";
export const RULESET = "cloudflare_ruleset";

const TUNNEL_SUFFIX = TUNNEL_CNAME_SUFFIX;
const SINGLE_REFERENCE = /^\$\{\s*([^}]*?)\s*\}$/;

/** `true` or a string spelling of it ("true", " TRUE "). References and everything else: false. */
export function isTrue(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
}

/** Missing, null or an empty/blank string. */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** JSON-ish rendering of a value for messages. */
export function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v) ?? String(v);
}

// ---------------------------------------------------------------------------------------------
// Tunnel configs

export interface IngressRule {
  /** Position in `config.ingress`, for messages (`ingress[2]`). */
  readonly position: number;
  readonly body: Json;
  /** The rule's `origin_request` object, if any. */
  readonly originRequest: Json | undefined;
}

export interface TunnelConfigView {
  /**
   * The ingress rules, or null when `config.ingress` is not a literal list (a `${…}` expression):
   * then nothing about them can be judged.
   */
  readonly ingress: readonly IngressRule[] | null;
  /** Config-level `origin_request` (defaults every rule inherits). */
  readonly originRequest: Json | undefined;
}

const configViews = new WeakMap<object, TunnelConfigView>();

/** `config.ingress` and `config.origin_request` of a tunnel config resource (memoized per body). */
export function tunnelConfigView(res: IndexedResource): TunnelConfigView {
  const cached = configViews.get(res.body);
  if (cached) return cached;
  const config = blocks(res.body.config)[0];
  let ingress: IngressRule[] | null = [];
  if (config && typeof config.ingress === "string") {
    ingress = null;
  } else if (config) {
    ingress = blocks(config.ingress).map((body, position) => ({
      position,
      body,
      originRequest: blocks(body.origin_request)[0],
    }));
  }
  const view: TunnelConfigView = { ingress, originRequest: config ? blocks(config.origin_request)[0] : undefined };
  configViews.set(res.body, view);
  return view;
}

/** A literal hostname string (resolved through same-stack references), or null when unknown. */
export function literalHost(value: unknown, index: StackIndex): string | null {
  const s = index.resolveString(value);
  if (s === null) return null;
  const t = s.trim();
  return t === "" ? null : t;
}

/** True when an ingress hostname is absent, empty or `*` (matches every host, as cloudflared reads it). */
export function matchesAllHosts(hostname: unknown): boolean {
  return isBlank(hostname) || (typeof hostname === "string" && hostname.trim() === "*");
}

// ---------------------------------------------------------------------------------------------
// Tunnel identity

/**
 * A comparable key for an id (tunnel id, zone id): `lit:<uuid>` for a literal (or a same-stack reference that
 * resolves to one), `ref:<expression>` for an unresolvable single reference
 * (`${cloudflare_zero_trust_tunnel_cloudflared.x.id}` → `ref:cloudflare_zero_trust_tunnel_cloudflared.x.id`),
 * null for anything else (empty, composite expressions).
 */
export function idKey(value: unknown, index: StackIndex): string | null {
  if (typeof value !== "string") return null;
  const resolved = index.resolveString(value);
  if (resolved !== null) {
    const t = resolved.trim().toLowerCase();
    return t === "" ? null : `lit:${t}`;
  }
  const m = SINGLE_REFERENCE.exec(value.trim());
  return m ? `ref:${m[1].replace(/\s+/g, "")}` : null;
}

/** The tunnel key of a CNAME content `<tunnel id>.cfargotunnel.com`, or null when it is not a tunnel target. */
export function cnameTunnelKey(content: unknown, index: StackIndex): string | null {
  if (typeof content !== "string") return null;
  let c = content.trim();
  if (c.endsWith(".")) c = c.slice(0, -1);
  if (!c.toLowerCase().endsWith(TUNNEL_SUFFIX)) return null;
  return idKey(c.slice(0, c.length - TUNNEL_SUFFIX.length), index);
}

/** True when a CNAME content names some tunnel (`….cfargotunnel.com`), whatever its id expression. */
export function isTunnelTarget(content: unknown): boolean {
  if (typeof content !== "string") return false;
  const c = content.trim().toLowerCase().replace(/\.$/, "");
  return c.endsWith(TUNNEL_SUFFIX);
}

/** DNS record type, upper-case (`CNAME`), or null when not a literal string. */
export function recordType(body: Readonly<Json>): string | null {
  return typeof body.type === "string" ? body.type.trim().toUpperCase() : null;
}

/**
 * Which zone a `zone_id` means, as a key that holds across the stacks of a run: `zone <id>` for a
 * literal, `zone <name>` for a reference to a cloudflare_zone (resource or data source) of this
 * stack whose name is known, and the reference expression scoped to this stack (`scope`, before a
 * NUL) for any other single reference (the same variable means the same zone within one stack
 * only). Null when unknown. zoneLabel gives the key for people.
 */
export function zoneKey(value: unknown, index: StackIndex, scope: string): { key: string } | null {
  const literal = typeof value === "string" ? index.resolveString(value) : null;
  if (literal !== null) {
    const id = literal.trim().toLowerCase();
    return id === "" ? null : { key: `zone ${id}` };
  }
  const m = typeof value === "string" ? SINGLE_REFERENCE.exec(value.trim()) : null;
  if (!m) return null;
  const refs = index.referencesIn(value);
  const zone = refs.length === 1 ? index.byAddress(refs[0].address) : undefined;
  if (zone && zone.type === "cloudflare_zone") {
    const name = literalHost(zone.body.name, index) ?? literalHost(blocks(zone.body.filter)[0]?.name, index);
    if (name) return { key: `zone ${name.toLowerCase().replace(/\.$/, "")}` };
  }
  return { key: `${scope}\u0000zone \${${m[1].replace(/\s+/g, "")}}` };
}

/** A zone key for people (without its stack scope). */
export function zoneLabel(key: string): string {
  return key.slice(key.lastIndexOf("\u0000") + 1);
}

/**
 * Which tunnel a `tunnel_id` means across the stacks of a run: its literal id, or the tunnel
 * resource of this stack it references (scoped to the stack). Null when unknown (a variable):
 * then it cannot be told apart from another tunnel.
 */
export function tunnelIdentity(value: unknown, index: StackIndex, scope: string): string | null {
  const literal = typeof value === "string" ? index.resolveString(value) : null;
  if (literal !== null) return literal.trim() === "" ? null : `tunnel ${literal.trim().toLowerCase()}`;
  const refs = index.referencesIn(value);
  if (refs.length !== 1 || typeof value !== "string" || !SINGLE_REFERENCE.test(value.trim())) return null;
  const target = index.byAddress(refs[0].address);
  return target && target.type === TUNNEL ? `${scope}\u0000${target.address}` : null;
}

/** Key of a tunnel id (see idKey). */
export const tunnelKey = idKey;

/** Human name of a tunnel key for messages. */
export function describeKey(key: string | null): string {
  if (key === null) return "an unknown tunnel";
  return key.startsWith("ref:") ? `\${${key.slice(4)}}` : key.slice(4);
}

// ---------------------------------------------------------------------------------------------
// Hostnames and Access coverage

/** First DNS label is exactly one of the admin labels (`staff.example.org` yes, `opac.…` no). */
export function isAdminHost(host: string): boolean {
  return isAdminHostname(host);
}

interface CoverageEntry {
  readonly app: IndexedResource;
  /** Lower-case host part of the domain (`staff.example.org`, `*.example.org`). */
  readonly host: string;
  /** Path part after the host (`/admin`), empty when the whole host is covered. */
  readonly path: string;
}

export interface Coverage {
  readonly app: IndexedResource;
  /** True when the application covers only a path of the host (`staff.example.org/admin`). */
  readonly pathOnly: boolean;
  /** The domain as written, for messages. */
  readonly domain: string;
}

// Paths that mean "the whole host" in an Access domain.
const WHOLE_HOST_PATHS = new Set(["", "/", "/*", "*"]);

/**
 * A hostname as the Access and tunnel rules compare it: the literal (resolved) host, or, when it
 * is not known before apply, the expression as written (`grafana.${var.domain}`), which equals the
 * same expression elsewhere in the stack (an Access domain written like the ingress hostname
 * covers it). Null for anything else (absent, empty, not a string).
 */
export function hostKey(value: unknown, index: StackIndex): string | null {
  const literal = literalHost(value, index);
  if (literal !== null) return literal;
  if (typeof value !== "string") return null;
  const t = value.trim();
  return t === "" ? null : t;
}

function coverageEntry(app: IndexedResource, value: unknown, index: StackIndex): CoverageEntry | null {
  const s = hostKey(value, index);
  if (s === null) return null;
  const noScheme = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = noScheme.indexOf("/");
  const hostPort = slash < 0 ? noScheme : noScheme.slice(0, slash);
  const path = slash < 0 ? "" : noScheme.slice(slash);
  const host = hostPort.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
  if (host === "") return null;
  return { app, host, path: WHOLE_HOST_PATHS.has(path) ? "" : path };
}

const coverageCache = new WeakMap<StackIndex, ReadonlyMap<string, readonly CoverageEntry[]>>();

/**
 * Every domain an Access application of the stack declares (domain, self_hosted_domains,
 * destinations[].uri), by lower-case host part; built once per stack.
 */
function coverageEntries(index: StackIndex): ReadonlyMap<string, readonly CoverageEntry[]> {
  const cached = coverageCache.get(index);
  if (cached) return cached;
  const out = new Map<string, CoverageEntry[]>();
  const add = (app: IndexedResource, v: unknown) => {
    const e = coverageEntry(app, v, index);
    if (!e) return;
    let list = out.get(e.host);
    if (!list) out.set(e.host, (list = []));
    list.push(e);
  };
  for (const app of index.byType(ACCESS_APP)) {
    add(app, app.body.domain);
    const shd = app.body.self_hosted_domains;
    if (Array.isArray(shd)) for (const d of shd) add(app, d);
    for (const dest of blocks(app.body.destinations)) {
      // Private destinations carry hostname/cidr, not a public URI; only `uri` is read.
      if (typeof dest.type === "string" && dest.type.trim().toLowerCase() !== "public") continue;
      add(app, dest.uri);
    }
  }
  coverageCache.set(index, out);
  return out;
}

/**
 * Access applications covering a hostname: a domain equal to it (host part, case-insensitive),
 * or `*.<parent>` where `<parent>` is the hostname without its first label. A domain with a path
 * (`staff.example.org/admin`) covers the host but is marked `pathOnly`. The hostname may be an
 * expression (`hostKey`): it is then covered by a domain written as the same expression, or by
 * `*.<the same parent expression>` (`*.${var.domain}` covers `grafana.${var.domain}`).
 */
export function coveringApps(hostname: string, index: StackIndex): Coverage[] {
  const host = hostname.trim().replace(/\.$/, "").toLowerCase();
  const dot = host.indexOf(".");
  const wildcard = dot > 0 ? `*${host.slice(dot)}` : null;
  const entries = coverageEntries(index);
  const out: Coverage[] = [];
  const hits = [...(entries.get(host) ?? []), ...(wildcard !== null && wildcard !== host ? entries.get(wildcard) ?? [] : [])];
  for (const e of hits) out.push({ app: e.app, pathOnly: e.path !== "", domain: `${e.host}${e.path}` });
  return out;
}

/** True when some condition object of the list (`include`, `require`, …) sets `key` (`everyone: {}`). */
export function hasCondition(list: unknown, key: string): boolean {
  return blocks(list).some((b) => key in b && b[key] !== null && b[key] !== false);
}

export { blocks };
