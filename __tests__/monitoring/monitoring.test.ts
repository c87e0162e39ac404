/**
 * The Monitoring construct and the observability facts, without the real tools: what is rendered,
 * how it is delivered, what is refused, and that every alert has its labels and its runbook.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { ALERT_CATEGORIES, ALL_ALERT_NAMES, RUNBOOKS, planMonitoring, unescapeTerraformTemplate } from "../../constructs/monitoring";
import * as profiles from "../../constructs/profiles";
import { validateObservability, withObservability } from "../../constructs/service/observability";
import { Secret } from "../../constructs/core/secret";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { RUNBOOKS_COMMAND, RUNBOOKS_DIR, renderRunbookPages } from "../../scripts/runbooks";
import { kohaMonitoredStack, singleServerMonitoredStack } from "./stacks";
import type { MountableVolume } from "../../constructs/docker/hardened-container";

const containersOf = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack)).resource.docker_container as Record<string, any>;

describe("observability facts in the profiles", () => {
  const secret = (n: string) => Secret.named(n, `test secret ${n}`);
  const specs = {
    mariadb: profiles.mariadbProfile({ serverId: 1, rootPassword: secret("root_pw"), database: "koha", user: "koha", password: secret("app_pw") }),
    postgres: profiles.postgresProfile({ password: secret("pg_pw") }),
    redis: profiles.redisProfile({ password: secret("redis_pw") }),
    memcached: profiles.memcachedProfile(),
    rabbitmq: profiles.rabbitmqProfile({ user: "koha", password: secret("mq_pw") }),
    elasticsearch: profiles.elasticsearchProfile({ password: secret("es_pw") }),
    cloudflared: profiles.cloudflaredProfile({ token: secret("tunnel_token") }),
    webapp: profiles.webAppProfile({ name: "api", image: { repository: "ghcr.io/x/api", tag: "1.0.0" }, user: "10001:10001", port: 8080, probeTool: "wget" }),
  };

  test.each(Object.entries(specs))("%s declares valid observability", (_n, spec) => {
    expect(spec.observability).toBeDefined();
    expect(() => validateObservability(spec.observability, "test")).not.toThrow();
  });

  test("each datastore is observed the way the issue asks", () => {
    expect(specs.mariadb.observability?.exporter).toMatchObject({ kind: "mysqld", username: "exporter" });
    expect(specs.mariadb.observability?.exporter?.password?.name).toBe("mariadb_exporter_password");
    expect(specs.mariadb.observability?.exporter?.setup).toMatch(/GRANT PROCESS, REPLICATION CLIENT/);
    expect(specs.postgres.observability?.exporter).toMatchObject({ kind: "postgres", username: "exporter" });
    expect(specs.postgres.observability?.exporter?.setup).toContain("pg_monitor");
    expect(specs.redis.observability?.exporter?.kind).toBe("redis");
    expect(specs.memcached.observability?.exporter?.kind).toBe("memcached");
    expect(specs.rabbitmq.observability?.scrape?.[0]).toMatchObject({ port: 15692, dialect: "rabbitmq" });
    expect(specs.elasticsearch.observability?.probes?.map((p) => p.name)).toEqual(["cluster-up", "cluster-green"]);
    expect(specs.cloudflared.observability?.scrape?.[0]).toMatchObject({ port: 2000, dialect: "cloudflared", listen: "loopback" });
    expect(specs.webapp.observability?.probes?.[0]).toMatchObject({ kind: "http", path: "/healthz" });
  });

  test("the Docker renderer ignores the field", () => {
    const { stack, topology } = require("../helpers/stack").dockerTestStack();
    const a = new HardenedContainer(stack, "a", { service: specs.memcached, networks: [topology.back], owner: "t" });
    const withoutObs = { ...specs.memcached, name: "memcached2" };
    delete (withoutObs as { observability?: unknown }).observability;
    const b = new HardenedContainer(stack, "b", { service: withoutObs, networks: [topology.back], owner: "t" });
    const c = containersOf(stack);
    const strip = (x: any) => ({ ...x, name: undefined, networks_advanced: undefined, image: undefined, labels: x.labels.filter((l: any) => l.label !== "bulwark.service") });
    expect(strip(c.memcached)).toEqual(strip(c.memcached2));
    expect(a && b).toBeTruthy();
  });

  test("validation names the field and the fix", () => {
    expect(() => validateObservability({ scrape: [{ port: 0 }] }, "p")).toThrow(/p: service\.observability\.scrape\[0\]\.port is 0.*Fix:/);
    expect(() => validateObservability({ exporter: { kind: "mysqld", port: 3306, username: "root", password: secret("x") } }, "p")).toThrow(/superuser/);
    expect(() => validateObservability({ exporter: { kind: "mysqld", port: 3306, username: "exporter" } }, "p")).toThrow(/only one of username and password/);
    expect(() => validateObservability({ scrape: [{ port: 9, bearerToken: "hunter2" }] }, "p")).toThrow(/not a SecretRef/);
    expect(() => validateObservability({ scrape: [{ port: 9, bearerToken: { kind: "secret", name: "t", expression: "literal", source: "x" } }] }, "p")).toThrow(/literal/);
    expect(() => validateObservability({ probes: [{ kind: "http", name: "a", port: 1, path: "/${x}" }] }, "p")).toThrow(/template syntax/);
    expect(() => withObservability(specs.webapp, { metrics: [] } as never)).toThrow(/metrics is not a field/);
  });
});

describe("Monitoring construct (koha test stack)", () => {
  const { stack, monitoring } = kohaMonitoredStack();
  const c = containersOf(stack);
  const names = ["prometheus", "alertmanager", "blackbox_exporter", "node_exporter", "cadvisor", "mariadb_exporter", "memcached_exporter"];

  test("runs every component as a hardened container with no published port", () => {
    for (const n of names) {
      expect([n, c[n] !== undefined]).toEqual([n, true]);
      expect(c[n].ports).toBeUndefined();
      expect(c[n].read_only).toBe(true);
      expect(c[n].capabilities).toEqual({ drop: ["ALL"] });
      expect(c[n].user).not.toMatch(/^0(:|$)/);
    }
    expect(c.koha).toBeDefined();
  });

  test("passes the policy engine's error rules", () => {
    expect(stack).toPassPolicy();
  });

  test("configuration reaches the containers through their seeders' uploads (read-only config volumes), escaped for Terraform", () => {
    const upload = (n: string, file: string) => (c[`${n}_config`].upload as any[]).find((u) => u.file === file);
    const rules = upload("prometheus", "/etc/prometheus/rules/bulwark.rules.yml");
    expect(unescapeTerraformTemplate(rules.content)).toBe(monitoring.files.rules);
    expect(upload("prometheus", "/etc/prometheus/prometheus.yml")).toBeDefined();
    expect(upload("alertmanager", "/etc/alertmanager/alertmanager.yml")).toBeDefined();
    // The read-only components upload nothing themselves (Docker would refuse it: DOCKER-033);
    // each mounts its seeder's volume read-only at the config directory.
    for (const n of names) {
      expect({ n, upload: c[n].upload }).toEqual({ n, upload: undefined });
      if (!c[`${n}_config`]) continue;
      expect({ n, start: c[`${n}_config`].start, ro: c[`${n}_config`].read_only }).toEqual({ n, start: false, ro: false });
      const mount = (c[`${n}_config`].volumes as any[])[0];
      expect(c[n].volumes).toContainEqual({ ...mount, read_only: true });
      expect(c[n].lifecycle).toEqual({ replace_triggered_by: [`\${docker_container.${n}_config}`] });
    }
    // No unescaped template in rendered files: the only `${…}` are the secrets' variables.
    for (const n of names) {
      for (const u of (c[`${n}_config`]?.upload ?? []) as any[]) {
        const refs = (u.content as string).match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
        expect(refs.every((r) => /^\$\{var\.[a-z0-9_]+\}$/.test(r))).toBe(true);
      }
    }
  });

  test("credentials are files holding a sensitive variable: never a literal, a flag or an exporter env value", () => {
    const my = (c.mariadb_exporter_config.upload as any[]).find((u) => u.file.endsWith("my.cnf"));
    expect(my.content).toContain("password=${var.mariadb_exporter_password}");
    expect(c.mariadb_exporter.command.join(" ")).not.toMatch(/password|pass=/i);
    expect((c.alertmanager_config.upload as any[]).map((u) => u.file)).toEqual(expect.arrayContaining(["/etc/alertmanager/secrets/smtp_password", "/etc/alertmanager/secrets/telegram_bot_token"]));
    expect((c.alertmanager_config.upload as any[]).find((u) => u.file.endsWith("telegram_bot_token")).content).toBe("${var.telegram_bot_token}");
    expect(monitoring.files.alertmanager).toContain("bot_token_file: /etc/alertmanager/secrets/telegram_bot_token");
    expect(monitoring.files.blackbox).toContain("password_file: /etc/blackbox/secrets/koha_es_password");
    const json = JSON.parse(Testing.synth(stack));
    for (const v of ["mariadb_exporter_password", "smtp_password", "telegram_bot_token"]) expect(json.variable[v].sensitive).toBe(true);
  });

  test("host paths are read-only and granted with reasons that show in reports", () => {
    for (const v of c.node_exporter.volumes) expect(v.read_only).toBe(true);
    expect(c.node_exporter.volumes.map((v: any) => v.host_path)).toEqual(["/proc", "/sys", "/", "/var/lib/bulwark/metrics"]);
    // Testing.synth drops the "//" metadata; the stack's own JSON keeps the suppressions.
    const raw = JSON.stringify((stack.toTerraform() as any).resource.docker_container.node_exporter["//"]);
    expect(raw).toMatch(/DOCKER-016.*node_exporter reads host CPU/);
  });

  test("networks: monitoring on monnet; Prometheus and exporters reach their targets over internal networks only", () => {
    const nets = (n: string) => c[n].networks_advanced.map((x: any) => x.name);
    expect(nets("prometheus")).toEqual(["${docker_network.koha_monnet.name}", "${docker_network.koha_backnet.name}"]);
    expect(nets("mariadb_exporter")).toEqual(["${docker_network.koha_monnet.name}", "${docker_network.koha_backnet.name}"]);
    expect(nets("node_exporter")).toEqual(["${docker_network.koha_monnet.name}"]);
    expect(nets("alertmanager")).toContain("${docker_network.koha_frontnet.name}");
  });

  test("every alert carries severity, category, summary and a runbook_url of a runbook page that exists", () => {
    const doc = parse(monitoring.files.rules);
    const alerts = doc.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
    expect(alerts.length).toBeGreaterThan(25);
    for (const a of alerts) {
      expect(["critical", "warning"]).toContain(a.labels.severity);
      expect(ALERT_CATEGORIES).toContain(a.labels.category);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.runbook_url).toBe(`docs/runbooks/${a.alert}.md`);
      expect(fs.existsSync(join(__dirname, "..", "..", a.annotations.runbook_url))).toBe(true);
      expect([a.alert, RUNBOOKS[a.alert]?.severity]).toEqual([a.alert, a.labels.severity]);
    }
    const names = new Set(alerts.map((a: any) => a.alert));
    for (const n of ["TargetDown", "ProbeFailed", "ContainerOomKilled", "ContainerRestarting", "HostDiskFreeLow", "HostDiskWillFillSoon", "HostMemoryPressure",
      "CertificateExpiringSoon", "CertificateExpiringCritical", "BackupStale", "BackupFailed", "RestoreTestFailed", "RabbitMqQueueBacklog", "ProbeDegraded",
      "MariaDbDown", "MariaDbConnectionsNearLimit", "MemcachedDown", "SloErrorBudgetBurnFast", "SloErrorBudgetBurnMedium", "SloErrorBudgetBurnSlow"]) {
      expect([n, names.has(n)]).toEqual([n, true]);
    }
  });

  test("the OPAC SLO: 99.9% over 30 days, multi-window multi-burn-rate", () => {
    const doc = parse(monitoring.files.rules);
    const slo = doc.groups.find((g: any) => g.name === "bulwark-slo-opac-availability");
    const expr = (alert: string) => slo.rules.find((r: any) => r.alert === alert).expr;
    expect(expr("SloErrorBudgetBurnFast")).toBe('slo:sli_error:ratio_rate1h{slo="opac-availability"} > 0.0144 and slo:sli_error:ratio_rate5m{slo="opac-availability"} > 0.0144');
    expect(expr("SloErrorBudgetBurnMedium")).toBe('slo:sli_error:ratio_rate6h{slo="opac-availability"} > 0.006 and slo:sli_error:ratio_rate30m{slo="opac-availability"} > 0.006');
    expect(expr("SloErrorBudgetBurnSlow")).toBe('slo:sli_error:ratio_rate3d{slo="opac-availability"} > 0.001 and slo:sli_error:ratio_rate6h{slo="opac-availability"} > 0.001');
    expect(slo.rules.find((r: any) => r.record === "slo:error_budget_remaining:ratio").expr).toBe('1 - slo:sli_error:ratio_rate30d{slo="opac-availability"} / 0.001');
  });

  test("reports what cannot be observed", () => {
    expect(monitoring.plan.unobserved).toEqual([]);
  });

  test("synthesizes deterministically", () => {
    expect(Testing.synth(kohaMonitoredStack().stack)).toBe(Testing.synth(kohaMonitoredStack().stack));
  });

  test("node_exporter's textfile source: a host directory by default, or a volume, never both", () => {
    const json = JSON.parse(Testing.synth(kohaMonitoredStack().stack));
    expect(json.resource.docker_container.node_exporter.volumes).toContainEqual({ host_path: "/var/lib/bulwark/metrics", container_path: "/host/textfile", read_only: true });
    const volume = { name: "v", ownerService: "x", ownerPath: "/m" } as unknown as MountableVolume;
    expect(() => kohaMonitoredStack({ nodeExporter: { textfileDirectory: "/srv/metrics", textfileVolume: volume } })).toThrow(/nodeExporter sets both textfileVolume and textfileDirectory.*Fix: give one/);
  });
});

describe("Monitoring construct (single-server test stack)", () => {
  const { monitoring } = singleServerMonitoredStack();
  test("scrapes bot and API with a bearer token file, PostgreSQL through postgres_exporter", () => {
    const cfg = parse(monitoring.files.prometheus);
    for (const job of ["api", "bot"]) {
      const j = cfg.scrape_configs.find((s: any) => s.job_name === job);
      expect(j.authorization).toEqual({ type: "Bearer", credentials_file: "/etc/prometheus/secrets/metrics_bearer_token" });
    }
    expect(cfg.scrape_configs.find((s: any) => s.job_name === "postgres").static_configs[0].targets).toEqual(["db-exporter:9187"]);
    expect(monitoring.plan.exporters.find((e) => e.kind === "postgres")?.env).toEqual({ DATA_SOURCE_URI: "db:5432/postgres?sslmode=disable", DATA_SOURCE_USER: "exporter", DATA_SOURCE_PASS_FILE: "/etc/postgres-exporter/password" });
    const alerts = new Set(monitoring.plan.alerts.map((a) => a.name));
    for (const n of ["PostgresDown", "PostgresConnectionsNearLimit", "HostDiskFreeLow", "BackupStale", "HttpErrorRatioHigh", "HttpLatencyP95High"]) expect([n, alerts.has(n)]).toEqual([n, true]);
  });
  test("cAdvisor with the Docker socket: read-only, the reason in the suppression, the docker group as gid", () => {
    const { stack } = singleServerMonitoredStack();
    const c = containersOf(stack);
    expect(c.cadvisor.user).toBe("65534:998");
    expect(c.cadvisor.volumes).toContainEqual({ host_path: "/var/run/docker.sock", container_path: "/var/run/docker.sock", read_only: true });
    expect(JSON.stringify((stack.toTerraform() as any).resource.docker_container.cadvisor["//"])).toMatch(/DOCKER-016.*gives control of the engine/);
  });
});

describe("refusals", () => {
  test("a monitoring without a receiver", () => {
    expect(() => kohaMonitoredStack({ alerting: {} })).toThrow(/alerting has no receiver.*Fix: give alerting\.email/);
  });
  test("a topology without the monitoring network", () => {
    expect(() => kohaMonitoredStack({ network: "nope" })).toThrow(/network "nope" is not an internal network.*additionalInternalNetworks/);
  });
  test("an SLO on a probe that does not exist", () => {
    expect(() => kohaMonitoredStack({ slos: [{ name: "x", objective: 0.999, sli: { kind: "probe", probe: "nope" } }] })).toThrow(/slos\["x"\]\.sli\.probe names "nope"/);
  });
  test("bad thresholds", () => {
    expect(() => kohaMonitoredStack({ thresholds: { certificateCriticalDays: 40 } })).toThrow(/certificateCriticalDays.*smaller than certificateWarningDays/);
    expect(() => kohaMonitoredStack({ thresholds: { http5xxRatio: 5 } })).toThrow(/http5xxRatio is 5/);
  });
  test("an http public probe", () => {
    expect(() => kohaMonitoredStack({ publicProbes: [{ name: "opac", url: "http://opac.example.org/", service: "koha" }] })).toThrow(/not an https URL/);
  });
});

describe("edge metrics (a scrapeable cloudflared)", () => {
  test("generate the edge 5xx alert with its scenarios", () => {
    const plan = planMonitoring({
      where: "test", stack: "edge", runbookBaseUrl: "docs/runbooks", scrapeInterval: "30s", nodeExporter: false, cadvisor: false, backups: false,
      alerting: { email: { smarthost: "smtp.example.org:587", from: "a@example.org", to: ["b@example.org"] } },
      services: [{ name: "cloudflared", hostname: "cloudflared", backend: false, observability: { scrape: [{ port: 2000, dialect: "cloudflared" }] } }],
    });
    const edge = plan.alerts.find((a) => a.name === "EdgeErrorRatioHigh");
    expect(edge?.cases.length).toBeGreaterThanOrEqual(2);
    expect(plan.alerts.map((a) => a.name)).not.toContain("BackupStale");
  });
});

describe("docs/runbooks", () => {
  test("are what constructs/monitoring/runbooks.ts generates", () => {
    const pages = renderRunbookPages();
    const stale: string[] = [];
    for (const [f, content] of pages) {
      const p = join(RUNBOOKS_DIR, f);
      if (!fs.existsSync(p) || fs.readFileSync(p, "utf8") !== content) stale.push(f);
    }
    const extra = fs.existsSync(RUNBOOKS_DIR) ? fs.readdirSync(RUNBOOKS_DIR).filter((f) => f.endsWith(".md") && !pages.has(f)) : [];
    if (stale.length > 0 || extra.length > 0) {
      throw new Error(`docs/runbooks is out of date (${[...stale, ...extra].join(", ")}). Regenerate it: ${RUNBOOKS_COMMAND}`);
    }
  });
  test("every alert that can be generated has a runbook", () => {
    for (const a of ALL_ALERT_NAMES) expect([a, RUNBOOKS[a] !== undefined]).toEqual([a, true]);
    expect(Object.keys(RUNBOOKS).sort()).toEqual([...ALL_ALERT_NAMES].sort());
  });
});
