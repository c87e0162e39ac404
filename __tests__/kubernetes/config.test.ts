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
