/**
 * A runbook for every alert the catalog and the SLOs can generate: what it means, first checks,
 * how to fix, escalation. `scripts/runbooks.ts` renders them to docs/runbooks/<alert>.md; a test
 * fails when a generated alert has no runbook or the pages are stale.
 */
import { CATALOG_ALERT_NAMES } from "./alert-catalog";
import { SLO_ALERT_NAMES } from "./slo";

export interface Runbook {
  readonly title: string;
  readonly meaning: string;
  readonly checks: readonly string[];
  readonly fix: readonly string[];
  /** Severity the alert is generated with (the escalation follows from it). */
  readonly severity: "critical" | "warning";
}

const PAGE = "Critical: the on-call person is paged (Telegram and e-mail). Acknowledge within 15 minutes; if the service is not restored within an hour, call the service owner (the `bulwark.owner` label of the container).";
const TICKET = "Warning: e-mail only. Handle it within the next working day; open an issue if it needs more than a configuration change. A critical alert of the same category and instance inhibits it.";

export const RUNBOOKS: Readonly<Record<string, Runbook>> = {
  TargetDown: {
    title: "A scrape target is down",
    severity: "critical",
    meaning: "Prometheus has not been able to scrape a target (a service's metrics endpoint or its exporter) for several minutes. Either the service or exporter is down, or the monitoring network cannot reach it.",
    checks: ["`docker ps --filter name=<service>`: is the container running and healthy?", "`docker logs --tail 100 <exporter container>`: does the exporter log connection or authentication errors?", "Prometheus UI (through the tunnel, behind Access) → Status → Targets: the last error of the target."],
    fix: ["Restart a crashed container with `terraform apply` (it re-creates stopped containers) or `docker start <name>`.", "Credential errors: the exporter's password variable (`<service>_exporter_password`) must match the database user; re-run the setup SQL from the service's observability facts.", "Network errors: the exporter and the service must share an internal network (`docker network inspect <net>`)."],
  },
  PrometheusConfigReloadFailed: {
    title: "Prometheus runs on an old configuration",
    severity: "warning",
    meaning: "Prometheus failed to load its configuration file and keeps the previous one.",
    checks: ["`docker logs prometheus | grep -i error`", "Run `promtool check config` on the generated file (the test suite does this for every stack)."],
    fix: ["Fix the stack's Monitoring props, synthesize and apply: the configuration is generated, never edited on the host."],
  },
  AlertmanagerNotificationsFailing: {
    title: "Alertmanager cannot deliver notifications",
    severity: "critical",
    meaning: "Notifications to a receiver (e-mail or Telegram) fail. Alerts still fire but nobody hears about them.",
    checks: ["`docker logs alertmanager | grep -i notify`: the receiver's error (authentication, DNS, TLS).", "Is the SMTP password / Telegram bot token variable current?"],
    fix: ["Rotate the secret variable (`TF_VAR_<name>`) and apply.", "Alertmanager needs egress to the SMTP server and api.telegram.org: check the host's firewall."],
  },
  HostDiskFreeLow: {
    title: "A host filesystem is nearly full",
    severity: "critical",
    meaning: "Free space on a host filesystem is below the threshold. Databases stop writing, backups fail and containers cannot start when it reaches zero.",
    checks: ["`df -h` and `du -xh --max-depth=2 / | sort -h | tail` on the host.", "`docker system df`: images, build cache, volumes.", "Log files: container logs are rotated by bulwark, but other software's are not."],
    fix: ["`docker image prune` for unused images; remove old backups beyond the retention policy.", "Grow the disk or move data volumes to a larger disk; then lower retention (Prometheus `retention`) if monitoring data is the cause."],
  },
  HostDiskWillFillSoon: {
    title: "A host filesystem is predicted to fill",
    severity: "warning",
    meaning: "At the growth rate of the last six hours, the filesystem runs out of space within the horizon (24 h by default).",
    checks: ["What grows? `du` on data volumes (`docker volume inspect`), binlogs/WAL, backups, logs."],
    fix: ["Stop the cause (a runaway log, a failed backup rotation), or plan more space before HostDiskFreeLow pages."],
  },
  HostMemoryPressure: {
    title: "The host is low on memory",
    severity: "warning",
    meaning: "Available memory on the host is below the threshold; the kernel may start killing processes.",
    checks: ["`free -m`, `docker stats --no-stream`: which container uses the most?"],
    fix: ["Lower a container's memory limit in its profile options (resources.memoryMb) or add memory to the host."],
  },
  ContainerOomKilled: {
    title: "A container was OOM-killed",
    severity: "critical",
    meaning: "The kernel killed a process in the container because it reached its memory limit.",
    checks: ["`docker inspect <name> --format '{{.State.OOMKilled}}'`", "`docker logs <name>` just before the kill; cAdvisor memory graph of the container."],
    fix: ["Raise `resources.memoryMb` in the service's profile options (heap sizes follow it in the datastore profiles), or fix the leak."],
  },
  ContainerRestarting: {
    title: "A container is in a restart loop",
    severity: "warning",
    meaning: "The container started several times within 15 minutes: it crashes, fails its start, or is killed.",
    checks: ["`docker logs --tail 200 <name>`", "`docker inspect <name> --format '{{json .State}}'`: exit code, health log."],
    fix: ["Fix the cause in the logs (configuration, missing secret variable, unreachable dependency)."],
  },
  ContainerMemoryNearLimit: {
    title: "A container is close to its memory limit",
    severity: "warning",
    meaning: "The container's working set is above the threshold share of its memory limit.",
    checks: ["cAdvisor/Prometheus: `container_memory_working_set_bytes{name=\"<name>\"}` over the last days."],
    fix: ["Raise `resources.memoryMb` before ContainerOomKilled pages, or reduce caches (buffer pool, heap)."],
  },
  ProbeFailed: {
    title: "A health probe fails",
    severity: "critical",
    meaning: "The blackbox exporter cannot get a good answer from a service: internal probes go over the monitoring network, public probes through Cloudflare and the tunnel.",
    checks: ["Prometheus → Status → Targets (job `blackbox`), or `curl` the probe URL from a container on the same network.", "Public probe failing but internal fine: the tunnel (`docker logs cloudflared`), DNS, or Access/WAF blocking the probe."],
    fix: ["Restore the service (see TargetDown); for the edge, check the tunnel's health in the Cloudflare dashboard and the CNAME of the hostname."],
  },
  ProbeDegraded: {
    title: "A service is degraded",
    severity: "warning",
    meaning: "A stricter probe fails while the service still answers. Elasticsearch: the cluster is yellow or red, not green.",
    checks: ["`GET /_cluster/health?pretty` and `GET /_cat/shards?v&h=index,shard,prirep,state,unassigned.reason` on Elasticsearch."],
    fix: ["A single node cannot place replicas: set `number_of_replicas: 0` on its indices, or add a node. Red: restore the lost index from a snapshot or rebuild Koha's index (`koha-elasticsearch --rebuild`)."],
  },
  CertificateExpiringSoon: {
    title: "A TLS certificate expires within 30 days",
    severity: "warning",
    meaning: "The certificate presented for a public hostname expires within the warning window. Cloudflare edge certificates renew themselves; one that does not is a misconfiguration.",
    checks: ["`echo | openssl s_client -connect <host>:443 -servername <host> 2>/dev/null | openssl x509 -noout -dates -issuer`", "Cloudflare dashboard → SSL/TLS → Edge Certificates: the certificate's status."],
    fix: ["Re-order or renew the edge certificate; for a custom certificate, upload the renewed one."],
  },
  CertificateExpiringCritical: {
    title: "A TLS certificate expires within 7 days",
    severity: "critical",
    meaning: "Visitors will soon see a certificate error.",
    checks: ["As for CertificateExpiringSoon."],
    fix: ["Renew now; escalate to the zone's owner if the certificate is not under your control."],
  },
  ProbeSlow: {
    title: "A public endpoint answers slowly",
    severity: "warning",
    meaning: "The end-to-end probe through the edge takes longer than the threshold on average.",
    checks: ["Internal probe of the same service fast? Then the tunnel or the edge is slow; else the service (database, search)."],
    fix: ["Scale the slow component (memory, CPU shares) or fix the slow query; check the host's load."],
  },
  HttpErrorRatioHigh: {
    title: "A spike of 5xx responses",
    severity: "critical",
    meaning: "More than the threshold share of a service's requests fail with a server error.",
    checks: ["`docker logs --since 15m <service>`", "Did a deploy just happen? Are its dependencies (database, broker) healthy?"],
    fix: ["Roll back the last image pin if the spike started with a deploy; restore the failing dependency."],
  },
  HttpLatencyP95High: {
    title: "p95 latency is high",
    severity: "warning",
    meaning: "The slowest 5% of requests take longer than the threshold.",
    checks: ["Database slow queries, cache hit ratio, container CPU throttling (`container_cpu_cfs_throttled_seconds_total`)."],
    fix: ["Fix the slow path or give the service more resources."],
  },
  EdgeErrorRatioHigh: {
    title: "The edge answers with 5xx",
    severity: "critical",
    meaning: "A high share of the requests cloudflared proxies fail: the origin answers 5xx (`cloudflared_tunnel_response_by_code`), or cloudflared cannot reach it and answers 502 itself (`cloudflared_tunnel_request_errors`).",
    checks: ["`docker logs cloudflared`: origin connection errors.", "Is the origin container on the connector's network and healthy?", "Which part: `sum by (status_code) (rate(cloudflared_tunnel_response_by_code[5m]))` against `rate(cloudflared_tunnel_request_errors[5m])` in Prometheus (or the Grafana overview)."],
    fix: ["Restore the origin; 502 from cloudflared usually means the origin is down or the port in the ingress rule is wrong."],
  },
  RabbitMqQueueBacklog: {
    title: "Messages pile up in RabbitMQ",
    severity: "warning",
    meaning: "More ready messages than the threshold wait for 15 minutes: consumers are down or too slow.",
    checks: ["`rabbitmq-diagnostics -q list_queues name messages_ready consumers` in the broker container.", "Koha: are the background job workers running?"],
    fix: ["Restart the consumers; purge a queue only if its messages are known to be obsolete."],
  },
  MariaDbDown: {
    title: "MariaDB is down",
    severity: "critical",
    meaning: "mysqld_exporter runs but cannot connect to MariaDB (or log in as its exporter user).",
    checks: ["`docker logs --tail 200 <mariadb>`; `docker exec <mariadb> healthcheck.sh --connect`.", "Exporter log `Access denied`: the exporter user or its password is wrong."],
    fix: ["Restart MariaDB; on crash recovery problems, restore from the last backup (see the backup runbook).", "Re-create the exporter user with the setup SQL of the MariaDB profile's observability facts."],
  },
  MariaDbConnectionsNearLimit: {
    title: "MariaDB connections near max_connections",
    severity: "warning",
    meaning: "Connected threads are above the threshold share of max_connections.",
    checks: ["`SHOW PROCESSLIST;` — who holds the connections? A leak in the application?"],
    fix: ["Fix the leak or raise `maxConnections` in the MariaDB profile options (mind the memory per connection)."],
  },
  PostgresDown: {
    title: "PostgreSQL is down",
    severity: "critical",
    meaning: "postgres_exporter runs but cannot connect to PostgreSQL (or log in as its exporter role).",
    checks: ["`docker logs --tail 200 <postgres>`; `docker exec <postgres> pg_isready -h 127.0.0.1`."],
    fix: ["Restart PostgreSQL; restore from backup if the data directory is damaged. Re-create the exporter role with the profile's setup SQL."],
  },
  PostgresConnectionsNearLimit: {
    title: "PostgreSQL connections near max_connections",
    severity: "warning",
    meaning: "Backends are above the threshold share of max_connections.",
    checks: ["`SELECT usename, state, count(*) FROM pg_stat_activity GROUP BY 1, 2;`"],
    fix: ["Fix the leak, add a pooler, or raise max_connections in the profile's settings."],
  },
  RedisDown: {
    title: "Redis is down",
    severity: "critical",
    meaning: "redis_exporter cannot reach Redis or authenticate.",
    checks: ["`docker logs <redis>`; `docker exec <redis> redis-cli ping` (REDISCLI_AUTH is set)."],
    fix: ["Restart Redis; an AOF error is repaired with `redis-check-aof --fix` on a copy of the data volume."],
  },
  MemcachedDown: {
    title: "Memcached is down",
    severity: "critical",
    meaning: "memcached_exporter cannot reach Memcached. Koha keeps working without it, slower.",
    checks: ["`docker logs <memcached>`; container health."],
    fix: ["Restart it; the cache is rebuilt on demand."],
  },
  BackupMetricsMissing: {
    title: "No backup metrics",
    severity: "warning",
    meaning: "The stack expects backups but no `bulwark_backup_*` metric is exported. The backup jobs write them as `.prom` files into the backup plan's metrics volume (`/var/lib/bulwark-metrics` in the backup containers), which node_exporter reads read-only as its textfile directory (`/host/textfile`); a stack without a BackupPlan volume uses the host directory /var/lib/bulwark/metrics.",
    checks: ["`docker exec <service>-backup ls -l /var/lib/bulwark-metrics` and `docker exec node-exporter ls -l /host/textfile`: the same files?", "`docker logs <service>-backup`: did a backup run, and could it write its metrics (permission denied means the volume was created before the backup container)?"],
    fix: ["Install or repair the backup job; make it write `<job>.prom` atomically (write then rename)."],
  },
  BackupStale: {
    title: "The last good backup is too old",
    severity: "critical",
    meaning: "No backup has succeeded within the allowed age: a restore now would lose more data than the recovery point objective allows.",
    checks: ["The backup job's log; repository reachability (restic/borg); disk space (HostDiskFreeLow)."],
    fix: ["Run the backup by hand, fix the cause, and confirm `bulwark_backup_last_success_timestamp_seconds` moves."],
  },
  BackupFailed: {
    title: "The last backup run failed",
    severity: "critical",
    meaning: "The most recent backup job exited with an error.",
    checks: ["The job's log: credentials, repository lock, dump errors."],
    fix: ["Fix and re-run; unlock a stale repository lock only when no other backup runs."],
  },
  RestoreTestFailed: {
    title: "A restore test failed",
    severity: "critical",
    meaning: "A backup could not be restored and verified. The backups may be unusable.",
    checks: ["The restore-test job's log: which step failed (download, decrypt, restore, verification query)?"],
    fix: ["Treat as an incident: take a fresh full backup now, then find why the restore failed."],
  },
  RestoreTestStale: {
    title: "No recent restore test",
    severity: "warning",
    meaning: "Backups are taken but have not been proven restorable within the allowed age.",
    checks: ["The restore-test timer and its last log."],
    fix: ["Run the restore test by hand and repair its schedule."],
  },
  SloErrorBudgetBurnFast: {
    title: "SLO error budget burns fast (1h/5m, 14.4x)",
    severity: "critical",
    meaning: "At this rate 2% of a 30-day error budget is spent in one hour: an outage users notice now. Both the 1 h and the 5 min window are above 14.4 times the sustainable error rate.",
    checks: ["Which SLI? The `slo` label; its probe or error ratio in Prometheus (`slo:sli_error:ratio_rate5m`).", "Correlated alerts: ProbeFailed, TargetDown, HttpErrorRatioHigh."],
    fix: ["Restore the service first; write down the budget spent (`slo:error_budget_remaining:ratio`) for the post-incident review."],
  },
  SloErrorBudgetBurnMedium: {
    title: "SLO error budget burns (6h/30m, 6x)",
    severity: "critical",
    meaning: "At this rate 5% of the budget is spent in six hours: a sustained partial failure.",
    checks: ["As for SloErrorBudgetBurnFast; look for intermittent errors and slow dependencies."],
    fix: ["Find and stop the partial failure; consider freezing deploys until the budget recovers."],
  },
  SloErrorBudgetBurnSlow: {
    title: "SLO error budget burns slowly (3d/6h, 1x)",
    severity: "warning",
    meaning: "The SLO spends its budget at least as fast as it is earned: left alone, the objective is missed at the end of the window.",
    checks: ["`slo:error_budget_remaining:ratio`; the trend of the SLI over days."],
    fix: ["Plan reliability work (a ticket, not a page)."],
  },
};

