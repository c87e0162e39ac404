/**
 * The secrets inventory: every sensitive variable of every stack, with its description, owner,
 * rotation period, where it is used and its blast radius (what an attacker holding it reaches).
 *
 * Everything is read from the Terraform JSON (cdktf output, hand-written JSON, normalized HCL):
 * - sensitive variables: `variable.<name>.sensitive = true`;
 * - owner, rotation and a declared blast radius: the description suffix (metadata.ts);
 * - where it is used: every resource whose body references `var.<name>`, directly or through a
 *   local value (`local.x = "${var.name}"`);
 * - the derived blast radius, per using container: a backend (`bulwark.role` datastore, broker,
 *   cache, search) holds data: the secret opens that data (its volumes), reachable from the
 *   containers sharing its networks and from the host when it publishes ports; any other
 *   container presents or accepts the secret: it reaches what that container reaches (the
 *   backends on its networks, egress on a non-internal network). A non-container resource is
 *   named with its type.
 *
 * What it cannot know: what a secret opens outside this configuration (an SMTP relay, a cloud
 * account); declare that with `blastRadius`. Pure: nothing here reads files.
 */
import { BACKEND_ROLES, ROLE_LABEL, type ServiceRole } from "../../knowledge";
import type { StackInput } from "../engine";
import { blocks, buildStackIndex, isObject } from "../stack-index";
import type { IndexedResource, StackIndex } from "../types";
import { DEFAULT_ROTATION_DAYS, SecretMetadataError, parseSecretDescription } from "./metadata";

export const OWNER_LABEL = "bulwark.owner";
export const SERVICE_LABEL = "bulwark.service";
/** The owner of a secret that declares none and whose containers carry no owner label. */
export const UNASSIGNED_OWNER = "unassigned";

/** Where a secret is used. */
export interface SecretUse {
  /** `docker_container.mariadb`, `github_actions_secret.token`. */
  readonly address: string;
  readonly type: string;
  /** The service (the `bulwark.service` label, else the container's `name`) for a container. */
  readonly service: string | null;
  /** The `bulwark.role` label of a container, when it has one. */
  readonly role: string | null;
  /** Docker networks (their `name`) the container is attached to. */
  readonly networks: readonly string[];
  /** How it reaches the resource: `env MARIADB_PASSWORD`, `file /etc/x/secret`, or the attribute. */
  readonly via: readonly string[];
}

export interface SecretEntry {
  readonly stack: string;
  readonly file: string;
  /** Variable name (`koha_db_password`): `TF_VAR_<name>` supplies it. */
  readonly name: string;
  /** The description without the inventory suffix ("" when the variable has none). */
  readonly description: string;
  readonly owner: string;
  /** `declared` (description suffix), `label bulwark.owner` (its containers) or `default`. */
  readonly ownerSource: "declared" | "label bulwark.owner" | "default";
  readonly rotationDays: number;
  readonly rotationSource: "declared" | "default";
  readonly usedBy: readonly SecretUse[];
  /** What an attacker holding it reaches: the declared sentence first, then one line per use. */
  readonly blastRadius: readonly string[];
  /** Containers that are recreated when the value changes (env and uploads force replacement). */
  readonly restarts: readonly string[];
  /** Backends that keep the credential in their own data: the new value must be set there first. */
  readonly setInsideFirst: readonly string[];
}

export interface SecretsInventory {
  readonly stacks: number;
  readonly secrets: readonly SecretEntry[];
}

/** A description suffix that does not parse: the CLI reports it as an input error (exit 2). */
export class InventoryError extends Error {}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function labelsOf(body: Readonly<Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  const raw = body.labels;
  if (Array.isArray(raw)) {
    for (const l of raw) if (isObject(l) && typeof l.label === "string" && typeof l.value === "string") out.set(l.label, l.value);
  } else if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) if (typeof v === "string") out.set(k, v);
  }
  return out;
}

/** What the inventory needs of one container. */
interface ContainerFacts {
  readonly address: string;
  readonly service: string;
  readonly role: string | null;
  readonly owner: string | null;
  readonly networks: readonly string[];
  /** Docker volumes (their `name`) and host paths it mounts. */
  readonly volumes: readonly string[];
  /** `127.0.0.1:5433->5432` */
  readonly published: readonly string[];
}

