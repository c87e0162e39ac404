import { policyFindings, synthStackJson } from "../../policy/testing";
import { MONITORING_NAME_PREFIX, SingleServerStack } from "../../stacks/single-server";
import { exampleConfig, normalizedJson, serviceLabels, singleServerStack } from "../helpers/reference";

type Json = Record<string, any>;

/** The `images:` name of a service label: monitoring components drop the stack's name prefix. */
const pinName = (label: string) => label.replace(new RegExp(`^${MONITORING_NAME_PREFIX}-`), "");

describe("single-server stack (docs/roadmaps/single-server.md)", () => {
  const stack = singleServerStack();
  const json: Json = synthStackJson(stack);
  const containers: Record<string, Json> = json.resource.docker_container;

  test("regression snapshot, and it passes policy", () => {
    expect(normalizedJson(stack)).toMatchSnapshot();
    expect(stack).toPassPolicy();
  });

  test("PostgreSQL is published only on 127.0.0.1:5433, nothing else is published", () => {
    expect(containers.db.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(containers.api.ports).toBeUndefined();
    expect(containers.bot.ports).toBeUndefined();
    const f = policyFindings(stack).find((x) => x.ruleId === "DOCKER-020")!;
    expect(f).toMatchObject({ address: "docker_container.db", severity: "warning", suppressed: true });
  });

  test("the loopback port follows the configuration", () => {
    const other: Json = synthStackJson(singleServerStack({ ...exampleConfig(), singleServer: { ...exampleConfig().singleServer, postgresHostPort: 15433 } }));
    expect(other.resource.docker_container.db.ports[0]).toMatchObject({ external: 15433, ip: "127.0.0.1" });
  });

  test("no bind mounts of source code: the only host paths are node_exporter's read-only grants", () => {
    for (const [id, c] of Object.entries(containers)) {
      for (const v of c.volumes ?? []) if (v.host_path !== undefined) expect({ id, host: v.host_path, ro: v.read_only }).toEqual({ id: "app_node_exporter", host: expect.stringMatching(/^\/(proc|sys)?$/), ro: true });
      expect(c.mounts).toBeUndefined();
    }
  });

  test("the API has a /healthz probe", () => {
    expect(containers.api.healthcheck.test.join(" ")).toContain("http://127.0.0.1:8000/healthz");
  });

  test("secrets only from sensitive variables without defaults", () => {
    const vars: Record<string, Json> = json.variable;
    expect(Object.keys(vars).sort()).toEqual([
      "alert_smtp_password", "api_hmac_secret", "api_hmac_secret_partner", "api_jwt_secret", "api_key", "api_metrics_token",
      "backup_offsite_aws_access_key_id", "backup_offsite_aws_secret_access_key", "backup_repository_password",
      "bot_api_key", "bot_metrics_token", "bot_token", "db_exporter_password", "openai_api_key", "postgres_backup_password", "postgres_password",
    ]);
    for (const v of Object.values(vars)) {
      expect(v.sensitive).toBe(true);
      expect(v.default).toBeUndefined();
    }
    const apiEnv: string[] = containers.api.env;
    expect(apiEnv).toContain("POSTGRES_PASSWORD=${var.postgres_password}");
    expect(apiEnv).toContain("JWT_SECRET=${var.api_jwt_secret}");
    for (const c of Object.values(containers)) {
      for (const e of c.env ?? []) {
        const [name, ...rest] = e.split("=");
        if (/PASSWORD|SECRET|TOKEN|KEY/.test(name)) expect(rest.join("=")).toMatch(/^\$\{var\.[a-z_]+\}$/);
      }
    }
  });

  test("PostgreSQL on the internal network plus its own loopback publication network; api and bot on both tiers", () => {
    expect(containers.db.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.app_backnet.name}", "${docker_network.db_publish.name}"]);
    expect(json.resource.docker_network.app_backnet.internal).toBe(true);
    // Docker publishes no port of a container on internal networks only (moby#36174): the
    // publication network has db alone on it, binds to loopback and has no IP masquerading.
    const publish = json.resource.docker_network.db_publish;
    expect(publish.internal).toBe(false);
    expect(publish.options["com.docker.network.bridge.host_binding_ipv4"]).toBe("127.0.0.1");
    expect(publish.options["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
    const members = Object.values(containers).filter((c: Json) => (c.networks_advanced ?? []).some((n: Json) => n.name === "${docker_network.db_publish.name}"));
    expect(members).toEqual([containers.db]);
    expect(containers.db.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(containers.api.networks_advanced).toHaveLength(2);
  });

  test("declares every service it builds: the valid names under images: (all but cAdvisor here; all of them: see below)", () => {
    expect([...SingleServerStack.services]).toEqual(expect.arrayContaining(serviceLabels(json).map(pinName)));
    expect(serviceLabels(json)).toEqual(["api", "app-alertmanager", "app-blackbox-exporter", "app-node-exporter", "app-prometheus", "bot", "db", "db-backup", "db-exporter"]);
  });

  test("needs only its own section and the shared settings", () => {
    const { koha: _k, cloudflare: _c, github: _g, ...only } = exampleConfig();
    void [_k, _c, _g];
    expect(JSON.stringify(synthStackJson(singleServerStack(only)))).toBe(JSON.stringify(json));
    const { singleServer: _s, ...none } = exampleConfig();
    void _s;
    expect(() => singleServerStack(none)).toThrow("SingleServerStack single-server: props.config.singleServer is missing");
  });
});

describe("single-server stack: backups (singleServer.backup) and monitoring (singleServer.monitoring)", () => {
  const stack = singleServerStack();
  const json: Json = synthStackJson(stack);
  const containers: Record<string, Json> = json.resource.docker_container;
  const back = "${docker_network.app_backnet.name}";
  const monnet = "${docker_network.app_monnet.name}";
  // The embedded example monitors single-server next to koha (app- prefix, no cAdvisor: koha's
  // covers the host); built here also from a configuration of its own host, with cAdvisor.
  const { koha: _k, cloudflare: _c, github: _g, ...only } = exampleConfig();
  void [_k, _c, _g];
  const monitoredConfig = { ...only, singleServer: { ...only.singleServer, monitoring: { smtp: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"], username: "alerts@example.org" }, runbookBaseUrl: "docs/runbooks" } } };
  const monitored = singleServerStack(monitoredConfig);
  const mjson: Json = synthStackJson(monitored);
  const mcontainers: Record<string, Json> = mjson.resource.docker_container;
  const newIds = ["app_prometheus", "app_alertmanager", "app_blackbox_exporter", "app_node_exporter", "app_cadvisor", "db_exporter", "db_backup"];
  // Config seeders of the monitoring components (HardenedContainer.addFile): never started.
  const seederIds = ["app_prometheus_config", "app_alertmanager_config", "app_blackbox_exporter_config", "db_exporter_config"];
  const { monitoring: _m, ...unmonitored } = exampleConfig().singleServer;
  void _m;
  const bare = singleServerStack({ ...exampleConfig(), singleServer: unmonitored });

  test("PostgreSQL PITR backup: internal network only, no port, hardened, secrets as variables", () => {
    const c = containers.db_backup;
    expect(Object.keys((synthStackJson(bare) as Json).resource.docker_container).sort()).toEqual(["api", "bot", "db", "db_backup"]);
    // backnet, plus its own bridge for the off-site copy (nobody else on it, inter-container traffic off).
    expect(c.networks_advanced.map((n: Json) => n.name)).toEqual([back, "${docker_network.db_backup_egress.name}"]);
    expect({ internal: json.resource.docker_network.db_backup_egress.internal, icc: json.resource.docker_network.db_backup_egress.options["com.docker.network.bridge.enable_icc"] }).toEqual({ internal: false, icc: "false" });
    expect({ ports: c.ports, ro: c.read_only, drop: c.capabilities.drop, user: c.user, nnp: c.security_opts }).toEqual({ ports: undefined, ro: true, drop: ["ALL"], user: "10001:10001", nnp: ["no-new-privileges:true"] });
    expect(c.env).toEqual(expect.arrayContaining(["BULWARK_ENGINE=postgresql", "BULWARK_PITR=1", "BULWARK_DB_PASSWORD=${var.postgres_backup_password}", "RESTIC_PASSWORD=${var.backup_repository_password}", "BULWARK_OFFSITE_REPOSITORY=s3:https://s3.example.net/app-backups"]));
    for (const v of ["postgres_backup_password", "backup_repository_password", "backup_offsite_aws_access_key_id", "backup_offsite_aws_secret_access_key"]) expect({ v, s: json.variable[v]?.sensitive, d: json.variable[v]?.default }).toEqual({ v, s: true, d: undefined });
  });

  test("with monitoring: it passes policy; Prometheus scrapes bot and API with the tokens they check", () => {
    expect(monitored).toPassPolicy();
    expect(Object.keys(mcontainers).sort()).toEqual(["api", "bot", "db", ...newIds, ...seederIds].sort());
    expect(serviceLabels(mjson).map(pinName).sort()).toEqual([...SingleServerStack.services].sort());
    const prom: string = monitored.monitoring!.files.prometheus;
    expect(prom).toContain("credentials_file");
    expect(prom).toContain("api:8000");
    expect(prom).toContain("bot:9000");
    expect(prom).toContain("db-exporter:9187");
    expect(mcontainers.app_prometheus.upload).toBeUndefined();
    const uploads = mcontainers.app_prometheus_config.upload.filter((u: Json) => u.content.includes("${var."));
    expect(uploads.map((u: Json) => u.content).sort()).toEqual(["${var.api_metrics_token}", "${var.bot_metrics_token}"]);
    expect(monitored.monitoring!.files.rules).toEqual(expect.stringContaining("HostDiskFreeLow"));
    expect(monitored.monitoring!.files.rules).toEqual(expect.stringContaining("BackupStale"));
    expect(monitored.monitoring!.files.rules).toEqual(expect.stringContaining("PostgresDown"));
  });

  test("with monitoring: new containers only on internal networks (Alertmanager also on frontnet for SMTP), no ports, hardened", () => {
    for (const id of newIds) {
      const c = mcontainers[id];
      const nets: string[] = c.networks_advanced.map((n: Json) => n.name);
      const expected = id === "app_alertmanager" ? [monnet, "${docker_network.app_frontnet.name}"] : undefined;
      if (expected) expect(nets).toEqual(expected);
      else expect({ id, ok: nets.every((n) => n === monnet || n === back || n === `\${docker_network.${id}_egress.name}`) }).toEqual({ id, ok: true });
      expect({ id, ports: c.ports, ro: c.read_only, drop: c.capabilities.drop, priv: Boolean(c.privileged), nnp: c.security_opts }).toEqual({ id, ports: undefined, ro: true, drop: ["ALL"], priv: false, nnp: ["no-new-privileges:true"] });
      expect(c.user).not.toMatch(/^(0|root)(:|$)/);
      for (const e of c.env ?? []) {
        const [name, ...rest] = e.split("=");
        if (/PASSWORD|SECRET|TOKEN|_KEY/.test(name)) expect({ id, name, v: rest.join("=") }).toEqual({ id, name, v: expect.stringMatching(/^\$\{var\.[a-z_]+\}$/) });
      }
    }
    // The seeders: never started, no network, no capabilities; writable only to receive the uploads.
    for (const id of seederIds) {
      const c = mcontainers[id];
      expect({ id, start: c.start, mustRun: c.must_run, ro: c.read_only, net: c.network_mode, nets: c.networks_advanced, ports: c.ports, drop: c.capabilities.drop, nnp: c.security_opts, user: c.user })
        .toEqual({ id, start: false, mustRun: false, ro: false, net: "none", nets: undefined, ports: undefined, drop: ["ALL"], nnp: ["no-new-privileges:true"], user: mcontainers[id.replace(/_config$/, "")].user });
      expect(mcontainers[id.replace(/_config$/, "")].lifecycle).toEqual({ replace_triggered_by: [`\${docker_container.${id}}`] });
    }
    expect(mjson.resource.docker_network.app_monnet.internal).toBe(true);
    expect(mcontainers.app_alertmanager_config.upload.find((u: Json) => u.file.endsWith("smtp_password")).content).toBe("${var.alert_smtp_password}");
    expect(mjson.variable.alert_smtp_password).toMatchObject({ sensitive: true });
    expect(mjson.variable.db_exporter_password).toMatchObject({ sensitive: true });
  });

  test("without monitoring the apps keep the profile's probe and no monnet exists", () => {
    expect((synthStackJson(bare) as Json).resource.docker_network.app_monnet).toBeUndefined();
    expect(bare.monitoring).toBeUndefined();
    expect(bare.api.service.observability).toEqual({ probes: [{ kind: "http", name: "health", port: 8000, path: "/healthz" }] });
  });

  test("the example's monitoring shares koha's Docker host: app-prefixed names and volumes, no cAdvisor, node_exporter on its own backup metrics", () => {
    expect(Object.keys(containers).filter((id) => id.startsWith("app_")).sort()).toEqual([
      "app_alertmanager", "app_alertmanager_config", "app_blackbox_exporter", "app_blackbox_exporter_config", "app_node_exporter", "app_prometheus", "app_prometheus_config",
    ]);
    expect(Object.values(json.resource.docker_volume).map((v: any) => v.name).filter((n: string) => /prometheus|alertmanager/.test(n)).sort()).toEqual(["app-alertmanager-config", "app-alertmanager-data", "app-prometheus-config", "app-prometheus-data"]);
    expect(containers.app_node_exporter.volumes).toContainEqual({ volume_name: "${docker_volume.db_backup_metrics.name}", container_path: "/host/textfile", read_only: true });
    expect(stack.monitoring!.files.prometheus).toContain("app-alertmanager:9093");
    expect(stack.monitoring!.files.prometheus).not.toContain("job_name: cadvisor");
  });
});
