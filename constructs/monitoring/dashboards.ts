/**
 * Grafana provisioning as plain data (no cdktf): the Prometheus datasource, a file dashboard
 * provider, and the dashboards, one overview of the stack plus one per SLO with its error-budget
 * figure. Grafana reads them from its provisioning directory at start
 * (https://grafana.com/docs/grafana/latest/administration/provisioning/: `apiVersion: 1`,
 * `datasources:` and `providers:` with `type: file`, `options.path`).
 *
 * Every SLO panel queries the recording rules of ./slo.ts (`slo:sli_error:ratio_rate<w>`,
 * `slo:objective:ratio`, `slo:error_budget_remaining:ratio`), never the raw SLI again, so the
 * dashboard shows exactly the figures the burn-rate alerts judge. Tests check that every `slo:`
 * series a panel reads is recorded in the generated rule file.
 *
 * Not run here: Grafana has no Debian package on this machine, so the files are checked by
 * parsing (YAML, JSON, the expected panels and queries), not by a Grafana loading them.
 */
import { BURN_RATE_PAIRS, type ResolvedSlo } from "./slo";
import { promDuration, toYaml } from "./render";

/** uid of the provisioned Prometheus datasource; every panel names it. */
export const GRAFANA_DATASOURCE_UID = "bulwark-prometheus";
/** The image's `GF_PATHS_PROVISIONING` (grafana/grafana Dockerfile). */
export const GRAFANA_PROVISIONING_DIR = "/etc/grafana/provisioning";
/** Where the dashboard provider reads the dashboards' JSON from. */
export const GRAFANA_DASHBOARD_DIR = `${GRAFANA_PROVISIONING_DIR}/dashboards/bulwark`;
/** Folder the dashboards appear in. */
export const GRAFANA_FOLDER = "bulwark";

export interface GrafanaInput {
  readonly stack: string;
  /** `http://prometheus:9090`: the Prometheus container's name on the monitoring network. */
  readonly prometheusUrl: string;
  readonly scrapeInterval: string;
  readonly slos: readonly ResolvedSlo[];
  readonly nodeExporter: boolean;
  readonly probes: boolean;
  /** A scraped cloudflared (edge responses by status code). */
  readonly edge: boolean;
  /** Services exporting http_requests_total. */
  readonly httpApps: boolean;
}

export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  /** File name under GRAFANA_DASHBOARD_DIR. */
  readonly file: string;
  /** The dashboard JSON (pretty-printed). */
  readonly json: string;
}

export interface GrafanaFiles {
  /** provisioning/datasources/bulwark.yml */
  readonly datasources: string;
  /** provisioning/dashboards/bulwark.yml */
  readonly dashboardProviders: string;
  readonly dashboards: readonly GrafanaDashboard[];
}

interface Panel {
  readonly title: string;
  readonly type: "stat" | "timeseries" | "table";
  readonly queries: readonly { readonly expr: string; readonly legend?: string }[];
  readonly unit?: string;
  readonly w: number;
  readonly h: number;
  readonly description?: string;
  readonly thresholds?: readonly { readonly value: number | null; readonly color: string }[];
}

const fmt = (n: number): string => String(Number(n.toPrecision(12)));
const datasource = { type: "prometheus", uid: GRAFANA_DATASOURCE_UID };

function dashboard(uid: string, title: string, stack: string, tags: readonly string[], panels: readonly Panel[]): GrafanaDashboard {
  let x = 0;
  let y = 0;
  let rowH = 0;
  const rendered = panels.map((p, i) => {
    if (x + p.w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const gridPos = { x, y, w: p.w, h: p.h };
    x += p.w;
    rowH = Math.max(rowH, p.h);
    return {
      id: i + 1,
      type: p.type,
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource,
      gridPos,
      targets: p.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: q.expr, ...(q.legend ? { legendFormat: q.legend } : {}) })),
      fieldConfig: {
        defaults: {
          ...(p.unit ? { unit: p.unit } : {}),
          ...(p.thresholds ? { thresholds: { mode: "absolute", steps: p.thresholds } } : {}),
        },
        overrides: [],
      },
      options: p.type === "stat" ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "none" } : {},
    };
  });
  const json = {
    uid,
    title,
    tags: ["bulwark", stack, ...tags],
    timezone: "utc",
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: "1m",
    time: { from: "now-24h", to: "now" },
    panels: rendered,
  };
  return { uid, title, file: `${uid}.json`, json: `${JSON.stringify(json, null, 2)}\n` };
}

/** Grafana uids are at most 40 characters. */
function uid(stack: string, what: string): string {
  const u = `bulwark-${stack}-${what}`.replace(/[^A-Za-z0-9_-]/g, "-");
  return u.length <= 40 ? u : u.slice(0, 40);
}

