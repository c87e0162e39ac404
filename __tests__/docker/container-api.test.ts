/**
 * The additive construct API of HardenedContainer (addEnvironment, addSecret, addLabel,
 * addVolumeMount, allowHostPath, logging driver), the loopback publication network, names unique
 * per Docker host, and neutral secrets bound by the renderer.
 */
import { LocalBackend, Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { Secret } from "../../constructs/core/secret";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { dockerTestStack, webSpec } from "../helpers/stack";

type Json = Record<string, any>;

function setup() {
  const { stack, topology } = dockerTestStack();
  const db = new HardenedContainer(stack, "db", {
    service: webSpec({ name: "db", role: "datastore", dataVolumes: [{ name: "data", path: "/var/lib/db" }] }),
    networks: [topology.back],
    owner: "platform-team",
  });
  const web = new HardenedContainer(stack, "web", { service: webSpec(), networks: [topology.front, topology.back], owner: "platform-team" });
  return { stack, topology, db, web };
}

const containerOf = (json: Json, name: string): Json => json.resource.docker_container[name];
const suppressionsOf = (c: Json): Array<{ rule: string; reason: string }> => c["//"]?.bulwark?.suppressions ?? [];
const unsuppressed = (stack: TerraformStack, rule: string) => policyFindings(stack).filter((f) => f.ruleId === rule && !f.suppressed);

describe("HardenedContainer additive API", () => {
  test("addEnvironment and addSecret render sorted env; a named secret becomes one sensitive variable per stack", () => {
    const { stack, web, db } = setup();
    const shared = Secret.named("shared_token", "Token both services present to each other");
    web.addEnvironment("LOG_LEVEL", "info").addSecret("SHARED_TOKEN", shared);
    db.addSecret("SHARED_TOKEN", shared);
    const json = synthStackJson(stack) as Json;
    expect(containerOf(json, "web").env).toEqual(["LOG_LEVEL=info", "SHARED_TOKEN=${var.shared_token}"]);
    expect(containerOf(json, "db").env).toEqual(["SHARED_TOKEN=${var.shared_token}"]);
    expect(json.variable.shared_token).toMatchObject({ sensitive: true, type: "string", nullable: false, description: "Token both services present to each other" });
    expect(stack).toPassPolicy();
  });

  test("addEnvironment refuses a secret literal and a variable set twice", () => {
    const { web } = setup();
    expect(() => web.addEnvironment("DB_PASSWORD", "hunter2")).toThrow(/HardenedContainer test\/web: addEnvironment\.DB_PASSWORD looks like a secret but holds a literal\. Fix: move it to secretEnv \(addSecret\)/);
    web.addEnvironment("MODE", "a");
    expect(() => web.addEnvironment("MODE", "b")).toThrow(/addEnvironment\(MODE\) is already set/);
    expect(() => web.addSecret("1BAD", Secret.named("x_y", "a secret for the test"))).toThrow(/addSecret\("1BAD"\) is not a valid variable name/);
    expect(() => web.addSecret("TOKEN", "hunter2" as never)).toThrow(/addSecret\(TOKEN\) is missing or not a SecretRef/);
  });

  test("addLabel adds a label; the platform's bulwark.* namespace is refused", () => {
    const { stack, web } = setup();
    web.addLabel("org.example.team", "payments");
    const labels = containerOf(synthStackJson(stack) as Json, "web").labels as Array<{ label: string; value: string }>;
    expect(labels).toContainEqual({ label: "org.example.team", value: "payments" });
    expect(labels.map((l) => l.label)).toEqual([...labels.map((l) => l.label)].sort());
    expect(() => web.addLabel("bulwark.role", "ingress")).toThrow(/uses the platform's bulwark\.\* namespace/);
  });

  test("addVolumeMount mounts another service's data volume read-only by default", () => {
    const { stack, db, web } = setup();
    web.addVolumeMount(db.dataVolume("data"), { containerPath: "/backup/db" });
    const c = containerOf(synthStackJson(stack) as Json, "web");
    expect(c.volumes).toEqual([{ volume_name: "${docker_volume.db_data.name}", container_path: "/backup/db", read_only: true }]);
    expect(() => db.dataVolume("logs")).toThrow(/dataVolume\("logs"\) is not a data volume of service "db" \(it has: data\)/);
    expect(() => web.addVolumeMount(db.dataVolume("data"), { containerPath: "/backup/db" })).toThrow(/"\/backup\/db" is mounted twice/);
    expect(stack).toPassPolicy();
  });

  test("addVolumeMount refuses a volume of another stack (another Docker host)", () => {
    const a = setup();
    const b = dockerTestStack("other");
    const other = new HardenedContainer(b.stack, "web", { service: webSpec({ name: "other" }), networks: [b.topology.front], owner: "o" });
    expect(() => other.addVolumeMount(a.db.dataVolume("data"), { containerPath: "/x" })).toThrow(/mounts a volume of stack test into stack other\. Fix: mount volumes only within one stack/);
  });

  test("allowHostPath: read-only sensitive path writes a DOCKER-016 suppression with the reason", () => {
    const { stack, web } = setup();
    web.allowHostPath("/proc", { containerPath: "/host/proc", reason: "node metrics read host process statistics" });
    web.allowHostPath("/sys", { containerPath: "/host/sys", reason: "node metrics read host device statistics" });
    const c = containerOf(synthStackJson(stack) as Json, "web");
    expect(c.volumes).toEqual([
      { host_path: "/proc", container_path: "/host/proc", read_only: true },
      { host_path: "/sys", container_path: "/host/sys", read_only: true },
    ]);
    const s = suppressionsOf(c);
    expect(s.map((x) => x.rule)).toEqual(["DOCKER-016"]);
    expect(s[0].reason).toContain("/proc -> /host/proc (read-only): node metrics read host process statistics");
    expect(s[0].reason).toContain("/sys -> /host/sys (read-only): node metrics read host device statistics");
    const f = policyFindings(stack).filter((x) => x.ruleId === "DOCKER-016");
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.suppressed)).toBe(true);
    expect(stack).toPassPolicy();
  });

  test("allowHostPath: a writable bind writes a DOCKER-017 suppression; no reason is refused", () => {
    const { stack, web } = setup();
    web.allowHostPath("/srv/uploads", { containerPath: "/uploads", readOnly: false, reason: "uploads are kept on the host's RAID volume" });
    const c = containerOf(synthStackJson(stack) as Json, "web");
    expect(suppressionsOf(c).map((x) => x.rule)).toEqual(["DOCKER-017"]);
    expect(unsuppressed(stack, "DOCKER-017")).toEqual([]);
    expect(() => web.allowHostPath("/etc", { reason: "short" })).toThrow(/allowHostPath\("\/etc"\)\.reason is missing or shorter than 10 characters/);
    expect(() => web.allowHostPath("relative", { reason: "a good enough reason" })).toThrow(/is not an absolute host path/);
  });

  test("the suppression is granular: it lists the granted paths, and any other sensitive mount is still an error", () => {
    const { stack, web } = setup();
    web.allowHostPath("/proc", { containerPath: "/host/proc", reason: "node metrics read host process statistics" });
    const c = containerOf(synthStackJson(stack) as Json, "web");
    expect(suppressionsOf(c)[0]).toMatchObject({ rule: "DOCKER-016", appliesTo: ["/proc"] });
    expect(unsuppressed(stack, "DOCKER-016")).toEqual([]);
    // A Docker socket added behind the construct's back is not covered by the /proc grant.
    web.container.putVolumes([
      { hostPath: "/proc", containerPath: "/host/proc", readOnly: true },
      { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true },
    ]);
    const left = unsuppressed(stack, "DOCKER-016");
    expect(left.map((f) => f.message)).toEqual([expect.stringMatching(/docker\.sock/)]);
  });

  test("without allowHostPath the same bind mount is an unsuppressed DOCKER-016 (the suppression is what makes it pass)", () => {
    const { stack, web } = setup();
    web.container.putVolumes([{ hostPath: "/proc", containerPath: "/host/proc", readOnly: true }]);
    expect(unsuppressed(stack, "DOCKER-016").length).toBe(1);
  });

  test("log driver option: local rotates too; anything else is refused", () => {
    const { stack, topology } = dockerTestStack();
    new HardenedContainer(stack, "web", { service: webSpec(), networks: [topology.front], owner: "o", logging: { driver: "local", maxSizeMb: 5 } });
    const c = containerOf(synthStackJson(stack) as Json, "web");
    expect(c.log_driver).toBe("local");
    expect(c.log_opts).toEqual({ "max-size": "5m", "max-file": "3" });
    expect(stack).toPassPolicy();
    const other = dockerTestStack("b");
    expect(() => new HardenedContainer(other.stack, "web", { service: webSpec(), networks: [other.topology.front], owner: "o", logging: { driver: "syslog" as never } })).toThrow(
      /logging\.driver is "syslog"\. Fix: use "json-file" or "local"/,
    );
  });
});

