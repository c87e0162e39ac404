/**
 * The monitoring plan: from the observed services and the Monitoring props to every scrape job,
 * probe, exporter, configuration file and alert, as plain data (no cdktf). The construct renders
 * it; tests and scripts can read it without a stack.
 */
import type { ExporterKind, MetricsDialect, ObservabilitySpec } from "../service/observability";
import { validateObservability } from "../service/observability";
import type { SecretRef } from "../service/spec";
import type { AlertDefinition } from "./alert";
import { buildAlerts } from "./alert-catalog";
import { renderAlertmanagerConfig, validateAlerting, type AlertingProps } from "./alertmanager-config";
import { ALERTMANAGER, BLACKBOX_EXPORTER, CADVISOR, EXPORTERS, NODE_EXPORTER, PROMETHEUS, componentNames, type ComponentNames } from "./components";
import { renderGrafanaProvisioning, type GrafanaFiles } from "./dashboards";
import { renderRuleFile, renderRuleTests, type RuleGroup, type RuleTestFile } from "./rules-file";
import { promDuration, toYaml } from "./render";
import { resolveSlo, sloAlerts, sloRecordingRules, type ProbeRef, type ResolvedSlo, type SloSpec } from "./slo";
import { resolveThresholds, type AlertThresholds } from "./thresholds";

/** A service as monitoring sees it. */
export interface ObservedService {
  readonly name: string;
  /** DNS name on the shared internal network. */
  readonly hostname: string;
  readonly observability?: ObservabilitySpec;
  /** Is it a datastore/broker/cache/search (for "datastore not covered" checks)? */
  readonly backend: boolean;
}

/** An end-to-end probe of a public URL through the edge. */
export interface PublicProbe {
  /** Short name (`opac`), unique among public probes; an SLO refers to it. */
  readonly name: string;
  /** `https://opac.example.org/cgi-bin/koha/opac-main.pl` */
  readonly url: string;
  /** The service behind it (the `service` label). */
  readonly service: string;
}

export interface PlanInput {
  readonly where: string;
  readonly stack: string;
  readonly services: readonly ObservedService[];
  readonly alerting: AlertingProps;
  readonly thresholds?: AlertThresholds;
  readonly slos?: readonly SloSpec[];
  readonly publicProbes?: readonly PublicProbe[];
  readonly runbookBaseUrl: string;
  readonly scrapeInterval: string;
  readonly nodeExporter: boolean;
  readonly cadvisor: boolean;
  readonly backups: boolean;
  /**
   * Docker names of the components (their DNS names in prometheus.yml and Grafana's datasource).
   * @default componentNames("") (prometheus, alertmanager, …)
   */
  readonly names?: ComponentNames;
  /** Render Grafana's provisioning (datasource, dashboards). @default false */
  readonly grafana?: boolean;
}

/** A file to deliver into a container: text we render, or a secret's value. */
export type PlannedFile =
  | { readonly path: string; readonly content: string }
  | { readonly path: string; readonly secret: SecretRef; readonly prefix?: string; readonly suffix?: string };

export interface PlannedExporter {
  readonly kind: ExporterKind;
  /** Container (and DNS) name: `<service>-exporter`. */
  readonly name: string;
  readonly target: ObservedService;
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly files: readonly PlannedFile[];
  /** Directory the files live in (a config volume). */
  readonly configDir?: string;
}

export interface ScrapeTarget {
  readonly job: string;
  readonly service: string;
  readonly address: string;
  readonly path: string;
  readonly scheme: "http" | "https";
  readonly tokenFile?: string;
}

export interface MonitoringPlan {
  readonly exporters: readonly PlannedExporter[];
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** Services scraped directly by Prometheus (it must share a network with them). */
  readonly scrapedServices: readonly ObservedService[];
  /** Services the blackbox exporter probes internally. */
  readonly probedServices: readonly ObservedService[];
  /** Service endpoints that cannot be observed, and why (shown in the README and as warnings). */
  readonly unobserved: readonly string[];
  readonly alerts: readonly AlertDefinition[];
  readonly files: {
    readonly prometheus: string;
    readonly rules: string;
    /** promtool test files, to be written next to the rule file. */
    readonly ruleTests: readonly RuleTestFile[];
    readonly alertmanager: string;
    readonly blackbox: string;
    /** Grafana provisioning (only with `grafana: true`). */
    readonly grafana?: GrafanaFiles;
  };
  readonly prometheusFiles: readonly PlannedFile[];
  readonly blackboxFiles: readonly PlannedFile[];
  readonly alertmanagerSecrets: readonly PlannedFile[];
}