/** The SLO dashboard: budget left, objective, error ratio per alert window, burn rate of each pair. */
function sloDashboard(stack: string, slo: ResolvedSlo): GrafanaDashboard {
  const sel = `{slo="${slo.name}"}`;
  const budget = 1 - slo.objective;
  const window = promDuration(slo.window);
  const windows = [...new Set(BURN_RATE_PAIRS.flatMap((p) => [promDuration(p.short), promDuration(p.long)]))];
  return dashboard(uid(stack, `slo-${slo.name}`), `SLO ${slo.name} (${stack})`, stack, ["slo"], [
    {
      title: "Error budget remaining",
      type: "stat",
      description: `Share of the ${window} error budget (${fmt(budget * 100)}% of requests) not yet spent; below 0 the SLO is missed.`,
      queries: [{ expr: `slo:error_budget_remaining:ratio${sel}` }],
      unit: "percentunit",
      w: 8,
      h: 6,
      thresholds: [{ value: null, color: "red" }, { value: 0, color: "orange" }, { value: 0.25, color: "green" }],
    },
    { title: "Objective", type: "stat", description: slo.description, queries: [{ expr: `slo:objective:ratio${sel}` }], unit: "percentunit", w: 8, h: 6 },
    { title: `Error ratio over ${window}`, type: "stat", queries: [{ expr: `slo:sli_error:ratio_rate${window}${sel}` }], unit: "percentunit", w: 8, h: 6 },
    {
      title: "Error ratio per alert window",
      type: "timeseries",
      queries: windows.map((w) => ({ expr: `slo:sli_error:ratio_rate${w}${sel}`, legend: w })),
      unit: "percentunit",
      w: 24,
      h: 8,
    },
    {
      title: "Burn rate (1 = the budget lasts exactly the window)",
      type: "timeseries",
      description: BURN_RATE_PAIRS.map((p) => `${p.alert}: ${promDuration(p.long)} and ${promDuration(p.short)} above ${p.factor}x`).join("; "),
      queries: BURN_RATE_PAIRS.map((p) => ({ expr: `slo:sli_error:ratio_rate${promDuration(p.long)}${sel} / ${fmt(budget)}`, legend: `${promDuration(p.long)} (alert above ${p.factor}x)` })),
      w: 24,
      h: 8,
    },
  ]);
}

function overviewDashboard(input: GrafanaInput): GrafanaDashboard {
  const panels: Panel[] = [
    { title: "Targets down", type: "stat", queries: [{ expr: "count(up == 0) or vector(0)" }], w: 6, h: 5, thresholds: [{ value: null, color: "green" }, { value: 1, color: "red" }] },
    { title: "Alerts firing", type: "stat", queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)' }], w: 6, h: 5, thresholds: [{ value: null, color: "green" }, { value: 1, color: "red" }] },
    ...input.slos.map(
      (s): Panel => ({
        title: `Error budget remaining: ${s.name}`,
        type: "stat",
        queries: [{ expr: `slo:error_budget_remaining:ratio{slo="${s.name}"}` }],
        unit: "percentunit",
        w: 6,
        h: 5,
        thresholds: [{ value: null, color: "red" }, { value: 0, color: "orange" }, { value: 0.25, color: "green" }],
      }),
    ),
    { title: "Scrape targets up", type: "timeseries", queries: [{ expr: "up", legend: "{{job}} {{instance}}" }], w: 12, h: 8 },
    { title: "Alerts firing by name", type: "table", queries: [{ expr: 'sum by (alertname, severity) (ALERTS{alertstate="firing"})' }], w: 12, h: 8 },
  ];
  if (input.probes) {
    panels.push(
      { title: "Probe success", type: "timeseries", queries: [{ expr: "probe_success", legend: "{{service}} {{probe}} ({{scope}})" }], w: 12, h: 8 },
      { title: "Probe duration", type: "timeseries", queries: [{ expr: "probe_duration_seconds", legend: "{{service}} {{probe}} ({{scope}})" }], unit: "s", w: 12, h: 8 },
    );
  }
  if (input.edge) {
    panels.push(
      { title: "Edge responses by status code", type: "timeseries", queries: [{ expr: "sum by (status_code) (rate(cloudflared_tunnel_response_by_code[5m]))", legend: "{{status_code}}" }], unit: "reqps", w: 12, h: 8 },
      { title: "Edge requests and origin errors", type: "timeseries", queries: [{ expr: "sum(rate(cloudflared_tunnel_total_requests[5m]))", legend: "requests" }, { expr: "sum(rate(cloudflared_tunnel_request_errors[5m]))", legend: "errors reaching the origin" }], unit: "reqps", w: 12, h: 8 },
    );
  }
  if (input.httpApps) {
    panels.push({ title: "HTTP 5xx ratio", type: "timeseries", queries: [{ expr: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))', legend: "{{service}}" }], unit: "percentunit", w: 12, h: 8 });
  }
  if (input.nodeExporter) {
    panels.push(
      { title: "Disk free", type: "timeseries", queries: [{ expr: 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}', legend: "{{mountpoint}}" }], unit: "percentunit", w: 12, h: 8 },
      { title: "Memory available", type: "timeseries", queries: [{ expr: "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", legend: "available" }], unit: "percentunit", w: 12, h: 8 },
    );
  }
  return dashboard(uid(input.stack, "overview"), `Overview (${input.stack})`, input.stack, ["overview"], panels);
}

export function renderGrafanaProvisioning(input: GrafanaInput): GrafanaFiles {
  const datasources = toYaml({
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        uid: GRAFANA_DATASOURCE_UID,
        type: "prometheus",
        access: "proxy",
        url: input.prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: input.scrapeInterval, httpMethod: "POST" },
      },
    ],
  });
  const dashboardProviders = toYaml({
    apiVersion: 1,
    providers: [
      {
        name: "bulwark",
        orgId: 1,
        folder: GRAFANA_FOLDER,
        type: "file",
        // Generated from the stack: changes belong in code, not in the UI.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: GRAFANA_DASHBOARD_DIR, foldersFromFilesStructure: false },
      },
    ],
  });
  const dashboards = [overviewDashboard(input), ...input.slos.map((s) => sloDashboard(input.stack, s))];
  const seen = new Map<string, string>();
  for (const d of dashboards) {
    const other = seen.get(d.uid);
    if (other !== undefined) throw new Error(`Monitoring (stack ${input.stack}): dashboards "${other}" and "${d.title}" get the same Grafana uid "${d.uid}" (uids are cut to 40 characters). Fix: give the SLOs shorter names that differ in their first characters`);
    seen.set(d.uid, d.title);
  }
  return { datasources, dashboardProviders, dashboards };
}
