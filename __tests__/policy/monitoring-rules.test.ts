/**
 * MON rules over hand-written Terraform JSON (compliant and non-compliant fixtures), plus the
 * monitoring construct's own output, which must raise no MON finding at all.
 */
import { synthStackJson } from "../../policy/testing";
import { commandLineCredential, isCredentialName } from "../../knowledge/monitoring";
import { containerWith as container, dockerStack } from "../helpers/fixtures";
import { findings, ruleHits as got, type Json } from "../helpers/policy";
import { kohaMonitoredStack, singleServerMonitoredStack } from "../monitoring/stacks";

const DIGEST = "@sha256:" + "b".repeat(64);
const AM_IMAGE = `prom/alertmanager:v0.28.1${DIGEST}`;
const PROM_IMAGE = `prom/prometheus:v2.55.1${DIGEST}`;

/** A stack of named containers (each compliantContainer with overrides) plus extra resources. */
function stack(containers: Record<string, Record<string, unknown>>, extra: Json = {}): Json {
  const json = dockerStack(container(), extra) as { resource: Json };
  json.resource.docker_container = Object.fromEntries(Object.entries(containers).map(([name, o]) => [name, container({ name, ...o })]));
  return json;
}

const upload = (file: string, content: string) => ({ upload: [{ file, content }] });

const GOOD_AM = `route:
  receiver: email
  routes:
    - receiver: telegram
      matchers: ['severity="critical"']
receivers:
  - name: email
    email_configs:
      - to: oncall@example.org
  - name: telegram
    telegram_configs:
      - bot_token_file: /etc/alertmanager/secrets/token
        chat_id: -100
`;

describe("MON-001 Alertmanager without a receiver", () => {
  const am = (content: string | null, extra: Record<string, unknown> = {}) =>
    stack({ alertmanager: { image: AM_IMAGE, ...(content === null ? {} : upload("/etc/alertmanager/alertmanager.yml", content)), ...extra } });
  type Case = [name: string, content: string | null, expected: string[], extra?: Record<string, unknown>];
  test.each<Case>([
    ["receivers and routes that exist pass", GOOD_AM, []],
    ["no configuration uploaded: unknown, passes", null, []],
    ["no receivers at all", "route:\n  receiver: email\n", ["MON-001 error docker_container.alertmanager"]],
    ["receivers without an integration drop everything", "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n", ["MON-001 error docker_container.alertmanager"]],
    ["a sub-route to an undefined receiver", GOOD_AM.replace("- receiver: telegram", "- receiver: pager"), ["MON-001 error docker_container.alertmanager"]],
    ["a root route without a receiver", GOOD_AM.replace("  receiver: email\n", ""), ["MON-001 error docker_container.alertmanager"]],
    ["unparsable YAML is not judged", "route: [\n  receiver", []],
    ["content from a variable is not judged", "${var.alertmanager_config}", []],
    ["the file --config.file names is the one read", "receivers: []\n", [], { command: ["--config.file=/etc/am/main.yml"], upload: [{ file: "/etc/am/main.yml", content: GOOD_AM }, { file: "/etc/alertmanager/alertmanager.yml", content: "receivers: []\n" }] }],
    // A rest parameter: jest would take a fourth named parameter for a `done` callback.
  ])("%s", (...[, content, expected, extra]: Case) => {
    expect(got(am(content, extra), "MON-001")).toEqual(expected);
  });

  test("a container that is not Alertmanager is not read", () => {
    expect(got(stack({ app: upload("/etc/alertmanager/alertmanager.yml", "receivers: []\n") }), "MON-001")).toEqual([]);
  });

  test("the message names the undefined receiver and the defined ones", () => {
    const [f] = findings(am(GOOD_AM.replace("- receiver: telegram", "- receiver: pager")), "MON-001");
    expect(f.message).toMatch(/route\.routes\[0\] → "pager".*\(email, telegram\)/);
  });
});