export const PROMETHEUS_DIR = "/etc/prometheus";
export const BLACKBOX_DIR = "/etc/blackbox";
export const RULE_FILE_NAME = "bulwark.rules.yml";
const secretPath = (dir: string, ref: SecretRef) => `${dir}/secrets/${ref.name}`;

export function planMonitoring(input: PlanInput): MonitoringPlan {
  const { where } = input;
  const thresholds = resolveThresholds(where, input.thresholds);
  const alerting = validateAlerting(where, input.alerting);
  const exporters: PlannedExporter[] = [];
  const targets: ScrapeTarget[] = [];
  const scraped: ObservedService[] = [];
  const probed: ObservedService[] = [];
  const unobserved: string[] = [];
  const dialects = new Set<MetricsDialect>();
  const prometheusFiles: PlannedFile[] = [];
  const blackboxFiles: PlannedFile[] = [];
  const modules: Record<string, unknown> = {
    http_2xx: { prober: "http", timeout: "5s", http: { preferred_ip_protocol: "ip4", follow_redirects: true } },
    tcp_connect: { prober: "tcp", timeout: "5s", tcp: { preferred_ip_protocol: "ip4" } },
  };
  const probeConfigs: { target: string; labels: Record<string, string> }[] = [];
  const probeRefs = new Map<string, ProbeRef>();
  let saturationProbes = false;
  const jobs = new Set(["prometheus", "alertmanager", "node", "cadvisor", "blackbox", ...Object.values(EXPORTERS).map((e) => e.job)]);

  for (const svc of input.services) {
    const obs = validateObservability(svc.observability, `${where}: service ${svc.name}`, "observability.");
    if (obs.exporter) {
      const x = obs.exporter;
      const facts = EXPORTERS[x.kind];
      const name = `${svc.name}-exporter`;
      const dir = `/etc/${x.kind}-exporter`;
      const target = `${svc.hostname}:${x.port}`;
      let planned: PlannedExporter;
      if (x.kind === "mysqld") {
        const files: PlannedFile[] = x.password
          ? [{ path: `${dir}/my.cnf`, secret: x.password, prefix: `[client]\nuser=${x.username}\nhost=${svc.hostname}\nport=${x.port}\npassword=`, suffix: "\n" }]
          : [{ path: `${dir}/my.cnf`, content: `[client]\nhost=${svc.hostname}\nport=${x.port}\n` }];
        planned = { kind: x.kind, name, target: svc, command: [`--config.my-cnf=${dir}/my.cnf`, `--web.listen-address=:${facts.port}`], files, configDir: dir };
      } else if (x.kind === "postgres") {
        const env: Record<string, string> = { DATA_SOURCE_URI: `${target}/postgres?sslmode=disable` };
        const files: PlannedFile[] = [];
        if (x.username && x.password) {
          env.DATA_SOURCE_USER = x.username;
          env.DATA_SOURCE_PASS_FILE = `${dir}/password`;
          files.push({ path: `${dir}/password`, secret: x.password });
        }
        planned = { kind: x.kind, name, target: svc, env, files, configDir: files.length ? dir : undefined, command: [`--web.listen-address=:${facts.port}`] };
      } else if (x.kind === "redis") {
        const uri = `redis://${target}`;
        const env: Record<string, string> = { REDIS_ADDR: uri };
        const files: PlannedFile[] = [];
        if (x.password) {
          // redis_exporter's password file is a JSON map from address to password.
          env.REDIS_PASSWORD_FILE = `${dir}/passwords.json`;
          files.push({ path: `${dir}/passwords.json`, secret: x.password, prefix: `{${JSON.stringify(uri)}:"`, suffix: "\"}\n" });
        }
        planned = { kind: x.kind, name, target: svc, env, files, configDir: files.length ? dir : undefined };
      } else {
        planned = { kind: x.kind, name, target: svc, command: [`--memcached.address=${target}`], files: [] };
      }
      exporters.push(planned);
      targets.push({ job: facts.job, service: svc.name, address: `${name}:${facts.port}`, path: "/metrics", scheme: "http" });
    }
    for (const [i, e] of (obs.scrape ?? []).entries()) {
      if (e.listen === "loopback") {
        unobserved.push(`${svc.name}: metrics on port ${e.port} listen on 127.0.0.1 inside the container only; make them listen on the container's network address to scrape them`);
        continue;
      }
      const job = (obs.scrape ?? []).length > 1 ? `${svc.name}-${i + 1}` : svc.name;
      if (jobs.has(job)) throw new Error(`${where}: service ${svc.name} would get scrape job "${job}", which monitoring uses itself. Fix: rename the service`);
      jobs.add(job);
      let tokenFile: string | undefined;
      if (e.bearerToken) {
        tokenFile = secretPath(PROMETHEUS_DIR, e.bearerToken);
        if (!prometheusFiles.some((f) => f.path === tokenFile)) prometheusFiles.push({ path: tokenFile, secret: e.bearerToken });
      }
      targets.push({ job, service: svc.name, address: `${svc.hostname}:${e.port}`, path: e.path ?? "/metrics", scheme: e.scheme ?? "http", tokenFile });
      dialects.add(e.dialect ?? "generic");
      if (!scraped.includes(svc)) scraped.push(svc);
    }
    for (const p of obs.probes ?? []) {
      let module = p.kind === "tcp" ? "tcp_connect" : "http_2xx";
      let target = p.kind === "tcp" ? `${svc.hostname}:${p.port}` : `${p.scheme ?? "http"}://${svc.hostname}:${p.port}${p.path ?? "/"}`;
      const signal = p.kind === "http" ? p.category ?? "availability" : "availability";
      if (signal === "saturation") saturationProbes = true;
      if (p.kind === "http" && (p.bodyMatches || p.basicAuth)) {
        module = `${svc.name}-${p.name}`;
        const http: Record<string, unknown> = { preferred_ip_protocol: "ip4" };
        if (p.bodyMatches) http.fail_if_body_not_matches_regexp = [p.bodyMatches];
        if (p.basicAuth) {
          const file = secretPath(BLACKBOX_DIR, p.basicAuth.password);
          http.basic_auth = { username: p.basicAuth.username, password_file: file };
          if (!blackboxFiles.some((f) => f.path === file)) blackboxFiles.push({ path: file, secret: p.basicAuth.password });
        }
        modules[module] = { prober: "http", timeout: "5s", http };
      }
      const labels = { service: svc.name, probe: p.name, scope: "internal", signal, __param_module: module };
      probeConfigs.push({ target, labels });
      probeRefs.set(`${svc.name}/${p.name}`, {
        selector: `probe_success{service="${svc.name}",probe="${p.name}",scope="internal"}`,
        testSeries: `probe_success{job="blackbox",instance="${target}",probe="${p.name}",scope="internal",service="${svc.name}",signal="${signal}"}`,
      });
      target = "";
      if (!probed.includes(svc)) probed.push(svc);
    }
  }
  const publicNames = new Set<string>();
  for (const p of input.publicProbes ?? []) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(p?.name ?? "")) throw new Error(`${where}: publicProbes name ${JSON.stringify(p?.name)} is not a short name. Fix: use lower-case letters, digits and dashes`);
    if (publicNames.has(p.name)) throw new Error(`${where}: publicProbes "${p.name}" is declared twice. Fix: give each public probe its own name`);
    publicNames.add(p.name);
    if (typeof p.url !== "string" || !/^https:\/\/[a-z0-9.-]+(\/[A-Za-z0-9._~\/?=&%:,+-]*)?$/.test(p.url)) {
      throw new Error(`${where}: publicProbes[${p.name}].url ${JSON.stringify(p.url)} is not an https URL. Fix: probe the public hostname through the edge, e.g. "https://opac.example.org/"`);
    }
    if (!input.services.some((s) => s.name === p.service)) throw new Error(`${where}: publicProbes[${p.name}].service "${p.service}" is not a monitored service. Fix: name one of ${input.services.map((s) => s.name).join(", ")}`);
    modules.http_public = { prober: "http", timeout: "10s", http: { preferred_ip_protocol: "ip4", follow_redirects: true, fail_if_not_ssl: true } };
    probeConfigs.push({ target: p.url, labels: { service: p.service, probe: p.name, scope: "public", signal: "availability", __param_module: "http_public" } });
    probeRefs.set(p.name, {
      selector: `probe_success{probe="${p.name}",scope="public"}`,
      testSeries: `probe_success{job="blackbox",instance="${p.url}",probe="${p.name}",scope="public",service="${p.service}",signal="availability"}`,
    });
  }

  // --- alerts --------------------------------------------------------------------------------
  const groups: RuleGroup[] = buildAlerts({
    thresholds,
    exporters: new Set(exporters.map((e) => e.kind)),
    dialects,
    internalProbes: probeConfigs.some((p) => p.labels.scope === "internal"),
    publicProbes: probeConfigs.some((p) => p.labels.scope === "public"),
    saturationProbes,
    nodeExporter: input.nodeExporter,
    cadvisor: input.cadvisor,
    backups: input.backups,
  }).map((g) => ({ name: `bulwark-${g.group}`, alerts: g.alerts }));
  const sloNames = new Set<string>();
  const slos: ResolvedSlo[] = [];
  for (const spec of input.slos ?? []) {
    const slo = resolveSlo(where, spec, probeRefs);
    if (sloNames.has(slo.name)) throw new Error(`${where}: slos "${slo.name}" is declared twice. Fix: give each SLO its own name`);
    sloNames.add(slo.name);
    slos.push(slo);
    groups.push({ name: `bulwark-slo-${slo.name}`, records: sloRecordingRules(slo), alerts: sloAlerts(slo) });
  }
  const ctx = { runbookBaseUrl: input.runbookBaseUrl.replace(/\/+$/, "") };

  // --- prometheus.yml --------------------------------------------------------------------------
  const names = input.names ?? componentNames("");
  const scrapeConfigs: Record<string, unknown>[] = [
    { job_name: "prometheus", static_configs: [{ targets: [`localhost:${PROMETHEUS.port}`], labels: { service: "prometheus" } }] },
    { job_name: "alertmanager", static_configs: [{ targets: [`${names.alertmanager}:${ALERTMANAGER.port}`], labels: { service: "alertmanager" } }] },
  ];
  // honor_labels: the backup jobs' textfile metrics name the service they back up (`service`),
  // which must win over the node_exporter target's own `service` label.
  if (input.nodeExporter) scrapeConfigs.push({ job_name: "node", honor_labels: true, static_configs: [{ targets: [`${names.nodeExporter}:${NODE_EXPORTER.port}`], labels: { service: "node-exporter" } }] });
  if (input.cadvisor) scrapeConfigs.push({ job_name: "cadvisor", static_configs: [{ targets: [`${names.cadvisor}:${CADVISOR.port}`], labels: { service: "cadvisor" } }] });
  const byJob = new Map<string, ScrapeTarget[]>();
  for (const t of targets) byJob.set(t.job, [...(byJob.get(t.job) ?? []), t]);
  for (const [job, ts] of byJob) {
    const first = ts[0];
    scrapeConfigs.push({
      job_name: job,
      ...(first.path !== "/metrics" ? { metrics_path: first.path } : {}),
      ...(first.scheme !== "http" ? { scheme: first.scheme } : {}),
      ...(first.tokenFile ? { authorization: { type: "Bearer", credentials_file: first.tokenFile } } : {}),
      static_configs: ts.map((t) => ({ targets: [t.address], labels: { service: t.service } })),
    });
  }
  if (probeConfigs.length > 0) {
    scrapeConfigs.push({
      job_name: "blackbox",
      metrics_path: "/probe",
      scrape_interval: input.scrapeInterval,
      static_configs: probeConfigs.map((p) => ({ targets: [p.target], labels: p.labels })),
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: `${names.blackbox}:${BLACKBOX_EXPORTER.port}` },
      ],
    });
  }
  const prometheus = toYaml({
    global: { scrape_interval: input.scrapeInterval, evaluation_interval: input.scrapeInterval, external_labels: { stack: input.stack } },
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`${names.alertmanager}:${ALERTMANAGER.port}`] }] }] },
    rule_files: [`${PROMETHEUS_DIR}/rules/${RULE_FILE_NAME}`],
    scrape_configs: scrapeConfigs,
  });

  const rules = renderRuleFile(groups, ctx);
  const ruleTests = renderRuleTests(RULE_FILE_NAME, groups, ctx);
  const alertmanagerSecrets: PlannedFile[] = [];
  if (alerting.email?.password) alertmanagerSecrets.push({ path: "/etc/alertmanager/secrets/smtp_password", secret: alerting.email.password });
  if (alerting.telegram) alertmanagerSecrets.push({ path: "/etc/alertmanager/secrets/telegram_bot_token", secret: alerting.telegram.botToken });

  return {
    exporters,
    scrapeTargets: targets,
    scrapedServices: scraped,
    probedServices: probed,
    unobserved,
    alerts: groups.flatMap((g) => g.alerts),
    files: {
      prometheus,
      rules,
      ruleTests,
      alertmanager: renderAlertmanagerConfig(alerting),
      blackbox: toYaml({ modules }),
      ...(input.grafana
        ? {
            grafana: renderGrafanaProvisioning({
              stack: input.stack,
              prometheusUrl: `http://${names.prometheus}:${PROMETHEUS.port}`,
              scrapeInterval: input.scrapeInterval,
              slos,
              nodeExporter: input.nodeExporter,
              probes: probeConfigs.length > 0,
              edge: dialects.has("cloudflared"),
              httpApps: dialects.has("http-app"),
            }),
          }
        : {}),
    },
    prometheusFiles,
    blackboxFiles,
    alertmanagerSecrets,
  };
}

export { promDuration };
