import { synthStackJson } from "../../policy/testing";
import { KohaStack } from "../../stacks/koha";
import { exampleConfig, kohaStack, normalizedJson, serviceLabels } from "../helpers/reference";

type Json = Record<string, any>;

describe("koha stack (docs/roadmaps/koha.md)", () => {
  const stack = kohaStack();
  const json: Json = synthStackJson(stack);
  const containers: Record<string, Json> = json.resource.docker_container;

  test("regression snapshot, and it passes policy", () => {
    expect(normalizedJson(stack)).toMatchSnapshot();
    expect(stack).toPassPolicy();
  });

  test("every service of the Koha roadmap is there [roadmap koha.3.5]", () => {
    for (const s of ["koha", "mariadb", "rabbitmq", "elasticsearch", "memcached"]) expect(containers[s]).toBeDefined();
  });

  test("no published host ports at all", () => {
    for (const c of Object.values(containers)) {
      expect(c.ports).toBeUndefined();
      expect(c.publish_all_ports).toBeUndefined();
    }
  });

  test("datastores and brokers only on the internal backnet", () => {
    const back = "${docker_network.koha_backnet.name}";
    expect(json.resource.docker_network.koha_backnet.internal).toBe(true);
    expect(json.resource.docker_network.koha_frontnet.internal).toBe(false);
    for (const s of ["mariadb", "rabbitmq", "elasticsearch", "memcached"]) {
      expect(containers[s].networks_advanced.map((n: Json) => n.name)).toEqual([back]);
    }
    expect(containers.koha.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.koha_frontnet.name}", back]);
  });

  test("MariaDB keeps binlogs for point-in-time recovery", () => {
    const cmd: string[] = containers.mariadb.command;
    expect(cmd).toEqual(expect.arrayContaining(["--log-bin=mariadb-bin", "--server-id=1", "--binlog-expire-logs-seconds=604800"]));
  });

  test("every container is hardened the same way", () => {
    for (const [name, c] of Object.entries(containers)) {
      if (c.start === false) {
        // A config seeder (HardenedContainer.addFile): never started, no network, writable only
        // to receive the uploads Docker refuses into read-only containers.
        expect({ name, start: c.start, must_run: c.must_run, read_only: c.read_only, network: c.network_mode, drop: c.capabilities.drop, nnp: c.security_opts, restart: c.restart })
          .toEqual({ name, start: false, must_run: false, read_only: false, network: "none", drop: ["ALL"], nnp: ["no-new-privileges:true"], restart: "on-failure" });
        expect(c["//"].bulwark.suppressions.map((x: Json) => x.rule)).toEqual(["DOCKER-004"]);
        continue;
      }
      expect({ name, upload: c.upload }).toEqual({ name, upload: undefined });
      expect({ name, read_only: c.read_only, drop: c.capabilities.drop, nnp: c.security_opts, restart: c.restart }).toEqual({
        name, read_only: true, drop: ["ALL"], nnp: ["no-new-privileges:true"], restart: "unless-stopped",
      });
      expect(c.user).not.toMatch(/^(0|root)(:|$)/);
      expect(c.memory_swap).toBe(c.memory);
      expect(c.healthcheck.test.length).toBeGreaterThan(1);
    }
  });

  test("declares exactly the services it builds: the valid names under images:", () => {
    expect(serviceLabels(json)).toEqual([...KohaStack.services].sort());
  });

  test("a pin under images: reaches its service's image", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned: Json = synthStackJson(kohaStack({ ...exampleConfig(), images: { mariadb: { tag: "11.8.10", digest }, cloudflared: { tag: "2026.10.0" } } }));
    expect(pinned.resource.docker_image.mariadb.name).toBe(`mariadb:11.8.10@${digest}`);
    expect(pinned.resource.docker_image.cloudflared.name).toMatch(/^cloudflare\/cloudflared:2026\.10\.0/);
  });

  test("without its koha or cloudflare section the stack names the missing section", () => {
    const { cloudflare: _cf, ...noEdge } = exampleConfig();
    void _cf;
    expect(() => kohaStack(noEdge)).toThrow("KohaStack koha: props.config.cloudflare is missing. Fix: add a cloudflare section");
    const { koha: _koha, ...noKoha } = exampleConfig();
    void _koha;
    expect(() => kohaStack(noKoha)).toThrow("KohaStack koha: props.config.koha is missing");
  });
});