describe("loopback publication from internal networks", () => {
  test("a datastore that publishes gets a network of its own that can publish, bound to loopback, no masquerade", () => {
    const { stack, topology } = dockerTestStack();
    new HardenedContainer(stack, "db", {
      service: webSpec({ name: "db", role: "datastore", ports: [{ port: 5432, name: "postgresql" }] }),
      networks: [topology.back],
      owner: "o",
      publish: [{ containerPort: 5432, hostPort: 5433 }],
    });
    const json = synthStackJson(stack) as Json;
    const net = json.resource.docker_network.db_publish;
    expect(net).toMatchObject({ name: "db-publish", internal: false, driver: "bridge" });
    expect(net.options).toEqual({
      "com.docker.network.bridge.enable_icc": "false",
      "com.docker.network.bridge.enable_ip_masquerade": "false",
      "com.docker.network.bridge.host_binding_ipv4": "127.0.0.1",
    });
    const c = containerOf(json, "db");
    expect(c.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.backnet.name}", "${docker_network.db_publish.name}"]);
    expect(c.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    // NET-001 would flag the datastore on a non-internal network: suppressed with the reason.
    expect(suppressionsOf(c).map((s) => s.rule)).toEqual(["NET-001"]);
    expect(suppressionsOf(c)[0].reason).toMatch(/moby#36174/);
    expect(unsuppressed(stack, "NET-001")).toEqual([]);
  });

  test("a container already on a non-internal network publishes through it (no extra network)", () => {
    const { stack, topology } = dockerTestStack();
    new HardenedContainer(stack, "web", { service: webSpec(), networks: [topology.front], owner: "o", publish: [{ containerPort: 8080, hostPort: 18080 }] });
    const json = synthStackJson(stack) as Json;
    expect(Object.keys(json.resource.docker_network).sort()).toEqual(["backnet", "frontnet"]);
  });
});

describe("names are unique per Docker host across the stacks of an app", () => {
  function twoStacks(hostA: string, hostB: string) {
    const app = Testing.app();
    const make = (id: string, host: string) => {
      const stack = new TerraformStack(app, id);
      new DockerProvider(stack, "docker", { host });
      new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
      return { stack, topology: new NetworkTopology(stack, "network", { prefix: id }) };
    };
    return [make("a", hostA), make("b", hostB)] as const;
  }

  test("the same container name in two stacks on one host is refused, naming both", () => {
    const [a, b] = twoStacks("unix:///var/run/docker.sock", "unix:///var/run/docker.sock");
    new HardenedContainer(a.stack, "web", { service: webSpec(), networks: [a.topology.front], owner: "o" });
    expect(() => new HardenedContainer(b.stack, "web", { service: webSpec(), networks: [b.topology.front], owner: "o" })).toThrow(
      /HardenedContainer b\/web: container name "web" is already used on Docker host unix:\/\/\/var\/run\/docker\.sock by a\/web\. Fix:/,
    );
  });

  test("the same volume name is refused too; different hosts may reuse names", () => {
    const [a, b] = twoStacks("unix:///var/run/docker.sock", "unix:///var/run/docker.sock");
    new HardenedContainer(a.stack, "db", { service: webSpec({ name: "db", dataVolumes: [{ name: "data", path: "/d" }] }), networks: [a.topology.front], owner: "o" });
    expect(() =>
      new HardenedContainer(b.stack, "db2", { service: webSpec({ name: "db2", dataVolumes: [{ name: "data", path: "/d" }] }), networks: [b.topology.front], owner: "o" }),
    ).not.toThrow();
    const [c, d] = twoStacks("ssh://one.example", "ssh://two.example");
    new HardenedContainer(c.stack, "web", { service: webSpec(), networks: [c.topology.front], owner: "o" });
    expect(() => new HardenedContainer(d.stack, "web", { service: webSpec(), networks: [d.topology.front], owner: "o" })).not.toThrow();
  });

  test("two topologies without a prefix on one host collide on their network names", () => {
    const app = Testing.app();
    const s1 = new TerraformStack(app, "one");
    const s2 = new TerraformStack(app, "two");
    new NetworkTopology(s1, "network");
    expect(() => new NetworkTopology(s2, "network")).toThrow(/network name "frontnet" is already used on Docker host .* by one\/network/);
  });
});

describe("hand-built specs fail with the construct, the field and the fix", () => {
  test.each([
    ["no health", { health: undefined }, /HardenedContainer test\/web: service\.health is missing\. Fix: give health: \{ probe:/],
    ["no resources", { resources: undefined }, /service\.resources is missing\. Fix: give resources: \{ memoryMb \}/],
    ["no image", { image: undefined }, /service\.image is missing\. Fix: give the image as \{ repository, tag \}/],
    ["bad role", { role: "database" }, /service\.role is "database"\. Fix: use one of app, worker, ingress, datastore, broker, cache, search/],
    ["ports not a list", { ports: "8080" }, /service\.ports is not a list/],
    ["a line break in an env value", { env: { QUERIES: "SELECT 1\nSELECT 2" } }, /service\.env\.QUERIES holds a line break\. Fix: keep environment values on one line/],
    ["timeout longer than interval", { health: { probe: { kind: "exec", command: ["true"] }, timeout: { kind: "duration" } } }, /service\.health\.timeout is .*not a Duration/],
  ])("%s", (_name, override, message) => {
    const { stack, topology } = dockerTestStack();
    const service = { ...webSpec(), ...(override as object) };
    expect(() => new HardenedContainer(stack, "web", { service: service as never, networks: [topology.front], owner: "o" })).toThrow(message);
  });

  test("a spec that is not an object at all", () => {
    const { stack, topology } = dockerTestStack();
    expect(() => new HardenedContainer(stack, "web", { service: undefined as never, networks: [topology.front], owner: "o" })).toThrow(
      /HardenedContainer test\/web: service is missing, not a service description\. Fix: build it with a profile/,
    );
  });
});
