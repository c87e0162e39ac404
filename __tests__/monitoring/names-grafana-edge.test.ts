/**
 * Monitoring beyond one stack per host and beyond Prometheus itself:
 * - `namePrefix`: two Monitoring instances on one Docker host (koha's and single-server's);
 * - Grafana: its hardened container, the provisioning files (parsed with `yaml`), the dashboards
 *   (valid JSON, expected panels, queries on recording rules the rule file really records), the
 *   admin password as a file, and the hostname behind Access in the koha stack. Grafana itself
 *   cannot run here (Debian packages no Grafana), so nothing in this file starts one;
 * - cloudflared's metrics on the monitoring network, scraped, with the edge alert on its metrics.
 */
import { LocalBackend, TerraformStack, Testing } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { parse } from "yaml";
import {
  GRAFANA_DASHBOARD_DIR, GRAFANA_DATASOURCE_UID, GRAFANA_PROVISIONING_DIR, Monitoring, componentNames, unescapeTerraformTemplate,
} from "../../constructs/monitoring";
import { Secret } from "../../constructs/core/secret";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { cloudflaredProfile, grafanaProfile, memcachedProfile, GRAFANA_USER } from "../../constructs/profiles";
import { synthStackJson } from "../../policy/testing";
import { exampleConfig, kohaStack, singleServerStack } from "../helpers/reference";

type Json = Record<string, any>;
const alerting = { email: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"] } };

/** Two stacks of one app on one Docker host, each with a cache and a Monitoring. */
function twoStacksOnOneHost(prefixes: [string | undefined, string | undefined]) {
  const app = Testing.app();
  return prefixes.map((namePrefix, i) => {
    const id = `stack-${i}`;
    const stack = new TerraformStack(app, id);
    new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
    new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
    const topology = new NetworkTopology(stack, "network", { prefix: `s${i}`, additionalInternalNetworks: ["monnet"] });
    const cache = new HardenedContainer(stack, "cache", { service: memcachedProfile({ name: `cache${i}` }), networks: [topology.back], owner: "ops" });
    return new Monitoring(stack, "monitoring", { topology, services: [cache], owner: "ops", alerting, ...(namePrefix !== undefined ? { namePrefix } : {}) });
  });
}

describe("namePrefix: two Monitoring instances on one Docker host", () => {
  test("without a prefix the second one cannot claim the names (the host-names check, at synth)", () => {
    expect(() => twoStacksOnOneHost([undefined, undefined])).toThrow(/container name "prometheus" is already used on Docker host unix:\/\/\/var\/run\/docker.sock by stack-0\/monitoring\/prometheus/);
  });

  test("with a prefix both coexist: every component, its volumes and its DNS names carry it; exporters keep <service>-exporter", () => {
    const [first, second] = twoStacksOnOneHost([undefined, "app"]);
    expect(first.names).toEqual(componentNames(""));
    expect(second.names).toEqual({ prometheus: "app-prometheus", alertmanager: "app-alertmanager", blackbox: "app-blackbox-exporter", nodeExporter: "app-node-exporter", cadvisor: "app-cadvisor", grafana: "app-grafana" });
    const json: Json = synthStackJson(TerraformStack.of(second));
    expect(Object.keys(json.resource.docker_container).sort()).toEqual([
      "app_alertmanager", "app_alertmanager_config", "app_blackbox_exporter", "app_blackbox_exporter_config", "app_cadvisor", "app_node_exporter",
      "app_prometheus", "app_prometheus_config", "cache1", "cache1_exporter",
    ]);
    expect(json.resource.docker_container.app_prometheus_config.name).toBe("app-prometheus-config");
    expect(Object.values(json.resource.docker_volume).map((v: any) => v.name).sort()).toEqual(["app-alertmanager-config", "app-alertmanager-data", "app-blackbox-exporter-config", "app-prometheus-config", "app-prometheus-data"]);
    const prom = parse(second.files.prometheus);
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["app-alertmanager:9093"]);
    const targets = Object.fromEntries(prom.scrape_configs.map((j: Json) => [j.job_name, j.static_configs?.[0]?.targets?.[0]]));
    expect(targets).toMatchObject({ alertmanager: "app-alertmanager:9093", node: "app-node-exporter:9100", cadvisor: "app-cadvisor:8080", memcached: "cache1-exporter:9150" });
    // The `service` labels stay the component's kind, so alerts and runbooks read the same.
    expect(prom.scrape_configs.find((j: Json) => j.job_name === "node").static_configs[0].labels).toEqual({ service: "node-exporter" });
    // The first keeps the bare names and Terraform addresses.
    expect(Object.keys((synthStackJson(TerraformStack.of(first)) as Json).resource.docker_container)).toEqual(expect.arrayContaining(["prometheus", "alertmanager", "node_exporter", "cadvisor", "blackbox_exporter"]));
  });

  test.each([["App"], ["1app"], ["app_x"], ["-app"]])("a bad prefix %s is refused naming the construct, the prop and the fix", (bad) => {
    expect(() => twoStacksOnOneHost([bad, undefined])).toThrow(/^Monitoring stack-0\/monitoring: namePrefix ".*" is not a name prefix\. Fix: use lower-case letters, digits and dashes/);
  });

  test("the reference stacks share the example's Docker host: koha unprefixed, single-server app-prefixed without cAdvisor", () => {
    const k = kohaStack();
    const s = singleServerStack();
    expect(k.monitoring!.names.prometheus).toBe("prometheus");
    expect(s.monitoring!.names.prometheus).toBe("app-prometheus");
    expect(s.monitoring!.cadvisor).toBeUndefined();
    expect(s.monitoring!.nodeExporter!.service.name).toBe("app-node-exporter");
    expect(exampleConfig().singleServer.monitoring).toMatchObject({ cadvisor: false });
    // node_exporter stays per stack: disk alerts, and the stack's own backup metrics volume.
    expect(s.monitoring!.files.rules).toContain("HostDiskFreeLow");
    expect(s.monitoring!.files.rules).toContain("BackupStale");
    expect(s.monitoring!.files.rules).not.toContain("ContainerOomKilled");
    const prom = parse(s.monitoring!.files.prometheus);
    const apiJob = prom.scrape_configs.find((j: Json) => j.job_name === "api");
    expect(apiJob.authorization).toEqual({ type: "Bearer", credentials_file: "/etc/prometheus/secrets/api_metrics_token" });
    expect(prom.scrape_configs.map((j: Json) => j.job_name)).toEqual(expect.arrayContaining(["postgres", "api", "bot", "node"]));
  });
});

