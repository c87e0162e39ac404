/**
 * The alert rules a stack gets, chosen from what its services declare (observability facts) and
 * parameterised by typed thresholds (./thresholds.ts). Each alert carries its promtool scenarios:
 * one that fires and at least one that stays silent.
 *
 * Label conventions of the generated scrape configuration (./prometheus-config.ts) the scenarios
 * use: every target has `service`; probes have `probe`, `scope` (internal | public) and `signal`
 * (availability | saturation).
 */
import type { AlertDefinition } from "./alert";
import { promDuration } from "./render";
import type { ResolvedThresholds } from "./thresholds";
import type { ExporterKind, MetricsDialect } from "../service/observability";

/** What the stack has, as far as alert selection cares. */
export interface AlertContext {
  readonly thresholds: ResolvedThresholds;
  readonly exporters: ReadonlySet<ExporterKind>;
  /** Dialects of endpoints Prometheus can actually scrape. */
  readonly dialects: ReadonlySet<MetricsDialect>;
  readonly internalProbes: boolean;
  readonly publicProbes: boolean;
  /** Some probe declares signal "saturation" (Elasticsearch's cluster-green). */
  readonly saturationProbes: boolean;
  readonly nodeExporter: boolean;
  readonly cadvisor: boolean;
  /** The stack expects the backup metrics (bulwark_backup_*, bulwark_restore_drill_*). */
  readonly backups: boolean;
}

const FS = `fstype!~"tmpfs|overlay|squashfs|nsfs|ramfs"`;
const num = (n: number): string => String(n);