function containerFacts(res: IndexedResource, index: StackIndex): ContainerFacts {
  const labels = labelsOf(res.body);
  const name = index.resolveString(res.body.name) ?? res.name;
  const networks: string[] = [];
  for (const n of blocks(res.body.networks_advanced)) {
    const v = index.resolveString(n.name);
    if (v) networks.push(v);
  }
  const mode = index.resolveString(res.body.network_mode);
  if (networks.length === 0 && mode) networks.push(mode);
  const volumes: string[] = [];
  for (const v of blocks(res.body.volumes)) {
    const vol = index.resolveString(v.volume_name) ?? index.resolveString(v.host_path);
    if (vol) volumes.push(vol);
  }
  const published: string[] = [];
  for (const p of blocks(res.body.ports)) {
    const ip = str(p.ip) ?? "0.0.0.0";
    const external = p.external ?? p.internal;
    published.push(`${ip}:${String(external)}->${String(p.internal)}`);
  }
  return { address: res.address, service: labels.get(SERVICE_LABEL) ?? name, role: labels.get(ROLE_LABEL) ?? null, owner: labels.get(OWNER_LABEL) ?? null, networks, volumes, published };
}

/** Which docker networks are internal (no egress), by name. */
function internalNetworks(index: StackIndex): Set<string> {
  const out = new Set<string>();
  for (const n of index.byType("docker_network")) {
    const name = index.resolveString(n.body.name);
    if (name && (n.body.internal === true || n.body.internal === "true")) out.add(name);
  }
  return out;
}

const ROLE_ACCESS: Readonly<Record<string, string>> = {
  datastore: "read/write all of its data",
  broker: "read, publish and delete its messages",
  cache: "read and overwrite its cached entries",
  search: "read and write all of its indices",
};

const list = (items: readonly string[]): string => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

function isBackend(role: string | null): boolean {
  return role !== null && BACKEND_ROLES.has(role as ServiceRole);
}

/** Where in a resource body the references to `targets` are: env names, uploaded files, attributes. */
function viaOf(body: Readonly<Record<string, unknown>>, targets: ReadonlySet<string>, index: StackIndex): string[] {
  const hits = (v: unknown) => index.referencesIn(v).some((r) => targets.has(r.address));
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || !hits(value)) continue;
    if (key === "env" && Array.isArray(value)) {
      for (const e of value) if (typeof e === "string" && hits(e)) out.push(`env ${e.slice(0, Math.max(0, e.indexOf("="))) || e}`);
    } else if (key === "upload") {
      for (const u of blocks(value)) if (hits(u)) out.push(`file ${typeof u.file === "string" ? u.file : "?"}`);
    } else {
      out.push(key);
    }
  }
  return out;
}

/** One blast-radius line for a container using the secret. */
function containerRadius(c: ContainerFacts, via: readonly string[], all: readonly ContainerFacts[], internal: ReadonlySet<string>): string {
  const as = via.length > 0 ? `as ${list(via)}` : "";
  const peersOn = (net: string) => all.filter((o) => o.address !== c.address && o.networks.includes(net)).map((o) => o.service).sort();
  if (isBackend(c.role)) {
    const details = [...(c.volumes.length > 0 ? [`${c.volumes.length === 1 ? "volume" : "volumes"} ${list(c.volumes)}`] : []), ...(as ? [as] : [])];
    const data = details.length > 0 ? ` (${details.join("; ")})` : "";
    const reach = c.networks.map((n) => {
      const peers = peersOn(n);
      return peers.length > 0 ? `from ${list(peers)} on ${n}` : `from nothing else on ${n}`;
    });
    const host = c.published.length > 0 ? `; published on the host at ${list(c.published)}` : "";
    return `${c.role} ${c.service}${data}: ${ROLE_ACCESS[c.role as string]}; reachable ${reach.length > 0 ? list(reach) : "on no declared network"}${host}`;
  }
  const backends = new Set<string>();
  for (const n of c.networks) for (const o of all) if (o.address !== c.address && o.networks.includes(n) && isBackend(o.role)) backends.add(o.service);
  const egress = c.networks.filter((n) => !internal.has(n));
  const parts = [`${c.role ?? "container"} ${c.service}${as ? ` (${as})` : ""}: whatever ${c.service} accepts or presents it for`];
  if (backends.size > 0) parts.push(`${c.service} reaches ${list([...backends].sort())}`);
  if (egress.length > 0) parts.push(`egress through ${list(egress)}, so it may open an outside service too (declare blastRadius for what it opens there)`);
  if (c.published.length > 0) parts.push(`published on the host at ${list(c.published)}`);
  return parts.join("; ");
}