describe("Grafana (optional component)", () => {
  function withGrafana(prefix?: string) {
    const app = Testing.app();
    const st = new TerraformStack(app, "g");
    new DockerProvider(st, "docker", {});
    new LocalBackend(st, { path: "terraform.g.tfstate" });
    const topo = new NetworkTopology(st, "network", { prefix: "g", additionalInternalNetworks: ["monnet"] });
    const cache = new HardenedContainer(st, "cache", { service: memcachedProfile(), networks: [topo.back], owner: "ops" });
    const m = new Monitoring(st, "monitoring", {
      topology: topo,
      services: [cache],
      owner: "ops",
      alerting,
      ...(prefix ? { namePrefix: prefix } : {}),
      publicProbes: [{ name: "home", url: "https://www.example.org/", service: "memcached" }],
      slos: [{ name: "home-availability", objective: 0.995, sli: { kind: "probe", probe: "home" } }],
      grafana: { adminPassword: Secret.fromVariable(st, "grafana_admin_password", "Grafana admin password"), network: topo.front, rootUrl: "https://grafana.example.org/" },
    });
    return { st, topo, m, json: synthStackJson(st) as Json };
  }

  test("a hardened container: uid 472, read-only root, no port published, monnet plus the tunnel's network", () => {
    const { json } = withGrafana();
    const c = json.resource.docker_container.grafana;
    expect({ user: c.user, ro: c.read_only, ports: c.ports, drop: c.capabilities.drop, nnp: c.security_opts }).toEqual({ user: GRAFANA_USER, ro: true, ports: undefined, drop: ["ALL"], nnp: ["no-new-privileges:true"] });
    expect(GRAFANA_USER).toBe("472:472");
    expect(c.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.g_monnet.name}", "${docker_network.g_frontnet.name}"]);
    expect(c.healthcheck.test).toEqual(["CMD", "curl", "-fsS", "-o", "/dev/null", "--max-time", "4", "http://127.0.0.1:3000/api/health"]);
    expect(c.volumes.map((v: Json) => [v.container_path, v.read_only === true]).sort()).toEqual([["/etc/grafana/provisioning", true], ["/var/lib/grafana", false]]);
    expect(c.upload).toBeUndefined();
    expect(Object.keys(c.tmpfs).sort()).toEqual(["/tmp", "/var/log/grafana"]);
  });

  test("the admin password is a file from the sensitive variable, named by GF_SECURITY_ADMIN_PASSWORD__FILE; never an environment value", () => {
    const { json } = withGrafana();
    const c = json.resource.docker_container.grafana;
    expect(c.env).toContain(`GF_SECURITY_ADMIN_PASSWORD__FILE=${GRAFANA_PROVISIONING_DIR}/secrets/admin_password`);
    expect(c.env.join("\n")).not.toContain("${var.");
    const up = json.resource.docker_container.grafana_config.upload.find((u: Json) => u.file === `${GRAFANA_PROVISIONING_DIR}/secrets/admin_password`);
    expect(up.content).toBe("${var.grafana_admin_password}");
    expect(json.variable.grafana_admin_password).toMatchObject({ sensitive: true });
    expect(c.env).toEqual(expect.arrayContaining(["GF_USERS_ALLOW_SIGN_UP=false", "GF_AUTH_ANONYMOUS_ENABLED=false", "GF_SERVER_ROOT_URL=https://grafana.example.org/"]));
  });

  test.each([[undefined], ["app"]])("provisioning YAML (prefix %s): the datasource is the Prometheus container by name; the provider reads the uploaded dashboards", (prefix) => {
    const { json, m } = withGrafana(prefix);
    const c = json.resource.docker_container[prefix ? `${prefix}_grafana_config` : "grafana_config"];
    const uploads: Record<string, string> = Object.fromEntries(c.upload.map((u: Json) => [u.file, unescapeTerraformTemplate(u.content)]));
    const ds = parse(uploads[`${GRAFANA_PROVISIONING_DIR}/datasources/bulwark.yml`]);
    expect(ds).toEqual({
      apiVersion: 1,
      datasources: [{ name: "Prometheus", uid: GRAFANA_DATASOURCE_UID, type: "prometheus", access: "proxy", url: `http://${m.names.prometheus}:9090`, isDefault: true, editable: false, jsonData: { timeInterval: "30s", httpMethod: "POST" } }],
    });
    expect(m.names.prometheus).toBe(prefix ? "app-prometheus" : "prometheus");
    const providers = parse(uploads[`${GRAFANA_PROVISIONING_DIR}/dashboards/bulwark.yml`]);
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([expect.objectContaining({ type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: GRAFANA_DASHBOARD_DIR, foldersFromFilesStructure: false } })]);
    const dashboards = Object.keys(uploads).filter((f) => f.startsWith(`${GRAFANA_DASHBOARD_DIR}/`)).sort();
    expect(dashboards).toEqual([`${GRAFANA_DASHBOARD_DIR}/bulwark-g-overview.json`, `${GRAFANA_DASHBOARD_DIR}/bulwark-g-slo-home-availability.json`]);
  });

  test("dashboards: valid JSON, an overview and one per SLO with its error-budget figure; every panel on the provisioned datasource", () => {
    const { m } = withGrafana();
    const files = m.files.grafana!;
    expect(files.dashboards.map((d) => d.title)).toEqual(["Overview (g)", "SLO home-availability (g)"]);
    for (const d of files.dashboards) {
      const j = JSON.parse(d.json);
      expect(j.uid).toBe(d.uid);
      expect(j.uid.length).toBeLessThanOrEqual(40);
      expect(new Set(j.panels.map((p: Json) => p.id)).size).toBe(j.panels.length);
      for (const p of j.panels) {
        expect(p.datasource).toEqual({ type: "prometheus", uid: GRAFANA_DATASOURCE_UID });
        expect(p.targets.length).toBeGreaterThan(0);
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      }
    }
    const slo = JSON.parse(files.dashboards[1].json);
    const budget = slo.panels.find((p: Json) => p.title === "Error budget remaining");
    expect(budget).toMatchObject({ type: "stat", fieldConfig: { defaults: { unit: "percentunit" } } });
    expect(budget.targets[0].expr).toBe('slo:error_budget_remaining:ratio{slo="home-availability"}');
    const burn = slo.panels.find((p: Json) => p.title.startsWith("Burn rate"));
    // 1 - 0.995 = 0.005: the burn rate is the error ratio over the budget rate.
    expect(burn.targets.map((t: Json) => t.expr)).toEqual(['slo:sli_error:ratio_rate1h{slo="home-availability"} / 0.005', 'slo:sli_error:ratio_rate6h{slo="home-availability"} / 0.005', 'slo:sli_error:ratio_rate3d{slo="home-availability"} / 0.005']);
    const overview = JSON.parse(files.dashboards[0].json);
    expect(overview.panels.map((p: Json) => p.title)).toEqual(expect.arrayContaining(["Targets down", "Alerts firing", "Error budget remaining: home-availability", "Probe success", "Disk free"]));
  });

  test("every recording rule a dashboard reads is recorded in the generated rule file", () => {
    for (const m of [withGrafana().m, kohaStack().monitoring!]) {
      const rules = parse(m.files.rules);
      const recorded = new Set<string>(rules.groups.flatMap((g: Json) => (g.rules as Json[]).filter((r) => r.record).map((r) => `${r.record}${JSON.stringify(r.labels ?? {})}`)));
      const read: string[] = [];
      for (const d of m.files.grafana!.dashboards) {
        for (const p of JSON.parse(d.json).panels) for (const t of p.targets) for (const x of (t.expr as string).matchAll(/(slo:[a-z_:0-9]+)\{slo="([^"]+)"\}/g)) read.push(`${x[1]}${JSON.stringify({ slo: x[2] })}`);
      }
      expect(read.length).toBeGreaterThan(5);
      for (const r of read) expect({ r, recorded: recorded.has(r) }).toEqual({ r, recorded: true });
    }
  });

  test("Grafana props are checked: a missing or internal network, a bad root URL, a bad password file", () => {
    const make = (grafana: Json) => {
      const app = Testing.app();
      const st = new TerraformStack(app, "h");
      new DockerProvider(st, "docker", {});
      const topo = new NetworkTopology(st, "network", { additionalInternalNetworks: ["monnet"] });
      const cache = new HardenedContainer(st, "cache", { service: memcachedProfile(), networks: [topo.back], owner: "ops" });
      return new Monitoring(st, "monitoring", { topology: topo, services: [cache], owner: "ops", alerting, grafana: typeof grafana === "function" ? grafana(topo) : grafana } as never);
    };
    const pw = Secret.named("grafana_admin_password", "x");
    expect(() => make({ adminPassword: pw })).toThrow("Monitoring h/monitoring: grafana.network is missing. Fix: give the network the tunnel connector reaches Grafana on (topology.front)");
    expect(() => make((t: NetworkTopology) => ({ adminPassword: pw, network: t.back }))).toThrow(/grafana.network "backnet" is internal, so the tunnel connector cannot reach Grafana there\. Fix: give topology.front/);
    expect(() => make((t: NetworkTopology) => ({ adminPassword: pw, network: t.front, rootUrl: "http://grafana.example.org/" }))).toThrow(/grafanaProfile\(grafana\): option rootUrl is "http:\/\/grafana.example.org\/".*Fix: give the https URL/);
    expect(() => grafanaProfile({ adminPassword: pw, adminPasswordFile: "/var/lib/grafana/pw" })).toThrow(/adminPasswordFile is "\/var\/lib\/grafana\/pw".*Fix: give an absolute path/);
    expect(() => grafanaProfile({ adminPassword: "hunter2" as never, adminPasswordFile: "/run/pw" })).toThrow(/adminPassword/);
  });

  test("koha publishes it on grafana.<domain> through the tunnel, behind the staff Access application, and passes policy (CF-005, MON-002)", () => {
    const k = kohaStack();
    const json: Json = synthStackJson(k);
    expect(k.edge.tunnel.hostnames).toContain("grafana.example.org");
    const ingress = Object.values(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config as Json)[0].config.ingress as Json[];
    const rule = ingress.find((r) => r.hostname === "grafana.example.org")!;
    expect(rule.service).toBe("http://grafana:3000");
    expect(rule.origin_request?.access).toBeDefined();
    const apps = Object.values(json.resource.cloudflare_zero_trust_access_application as Json).map((a: Json) => a.domain ?? a.self_hosted_domains ?? a.destinations);
    expect(JSON.stringify(apps)).toContain("grafana.example.org");
    expect(json.resource.docker_container.grafana.ports).toBeUndefined();
    expect(json.variable.koha_grafana_admin_password).toMatchObject({ sensitive: true });
    expect(k).toPassPolicy();
  });
});