function base(ctx: AlertContext): AlertDefinition[] {
  const t = ctx.thresholds;
  const down = promDuration(t.downFor);
  const downMin = Math.ceil(t.downFor.toMilliseconds() / 60_000);
  const upLabels = { job: "mysqld", instance: "mariadb-exporter:9104", service: "mariadb" };
  return [
    {
      name: "TargetDown",
      expr: "up == 0",
      for: down,
      severity: "critical",
      category: "availability",
      summary: "{{ $labels.job }} target {{ $labels.instance }} ({{ $labels.service }}) is down",
      description: `Prometheus could not scrape the target for ${down}: the service, its exporter or the network between them is down.`,
      cases: [
        { what: "fires when a target stops answering", input: [{ series: `up{job="mysqld",instance="mariadb-exporter:9104",service="mariadb"}`, values: `0x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [upLabels] },
        { what: "silent while the target answers", input: [{ series: `up{job="mysqld",instance="mariadb-exporter:9104",service="mariadb"}`, values: `1x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [] },
        { what: "silent for a blip shorter than the for-duration", input: [{ series: `up{job="mysqld",instance="mariadb-exporter:9104",service="mariadb"}`, values: `1 0 1x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [] },
      ],
    },
    {
      name: "PrometheusConfigReloadFailed",
      expr: "prometheus_config_last_reload_successful == 0",
      for: "10m",
      severity: "warning",
      category: "availability",
      summary: "Prometheus {{ $labels.instance }} runs on an old configuration",
      description: "The last configuration reload failed; Prometheus keeps the previous configuration until it loads a valid one.",
      cases: [
        { what: "fires after a failed reload", input: [{ series: `prometheus_config_last_reload_successful{job="prometheus",instance="localhost:9090",service="prometheus"}`, values: "0x30" }], evalTime: "20m", fires: [{ job: "prometheus", instance: "localhost:9090", service: "prometheus" }] },
        { what: "silent after a good reload", input: [{ series: `prometheus_config_last_reload_successful{job="prometheus",instance="localhost:9090",service="prometheus"}`, values: "1x30" }], evalTime: "20m", fires: [] },
      ],
    },
    {
      name: "AlertmanagerNotificationsFailing",
      expr: "sum by (integration) (rate(alertmanager_notifications_failed_total[10m])) > 0",
      for: "10m",
      severity: "critical",
      category: "availability",
      summary: "Alertmanager cannot deliver {{ $labels.integration }} notifications",
      description: "Notifications to a receiver fail: alerts are evaluated but nobody hears about them.",
      cases: [
        { what: "fires while deliveries fail", input: [{ series: `alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",integration="telegram",service="alertmanager"}`, values: "0+1x40" }], evalTime: "30m", fires: [{ integration: "telegram" }] },
        { what: "silent when nothing fails", input: [{ series: `alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",integration="telegram",service="alertmanager"}`, values: "0x40" }], evalTime: "30m", fires: [] },
      ],
    },
  ];
}

function host(ctx: AlertContext): AlertDefinition[] {
  if (!ctx.nodeExporter) return [];
  const t = ctx.thresholds;
  const fsLabels = { job: "node", instance: "node-exporter:9100", service: "node-exporter", device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
  const fs = (metric: string) => `${metric}{job="node",instance="node-exporter:9100",service="node-exporter",device="/dev/sda1",fstype="ext4",mountpoint="/"}`;
  const horizon = t.diskFillHorizonHours * 3600;
  const memLabels = { job: "node", instance: "node-exporter:9100", service: "node-exporter" };
  const mem = (metric: string) => `${metric}{job="node",instance="node-exporter:9100",service="node-exporter"}`;
  const freeLow = Math.max(0.5, t.diskFreePercent / 2);
  return [
    {
      name: "HostDiskFreeLow",
      expr: `node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} * 100 < ${num(t.diskFreePercent)}`,
      for: "10m",
      severity: "critical",
      category: "saturation",
      summary: "Less than " + num(t.diskFreePercent) + "% free on {{ $labels.mountpoint }} of {{ $labels.instance }}",
      description: "A host filesystem is nearly full: databases stop writing, backups fail, containers cannot start.",
      cases: [
        { what: "fires on a nearly full disk", input: [{ series: fs("node_filesystem_avail_bytes"), values: `${freeLow * 1e9}x30` }, { series: fs("node_filesystem_size_bytes"), values: "100000000000x30" }], evalTime: "20m", fires: [fsLabels] },
        { what: "silent with room to spare", input: [{ series: fs("node_filesystem_avail_bytes"), values: "60000000000x30" }, { series: fs("node_filesystem_size_bytes"), values: "100000000000x30" }], evalTime: "20m", fires: [] },
      ],
    },
    {
      name: "HostDiskWillFillSoon",
      expr:
        `predict_linear(node_filesystem_avail_bytes{${FS}}[6h], ${horizon}) < 0` +
        ` and node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} * 100 < 40`,
      for: "1h",
      severity: "warning",
      category: "saturation",
      summary: `{{ $labels.mountpoint }} of {{ $labels.instance }} is predicted to fill within ${num(t.diskFillHorizonHours)} h`,
      description: `At the rate of the last 6 hours the filesystem runs out of space within ${num(t.diskFillHorizonHours)} hours (and has less than 40% left).`,
      cases: [
        { what: "fires while free space shrinks fast", input: [{ series: fs("node_filesystem_avail_bytes"), values: "45000000000-100000000x150" }, { series: fs("node_filesystem_size_bytes"), values: "100000000000x150" }], evalTime: "2h", fires: [fsLabels] },
        { what: "silent while free space is stable", input: [{ series: fs("node_filesystem_avail_bytes"), values: "30000000000x150" }, { series: fs("node_filesystem_size_bytes"), values: "100000000000x150" }], evalTime: "2h", fires: [] },
      ],
    },
    {
      name: "HostMemoryPressure",
      expr: `node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < ${num(t.hostMemoryAvailablePercent)}`,
      for: "10m",
      severity: "warning",
      category: "saturation",
      summary: "Less than " + num(t.hostMemoryAvailablePercent) + "% memory available on {{ $labels.instance }}",
      description: "The host is close to swapping or to the kernel's OOM killer.",
      cases: [
        { what: "fires when memory runs low", input: [{ series: mem("node_memory_MemAvailable_bytes"), values: `${(t.hostMemoryAvailablePercent / 2) * 1e8}x30` }, { series: mem("node_memory_MemTotal_bytes"), values: "10000000000x30" }], evalTime: "20m", fires: [memLabels] },
        { what: "silent with memory to spare", input: [{ series: mem("node_memory_MemAvailable_bytes"), values: "5000000000x30" }, { series: mem("node_memory_MemTotal_bytes"), values: "10000000000x30" }], evalTime: "20m", fires: [] },
      ],
    },
  ];
}

function containers(ctx: AlertContext): AlertDefinition[] {
  if (!ctx.cadvisor) return [];
  const t = ctx.thresholds;
  const c = (metric: string) => `${metric}{job="cadvisor",instance="cadvisor:8080",service="cadvisor",name="mariadb"}`;
  const labels = { job: "cadvisor", instance: "cadvisor:8080", service: "cadvisor", name: "mariadb" };
  return [
    {
      name: "ContainerOomKilled",
      expr: `increase(container_oom_events_total{name!=""}[10m]) > 0`,
      for: "0s",
      severity: "critical",
      category: "saturation",
      summary: "Container {{ $labels.name }} was killed for running out of memory",
      description: "The kernel OOM killer ended a process of the container: its memory limit is too low or it leaks.",
      cases: [
        { what: "fires after an OOM kill", input: [{ series: c("container_oom_events_total"), values: "0 0 0 1 1 1 1 1" }], evalTime: "5m", fires: [labels] },
        { what: "silent without OOM kills", input: [{ series: c("container_oom_events_total"), values: "0x8" }], evalTime: "5m", fires: [] },
      ],
    },
    {
      name: "ContainerRestarting",
      expr: `changes(container_start_time_seconds{name!=""}[15m]) > ${num(t.containerRestartsPer15m)}`,
      for: "0s",
      severity: "warning",
      category: "availability",
      summary: "Container {{ $labels.name }} restarted more than " + num(t.containerRestartsPer15m) + " times in 15 minutes",
      description: "The container is in a restart loop: it fails its start, crashes, or is killed.",
      cases: [
        { what: "fires in a restart loop", input: [{ series: c("container_start_time_seconds"), values: "60+60x20" }], evalTime: "15m", fires: [labels] },
        { what: "silent when the container keeps running", input: [{ series: c("container_start_time_seconds"), values: "60x20" }], evalTime: "15m", fires: [] },
      ],
    },
    {
      name: "ContainerMemoryNearLimit",
      expr: `container_memory_working_set_bytes{name!=""} / container_spec_memory_limit_bytes{name!=""} > ${num(t.containerMemoryRatio)} and container_spec_memory_limit_bytes{name!=""} > 0`,
      for: "10m",
      severity: "warning",
      category: "saturation",
      summary: "Container {{ $labels.name }} uses more than " + num(t.containerMemoryRatio * 100) + "% of its memory limit",
      description: "The container is close to its memory limit and to an OOM kill.",
      cases: [
        { what: "fires close to the limit", input: [{ series: c("container_memory_working_set_bytes"), values: `${Math.min(0.999, t.containerMemoryRatio + (1 - t.containerMemoryRatio) / 2) * 1e9}x30` }, { series: c("container_spec_memory_limit_bytes"), values: "1000000000x30" }], evalTime: "20m", fires: [labels] },
        { what: "silent well below the limit", input: [{ series: c("container_memory_working_set_bytes"), values: `${(t.containerMemoryRatio / 2) * 1e9}x30` }, { series: c("container_spec_memory_limit_bytes"), values: "1000000000x30" }], evalTime: "20m", fires: [] },
      ],
    },
  ];
}

function probes(ctx: AlertContext): AlertDefinition[] {
  const t = ctx.thresholds;
  const out: AlertDefinition[] = [];
  const down = promDuration(t.downFor);
  const downMin = Math.ceil(t.downFor.toMilliseconds() / 60_000);
  const p = (metric: string, scope: string, probe: string, signal: string, instance: string, service: string) =>
    `${metric}{job="blackbox",instance="${instance}",probe="${probe}",scope="${scope}",service="${service}",signal="${signal}"}`;
  const l = (scope: string, probe: string, signal: string, instance: string, service: string) => ({ job: "blackbox", instance, probe, scope, service, signal });
  if (ctx.internalProbes || ctx.publicProbes) {
    out.push({
      name: "ProbeFailed",
      expr: `probe_success{signal="availability"} == 0`,
      for: down,
      severity: "critical",
      category: "availability",
      summary: "{{ $labels.scope }} probe {{ $labels.probe }} of {{ $labels.service }} fails ({{ $labels.instance }})",
      description: `The blackbox exporter could not get a good answer for ${down}: the service is down, unhealthy, or unreachable on that path.`,
      cases: [
        { what: "fires when the probe keeps failing", input: [{ series: p("probe_success", "internal", "opac", "availability", "http://koha:8080/", "koha"), values: `0x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [l("internal", "opac", "availability", "http://koha:8080/", "koha")] },
        { what: "silent while the probe succeeds", input: [{ series: p("probe_success", "internal", "opac", "availability", "http://koha:8080/", "koha"), values: `1x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [] },
        { what: "silent for a saturation probe (it has its own alert)", input: [{ series: p("probe_success", "internal", "cluster-green", "saturation", "http://elasticsearch:9200/_cluster/health", "elasticsearch"), values: `0x${downMin + 10}` }], evalTime: `${downMin + 5}m`, fires: [] },
      ],
    });
  }
  if (ctx.saturationProbes) {
    out.push({
      name: "ProbeDegraded",
      expr: `probe_success{signal="saturation"} == 0`,
      for: "15m",
      severity: "warning",
      category: "saturation",
      summary: "{{ $labels.service }} is degraded: probe {{ $labels.probe }} fails ({{ $labels.instance }})",
      description: "A stricter health check fails while the service still answers (Elasticsearch: the cluster is not green).",
      cases: [
        { what: "fires while the cluster is not green", input: [{ series: p("probe_success", "internal", "cluster-green", "saturation", "http://elasticsearch:9200/_cluster/health", "elasticsearch"), values: "0x30" }], evalTime: "20m", fires: [l("internal", "cluster-green", "saturation", "http://elasticsearch:9200/_cluster/health", "elasticsearch")] },
        { what: "silent while green", input: [{ series: p("probe_success", "internal", "cluster-green", "saturation", "http://elasticsearch:9200/_cluster/health", "elasticsearch"), values: "1x30" }], evalTime: "20m", fires: [] },
      ],
    });
  }
  if (ctx.publicProbes) {
    const inst = "https://opac.example.org/";
    const cert = (daysLeft: number) => [{ series: p("probe_ssl_earliest_cert_expiry", "public", "opac", "availability", inst, "koha"), values: `${daysLeft * 86400}x150` }];
    const certLabels = l("public", "opac", "availability", inst, "koha");
    out.push(
      {
        name: "CertificateExpiringSoon",
        expr: `(probe_ssl_earliest_cert_expiry - time()) / 86400 < ${num(t.certificateWarningDays)}`,
        for: "1h",
        severity: "warning",
        category: "certificate",
        summary: "The TLS certificate of {{ $labels.instance }} expires within " + num(t.certificateWarningDays) + " days",
        description: "The certificate presented at the edge is about to expire; renewal has not happened.",
        cases: [
          { what: "fires within the warning window", input: cert(Math.max(1, (t.certificateWarningDays + t.certificateCriticalDays) / 2)), evalTime: "2h", fires: [certLabels] },
          { what: "silent for a fresh certificate", input: cert(t.certificateWarningDays + 60), evalTime: "2h", fires: [] },
        ],
      },
      {
        name: "CertificateExpiringCritical",
        expr: `(probe_ssl_earliest_cert_expiry - time()) / 86400 < ${num(t.certificateCriticalDays)}`,
        for: "10m",
        severity: "critical",
        category: "certificate",
        summary: "The TLS certificate of {{ $labels.instance }} expires within " + num(t.certificateCriticalDays) + " days",
        description: "The certificate presented at the edge expires within days: visitors will see a browser error.",
        cases: [
          { what: "fires within the critical window", input: cert(t.certificateCriticalDays / 2), evalTime: "2h", fires: [certLabels] },
          { what: "silent inside the warning window only", input: cert((t.certificateWarningDays + t.certificateCriticalDays) / 2), evalTime: "2h", fires: [] },
        ],
      },
      {
        name: "ProbeSlow",
        expr: `avg_over_time(probe_duration_seconds{scope="public"}[10m]) > ${num(t.probeDurationSeconds)}`,
        for: "10m",
        severity: "warning",
        category: "latency",
        summary: "{{ $labels.instance }} answers slowly through the edge",
        description: `The end-to-end probe through the tunnel took more than ${num(t.probeDurationSeconds)} s on average over 10 minutes.`,
        cases: [
          { what: "fires when responses are slow", input: [{ series: p("probe_duration_seconds", "public", "opac", "availability", inst, "koha"), values: `${t.probeDurationSeconds * 2}x40` }], evalTime: "30m", fires: [certLabels] },
          { what: "silent when responses are fast", input: [{ series: p("probe_duration_seconds", "public", "opac", "availability", inst, "koha"), values: `${t.probeDurationSeconds / 4}x40` }], evalTime: "30m", fires: [] },
        ],
      },
    );
  }
  return out;
}

function http(ctx: AlertContext): AlertDefinition[] {
  const t = ctx.thresholds;
  const out: AlertDefinition[] = [];
  if (ctx.dialects.has("http-app")) {
    const r = (code: string) => `http_requests_total{job="api",instance="api:8080",service="api",code="${code}"}`;
    const b = (le: string) => `http_request_duration_seconds_bucket{job="api",instance="api:8080",service="api",le="${le}"}`;
    const slow = t.latencyP95Seconds * 2;
    const fast = t.latencyP95Seconds / 4;
    out.push(
      {
        name: "HttpErrorRatioHigh",
        expr: `sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > ${num(t.http5xxRatio)}`,
        for: "5m",
        severity: "critical",
        category: "errors",
        summary: "More than " + num(t.http5xxRatio * 100) + "% of the requests to {{ $labels.service }} fail with 5xx",
        description: "A spike of server errors: a bad deploy, a failing dependency, or resource exhaustion.",
        cases: [
          { what: "fires on a 5xx spike", input: [{ series: r("200"), values: "0+10x30" }, { series: r("500"), values: "0+10x30" }], evalTime: "20m", fires: [{ service: "api" }] },
          { what: "silent with occasional errors", input: [{ series: r("200"), values: "0+1000x30" }, { series: r("500"), values: `0+${Math.max(0.001, t.http5xxRatio * 100)}x30` }], evalTime: "20m", fires: [] },
        ],
      },
      {
        name: "HttpLatencyP95High",
        expr: `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))) > ${num(t.latencyP95Seconds)}`,
        for: "10m",
        severity: "warning",
        category: "latency",
        summary: "p95 latency of {{ $labels.service }} is above " + num(t.latencyP95Seconds) + " s",
        description: "Most requests are still answered, but the slowest 5% take too long.",
        cases: [
          {
            what: "fires when requests are slow",
            input: [
              { series: b(String(fast)), values: "0x40" },
              { series: b(String(t.latencyP95Seconds)), values: "0x40" },
              { series: b(String(slow)), values: "0+10x40" },
              { series: b("+Inf"), values: "0+10x40" },
            ],
            evalTime: "30m",
            fires: [{ service: "api" }],
          },
          {
            what: "silent when requests are fast",
            input: [
              { series: b(String(fast)), values: "0+10x40" },
              { series: b(String(t.latencyP95Seconds)), values: "0+10x40" },
              { series: b(String(slow)), values: "0+10x40" },
              { series: b("+Inf"), values: "0+10x40" },
            ],
            evalTime: "30m",
            fires: [],
          },
        ],
      },
    );
  }
  if (ctx.dialects.has("cloudflared")) {
    // cloudflared (proxy/metrics.go): total_requests counts every proxied request;
    // response_by_code{status_code} the responses the origin gave; request_errors the requests
    // that never reached the origin (cloudflared answers those 502 itself and counts them only
    // there). An origin that is down shows only in request_errors, so both are errors.
    const m = (name: string, code?: string) => `${name}{job="cloudflared",instance="cloudflared:2000",service="cloudflared"${code ? `,status_code="${code}"` : ""}}`;
    const r = (code: string) => m("cloudflared_tunnel_response_by_code", code);
    out.push({
      name: "EdgeErrorRatioHigh",
      expr:
        `(sum by (service) (rate(cloudflared_tunnel_response_by_code{status_code=~"5.."}[5m])) or sum by (service) (rate(cloudflared_tunnel_total_requests[5m])) * 0)` +
        ` + sum by (service) (rate(cloudflared_tunnel_request_errors[5m]))` +
        ` > ${num(t.http5xxRatio)} * sum by (service) (rate(cloudflared_tunnel_total_requests[5m]))`,
      for: "5m",
      severity: "critical",
      category: "errors",
      summary: "More than " + num(t.http5xxRatio * 100) + "% of the requests through tunnel connector {{ $labels.service }} fail with 5xx or never reach the origin",
      description: "The edge answers with server errors: the origin behind the tunnel fails (5xx responses) or cannot be reached (cloudflared's request errors, answered 502).",
      cases: [
        {
          what: "fires on a 5xx spike from the origin",
          input: [{ series: m("cloudflared_tunnel_total_requests"), values: "0+20x30" }, { series: r("200"), values: "0+10x30" }, { series: r("502"), values: "0+10x30" }, { series: m("cloudflared_tunnel_request_errors"), values: "0x30" }],
          evalTime: "20m",
          fires: [{ service: "cloudflared" }],
        },
        {
          what: "fires when the origin cannot be reached (request errors only, no 5xx series)",
          input: [{ series: m("cloudflared_tunnel_total_requests"), values: "0+20x30" }, { series: r("200"), values: "0+5x30" }, { series: m("cloudflared_tunnel_request_errors"), values: "0+15x30" }],
          evalTime: "20m",
          fires: [{ service: "cloudflared" }],
        },
        {
          what: "silent with healthy responses",
          input: [{ series: m("cloudflared_tunnel_total_requests"), values: "0+100x30" }, { series: r("200"), values: "0+100x30" }, { series: r("502"), values: "0x30" }, { series: m("cloudflared_tunnel_request_errors"), values: "0x30" }],
          evalTime: "20m",
          fires: [],
        },
      ],
    });
  }
  if (ctx.dialects.has("rabbitmq")) {
    const s = `rabbitmq_queue_messages_ready{job="rabbitmq",instance="rabbitmq:15692",service="rabbitmq"}`;
    out.push({
      name: "RabbitMqQueueBacklog",
      expr: `sum by (service, instance) (rabbitmq_queue_messages_ready) > ${num(t.queueBacklogMessages)}`,
      for: "15m",
      severity: "warning",
      category: "saturation",
      summary: "More than " + num(t.queueBacklogMessages) + " messages wait in {{ $labels.service }}",
      description: "Consumers do not keep up (Koha's background jobs, indexing): work piles up in the broker.",
      cases: [
        { what: "fires with a backlog", input: [{ series: s, values: `${t.queueBacklogMessages * 2}x30` }], evalTime: "25m", fires: [{ service: "rabbitmq", instance: "rabbitmq:15692" }] },
        { what: "silent with an empty queue", input: [{ series: s, values: "3x30" }], evalTime: "25m", fires: [] },
      ],
    });
  }
  return out;
}

function datastores(ctx: AlertContext): AlertDefinition[] {
  const t = ctx.thresholds;
  const out: AlertDefinition[] = [];
  const down = (name: string, metric: string, job: string, instance: string, service: string, what: string): AlertDefinition => ({
    name,
    expr: `${metric} == 0`,
    for: "2m",
    severity: "critical",
    category: "availability",
    summary: `${what} {{ $labels.service }} is down (exporter {{ $labels.instance }})`,
    description: `The exporter runs but cannot reach ${what} or log in: the server is down, refuses connections, or the exporter's credentials are wrong.`,
    cases: [
      { what: "fires when the exporter cannot reach the server", input: [{ series: `${metric}{job="${job}",instance="${instance}",service="${service}"}`, values: "0x10" }], evalTime: "5m", fires: [{ job, instance, service }] },
      { what: "silent while the server answers", input: [{ series: `${metric}{job="${job}",instance="${instance}",service="${service}"}`, values: "1x10" }], evalTime: "5m", fires: [] },
    ],
  });
  if (ctx.exporters.has("mysqld")) {
    const m = (metric: string) => `${metric}{job="mysqld",instance="mariadb-exporter:9104",service="mariadb"}`;
    out.push(down("MariaDbDown", "mysql_up", "mysqld", "mariadb-exporter:9104", "mariadb", "MariaDB"), {
      name: "MariaDbConnectionsNearLimit",
      expr: `mysql_global_status_threads_connected / mysql_global_variables_max_connections > ${num(t.connectionsRatio)}`,
      for: "10m",
      severity: "warning",
      category: "saturation",
      summary: "MariaDB {{ $labels.service }} uses more than " + num(t.connectionsRatio * 100) + "% of max_connections",
      description: "New connections will soon be refused with 'Too many connections'.",
      cases: [
        { what: "fires near the limit", input: [{ series: m("mysql_global_status_threads_connected"), values: `${Math.ceil(151 * (t.connectionsRatio + (1 - t.connectionsRatio) / 2))}x30` }, { series: m("mysql_global_variables_max_connections"), values: "151x30" }], evalTime: "20m", fires: [{ job: "mysqld", instance: "mariadb-exporter:9104", service: "mariadb" }] },
        { what: "silent with few connections", input: [{ series: m("mysql_global_status_threads_connected"), values: "10x30" }, { series: m("mysql_global_variables_max_connections"), values: "151x30" }], evalTime: "20m", fires: [] },
      ],
    });
  }
  if (ctx.exporters.has("postgres")) {
    const m = (metric: string, extra = "") => `${metric}{job="postgres",instance="db-exporter:9187",service="db"${extra}}`;
    out.push(down("PostgresDown", "pg_up", "postgres", "db-exporter:9187", "db", "PostgreSQL"), {
      name: "PostgresConnectionsNearLimit",
      expr: `sum by (service, instance) (pg_stat_activity_count) / max by (service, instance) (pg_settings_max_connections) > ${num(t.connectionsRatio)}`,
      for: "10m",
      severity: "warning",
      category: "saturation",
      summary: "PostgreSQL {{ $labels.service }} uses more than " + num(t.connectionsRatio * 100) + "% of max_connections",
      description: "New connections will soon be refused ('sorry, too many clients already').",
      cases: [
        { what: "fires near the limit", input: [{ series: m("pg_stat_activity_count", `,datname="app",state="active"`), values: `${Math.ceil(100 * (t.connectionsRatio + (1 - t.connectionsRatio) / 2))}x30` }, { series: m("pg_settings_max_connections"), values: "100x30" }], evalTime: "20m", fires: [{ service: "db", instance: "db-exporter:9187" }] },
        { what: "silent with few connections", input: [{ series: m("pg_stat_activity_count", `,datname="app",state="active"`), values: "5x30" }, { series: m("pg_settings_max_connections"), values: "100x30" }], evalTime: "20m", fires: [] },
      ],
    });
  }
  if (ctx.exporters.has("redis")) out.push(down("RedisDown", "redis_up", "redis", "redis-exporter:9121", "redis", "Redis"));
  if (ctx.exporters.has("memcached")) out.push(down("MemcachedDown", "memcached_up", "memcached", "memcached-exporter:9150", "memcached", "Memcached"));
  return out;
}

function backups(ctx: AlertContext): AlertDefinition[] {
  if (!ctx.backups) return [];
  const t = ctx.thresholds;
  const maxAge = t.backupMaxAge.toMilliseconds() / 1000;
  const restoreAge = t.restoreTestMaxAge.toMilliseconds() / 1000;
  const s = (metric: string) => `${metric}{job="node",instance="node-exporter:9100",service="mariadb"}`;
  const labels = { job: "node", instance: "node-exporter:9100", service: "mariadb" };
  const hoursAfter = (seconds: number) => Math.ceil(seconds / 3600) + 2;
  return [
    {
      name: "BackupMetricsMissing",
      expr: "absent(bulwark_backup_last_success_timestamp_seconds)",
      for: "1h",
      severity: "warning",
      category: "backup",
      summary: "No backup job reports its metrics",
      description: "The stack expects backups, but no bulwark_backup_* metric reaches Prometheus (node_exporter's textfile directory): the backup job never ran or cannot write its metrics.",
      cases: [
        { what: "fires without any backup metric", input: [{ series: `up{job="node",instance="node-exporter:9100",service="node-exporter"}`, values: "1x90" }], evalTime: "80m", fires: [{}] },
        { what: "silent once backups report", input: [{ series: s("bulwark_backup_last_success_timestamp_seconds"), values: "0+60x90" }], evalTime: "80m", fires: [] },
      ],
    },
    {
      name: "BackupStale",
      expr: `time() - bulwark_backup_last_success_timestamp_seconds > ${maxAge}`,
      for: "10m",
      severity: "critical",
      category: "backup",
      summary: "The last good backup of {{ $labels.service }} is older than " + promDuration(t.backupMaxAge),
      description: "No backup has succeeded within the expected interval: a restore now would lose more data than the recovery point objective allows.",
      cases: [
        { what: "fires when backups stopped", interval: "4m", evaluationInterval: "1h", input: [{ series: s("bulwark_backup_last_success_timestamp_seconds"), values: `0x${hoursAfter(maxAge) * 15}` }], evalTime: `${hoursAfter(maxAge)}h`, fires: [labels] },
        { what: "silent while backups succeed", interval: "4m", evaluationInterval: "1h", input: [{ series: s("bulwark_backup_last_success_timestamp_seconds"), values: `0+240x${hoursAfter(maxAge) * 15}` }], evalTime: `${hoursAfter(maxAge)}h`, fires: [] },
      ],
    },
    {
      name: "BackupFailed",
      expr: "bulwark_backup_last_run_success == 0",
      for: "0s",
      severity: "critical",
      category: "backup",
      summary: "The last backup run of {{ $labels.service }} failed",
      description: "The most recent backup job exited with an error.",
      cases: [
        { what: "fires after a failed run", input: [{ series: s("bulwark_backup_last_run_success"), values: "0x5" }], evalTime: "3m", fires: [labels] },
        { what: "silent after a good run", input: [{ series: s("bulwark_backup_last_run_success"), values: "1x5" }], evalTime: "3m", fires: [] },
      ],
    },
    {
      name: "RestoreTestFailed",
      expr: "bulwark_restore_drill_success == 0",
      for: "0s",
      severity: "critical",
      category: "backup",
      summary: "The last restore test of {{ $labels.service }} failed",
      description: "A backup could not be restored and verified: the backups may be unusable.",
      cases: [
        { what: "fires after a failed restore test", input: [{ series: s("bulwark_restore_drill_success"), values: "0x5" }], evalTime: "3m", fires: [labels] },
        { what: "silent after a good restore test", input: [{ series: s("bulwark_restore_drill_success"), values: "1x5" }], evalTime: "3m", fires: [] },
      ],
    },
    {
      name: "RestoreTestStale",
      expr: `time() - bulwark_restore_drill_last_success_timestamp_seconds > ${restoreAge}`,
      for: "1h",
      severity: "warning",
      category: "backup",
      summary: "No restore test of {{ $labels.service }} succeeded within " + promDuration(t.restoreTestMaxAge),
      description: "Backups are taken but not proven restorable within the expected interval.",
      cases: [
        { what: "fires when restore tests stopped", interval: "4m", evaluationInterval: "1h", input: [{ series: s("bulwark_restore_drill_last_success_timestamp_seconds"), values: `0x${(hoursAfter(restoreAge) + 2) * 15}` }], evalTime: `${hoursAfter(restoreAge) + 1}h`, fires: [labels] },
        { what: "silent while restore tests succeed", interval: "4m", evaluationInterval: "1h", input: [{ series: s("bulwark_restore_drill_last_success_timestamp_seconds"), values: `0+240x${(hoursAfter(restoreAge) + 2) * 15}` }], evalTime: `${hoursAfter(restoreAge) + 1}h`, fires: [] },
      ],
    },
  ];
}

/** The alerts of a stack, in a stable order (groups: platform, host, containers, probes, http, datastores, backups). */
export function buildAlerts(ctx: AlertContext): { group: string; alerts: AlertDefinition[] }[] {
  return [
    { group: "platform", alerts: base(ctx) },
    { group: "host", alerts: host(ctx) },
    { group: "containers", alerts: containers(ctx) },
    { group: "probes", alerts: probes(ctx) },
    { group: "http", alerts: http(ctx) },
    { group: "datastores", alerts: datastores(ctx) },
    { group: "backups", alerts: backups(ctx) },
  ].filter((g) => g.alerts.length > 0);
}

/** Every alert name the catalog can generate (for runbooks). SLO alerts are in ./slo.ts. */
export const CATALOG_ALERT_NAMES: readonly string[] = [
  "TargetDown", "PrometheusConfigReloadFailed", "AlertmanagerNotificationsFailing",
  "HostDiskFreeLow", "HostDiskWillFillSoon", "HostMemoryPressure",
  "ContainerOomKilled", "ContainerRestarting", "ContainerMemoryNearLimit",
  "ProbeFailed", "ProbeDegraded", "CertificateExpiringSoon", "CertificateExpiringCritical", "ProbeSlow",
  "HttpErrorRatioHigh", "HttpLatencyP95High", "EdgeErrorRatioHigh", "RabbitMqQueueBacklog",
  "MariaDbDown", "MariaDbConnectionsNearLimit", "PostgresDown", "PostgresConnectionsNearLimit", "RedisDown", "MemcachedDown",
  "BackupMetricsMissing", "BackupStale", "BackupFailed", "RestoreTestFailed", "RestoreTestStale",
];