describe("MON-002 monitoring UI reachable without Access", () => {
  const TUNNEL = "cloudflare_zero_trust_tunnel_cloudflared_config";
  const ACCESS = "cloudflare_zero_trust_access_application";
  const edge = (hostname: string | undefined, service: string, access?: string): Json => ({
    [TUNNEL]: { edge: { account_id: "a", tunnel_id: "t", config: { ingress: [{ ...(hostname ? { hostname } : {}), service }, { service: "http_status:404" }] } } },
    ...(access ? { [ACCESS]: { ui: { account_id: "a", type: "self_hosted", name: "ui", destinations: [{ type: "public", uri: access }] } } } : {}),
  });
  const grafana = { image: `grafana/grafana-oss:11.2.0${DIGEST}` };
  test.each<[string, Record<string, Record<string, unknown>>, Json, string[]]>([
    ["a UI on an internal network only passes", { prometheus: { image: PROM_IMAGE } }, {}, []],
    ["a port on 0.0.0.0", { prometheus: { image: PROM_IMAGE, ports: [{ internal: 9090, external: 9090 }] } }, {}, ["MON-002 error docker_container.prometheus"]],
    ["a port on loopback passes", { prometheus: { image: PROM_IMAGE, ports: [{ internal: 9090, external: 9090, ip: "127.0.0.1" }] } }, {}, []],
    ["the host network", { cadvisor: { image: `gcr.io/cadvisor/cadvisor:v0.52.1${DIGEST}`, network_mode: "host", networks_advanced: undefined } }, {}, ["MON-002 error docker_container.cadvisor"]],
    ["the host network bound to loopback passes", { prometheus: { image: PROM_IMAGE, network_mode: "host", networks_advanced: undefined, command: ["--web.listen-address=127.0.0.1:9090"] } }, {}, []],
    ["a tunnel route to grafana without Access", { grafana }, edge("metrics.example.org", "http://grafana:3000"), [`MON-002 error ${TUNNEL}.edge`]],
    ["a tunnel route to grafana behind Access passes", { grafana }, edge("metrics.example.org", "http://grafana:3000", "metrics.example.org"), []],
    ["Access on a path only is a warning", { grafana }, edge("metrics.example.org", "http://grafana:3000", "metrics.example.org/admin"), [`MON-002 warning ${TUNNEL}.edge`]],
    ["a catch-all route to the UI", { grafana }, edge(undefined, "http://grafana:3000"), [`MON-002 error ${TUNNEL}.edge`]],
    ["a route by network alias", { am: { image: AM_IMAGE, networks_advanced: [{ name: "${docker_network.backnet.name}", aliases: ["alerts"] }] } }, edge("alerts.example.org", "http://alerts:9093"), [`MON-002 error ${TUNNEL}.edge`]],
    ["a route to an app passes", { app: {} }, edge("www.example.org", "http://app:8080"), []],
    ["the bulwark.monitoring label marks a UI", { dash: { image: `ghcr.io/x/dash:1.0.0${DIGEST}`, labels: [{ label: "bulwark.monitoring", value: "ui" }], ports: [{ internal: 80, external: 8080 }] } }, {}, ["MON-002 error docker_container.dash"]],
  ])("%s", (_n, containers, extra, expected) => {
    expect(got(stack(containers, extra), "MON-002")).toEqual(expected);
  });
});

