import { Testing, TerraformStack } from "cdktf";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { applyBackend } from "../../constructs/core/backend";
import { synthStackJson } from "../../policy/testing";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";

type Json = Record<string, any>;

function stack(): TerraformStack {
  const s = new TerraformStack(Testing.app(), "t");
  applyBackend(s, { type: "local", directory: "state" }, "t");
  new DockerProvider(s, "docker", {});
  return s;
}

describe("NetworkTopology", () => {
  test("frontnet is public, backnet internal, extra networks internal", () => {
    const s = stack();
    const t = new NetworkTopology(s, "network", { prefix: "koha", additionalInternalNetworks: ["monnet"] });
    const nets = (synthStackJson(s) as Json).resource.docker_network;
    expect(nets.koha_frontnet).toMatchObject({ name: "koha-frontnet", internal: false, driver: "bridge", attachable: false });
    expect(nets.koha_backnet).toMatchObject({ name: "koha-backnet", internal: true });
    expect(nets.koha_monnet).toMatchObject({ name: "koha-monnet", internal: true });
    expect(t.front.internal).toBe(false);
    expect(t.back.internal).toBe(true);
    expect(t.internal("monnet").internal).toBe(true);
  });

  test("errors name the construct, the prop and the fix", () => {
    expect(() => new NetworkTopology(stack(), "n", { prefix: "Bad_Prefix" })).toThrow(/NetworkTopology t\/n: prefix "Bad_Prefix" must be lower-case/);
    expect(() => new NetworkTopology(stack(), "n", { additionalInternalNetworks: ["backnet"] })).toThrow(/network "backnet" is declared twice/);
    expect(() => new NetworkTopology(stack(), "n").internal("monnet")).toThrow(/no internal network "monnet" \(declared: none\); add it to additionalInternalNetworks/);
  });
});

describe("backends", () => {
  test("local backend uses a relative path outside cdktf.out", () => {
    const json = synthStackJson(stack()) as Json;
    expect(json.terraform.backend).toEqual({ local: { path: "../../../state/t.tfstate" } });
  });

  test("s3 backend is always encrypted and locked", () => {
    const s = new TerraformStack(Testing.app(), "t");
    applyBackend(s, { type: "s3", bucket: "b", region: "eu-west-1", keyPrefix: "p" }, "koha");
    expect((synthStackJson(s) as Json).terraform.backend.s3).toEqual({ bucket: "b", key: "p/koha.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true });
    const d = new TerraformStack(Testing.app(), "t");
    applyBackend(d, { type: "s3", bucket: "b", region: "eu-west-1", keyPrefix: "p", dynamodbTable: "locks", kmsKeyId: "k" }, "koha");
    expect((synthStackJson(d) as Json).terraform.backend.s3).toEqual({ bucket: "b", key: "p/koha.tfstate", region: "eu-west-1", encrypt: true, dynamodb_table: "locks", kms_key_id: "k" });
  });

  test("cloud backend names a workspace per stack", () => {
    const s = new TerraformStack(Testing.app(), "t");
    applyBackend(s, { type: "cloud", organization: "acme", workspacePrefix: "bulwark", hostname: "app.terraform.io" }, "koha");
    expect((synthStackJson(s) as Json).terraform.cloud).toEqual({ organization: "acme", hostname: "app.terraform.io", workspaces: { name: "bulwark-koha" } });
  });
});
