/**
 * How a docker_container is attached to networks, resolved against the stack (NET-001, NET-002).
 *
 * A container reaches a network through `networks_advanced[].name` (usually a reference such as
 * `${docker_network.backnet.name}` or `.id`, sometimes a literal network name) or through
 * `network_mode` (unset/`bridge`/`default` = the default bridge docker0, `host`, `none`,
 * `container:<id>`, or a user-defined network's name). Networks this stack does not define
 * (external, data sources, variables) are `unknown`: they can be neither shown internal nor
 * shown public.
 */
import { ROLE_LABEL } from "../../../knowledge";
import { blocks } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { perResource } from "../facts";

export type Attachment =
  /** A `docker_network` resource of this stack. `internal` is null when it is an unresolvable reference. */
  | { readonly kind: "network"; readonly network: IndexedResource; readonly internal: boolean | null; readonly label: string }
  /** The default bridge or the host's network stack (`network_mode`): never internal. */
  | { readonly kind: "builtin"; readonly label: string }
  /** A network this stack cannot see (external name, variable, data source, `container:` mode). */
  | { readonly kind: "unknown"; readonly label: string };

const NETWORK_ADDRESS_PREFIX = "docker_network.";

/** Literal network name → docker_network resource, built once per stack. */
const NAME_MAPS = new WeakMap<StackIndex, Map<string, IndexedResource>>();

function networksByName(index: StackIndex): Map<string, IndexedResource> {
  let map = NAME_MAPS.get(index);
  if (!map) {
    map = new Map();
    for (const net of index.byType("docker_network")) {
      const name = index.resolveString(net.body.name);
      if (name !== null && !map.has(name)) map.set(name, net);
    }
    NAME_MAPS.set(index, map);
  }
  return map;
}

/** true for `internal = true` (or "true"), false when absent or false, null when an unresolvable reference. */
export function networkInternal(network: IndexedResource, index: StackIndex): boolean | null {
  const v = network.body.internal;
  if (v === true) return true;
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === "string") {
    const literal = index.resolveString(v);
    if (literal === null) return null;
    return literal.trim().toLowerCase() === "true";
  }
  return false;
}

function toNetwork(network: IndexedResource, index: StackIndex): Attachment {
  return { kind: "network", network, internal: networkInternal(network, index), label: network.address };
}

/** Attachments by the network value that names them, per stack: thousands of containers name the same few networks. */
const RESOLVED = new WeakMap<StackIndex, Map<string, Attachment>>();

/** Resolve a network given by name, id or reference (once per stack and value; read-only). */
function resolveNetwork(value: string, index: StackIndex): Attachment {
  let cache = RESOLVED.get(index);
  if (!cache) RESOLVED.set(index, (cache = new Map()));
  let hit = cache.get(value);
  if (hit === undefined) cache.set(value, (hit = resolveNetworkUncached(value, index)));
  return hit;
}

function resolveNetworkUncached(value: string, index: StackIndex): Attachment {
  if (index.isReference(value)) {
    const refs = index.referencesIn(value);
    if (refs.length === 1 && refs[0].address.startsWith(NETWORK_ADDRESS_PREFIX)) {
      const net = index.byAddress(refs[0].address);
      if (net) return toNetwork(net, index);
    }
    const literal = index.resolveString(value);
    const byName = literal === null ? undefined : networksByName(index).get(literal);
    return byName ? toNetwork(byName, index) : { kind: "unknown", label: value };
  }
  const net = networksByName(index).get(value);
  return net ? toNetwork(net, index) : { kind: "unknown", label: JSON.stringify(value) };
}

const DEFAULT_BRIDGE_MODES = new Set(["", "bridge", "default"]);

/**
 * Every network a container is attached to. An empty list means no network at all
 * (`network_mode = "none"`). Computed once per container (NET-001, NET-002, DOCKER-031 and MON-002
 * all ask); read-only.
 */
export const containerAttachments: (container: IndexedResource, index: StackIndex) => readonly Attachment[] = perResource(attachmentsOf);

function attachmentsOf(container: IndexedResource, index: StackIndex): Attachment[] {
  const out: Attachment[] = [];
  const advanced = blocks(container.body.networks_advanced);
  for (const n of advanced) {
    if (typeof n.name === "string" && n.name !== "") out.push(resolveNetwork(n.name, index));
  }

  const rawMode = container.body.network_mode;
  const modeSet = typeof rawMode === "string" && rawMode.trim() !== "";
  const mode = modeSet ? index.resolveString(rawMode) : null;
  if (modeSet && mode === null) {
    out.push({ kind: "unknown", label: `network_mode ${rawMode}` });
    return out;
  }
  const m = (mode ?? "").trim();
  const lower = m.toLowerCase();
  if (lower === "host") {
    out.push({ kind: "builtin", label: "network_mode \"host\" (the host's interfaces)" });
  } else if (DEFAULT_BRIDGE_MODES.has(lower)) {
    // Unset network_mode with networks_advanced means "only those networks"; an explicit
    // bridge/default asks for docker0 as well.
    if (advanced.length === 0 || modeSet) out.push({ kind: "builtin", label: "the default bridge (docker0)" });
  } else if (lower === "none") {
    // no network
  } else if (lower.startsWith("container:")) {
    out.push({ kind: "unknown", label: `network_mode ${JSON.stringify(m)} (another container's network)` });
  } else {
    out.push(resolveNetwork(m, index));
  }
  return out;
}

/** `labels` as provider blocks `[{label, value}]` (or one block), or as a plain map. */
export function labelValue(body: Readonly<Record<string, unknown>>, key: string): unknown {
  for (const b of blocks(body.labels)) {
    if (typeof b.label === "string") {
      if (b.label === key) return b.value;
    } else if (key in b) {
      return b[key];
    }
  }
  return undefined;
}

/** The container's `bulwark.role` label, trimmed and lower-case (resolved when a reference), or null. Computed once per container. */
export const containerRole: (container: IndexedResource, index: StackIndex) => string | null = perResource(roleOf);

function roleOf(container: IndexedResource, index: StackIndex): string | null {
  const raw = labelValue(container.body, ROLE_LABEL);
  const role = typeof raw === "string" ? index.resolveString(raw) : null;
  return role === null ? null : role.trim().toLowerCase();
}

/** True when the attachment is a network shown not to be internal. */
export function isPublicAttachment(a: Attachment): boolean {
  return a.kind === "builtin" || (a.kind === "network" && a.internal === false);
}