describe("MON-003 exporter credential on the command line", () => {
  const exporter = (o: Record<string, unknown>) => stack({ exporter: { image: `prom/mysqld-exporter:v0.17.2${DIGEST}`, ...o } });
  test.each<[string, Record<string, unknown>, string[]]>([
    ["a my.cnf file passes", { command: ["--config.my-cnf=/etc/mysqld-exporter/my.cnf"] }, []],
    ["--mysqld.password= literal", { command: ["--mysqld.password=hunter2"] }, ["MON-003 error docker_container.exporter"]],
    ["--redis.password from a variable is still on the command line", { image: `oliver006/redis_exporter:v1.74.0${DIGEST}`, command: ["--redis.password", "${var.redis_password}"] }, ["MON-003 error docker_container.exporter"]],
    ["a URL with a password in the command", { command: ["--mongodb.uri=mongodb://exporter:${var.pw}@mongo:27017"] }, ["MON-003 error docker_container.exporter"]],
    ["DATA_SOURCE_NAME with a literal password", { env: ["DATA_SOURCE_NAME=postgresql://exporter:hunter2@db:5432/postgres?sslmode=disable"] }, ["MON-003 error docker_container.exporter"]],
    ["DATA_SOURCE_NAME without a password passes", { env: ["DATA_SOURCE_NAME=postgresql://exporter@db:5432/postgres"] }, []],
    ["DATA_SOURCE_PASS literal", { env: ["DATA_SOURCE_PASS=hunter2"] }, ["MON-003 error docker_container.exporter"]],
    ["DATA_SOURCE_PASS_FILE passes", { env: ["DATA_SOURCE_PASS_FILE=/etc/pg/password", "DATA_SOURCE_USER=exporter"] }, []],
    ["an env password from a variable passes (not the command line)", { env: ["REDIS_PASSWORD=${var.redis_password}"] }, []],
  ])("%s", (_n, o, expected) => {
    expect(got(exporter(o), "MON-003")).toEqual(expected);
  });
  test("a non-exporter is left to DOCKER-032", () => {
    expect(got(stack({ app: { command: ["--redis.password", "${var.x}"] } }), "MON-003")).toEqual([]);
  });
  test("the value is never repeated", () => {
    for (const f of findings(exporter({ command: ["--mysqld.password=hunter2"], env: ["DATA_SOURCE_NAME=postgresql://u:hunter2@db/x"] }), "MON-003")) expect(f.message).not.toContain("hunter2");
  });
  test("knowledge: credential names and command lines", () => {
    expect(["--mysqld.password", "DATA_SOURCE_PASS", "redis.password", "es.api-key"].map(isCredentialName)).toEqual([true, true, true, true]);
    expect(["DATA_SOURCE_PASS_FILE", "REDIS_PASSWORD_FILE", "mysqld.username", "web.listen-address"].map(isCredentialName)).toEqual([false, false, false, false]);
    // Every credential word in any case and joining (the quick pre-check must not drop one).
    const credentialNames = ["DataSourcePassword", "ApiKey", "x-AUTH", "PWD", "Credentials", "apikey", "mySecret", "TOKEN", "db_Passwd", "--es.Pass", "adminpassword"];
    expect(credentialNames.filter((n) => !isCredentialName(n))).toEqual([]);
    expect(commandLineCredential(["--redis.password=${var.x}"])).toBe("--redis.password");
    expect(commandLineCredential(["--memcached.address=memcached:11211"])).toBeNull();
  });
});

