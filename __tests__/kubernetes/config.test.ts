/**
 * The cluster stacks are selectable in the deployment configuration next to the Docker ones:
 * `runtime: kubernetes` on a stack section builds its `-k8s` stack from the same profiles.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { ConfigError, EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from "../../config/load";
import { buildApp } from "../../main";
import { checkStacks } from "../../policy/engine";

const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8"));
const { koha, singleServer, github: _github, cloudflare: _cloudflare, ...shared } = example;
void [_github, _cloudflare];

const dir = mkdtempSync(join(tmpdir(), "bulwark-k8s-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(content: unknown) {
  const path = join(dir, `deploy-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(content));
  return loadDeploymentConfig({ BULWARK_CONFIG: path });
}

function stacksOf(content: unknown) {
  const built = buildApp(load(content));
  return built.stacks.map((s) => ({ id: s.node.id, json: JSON.parse(JSON.stringify(s.toTerraform())) }));
}

describe("runtime: kubernetes", () => {
  test("single-server on a cluster builds only single-server-k8s, which passes the gate", () => {
    const stacks = stacksOf({ ...shared, singleServer: { ...singleServer, runtime: "kubernetes" }, kubernetes: { context: "prod", storageClassName: "fast" } });
    expect(stacks.map((s) => s.id)).toEqual(["single-server-k8s"]);
    const json = stacks[0].json;
    expect(Object.keys(json.resource)).toEqual(expect.arrayContaining(["kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_network_policy_v1"]));
    expect(json.resource.docker_container).toBeUndefined();
    expect(json.provider.kubernetes[0].config_context).toBe("prod");
    const report = checkStacks([{ stack: "single-server-k8s", file: "single-server-k8s/cdk.tf.json", json }]);
    expect(report.findings.filter((f) => f.severity === "error" && !f.suppressed)).toEqual([]);
  });

  test("koha on a cluster needs no cloudflare section and builds koha-k8s", () => {
    const stacks = stacksOf({ ...shared, koha: { ...koha, runtime: "kubernetes" } });
    expect(stacks.map((s) => s.id)).toEqual(["koha-k8s"]);
    const report = checkStacks([{ stack: "koha-k8s", file: "koha-k8s/cdk.tf.json", json: stacks[0].json }]);
    expect(report.findings.filter((f) => f.severity === "error" && !f.suppressed)).toEqual([]);
  });

  test("kubernetes.ingress publishes koha-k8s through the tunnel (needs cloudflare) or ingress-nginx", () => {
    const viaTunnel = stacksOf({ ...shared, cloudflare: example.cloudflare, koha: { ...koha, runtime: "kubernetes" }, kubernetes: { ingress: { via: "cloudflared" } } });
    expect(Object.keys(viaTunnel[0].json.resource)).toEqual(expect.arrayContaining(["cloudflare_zero_trust_tunnel_cloudflared", "kubernetes_deployment_v1"]));
    expect(checkStacks([{ stack: "koha-k8s", file: "koha-k8s/cdk.tf.json", json: viaTunnel[0].json }]).findings.filter((f) => f.severity === "error" && !f.suppressed)).toEqual([]);
    expect(() => load({ ...shared, koha: { ...koha, runtime: "kubernetes" }, kubernetes: { ingress: { via: "cloudflared" } } })).toThrow(/cloudflare/);
    const viaNginx = stacksOf({ ...shared, koha: { ...koha, runtime: "kubernetes" }, kubernetes: { ingress: { via: "ingress-nginx", tls: { secretName: "koha-tls" }, adminAuth: { url: "https://sso.example.org/oauth2/auth" } } } });
    expect(Object.keys(viaNginx[0].json.resource.kubernetes_ingress_v1)).toHaveLength(2);
    expect(() => load({ ...shared, koha: { ...koha, runtime: "kubernetes" }, kubernetes: { ingress: { via: "ingress-nginx", tls: { secretName: "koha-tls" } } } })).toThrow(/kubernetes\.ingress\.adminAuth/);
    const api = stacksOf({ ...shared, cloudflare: example.cloudflare, singleServer: { ...singleServer, runtime: "kubernetes", apiHostname: "api.example.org" }, kubernetes: { ingress: { via: "cloudflared" } } });
    expect(api[0].json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.tunnel.config.ingress[0]).toEqual({ hostname: "api.example.org", service: expect.stringMatching(/^http:\/\/api:\d+$/) });
    expect(api[0].json.resource.cloudflare_ruleset).toBeDefined();
    // With the Docker koha in the same run, koha protects the zone and single-server-k8s does not (CF-010).
    const both = stacksOf({ ...shared, cloudflare: example.cloudflare, koha, singleServer: { ...singleServer, runtime: "kubernetes", apiHostname: "api.example.org" }, kubernetes: { ingress: { via: "cloudflared" } } });
    expect(both.map((s) => s.id)).toEqual(["koha", "single-server-k8s"]);
    expect(both[1].json.resource.cloudflare_ruleset).toBeUndefined();
    const run = checkStacks(both.map((s) => ({ stack: s.id, file: `${s.id}/cdk.tf.json`, json: s.json })));
    expect(run.findings.filter((f) => f.ruleId === "CF-010" && !f.suppressed)).toEqual([]);
  });

  test("docker stays the default, and the Docker koha still needs cloudflare", () => {
    expect(stacksOf({ ...shared, singleServer }).map((s) => s.id)).toEqual(["single-server"]);
    expect(() => load({ ...shared, koha })).toThrow(/cloudflare: required by koha \(its tunnel and Access\)/);
  });

  test("an unknown runtime or kubernetes key is an error with its path", () => {
    let message = "";
    try {
      load({ ...shared, singleServer: { ...singleServer, runtime: "nomad" }, kubernetes: { contxt: "prod" } });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/singleServer\.runtime/);
    expect(message).toMatch(/kubernetes\.contxt: unknown key/);
  });
});