/** The addresses that carry `var.<name>`: itself and the locals that reference it. */
function carriersOf(name: string, index: StackIndex): Set<string> {
  const seen = new Set([`var.${name}`]);
  for (const locals of blocks(index.json.locals)) {
    for (const [local, value] of Object.entries(locals)) {
      if (index.referencesIn(value).some((r) => seen.has(r.address))) seen.add(`local.${local}`);
    }
  }
  return seen;
}

/** Resources using `var.<name>`, directly or through locals that reference it. */
function usersOf(name: string, index: StackIndex): IndexedResource[] {
  const targets = [`var.${name}`];
  const seen = new Set(targets);
  for (const locals of blocks(index.json.locals)) {
    for (const [local, value] of Object.entries(locals)) {
      if (index.referencesIn(value).some((r) => seen.has(r.address))) {
        seen.add(`local.${local}`);
        targets.push(`local.${local}`);
      }
    }
  }
  const out = new Map<string, IndexedResource>();
  for (const t of targets) for (const r of index.referencedBy(t)) out.set(r.address, r);
  return [...out.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
}

function isSensitive(body: Readonly<Record<string, unknown>>): boolean {
  return body.sensitive === true || body.sensitive === "true";
}

/** The inventory entries of one stack, by variable name. */
export function stackSecrets(input: StackInput): SecretEntry[] {
  const index = buildStackIndex(input.stack, input.file, input.json);
  const containers = index.byType("docker_container").map((r) => containerFacts(r, index));
  const byAddress = new Map(containers.map((c) => [c.address, c]));
  const internal = internalNetworks(index);
  const out: SecretEntry[] = [];
  const names = [...index.variables.keys()].sort();
  for (const name of names) {
    const v = index.variables.get(name)!;
    if (!isSensitive(v.body)) continue;
    let meta;
    try {
      meta = parseSecretDescription(str(v.body.description) ?? "", `${input.file}: variable "${name}"`);
    } catch (e) {
      if (e instanceof SecretMetadataError) throw new InventoryError(e.message);
      throw e;
    }
    const users = usersOf(name, index);
    const carriers = carriersOf(name, index);
    const vias = new Map(users.map((r) => [r.address, viaOf(r.body, carriers, index)]));
    const usedBy: SecretUse[] = users.map((r) => {
      const c = byAddress.get(r.address);
      return { address: r.address, type: r.type, service: c?.service ?? null, role: c?.role ?? null, networks: c?.networks ?? [], via: vias.get(r.address) ?? [] };
    });
    const usingContainers = users.map((r) => byAddress.get(r.address)).filter((c): c is ContainerFacts => c !== undefined);
    const radius: string[] = [];
    if (meta.blastRadius) radius.push(meta.blastRadius);
    for (const c of usingContainers) radius.push(containerRadius(c, vias.get(c.address) ?? [], containers, internal));
    for (const r of users) if (!byAddress.has(r.address)) radius.push(`${r.address}: what this ${r.type} grants or protects`);
    if (users.length === 0) radius.push("not used by any resource of this stack (remove it, or declare where it is used outside Terraform)");
    const owners = [...new Set(usingContainers.map((c) => c.owner).filter((o): o is string => o !== null))].sort();
    const owner = meta.owner ?? (owners.length > 0 ? owners.join(", ") : UNASSIGNED_OWNER);
    out.push({
      stack: input.stack,
      file: input.file,
      name,
      description: meta.description,
      owner,
      ownerSource: meta.owner ? "declared" : owners.length > 0 ? "label bulwark.owner" : "default",
      rotationDays: meta.rotationDays ?? DEFAULT_ROTATION_DAYS,
      rotationSource: meta.rotationDays !== undefined ? "declared" : "default",
      usedBy,
      blastRadius: radius,
      restarts: usingContainers.map((c) => c.service),
      setInsideFirst: usingContainers.filter((c) => isBackend(c.role) && c.role !== "cache").map((c) => c.service),
    });
  }
  return out;
}

/** The inventory of several stacks, in input order. */
export function secretsInventory(inputs: readonly StackInput[]): SecretsInventory {
  return { stacks: inputs.length, secrets: inputs.flatMap(stackSecrets) };
}
