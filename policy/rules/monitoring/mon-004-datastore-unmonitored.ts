import { defineStackRule } from "../../rule";
import { isBackupContainer } from "../backup/plans";
import { doc } from "../references";
import { blocks } from "../../stack-index";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { configUpload, hostNames, isDatastore, mentionedTokens, neverStarted, yamlObject, listSome, type Json } from "./containers";
import { isExporter, isPrometheus } from "./components";

/** `http://es:9200/_cluster/health`, `db:5432`, `[::1]:9090` → the host, lower-case. */
function targetHost(target: string): string {
  const noScheme = target.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  const authority = noScheme.split(/[/?#]/)[0];
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort.startsWith("[")) return hostPort.slice(0, hostPort.indexOf("]") + 1);
  return hostPort.split(":")[0];
}

/**
 * The hosts the Prometheus servers of the stack scrape or probe (static targets; blackbox probe
 * URLs name the probed host), or null when that cannot be known: a server's configuration is not
 * an uploaded literal, does not parse, or uses service discovery or extra scrape-config files.
 */
function scrapedHosts(servers: readonly IndexedResource[], index: StackIndex): Set<string> | null {
  const hosts = new Set<string>();
  // Servers of one stack often share one configuration text (yamlObject hands back the same object).
  const seen = new Set<Json>();
  for (const p of servers) {
    const file = configUpload(p, index, /^prometheus\.ya?ml$/i);
    if (file === null || file.content === null) return null;
    const config = yamlObject(file.content);
    if (config === null) return null;
    if (seen.has(config)) continue;
    seen.add(config);
    const own = configHosts(config);
    if (own === null) return null;
    for (const h of own) hosts.add(h);
  }
  return hosts;
}

/** The hosts one parsed configuration scrapes or probes, or null (service discovery, extra files); once per object, read-only. */
const CONFIG_HOSTS = new WeakMap<Json, ReadonlySet<string> | null>();

function configHosts(config: Json): ReadonlySet<string> | null {
  const hit = CONFIG_HOSTS.get(config);
  if (hit !== undefined) return hit;
  let out: Set<string> | null = new Set<string>();
  if (config.scrape_config_files !== undefined) out = null;
  else {
    jobs: for (const job of blocks(config.scrape_configs)) {
      if (Object.keys(job).some((k) => k.endsWith("_sd_configs"))) {
        out = null;
        break jobs;
      }
      for (const sc of blocks(job.static_configs)) {
        for (const t of Array.isArray(sc.targets) ? sc.targets : []) if (typeof t === "string") out.add(targetHost(t));
      }
    }
  }
  CONFIG_HOSTS.set(config, out);
  return out;
}

/**
 * MON-004: in a stack that runs Prometheus, a datastore (knowledge's datastore images or a backend
 * `bulwark.role`) that no scrape job targets, no blackbox probe names, and no exporter points at
 * (its command, environment or uploaded configuration names the datastore's host). Its outage,
 * full disk or connection limit then raises no alert. Read leniently: with service discovery,
 * an unreadable configuration or a datastore without a literal name, nothing is reported.
 */
export const mon004 = defineStackRule({
  id: "MON-004",
  severity: "warning",
  pack: "monitoring",
  title: "Datastore not monitored",
  description:
    "The stack runs Prometheus, but a datastore (MariaDB, PostgreSQL, Redis, RabbitMQ, Elasticsearch, …) is covered by no scrape job, no probe and no exporter naming its host: its failure raises no alert.",
  fix: "Scrape the datastore (its own metrics endpoint or an exporter pointed at its host, e.g. mysqld_exporter, postgres_exporter, redis_exporter) or probe it with the blackbox exporter; bulwark's Monitoring construct does it from the service's observability facts.",
  references: [
    doc("Prometheus documentation: exporters and integrations", "https://prometheus.io/docs/instrumenting/exporters/"),
    doc("Google SRE book: Monitoring distributed systems", "https://sre.google/sre-book/monitoring-distributed-systems/"),
  ],
  check(index) {
    const containers = index.byType("docker_container");
    const servers = containers.filter((c) => isPrometheus(c, index));
    if (servers.length === 0) return [];
    const scraped = scrapedHosts(servers, index);
    if (scraped === null) return [];
    // Every host-name token any running exporter is told (one set: a datastore is covered when any
    // exporter names it). A never-started one (a seeder with an exporter's image) runs nothing: its
    // files count through the running exporters that mount its volume.
    const exporterTokens = new Set<string>();
    for (const c of containers) if (isExporter(c, index) && !neverStarted(c)) for (const t of mentionedTokens(c, index)) exporterTokens.add(t);
    const out: RuleResult[] = [];
    // Named once per stack: the first few servers, then a count.
    const serverList = listSome(servers.map((s) => s.address));
    for (const c of containers) {
      // Backup containers hold data too, but are watched through the backup metrics (BACKUP rules).
      if (!isDatastore(c, index) || isExporter(c, index) || isBackupContainer(c, index)) continue;
      const hosts = hostNames(c, index);
      if (hosts.size === 0) continue;
      if ([...hosts].some((h) => scraped.has(h))) continue;
      if ([...hosts].some((h) => exporterTokens.has(h))) continue;
      out.push({
        address: c.address,
        message: `the stack runs Prometheus (${serverList}), but no scrape job, probe or exporter covers this datastore (${[...hosts].join(", ")}): its outage, full disk or exhausted connections raise no alert. Fix: scrape it or an exporter pointed at it (mysqld_exporter, postgres_exporter, redis_exporter, …), or probe it with the blackbox exporter.`,
      });
    }
    return out;
  },
});