describe("koha stack: monitoring and backups (koha.monitoring, koha.backup)", () => {
  const stack = kohaStack();
  const json: Json = synthStackJson(stack);
  const containers: Record<string, Json> = json.resource.docker_container;
  const net = (n: string) => `\${docker_network.koha_${n}.name}`;
  const monitoring = ["prometheus", "alertmanager", "blackbox_exporter", "node_exporter", "cadvisor", "mariadb_exporter", "memcached_exporter", "grafana"];
  const backups = ["mariadb_backup", "rabbitmq_backup", "koha_backup"];
  // Config seeders (HardenedContainer.addFile) of the components that read files.
  const seeders = ["prometheus_config", "alertmanager_config", "blackbox_exporter_config", "mariadb_exporter_config", "grafana_config"];

  test("the monitoring and backup containers are there, and nothing else is new", () => {
    expect(Object.keys(containers).sort()).toEqual(["cloudflared", "elasticsearch", "koha", "mariadb", "memcached", "rabbitmq", ...monitoring, ...backups, ...seeders].sort());
    for (const id of seeders) {
      const service = id.replace(/_config$/, "");
      expect({ id, start: containers[id].start, dependsOn: containers[service].depends_on, replace: containers[service].lifecycle?.replace_triggered_by })
        .toEqual({ id, start: false, dependsOn: expect.arrayContaining([`docker_container.${id}`]), replace: [`\${docker_container.${id}}`] });
    }
    expect(json.resource.docker_network.koha_monnet.internal).toBe(true);
    expect(stack.monitoring?.plan.exporters.map((x) => x.name).sort()).toEqual(["mariadb-exporter", "memcached-exporter"]);
    expect([...(stack.backup?.containers.keys() ?? [])]).toEqual(["mariadb", "rabbitmq", "koha"]);
  });

  test("internal networks only; egress (frontnet) only where notifications, the public OPAC probe and the tunnel to Grafana need it", () => {
    const egress: Record<string, string[]> = { alertmanager: [net("monnet"), net("frontnet")], blackbox_exporter: [net("monnet"), net("backnet"), net("frontnet")], grafana: [net("monnet"), net("frontnet")] };
    for (const id of [...monitoring, ...backups]) {
      const nets: string[] = containers[id].networks_advanced.map((n: Json) => n.name);
      if (egress[id]) expect({ id, nets }).toEqual({ id, nets: egress[id] });
      else expect({ id, frontnet: nets.includes(net("frontnet")), nets: nets.every((n) => [net("monnet"), net("backnet"), `\${docker_network.${id}_egress.name}`].includes(n)) }).toEqual({ id, frontnet: false, nets: true });
    }
    // Each backup container: backnet, plus a bridge of its own for the off-site copy (no other
    // member, inter-container traffic off), with the NET-001 suppression saying so.
    for (const id of backups) {
      expect(containers[id].networks_advanced.map((n: Json) => n.name)).toEqual([net("backnet"), `\${docker_network.${id}_egress.name}`]);
      const egressNet = json.resource.docker_network[`${id}_egress`];
      expect({ id, internal: egressNet.internal, icc: egressNet.options["com.docker.network.bridge.enable_icc"] }).toEqual({ id, internal: false, icc: "false" });
      const members = Object.keys(containers).filter((c) => (containers[c].networks_advanced ?? []).some((n: Json) => n.name === `\${docker_network.${id}_egress.name}`));
      expect({ id, members }).toEqual({ id, members: [id] });
    }
    // The connector joins monnet for Prometheus to scrape its metrics (same address, nothing published).
    expect(containers.cloudflared.networks_advanced.map((n: Json) => n.name)).toEqual([net("frontnet"), net("monnet")]);
    expect(containers.cloudflared.ports).toBeUndefined();
  });

  test("no published port, hardened, non-root", () => {
    for (const id of [...monitoring, ...backups]) {
      const c = containers[id];
      expect({ id, ports: c.ports, all: c.publish_all_ports, ro: c.read_only, drop: c.capabilities.drop, add: c.capabilities.add, priv: Boolean(c.privileged) })
        .toEqual({ id, ports: undefined, all: undefined, ro: true, drop: ["ALL"], add: undefined, priv: false });
      expect(c.user).not.toMatch(/^(0|root)(:|$)/);
      expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    }
    // Host paths: read-only, node_exporter and cAdvisor only (granted with a reason in the report).
    for (const [id, c] of Object.entries(containers)) {
      for (const v of c.volumes ?? []) if (v.host_path) expect({ id, host: v.host_path, ro: v.read_only, allowed: ["node_exporter", "cadvisor"].includes(id) }).toEqual({ id, host: v.host_path, ro: true, allowed: true });
    }
    // Backup jobs read the data they back up read-only.
    expect(containers.koha_backup.volumes).toEqual(expect.arrayContaining([{ volume_name: "${docker_volume.koha_data.name}", container_path: "/mnt/data/data", read_only: true }]));
  });

  test("node_exporter reads the backup metrics where the backup jobs write them (one volume; no host directory)", () => {
    const metrics = "${docker_volume.mariadb_backup_metrics.name}";
    expect(containers.node_exporter.volumes).toContainEqual({ volume_name: metrics, container_path: "/host/textfile", read_only: true });
    expect(containers.node_exporter.command).toContain("--collector.textfile.directory=/host/textfile");
    expect(containers.node_exporter.volumes.some((v: Json) => v.container_path === "/host/textfile" && v.host_path)).toBe(false);
    // Created after the volume's owner, so the backup image sets its ownership first.
    expect(containers.node_exporter.depends_on).toContain("docker_container.mariadb_backup");
    for (const id of backups) {
      const mount = (containers[id].volumes as Json[]).find((v) => v.container_path === "/var/lib/bulwark-metrics");
      expect({ id, volume: mount?.volume_name, writable: mount?.read_only !== true }).toEqual({ id, volume: metrics, writable: true });
      expect(containers[id].env).toContain("BULWARK_METRICS_DIR=/var/lib/bulwark-metrics");
    }
  });

  test("secrets only as sensitive variables: env values and uploaded credential files", () => {
    const vars: Record<string, Json> = json.variable;
    for (const v of ["koha_smtp_password", "koha_telegram_bot_token", "koha_grafana_admin_password", "mariadb_exporter_password", "mariadb_backup_password", "backup_repository_password", "backup_offsite_aws_access_key_id", "backup_offsite_aws_secret_access_key"]) {
      expect({ v, sensitive: vars[v]?.sensitive, default: vars[v]?.default }).toEqual({ v, sensitive: true, default: undefined });
    }
    for (const [id, c] of Object.entries(containers)) {
      for (const e of c.env ?? []) {
        const [name, ...rest] = e.split("=");
        // A `…_FILE` variable names the file the secret was delivered to (Grafana's GF_*__FILE).
        if (/_FILE$/.test(name)) expect({ id, name, value: rest.join("=") }).toEqual({ id, name, value: expect.stringMatching(/^\/[A-Za-z0-9._/-]+$/) });
        else if (/PASSWORD|SECRET|TOKEN|_KEY/.test(name)) expect({ id, name, value: rest.join("=") }).toEqual({ id, name, value: expect.stringMatching(/^\$\{(var\.[a-z_]+|data\.[^}]+)\}$/) });
      }
      for (const u of c.upload ?? []) if (/secrets\/|my\.cnf/.test(u.file)) expect({ id, file: u.file, ok: /\$\{var\.[a-z_]+\}/.test(u.content) }).toEqual({ id, file: u.file, ok: true });
    }
    expect(containers.alertmanager_config.upload.map((u: Json) => [u.file, u.content])).toEqual(expect.arrayContaining([
      ["/etc/alertmanager/secrets/smtp_password", "${var.koha_smtp_password}"], ["/etc/alertmanager/secrets/telegram_bot_token", "${var.koha_telegram_bot_token}"],
    ]));
    expect(containers.mariadb_backup.env).toEqual(expect.arrayContaining(["BULWARK_DB_PASSWORD=${var.mariadb_backup_password}", "RESTIC_PASSWORD=${var.backup_repository_password}", "BULWARK_OFFSITE_REPOSITORY=s3:https://s3.example.net/koha-backups", "BULWARK_PITR=1"]));
  });

  test("the OPAC SLO, the receivers and the schedules come from the configuration", () => {
    expect(stack.monitoring?.files.prometheus).toContain("https://opac.example.org/cgi-bin/koha/opac-main.pl");
    expect(stack.monitoring?.files.rules).toContain("SloErrorBudgetBurnFast");
    expect(stack.monitoring?.files.rules).toContain("https://github.com/example-org/koha-deploy/blob/main/docs/runbooks/");
    expect(stack.monitoring?.files.alertmanager).toContain("library-oncall@example.org");
    expect(stack.monitoring?.files.alertmanager).toContain("-1001234567890");
    expect(containers.mariadb_backup.env).toEqual(expect.arrayContaining(["BULWARK_FULL_INTERVAL_SECONDS=21600", "BULWARK_SHIP_INTERVAL_SECONDS=30", "BULWARK_DRILL_INTERVAL_SECONDS=2592000", "BULWARK_SMOKE_QUERIES=SELECT COUNT(*) FROM koha_library.biblio;SELECT COUNT(*) FROM koha_library.borrowers"]));
  });

  test("without koha.monitoring and koha.backup the stack is as before (no monnet, no new containers or variables)", () => {
    const c = exampleConfig();
    const { monitoring: _m, backup: _b, ...bare } = c.koha;
    void [_m, _b];
    const j: Json = synthStackJson(kohaStack({ ...c, koha: bare }));
    expect(Object.keys(j.resource.docker_container).sort()).toEqual(["cloudflared", "elasticsearch", "koha", "mariadb", "memcached", "rabbitmq"]);
    expect(j.resource.docker_network.koha_monnet).toBeUndefined();
    expect(Object.keys(j.variable).filter((v) => /smtp|telegram|backup|exporter|grafana/.test(v))).toEqual([]);
  });

  test("a pin the stack cannot honour is an error, a monitoring component's pin reaches its image", () => {
    expect(() => kohaStack({ ...exampleConfig(), images: { "mariadb-backup": { tag: "1.0.0" } } })).toThrow("koha: images.mariadb-backup cannot be applied");
    const digest = `sha256:${"b".repeat(64)}`;
    const pinned: Json = synthStackJson(kohaStack({ ...exampleConfig(), images: { prometheus: { tag: "v2.55.2", digest } } }));
    expect(pinned.resource.docker_image.prometheus.name).toBe(`prom/prometheus:v2.55.2@${digest}`);
  });
});
