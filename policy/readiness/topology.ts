/**
 * The stack's topology as the readiness page draws it, read from Terraform JSON only: Docker
 * networks (internal or not), which containers sit on which, the hostnames the Cloudflare tunnel
 * publishes and the container each reaches, which of them sit behind Access, which host ports are
 * published, which datastores a backup container covers and which containers Prometheus observes.
 *
 * Read leniently, like the rules: what cannot be resolved (a computed network name, a tunnel
 * service that names no container) is shown as unknown, never guessed.
 * - "backed up": the BACKUP rules' own reading (policy/rules/backup/plans.ts, firstBackupOf), asked
 *   of datastores only (other containers hold no data the plan must cover);
 * - "monitored": the stack runs Prometheus and a host name of the container appears in an uploaded
 *   Prometheus configuration or in what an exporter is told (its command, environment, files), the
 *   same tokens MON-004 reads.
 */
import { blocks } from "../stack-index";
import type { IndexedResource, StackIndex } from "../types";
import { firstBackupOf, isBackupContainer } from "../rules/backup/plans";
import { isExporter, isPrometheus } from "../rules/monitoring/components";
import { allWords, envOf, hostNames, hostTokens, isDatastore, label, uploadTexts } from "../rules/monitoring/containers";

export interface NetworkNode {
  readonly address: string;
  /** The Docker network name (or the address when it is computed). */
  readonly name: string;
  readonly internal: boolean;
}

export interface PublishedHostname {
  readonly hostname: string;
  /** The tunnel's origin (`http://koha:8081`). */
  readonly service: string;
  /** Address of the container the origin names, or null when none of the stack's does. */
  readonly container: string | null;
  readonly access: boolean;
}

export interface ContainerNode {
  readonly address: string;
  readonly name: string;
  readonly service: string | null;
  readonly role: string | null;
  /** Addresses of the networks it is attached to. */
  readonly networks: readonly string[];
  /** `127.0.0.1:5433->5432/tcp`. */
  readonly ports: readonly string[];
  readonly hostnames: readonly string[];
  readonly datastore: boolean;
  /** Datastores only: the backup container covering it, or null; undefined for other containers. */
  readonly backedUpBy?: string | null;
  readonly monitored: boolean;
  readonly backup: boolean;
  readonly readOnly: boolean;
}

export interface StackTopology {
  readonly stack: string;
  readonly networks: readonly NetworkNode[];
  readonly containers: readonly ContainerNode[];
  readonly published: readonly PublishedHostname[];
  readonly prometheus: boolean;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function networkOf(value: unknown, index: StackIndex, byName: ReadonlyMap<string, string>): string | null {
  for (const r of index.referencesIn(value)) if (r.address.startsWith("docker_network.")) return r.address;
  const literal = index.resolveString(value);
  return literal === null ? null : byName.get(literal) ?? `network ${literal}`;
}

function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url.trim());
  return m ? m[1].toLowerCase() : null;
}

/** Hostnames protected by Cloudflare Access: an application's domain or destinations, or an ingress rule requiring Access. */
function accessHostnames(index: StackIndex): Set<string> {
  const out = new Set<string>();
  for (const app of index.byType("cloudflare_zero_trust_access_application")) {
    const d = str(app.body.domain);
    if (d) out.add(d.toLowerCase().split("/")[0]);
    for (const dest of blocks(app.body.destinations)) {
      const uri = str(dest.uri);
      if (uri) out.add(uri.toLowerCase().replace(/^[a-z]+:\/\//, "").split("/")[0]);
    }
  }
  return out;
}

export function stackTopology(index: StackIndex): StackTopology {
  const networks: NetworkNode[] = index.byType("docker_network").map((n) => ({
    address: n.address,
    name: index.resolveString(n.body.name) ?? n.address,
    internal: n.body.internal === true || n.body.internal === "true",
  }));
  const byName = new Map(networks.map((n) => [n.name, n.address]));
  const containers = index.byType("docker_container");
  const servers = containers.filter((c) => isPrometheus(c, index));
  const watched = new Set<string>();
  for (const p of servers) for (const t of uploadTexts(p, index)) for (const tok of hostTokens(t)) watched.add(tok);
  if (servers.length > 0) {
    for (const c of containers) {
      if (!isExporter(c, index)) continue;
      for (const tok of hostTokens([...allWords(c), ...envOf(c).values(), ...uploadTexts(c, index)].join("\n"))) watched.add(tok);
    }
  }
  const access = accessHostnames(index);
  const published: PublishedHostname[] = [];
  const hostToContainer = new Map<string, string>();
  for (const c of containers) for (const h of hostNames(c, index)) if (!hostToContainer.has(h)) hostToContainer.set(h, c.address);
  for (const cfg of index.byType("cloudflare_zero_trust_tunnel_cloudflared_config")) {
    for (const config of blocks(cfg.body.config)) {
      for (const rule of blocks(config.ingress)) {
        const hostname = str(rule.hostname);
        const service = str(rule.service) ?? "";
        if (!hostname) continue;
        const host = hostOf(service);
        const requires = blocks(rule.origin_request).some((o) => blocks(o.access).some((a) => a.required === true));
        published.push({ hostname, service, container: host ? hostToContainer.get(host) ?? null : null, access: requires || access.has(hostname.toLowerCase()) });
      }
    }
  }
  const nodes = containers.map((c): ContainerNode => node(c, index, byName, published, watched, servers.length > 0));
  return { stack: index.stack, networks, containers: nodes, published, prometheus: servers.length > 0 };
}

function node(c: IndexedResource, index: StackIndex, byName: ReadonlyMap<string, string>, published: readonly PublishedHostname[], watched: ReadonlySet<string>, prometheus: boolean): ContainerNode {
  const nets: string[] = [];
  for (const n of blocks(c.body.networks_advanced)) {
    const a = networkOf(n.name, index, byName);
    if (a !== null && !nets.includes(a)) nets.push(a);
  }
  const ports = blocks(c.body.ports).map((p) => {
    const ip = str(p.ip) ?? "0.0.0.0";
    return `${ip}:${p.external ?? "?"}->${p.internal ?? "?"}/${str(p.protocol) ?? "tcp"}`;
  });
  const backup = isBackupContainer(c, index);
  const datastore = !backup && isDatastore(c, index);
  const hosts = hostNames(c, index);
  const backedUpBy = datastore ? firstBackupOf(c, index)?.address ?? null : undefined;
  return {
    address: c.address,
    name: index.resolveString(c.body.name) ?? c.name,
    service: label(c, "bulwark.service", index),
    role: label(c, "bulwark.role", index),
    networks: nets,
    ports,
    hostnames: published.filter((p) => p.container === c.address).map((p) => p.hostname),
    datastore,
    ...(backedUpBy !== undefined ? { backedUpBy } : {}),
    monitored: prometheus && [...hosts].some((h) => watched.has(h)),
    backup,
    readOnly: c.body.read_only === true,
  };
}

/** Only stacks with something to draw (containers, networks or a tunnel). */
export function hasTopology(t: StackTopology): boolean {
  return t.containers.length > 0 || t.networks.length > 0 || t.published.length > 0;
}

