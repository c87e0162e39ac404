/**
 * Rules and detections learned by running the stacks on a real Docker engine and by trying the
 * engine as a new user would: DOCKER-031 (ports published from internal networks only), DOCKER-032
 * (credentials on a command line), and DOCKER-025/DOCKER-022/SECRET-001 gaps (credentials inside
 * URLs and Authorization values, glued secret names, Stripe/Slack/PEM, moving tags). Each with
 * compliant and non-compliant fixtures.
 */
import { containerWith as container, dockerStack, publicNetwork } from "../helpers/fixtures";
import { findings, ruleHits as got, type Json } from "../helpers/policy";

const APP = "docker_container.app";
type Sev = "error" | "warning" | "info";
type Case = [name: string, overrides: Record<string, unknown>, expected: Sev[], extra?: Json];

function table(ruleId: string, cases: Case[]): void {
  describe(ruleId, () => {
    // A rest parameter: jest would take a fourth named parameter for a `done` callback.
    test.each(cases)("%s", (...[, overrides, expected, extra]: Case) => {
      expect(got(dockerStack(container(overrides), extra ?? {}), ruleId)).toEqual(expected.map((s) => `${ruleId} ${s} ${APP}`));
    });
  });
}

const PORT = { internal: 5432, external: 5433, ip: "127.0.0.1" };
const FRONT = { docker_network: { backnet: { name: "backnet", internal: true }, frontnet: publicNetwork() } };

table("DOCKER-031", [
  ["no published ports passes", {}, []],
  ["published from an internal network only", { ports: [PORT] }, ["error"]],
  ["published with a non-internal network too passes", { ports: [PORT], networks_advanced: [{ name: "${docker_network.backnet.name}" }, { name: "${docker_network.frontnet.name}" }] }, [], FRONT],
  ["published on the default bridge passes", { ports: [PORT], networks_advanced: undefined }, []],
  ["an external network it cannot see passes (it might publish)", { ports: [PORT], networks_advanced: [{ name: "${docker_network.backnet.name}" }, { name: "shared-edge" }] }, []],
  ["internal from a literal true string", { ports: [PORT] }, ["error"], { docker_network: { backnet: { name: "backnet", internal: "true" } } }],
]);

