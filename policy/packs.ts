/**
 * Rule packs: every rule declares the one pack it belongs to; a pack is run or left out as a
 * whole (`bulwark check --pack docker-runtime,cloudflare-edge`). Which rules a pack holds is
 * derived from the declarations, never listed twice.
 */
import { ALL_RULES } from "./rules";
import type { PackId, Rule, RuleMeta } from "./types";

export interface Pack {
  readonly id: PackId;
  readonly title: string;
  readonly description: string;
  /** The pack's rules, in catalog order. */
  readonly rules: readonly RuleMeta[];
}

const DEFINITIONS: ReadonlyArray<Omit<Pack, "rules">> = [
  {
    id: "docker-runtime",
    title: "Docker runtime",
    description: "How containers run on a Docker host: privileges, capabilities, resources, mounts, ports, images, networks and tiers (DOCKER, NET), including name collisions between stacks that share a host.",
  },
  {
    id: "github-governance",
    title: "GitHub governance",
    description: "How the repositories that ship the code are governed: default-branch protection, reviews, status checks, signed commits, CODEOWNERS, security alerts and Actions permissions (GH).",
  },
  {
    id: "cloudflare-edge",
    title: "Cloudflare edge",
    description: "How traffic reaches the origin through Cloudflare: tunnels and their ingress, DNS, Access, origin TLS, WAF and rate limiting (CF), including collisions between stacks that share a zone.",
  },
  {
    id: "kubernetes-runtime",
    title: "Kubernetes runtime",
    description: "How workloads run on a cluster: pod and container security context, probes, resources, images, secrets, namespaces and network policies (K8S).",
  },
  {
    id: "monitoring",
    title: "Monitoring",
    description: "Whether the stack is watched: Alertmanager receivers, monitoring UIs behind Access, exporter credentials kept off command lines, and datastores covered by a scrape job or probe (MON).",
  },
  {
    id: "backup-recovery",
    title: "Backup and recovery",
    description: "Whether data can be brought back: datastores with a backup plan, backup repository passwords kept secret, and point-in-time recovery only where the change log is captured (BACKUP).",
  },
  {
    id: "secrets-state",
    title: "Secrets and state",
    description: "Where credentials live: literal credentials anywhere in the configuration, secret variables, provider credentials, and the state backend that holds every secret (SECRET, STATE).",
  },
];

export const PACKS: readonly Pack[] = DEFINITIONS.map((d) => ({ ...d, rules: ALL_RULES.filter((r) => r.meta.pack === d.id).map((r) => r.meta) }));

export const PACK_IDS: readonly PackId[] = PACKS.map((p) => p.id);

for (const r of ALL_RULES) {
  if (!PACK_IDS.includes(r.meta.pack)) throw new Error(`rule ${r.meta.id} declares pack ${r.meta.pack}, which policy/packs.ts does not describe`);
}

export function isPackId(s: string): s is PackId {
  return (PACK_IDS as readonly string[]).includes(s);
}

/** A problem with a pack name given by a user, in one line naming the valid packs. */
export class UnknownPackError extends Error {}

/**
 * `docker-runtime,cloudflare-edge` (commas and/or spaces; repeated options are joined) → the pack
 * ids, in the order given, without repeats. Throws UnknownPackError for an unknown or empty name.
 */
export function parsePackList(values: string | readonly string[]): PackId[] {
  const names = (typeof values === "string" ? [values] : values).flatMap((v) => v.split(/[\s,]+/)).filter((n) => n !== "");
  if (names.length === 0) throw new UnknownPackError(`--pack needs a pack name: one of ${PACK_IDS.join(", ")}`);
  const out: PackId[] = [];
  for (const n of names) {
    if (!isPackId(n)) throw new UnknownPackError(`unknown pack ${JSON.stringify(n)}: the packs are ${PACK_IDS.join(", ")}`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** The rules of the given packs, in their original order. */
export function rulesInPacks<R extends Rule>(rules: readonly R[], packs: readonly PackId[]): R[] {
  const wanted = new Set(packs);
  return rules.filter((r) => wanted.has(r.meta.pack));
}