describe("cloudflared's metrics on the monitoring network", () => {
  const token = Secret.named("tunnel_token", "t");

  test("the profile listens on 0.0.0.0 only when asked; the readiness probe stays on loopback; bad values are refused", () => {
    const lo = cloudflaredProfile({ token });
    const net = cloudflaredProfile({ token, metricsListen: "network" });
    expect(lo.command).toEqual(["tunnel", "--no-autoupdate", "--metrics", "127.0.0.1:2000", "run"]);
    expect(net.command).toEqual(["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"]);
    expect(net.health?.probe).toEqual(lo.health?.probe);
    expect(lo.observability?.scrape?.[0].listen).toBe("loopback");
    expect(net.observability?.scrape?.[0]).toEqual({ port: 2000, path: "/metrics", dialect: "cloudflared" });
    expect(net.ports).toEqual([]);
    expect(() => cloudflaredProfile({ token, metricsListen: "public" as never })).toThrow(/metricsListen is "public".*Fix: use "loopback"/);
  });

  test("koha: the connector joins frontnet and monnet, publishes nothing, keeps its address; Prometheus scrapes it and the edge alert uses its metric names", () => {
    const k = kohaStack();
    const json: Json = synthStackJson(k);
    const c = json.resource.docker_container.cloudflared;
    expect(c.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.koha_frontnet.name}", "${docker_network.koha_monnet.name}"]);
    expect(c.ports).toBeUndefined();
    expect(c.command).toContain("0.0.0.0:2000");
    const prom = parse(k.monitoring!.files.prometheus);
    expect(prom.scrape_configs.find((j: Json) => j.job_name === "cloudflared").static_configs).toEqual([{ targets: ["cloudflared:2000"], labels: { service: "cloudflared" } }]);
    expect(k.monitoring!.plan.unobserved.join("\n")).not.toContain("cloudflared");
    const edge = k.monitoring!.plan.alerts.find((a) => a.name === "EdgeErrorRatioHigh")!;
    for (const metric of ["cloudflared_tunnel_response_by_code", "cloudflared_tunnel_request_errors", "cloudflared_tunnel_total_requests"]) expect(edge.expr).toContain(metric);
    // Prometheus reaches it over monnet, which it already joins: no new network for Prometheus.
    expect(json.resource.docker_container.prometheus.networks_advanced.map((n: Json) => n.name)).toContain("${docker_network.koha_monnet.name}");
  });

  test("without monitoring the connector stays on frontnet with loopback metrics", () => {
    const { monitoring: _m, ...rest } = exampleConfig().koha;
    void _m;
    const k = kohaStack({ ...exampleConfig(), koha: rest as never });
    const c = (synthStackJson(k) as Json).resource.docker_container.cloudflared;
    expect(c.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.koha_frontnet.name}"]);
    expect(c.command).toContain("127.0.0.1:2000");
  });
});
