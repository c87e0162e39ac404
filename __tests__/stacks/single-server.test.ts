import { policyFindings, synthStackJson } from "../../policy/testing";
import { exampleConfig, normalizedJson, singleServerStack } from "../helpers/reference";

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
    const s = singleServerStack(exampleConfig({}));
    void s;
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

  test("PostgreSQL only on the internal network; api and bot on both tiers", () => {
    expect(containers.db.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.app_backnet.name}"]);
    expect(json.resource.docker_network.app_backnet.internal).toBe(true);
    expect(containers.api.networks_advanced).toHaveLength(2);
  });
});