/** Every alert name that can be generated; each must have a runbook. */
export const ALL_ALERT_NAMES: readonly string[] = [...CATALOG_ALERT_NAMES, ...SLO_ALERT_NAMES];

/** The Markdown page of one alert (docs/runbooks/<alert>.md). */
export function renderRunbook(alert: string): string {
  const r = RUNBOOKS[alert];
  if (!r) throw new Error(`renderRunbook: no runbook for alert ${alert}. Fix: add it to constructs/monitoring/runbooks.ts`);
  return [
    `# ${alert}: ${r.title}`,
    "",
    "<!-- Generated from constructs/monitoring/runbooks.ts by `node --require tsx/cjs scripts/runbooks.ts`. Do not edit by hand. -->",
    "",
    `Severity: **${r.severity}**`,
    "",
    "## What it means",
    "",
    r.meaning,
    "",
    "## First checks",
    "",
    ...r.checks.map((c) => `- ${c}`),
    "",
    "## How to fix",
    "",
    ...r.fix.map((c) => `- ${c}`),
    "",
    "## Escalation",
    "",
    r.severity === "critical" ? PAGE : TICKET,
    "",
  ].join("\n");
}

/** docs/runbooks/README.md: the index. */
export function renderRunbookIndex(): string {
  return [
    "# Runbooks",
    "",
    "<!-- Generated from constructs/monitoring/runbooks.ts by `node --require tsx/cjs scripts/runbooks.ts`. Do not edit by hand. -->",
    "",
    "Every alert bulwark's monitoring can generate links here through `annotations.runbook_url`.",
    "",
    "| Alert | Severity | What it means |",
    "| --- | --- | --- |",
    ...ALL_ALERT_NAMES.map((a) => `| [${a}](${a}.md) | ${RUNBOOKS[a]?.severity ?? "?"} | ${RUNBOOKS[a]?.title ?? "?"} |`),
    "",
  ].join("\n");
}