describe("DOCKER-031 message", () => {
  test("names the port, the networks and the engine fact", () => {
    const [f] = findings(dockerStack(container({ ports: [PORT] })), "DOCKER-031");
    expect(f.message).toMatch(/publishes 127\.0\.0\.1:5433->5432\/tcp but joins only internal networks \(docker_network\.backnet\): Docker does not publish ports of such a container \(moby#36174/);
  });
});

table("DOCKER-032", [
  ["a probe without credentials passes", {}, []],
  ["mysqladmin -p<literal> in the health check", { healthcheck: { test: ["CMD", "mysqladmin", "-uroot", "-phunter2", "ping"], interval: "30s" } }, ["error"]],
  ["mysqladmin -p$MYSQL_PWD in a shell probe passes", { healthcheck: { test: ["CMD-SHELL", "mysqladmin -uroot -p$MYSQL_PWD ping"], interval: "30s" } }, []],
  ["--password= in the command", { command: ["mariadb-dump", "--password=hunter2", "koha"] }, ["error"]],
  ["--password=${var.x} passes", { command: ["mariadb-dump", "--password=${var.db_password}", "koha"] }, []],
  ["a URL with a password in the entrypoint", { entrypoint: ["/app", "--db", "postgres://app:hunter2@db:5432/app"] }, ["error"]],
  ["a URL without a password passes", { entrypoint: ["/app", "--db", "postgres://app@db:5432/app"] }, []],
  ["redis-server -p 6379 is a port, not a password", { command: ["redis-server", "-p", "6379"] }, []],
]);

describe("DOCKER-025 gaps", () => {
  const env = (...entries: string[]) => ({ env: entries });
  table("DOCKER-025", [
    ["a plain URL passes", env("API_URL=http://api:8000"), []],
    ["postgres:// with a literal password, any name", env("DATABASE_URL=postgres://app:hunter2@db/app"), ["error"]],
    ["amqp:// with a literal password", env("BROKER=amqp://koha:s3cret@rabbitmq:5672/"), ["error"]],
    ["redis://:pass@", env("CACHE=redis://:hunter2@cache:6379/0"), ["error"]],
    ["https://user:pass@", env("UPSTREAM=https://user:pa55@example.org"), ["error"]],
    ["a URL whose password is a reference passes", env("DATABASE_URL=postgres://app:${var.db_password}@db/app"), []],
    ["PGPASSWORD glued name", env("PGPASSWORD=hunter2"), ["error"]],
    ["MYSQL_PWD", env("MYSQL_PWD=hunter2"), ["error"]],
    ["REDIS_AUTH", env("REDIS_AUTH=hunter2"), ["error"]],
    ["RABBITMQ_DEFAULT_PASS", env("RABBITMQ_DEFAULT_PASS=guest"), ["error"]],
    ["PWD alone is the working directory", env("PWD=/srv/app"), []],
    ["Authorization: Basic literal", env("UPSTREAM_AUTHORIZATION=Basic dXNlcjpwYXNzd29yZA=="), ["error"]],
    ["AUTH_HEADER: Bearer literal", env("AUTH_HEADER=Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"), ["error"]],
    ["Bearer from a variable passes", env("AUTH_HEADER=Bearer ${var.upstream_token}"), []],
  ]);
  test("the secret value is never repeated in the message", () => {
    for (const f of findings(dockerStack(container(env("DATABASE_URL=postgres://app:hunter2@db/app", "X=Basic dXNlcjpwYXNzd29yZA=="))), "DOCKER-025")) {
      expect(f.message).not.toContain("hunter2");
      expect(f.message).not.toContain("dXNlcjpwYXNzd29yZA==");
    }
  });
});

describe("DOCKER-022 moving tags", () => {
  const image = (ref: string) => ({ image: ref });
  const DIGEST = "@sha256:" + "c".repeat(64);
  table("DOCKER-022", [
    ["a version tag with a digest passes", image(`ghcr.io/x/app:1.2.3${DIGEST}`), []],
    ["main", image("ghcr.io/x/app:main"), ["warning"]],
    ["stable", image("nginx:stable"), ["warning"]],
    ["edge", image("caddy:edge"), ["warning"]],
    ["nightly", image("ghcr.io/x/app:nightly"), ["warning"]],
    ["a bare major", image("postgres:16"), ["warning"]],
    ["v1", image("ghcr.io/x/app:v1"), ["warning"]],
    ["a moving tag pinned by digest passes", image(`postgres:16${DIGEST}`), []],
  ]);
  test("the message says why the tag is not a version", () => {
    const [f] = findings(dockerStack(container(image("postgres:16"))), "DOCKER-022");
    expect(f.message).toMatch(/"16" is a bare major version, which moves with every minor release/);
    const [g] = findings(dockerStack(container(image("nginx:stable"))), "DOCKER-022");
    expect(g.message).toMatch(/"stable" names a channel, not a release/);
  });
});

describe("SECRET-001 formats", () => {
  const withEnv = (value: string) => dockerStack(container({ env: [`NOTE=${value}`] }));
  test.each([
    ["a Stripe secret key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    ["a Stripe restricted key", "rk_live_51H8abcdefghijklmnop"],
    ["a Slack webhook", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    ["a PEM private key", "-----BEGIN EC PRIVATE KEY-----"],
  ])("%s is an error", (_n, value) => {
    expect(got(withEnv(value), "SECRET-001")).toEqual(["SECRET-001 error docker_container.app"]);
  });
  test.each([["a Stripe publishable key", "pk_live_4eC39HqLyjWDarjtT1zdp7dc"], ["a certificate", "-----BEGIN CERTIFICATE-----"]])("%s passes", (_n, value) => {
    expect(got(withEnv(value), "SECRET-001")).toEqual([]);
  });
});

describe("granular suppressions (appliesTo) in hand-written JSON", () => {
  const SOCK = { host_path: "/var/run/docker.sock", container_path: "/var/run/docker.sock", read_only: true };
  const PROC = { host_path: "/proc", container_path: "/host/proc", read_only: true };
  const suppressed = (appliesTo: unknown) => ({ "//": { bulwark: { suppressions: [{ rule: "DOCKER-016", reason: "node metrics read host counters", appliesTo }] } } });
  const dockerFindings = (c: Json) => findings(dockerStack(container(c)), "DOCKER-016").map((f) => `${f.suppressed ? "suppressed" : "open"} ${/docker\.sock/.test(f.message) ? "sock" : "proc"}`);

  test("covers only the listed host paths; any other sensitive mount stays an error", () => {
    expect(dockerFindings({ volumes: [PROC, SOCK], ...suppressed(["/proc"]) }).sort()).toEqual(["open sock", "suppressed proc"]);
  });
  test("paths are compared normalized (//proc/ is /proc)", () => {
    expect(dockerFindings({ volumes: [{ ...PROC, host_path: "//proc/" }], ...suppressed(["/proc"]) })).toEqual(["suppressed proc"]);
  });
  test("without appliesTo the suppression covers every finding of the rule", () => {
    expect(dockerFindings({ volumes: [PROC, SOCK], ...suppressed(undefined) }).sort()).toEqual(["suppressed proc", "suppressed sock"]);
  });
  test("an empty or malformed appliesTo is an input error, not a silent pass", () => {
    expect(() => findings(dockerStack(container({ volumes: [PROC], ...suppressed([]) })), "DOCKER-016")).toThrow(/"appliesTo" must be a non-empty list/);
    expect(() => findings(dockerStack(container({ volumes: [PROC], ...suppressed("/proc") })), "DOCKER-016")).toThrow(/"appliesTo" must be a non-empty list/);
  });
});
