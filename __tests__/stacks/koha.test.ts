import { synthStackJson } from "../../policy/testing";
import { KohaStack } from "../../stacks/koha";
import { exampleConfig, kohaStack, normalizedJson, serviceLabels } from "../helpers/reference";

type Json = Record<string, any>;

describe("koha stack (seed 000 §3)", () => {
  const stack = kohaStack();
  const json: Json = synthStackJson(stack);
  const containers: Record<string, Json> = json.resource.docker_container;

  test("regression snapshot, and it passes policy", () => {
    expect(normalizedJson(stack)).toMatchSnapshot();
    expect(stack).toPassPolicy();
  });

  test("every service of seed 000 is there", () => {
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