describe("MON-004 datastore not monitored", () => {
  const prometheus = (yml: string) => ({ image: PROM_IMAGE, ...upload("/etc/prometheus/prometheus.yml", yml) });
  const scrape = (...targets: string[]) => `scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]\n`;
  const DB = { image: `mariadb:11.4.2${DIGEST}` };
  test.each<[string, Record<string, Record<string, unknown>>, string[]]>([
    ["no Prometheus: not judged", { db: DB }, []],
    ["a datastore nobody scrapes", { prometheus: prometheus(scrape("localhost:9090")), db: DB }, ["MON-004 warning docker_container.db"]],
    ["scraped directly", { prometheus: prometheus(scrape("db:9104")), db: DB }, []],
    ["probed by the blackbox exporter", { prometheus: prometheus(scrape("http://db:8080/health")), db: DB }, []],
    ["an exporter whose command names the host", { prometheus: prometheus(scrape("db-exporter:9104")), db: DB, db_exporter: { image: `prom/memcached-exporter:v0.15.3${DIGEST}`, command: ["--memcached.address=db:11211"] } }, []],
    ["an exporter whose uploaded my.cnf names the host", { prometheus: prometheus(scrape("x:9104")), db: DB, x: { image: `prom/mysqld-exporter:v0.17.2${DIGEST}`, upload: [{ file: "/etc/my.cnf", content: "[client]\nhost=db\npassword=${var.p}\n" }] } }, []],
    ["an exporter for another host does not count", { prometheus: prometheus(scrape("x:9104")), db: DB, x: { image: `prom/mysqld-exporter:v0.17.2${DIGEST}`, env: ["DATA_SOURCE_NAME=exporter@tcp(other:3306)/"] } }, ["MON-004 warning docker_container.db"]],
    ["a backend role counts as a datastore", { prometheus: prometheus(scrape("localhost:9090")), q: { labels: [{ label: "bulwark.role", value: "broker" }] } }, ["MON-004 warning docker_container.q"]],
    ["service discovery: not judged", { prometheus: prometheus("scrape_configs:\n  - job_name: d\n    docker_sd_configs: [{host: 'unix:///var/run/docker.sock'}]\n"), db: DB }, []],
    ["no readable configuration: not judged", { prometheus: { image: PROM_IMAGE }, db: DB }, []],
    // Servers sharing one configuration text are read once; each distinct one still counts.
    ["two servers, one configuration: its targets count once", { p1: prometheus(scrape("db:9104")), p2: prometheus(scrape("db:9104")), db: DB, cache: { image: `redis:7.4.1${DIGEST}` } }, ["MON-004 warning docker_container.cache"]],
    ["two servers, two configurations: the second's targets count", { p1: prometheus(scrape("db:9104")), p2: prometheus(scrape("cache:9121")), db: DB, cache: { image: `redis:7.4.1${DIGEST}` } }, []],
    ["a second server with service discovery: not judged", { p1: prometheus(scrape("localhost:9090")), p2: prometheus("scrape_configs:\n  - job_name: d\n    docker_sd_configs: [{host: 'unix:///var/run/docker.sock'}]\n"), db: DB }, []],
  ])("%s", (_n, containers, expected) => {
    expect(got(stack(containers), "MON-004")).toEqual(expected);
  });
});

