import { policyFindings, synthStackJson } from "../../policy/testing";
import { SingleServerStack } from "../../stacks/single-server";
import { exampleConfig, normalizedJson, serviceLabels, singleServerStack } from "../helpers/reference";

type Json = Record<string, any>;

describe("single-server stack (seed 002)", () => {
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

  test("no bind mounts of source code: no host paths at all", () => {
    for (const c of Object.values(containers)) {
      for (const v of c.volumes ?? []) expect(v.host_path).toBeUndefined();
      expect(c.mounts).toBeUndefined();
    }
  });

  test("the API has a /healthz probe", () => {
    expect(containers.api.healthcheck.test.join(" ")).toContain("http://127.0.0.1:8000/healthz");
  });

  test("secrets only from sensitive variables without defaults", () => {
    const vars: Record<string, Json> = json.variable;
    expect(Object.keys(vars).sort()).toEqual([
      "api_hmac_secret", "api_hmac_secret_partner", "api_jwt_secret", "api_key", "api_metrics_token",
      "bot_api_key", "bot_metrics_token", "bot_token", "openai_api_key", "postgres_password",
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
    const members = Object.values(containers).filter((c: Json) => c.networks_advanced.some((n: Json) => n.name === "${docker_network.db_publish.name}"));
    expect(members).toEqual([containers.db]);
    expect(containers.db.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(containers.api.networks_advanced).toHaveLength(2);
  });

  test("declares exactly the services it builds: the valid names under images:", () => {
    expect(serviceLabels(json)).toEqual([...SingleServerStack.services].sort());
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
