/**
 * Which Docker host a docker_* resource lands on: the `host` of the docker provider block it uses
 * (the `provider` meta-argument `docker.<alias>`, else the default `docker` provider). No block,
 * or a block without `host`, is the default socket. An unresolvable host (`${var.docker_host}`) or
 * a provider alias this stack does not define is unknown: null. (DOCKER_HOST in the environment
 * of whoever applies cannot be seen here.)
 */
import type { IndexedResource, StackIndex } from "../../types";

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

const PROVIDER_REF = /^\s*(?:\$\{\s*)?([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?\s*\}?\s*$/;
const EDGES = /^[\s/]|\s$/;
const URL_FORM = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i;

/** `UNIX:///var/run//docker.sock/` → `unix:///var/run/docker.sock`; `TCP://Box:2376/` → `tcp://box:2376`. */
export function normalizeDockerHost(host: string): string {
  const h = host.trim();
  const m = URL_FORM.exec(h);
  if (!m) return h.startsWith("/") ? `unix://${collapse(h)}` : h.toLowerCase();
  const scheme = m[1].toLowerCase();
  if (scheme === "unix" || scheme === "npipe") return `${scheme}://${collapse(m[2])}`;
  return `${scheme}://${m[2].replace(/\/+$/, "").toLowerCase()}`;
}

function collapse(path: string): string {
  return path.replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1");
}

const HOSTS = new WeakMap<StackIndex, Map<unknown, string | null>>();

/** The normalised host of the resource's docker provider, or null when unknown before apply (memoized per stack). */
export function dockerHostOf(res: IndexedResource, index: StackIndex): string | null {
  const raw = res.body.provider;
  let hosts = HOSTS.get(index);
  if (!hosts) HOSTS.set(index, (hosts = new Map()));
  let host = hosts.get(raw);
  if (host === undefined) hosts.set(raw, (host = hostOf(raw, index)));
  return host;
}

function hostOf(raw: unknown, index: StackIndex): string | null {
  let name = "docker";
  let alias: string | null = null;
  if (typeof raw === "string" && raw.trim() !== "") {
    const m = PROVIDER_REF.exec(raw);
    if (!m) return null;
    [name, alias] = [m[1], m[2] ?? null];
  }
  const block = index.providers.find((p) => p.name === name && p.alias === alias);
  if (!block) return alias === null ? DEFAULT_DOCKER_HOST : null;
  const host = block.body.host;
  if (host === undefined || host === null || host === "") return DEFAULT_DOCKER_HOST;
  const literal = index.resolveString(host);
  if (literal === null) return null;
  return literal.trim() === "" ? DEFAULT_DOCKER_HOST : normalizeDockerHost(literal);
}

/** The literal name of a docker_* resource (`/web` is `web` to Docker), or null when unknown or unset. */
export function dockerNameOf(res: IndexedResource, index: StackIndex): string | null {
  const name = index.resolveString(res.body.name);
  if (name === null) return null;
  // Most names need no change: keep the string from the document rather than build a new one.
  const n = EDGES.test(name) ? name.trim().replace(/^\/+/, "") : name;
  return n === "" ? null : n;
}