describe("files seeded through a volume (HardenedContainer.addFile): the files a container sees", () => {
  // A never-started seeder uploads into a named volume; the read-only service mounts it too.
  const vol = { docker_volume: { am_config: { name: "am-config" }, other: { name: "other" } } };
  const seeder = (files: { file: string; content: string }[], o: Record<string, unknown> = {}) => ({
    image: AM_IMAGE, start: false, must_run: false, read_only: false, network_mode: "none", upload: files,
    volumes: [{ volume_name: "${docker_volume.am_config.name}", container_path: "/etc/alertmanager" }], ...o,
  });
  const service = (o: Record<string, unknown> = {}) => ({
    image: AM_IMAGE, command: ["--config.file=/etc/alertmanager/alertmanager.yml"],
    volumes: [{ volume_name: "${docker_volume.am_config.name}", container_path: "/etc/alertmanager", read_only: true }], ...o,
  });
  const BAD = [{ file: "/etc/alertmanager/alertmanager.yml", content: "route:\n  receiver: email\n" }];
  const GOOD = [{ file: "/etc/alertmanager/alertmanager.yml", content: GOOD_AM }];

  test("MON-001 judges the service by the file its seeder uploaded (and the seeder by its own upload)", () => {
    expect(got(stack({ alertmanager_config: seeder(BAD), alertmanager: service() }, vol), "MON-001")).toEqual([
      "MON-001 error docker_container.alertmanager", "MON-001 error docker_container.alertmanager_config",
    ]);
    expect(got(stack({ alertmanager_config: seeder(GOOD), alertmanager: service() }, vol), "MON-001")).toEqual([]);
  });

  test("the service sees the file at its own mount path (the volume mounted elsewhere)", () => {
    const svc = service({ command: ["--config.file=/cfg/alertmanager.yml"], volumes: [{ volume_name: "am-config", container_path: "/cfg", read_only: true }] });
    expect(got(stack({ alertmanager_config: seeder(BAD), alertmanager: svc }, vol), "MON-001")).toEqual([
      "MON-001 error docker_container.alertmanager", "MON-001 error docker_container.alertmanager_config",
    ]);
  });

  test("not seen: another volume, a seeder that is started, a file outside the seeder's mount", () => {
    const otherVolume = service({ volumes: [{ volume_name: "${docker_volume.other.name}", container_path: "/etc/alertmanager", read_only: true }] });
    expect(got(stack({ alertmanager_config: seeder(BAD, { image: "busybox:1.36" }), alertmanager: otherVolume }, vol), "MON-001")).toEqual([]);
    const started = seeder(BAD, { image: "busybox:1.36", start: true });
    expect(got(stack({ alertmanager_config: started, alertmanager: service() }, vol), "MON-001")).toEqual([]);
    const outside = seeder([{ file: "/etc/other/alertmanager.yml", content: "route:\n  receiver: email\n" }], { image: "busybox:1.36" });
    expect(got(stack({ alertmanager_config: outside, alertmanager: service() }, vol), "MON-001")).toEqual([]);
  });

  test("MON-004: an exporter's seeded my.cnf names the datastore; a never-started datastore image is no datastore", () => {
    const prom = { image: PROM_IMAGE, upload: [{ file: "/etc/prometheus/prometheus.yml", content: "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: [\"x:9104\"]\n" }] };
    const exporter = { image: `prom/mysqld-exporter:v0.17.2${DIGEST}`, volumes: [{ volume_name: "x-config", container_path: "/etc/x", read_only: true }] };
    const xSeeder = { image: `prom/mysqld-exporter:v0.17.2${DIGEST}`, start: false, read_only: false, volumes: [{ volume_name: "x-config", container_path: "/etc/x" }], upload: [{ file: "/etc/x/my.cnf", content: "[client]\nhost=db\npassword=${var.p}\n" }] };
    const DB = { image: `mariadb:11.4.2${DIGEST}` };
    expect(got(stack({ prometheus: prom, db: DB, x: exporter }), "MON-004")).toEqual(["MON-004 warning docker_container.db"]);
    expect(got(stack({ prometheus: prom, db: DB, x: exporter, x_config: xSeeder }), "MON-004")).toEqual([]);
    expect(got(stack({ prometheus: prom, db_config: { ...DB, start: false } }), "MON-004")).toEqual([]);
    // A never-started exporter runs nothing: the file it seeds counts only where a running exporter sees it.
    const elsewhere = { ...exporter, volumes: [] };
    expect(got(stack({ prometheus: prom, db: DB, x: elsewhere, x_config: xSeeder }), "MON-004")).toEqual(["MON-004 warning docker_container.db"]);
  });
});

describe("the monitoring construct's own output", () => {
  test.each([["koha", kohaMonitoredStack], ["single server", singleServerMonitoredStack]])("%s raises no MON finding", (_n, build) => {
    const json = synthStackJson(build().stack) as Json;
    expect(findings(json).filter((f) => f.ruleId.startsWith("MON-")).map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });

  test("its containers upload nothing themselves; MON-001 still reads Alertmanager's file through the config volume", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json = synthStackJson(kohaMonitoredStack().stack) as Record<string, any>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const containers: Record<string, any> = json.resource.docker_container;
    for (const [id, c] of Object.entries(containers)) if (c.upload) expect({ id, seeder: c.start === false && c.read_only === false }).toEqual({ id, seeder: true });
    // Break the seeded file: the finding lands on the read-only Alertmanager that mounts it.
    const am = containers.alertmanager_config.upload.find((u: { file: string }) => u.file.endsWith("alertmanager.yml"));
    am.content = "route:\n  receiver: nobody\n";
    expect(findings(json).filter((f) => f.ruleId === "MON-001").map((f) => f.address).sort()).toEqual(["docker_container.alertmanager", "docker_container.alertmanager_config"]);
  });
});
