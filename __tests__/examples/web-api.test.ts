/**
 * The "your own stack" example: built only from the public API, it must pass the same policy
 * gate as the reference stacks, with the facts its README section promises.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { Testing } from "cdktf";
import { stringify, parse } from "yaml";
import { policyFindings, synthStackJson } from "../../index";
import { loadWebApiConfig, WEB_API_CONFIG_PATH, type WebApiConfig } from "../../examples/web-api/config";
import { main } from "../../examples/web-api/main";
import { WebApiStack } from "../../examples/web-api/stack";

type Json = Record<string, any>;

const EXAMPLE_DIR = resolve(__dirname, "../../examples/web-api");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "bulwark-web-api-"));
  dirs.push(d);
  return d;
}

function webApiStack(config: WebApiConfig = loadWebApiConfig({})): WebApiStack {
  return new WebApiStack(Testing.app(), "web-api", { config });
}

describe("examples/web-api", () => {
  const stack = webApiStack();
  const json: Json = synthStackJson(stack);
  const res = json.resource;
  const containers: Record<string, Json> = res.docker_container;

  test("passes the policy gate: no unsuppressed error, nothing suppressed", () => {
    expect(stack).toPassPolicy();
    expect(policyFindings(stack).filter((f) => f.suppressed)).toEqual([]);
  });

  test("builds exactly the services it declares", () => {
    const services = Object.values(containers).map((c) => c.labels.find((l: Json) => l.label === "bulwark.service").value).sort();
    expect(services).toEqual([...WebApiStack.services].sort());
  });

  test("PostgreSQL and Redis are on the internal network only", () => {
    expect(res.docker_network.webapi_backnet.internal).toBe(true);
    expect(res.docker_network.webapi_frontnet.internal).toBe(false);
    for (const name of ["postgres", "redis"]) {
      expect({ name, networks: containers[name].networks_advanced.map((n: Json) => n.name) }).toEqual({ name, networks: ["${docker_network.webapi_backnet.name}"] });
    }
    expect(containers.api.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.webapi_frontnet.name}", "${docker_network.webapi_backnet.name}"]);
    expect(containers.cloudflared.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.webapi_frontnet.name}"]);
  });

  test("no container publishes a port", () => {
    for (const [name, c] of Object.entries(containers)) {
      expect({ name, ports: c.ports, all: c.publish_all_ports }).toEqual({ name, ports: undefined, all: undefined });
    }
  });

  test("the API is published through the tunnel only, nothing else is routed", () => {
    expect(res.cloudflare_zero_trust_tunnel_cloudflared.edge).toMatchObject({ name: "web-api", config_src: "cloudflare" });
    expect(res.cloudflare_zero_trust_tunnel_cloudflared_config.edge.config.ingress).toEqual([
      { hostname: "api.example.org", service: "http://api:8080" },
      { service: "http_status:404" },
    ]);
    expect(res.cloudflare_dns_record.api_example_org).toMatchObject({
      name: "api.example.org",
      type: "CNAME",
      proxied: true,
      content: "${cloudflare_zero_trust_tunnel_cloudflared.edge.id}.cfargotunnel.com",
    });
    expect(Object.keys(res.cloudflare_dns_record)).toEqual(["api_example_org"]);
    expect(Object.keys(res.cloudflare_ruleset).sort()).toEqual(["zone_managed_waf", "zone_rate_limit"]);
    expect(res.cloudflare_ruleset.zone_rate_limit.rules[0].ratelimit.requests_per_period).toBe(300);
  });

  test("secrets are sensitive variables without defaults, referenced, never literal", () => {
    const vars: Record<string, Json> = json.variable;
    expect(Object.keys(vars).sort()).toEqual(["api_session_secret", "postgres_password", "redis_password"]);
    for (const [name, v] of Object.entries(vars)) expect({ name, sensitive: v.sensitive, default: v.default }).toEqual({ name, sensitive: true, default: undefined });
    expect(containers.api.env).toEqual(expect.arrayContaining(["DATABASE_PASSWORD=${var.postgres_password}", "REDIS_PASSWORD=${var.redis_password}", "SESSION_SECRET=${var.api_session_secret}"]));
    expect(containers.postgres.env).toContain("POSTGRES_PASSWORD=${var.postgres_password}");
    expect(containers.redis.env).toContain("REDIS_PASSWORD=${var.redis_password}");
    for (const c of Object.values(containers)) {
      for (const e of c.env ?? []) {
        const [name, ...rest] = (e as string).split("=");
        if (/PASSWORD|SECRET|TOKEN|KEY|AUTH/.test(name)) expect({ name, value: rest.join("=") }).toEqual({ name, value: expect.stringMatching(/^\$\{(var|data)\.[a-z_.]+\}$/) });
      }
    }
  });

  test("providers hold no credentials; the backend is declared (relative path)", () => {
    expect(json.provider).toEqual({ cloudflare: [{}], docker: [{ host: "unix:///var/run/docker.sock" }] });
    expect(json.terraform.backend).toEqual({ local: { path: "../../../state/web-api.tfstate" } });
  });

  test("image pins come from its images: section", () => {
    expect(res.docker_image.postgres.name).toBe("postgres:18.4-trixie");
    const digest = `sha256:${"b".repeat(64)}`;
    const base = loadWebApiConfig({});
    const pinned: Json = synthStackJson(webApiStack({ ...base, images: { api: { digest }, redis: { tag: "8.10.2-trixie" } } }));
    expect(pinned.resource.docker_image.api.name).toBe(`ghcr.io/example-org/web-api:2.3.1@${digest}`);
    expect(pinned.resource.docker_image.redis.name).toBe("redis:8.10.2-trixie");
  });

  test("its configuration is strict: unknown keys, pins of services it does not build, a missing cloudflare section", () => {
    const raw = parse(readFileSync(WEB_API_CONFIG_PATH, "utf8"));
    const { cloudflare: _cf, ...noEdge } = raw;
    void _cf;
    const file = join(tempDir(), "web-api.yaml");
    writeFileSync(file, stringify({ ...noEdge, images: { mariadb: { tag: "11.8.9" } }, webApi: { ...raw.webApi, replicas: 2 } }));
    let message = "";
    try {
      loadWebApiConfig({ WEB_API_CONFIG: file });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("cloudflare: required by webApi (its tunnel publishes the API)");
    expect(message).toContain('images.mariadb: no configured stack builds a service "mariadb"; valid names: api, cloudflared, postgres, redis (services of webApi)');
    expect(message).toContain("webApi.replicas: unknown key; valid keys here: hostname, api, database");
  });

  test("the app entry synthesizes and runs the synth gate (exit 0)", () => {
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const dir = tempDir();
      expect(main({ CDKTF_OUTDIR: dir })).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, "stacks/web-api/cdk.tf.json"), "utf8")).resource.docker_container.api).toBeDefined();
      const printed = out.mock.calls.map((c) => String(c[0])).join("");
      expect(printed).toMatch(/policy: 0 error\(s\)/);
      // The summary scores the stack's own roadmap (readiness/web-api.yaml), not bulwark's.
      expect(printed).toMatch(/^readiness web-api +\d+%: secrets \d+% · runtime \d+% · network \d+% · ops \d+%$/m);
      expect(printed).not.toMatch(/^readiness koha/m);
      expect(main({ WEB_API_CONFIG: "/nonexistent.yaml", CDKTF_OUTDIR: tempDir() })).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  test("is written only against the public API (no import of bulwark internals)", () => {
    for (const file of readdirSync(EXAMPLE_DIR).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(EXAMPLE_DIR, file), "utf8");
      const relative = [...text.matchAll(/from\s+"(\.[^"]*)"/g)].map((m) => m[1]);
      for (const spec of relative) {
        const target = resolve(EXAMPLE_DIR, spec);
        const ok = target === resolve(EXAMPLE_DIR, "../../index") || dirname(target) === EXAMPLE_DIR;
        expect({ file, spec, ok }).toEqual({ file, spec, ok: true });
      }
    }
  });
});
