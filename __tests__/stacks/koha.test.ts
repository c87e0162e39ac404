import { synthStackJson } from "../../policy/testing";
import { kohaStack, normalizedJson } from "../helpers/reference";

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
});
