import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";


import { loadDeploymentConfig, EXAMPLE_CONFIG_PATH, ConfigError } from "../../config/load";

const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8"));

function withFile(content: unknown, name = "deploy.yaml"): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-config-"));
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : stringify(content));
  return path;
}

describe("deployment configuration", () => {
  test("the embedded example is valid and is the default", () => {
    const c = loadDeploymentConfig({});
    expect(c.backend).toEqual({ type: "local", directory: "state" });
    expect(c.koha.mariadb.serverId).toBe(1);
    expect(c.github.repositories.map((r) => r.name)).toEqual(["koha-docker-build", "koha-deploy"]);
    expect(c.cloudflare.domain).toBe("example.org");
  });

  test("BULWARK_CONFIG names a YAML or JSON file", () => {
    const json = withFile(JSON.stringify({ ...example, owner: "library-ops" }), "d.json");
    expect(loadDeploymentConfig({ BULWARK_CONFIG: json }).owner).toBe("library-ops");
  });

  test("environment variables override single fields, numbers converted", () => {
    const c = loadDeploymentConfig({ BULWARK_DOMAIN: "library.example.net", BULWARK_MARIADB_SERVER_ID: "42", BULWARK_OWNER: "ops" });
    expect(c.cloudflare.domain).toBe("library.example.net");
    expect(c.koha.mariadb.serverId).toBe(42);
    expect(c.owner).toBe("ops");
  });

  test("BULWARK_BACKEND=s3 selects an S3 backend from its variables", () => {
    const c = loadDeploymentConfig({ BULWARK_BACKEND: "s3", BULWARK_S3_BUCKET: "tf-state", BULWARK_S3_REGION: "eu-central-1" });
    expect(c.backend).toEqual({ type: "s3", bucket: "tf-state", region: "eu-central-1", keyPrefix: "bulwark" });
  });

  test("BULWARK_BACKEND=cloud selects Terraform Cloud", () => {
    const c = loadDeploymentConfig({ BULWARK_BACKEND: "cloud", BULWARK_TFC_ORGANIZATION: "acme", BULWARK_TFC_WORKSPACE_PREFIX: "bulwark" });
    expect(c.backend).toEqual({ type: "cloud", organization: "acme", workspacePrefix: "bulwark", hostname: "app.terraform.io" });
  });

  test("every problem is listed at once, with its path", () => {
    let message = "";
    try {
      loadDeploymentConfig({ BULWARK_BACKEND: "s3", BULWARK_MARIADB_SERVER_ID: "many", BULWARK_DOMAIN: "Not A Domain", BULWARK_CLOUDFLARE_ZONE_ID: "zone" });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid deployment configuration \(embedded example config\/deployment\.example\.yaml\):/);
    expect(message).toContain('BULWARK_MARIADB_SERVER_ID="many": must be a number');
    expect(message).toContain("backend.bucket:");
    expect(message).toContain("backend.region:");
    expect(message).toContain("cloudflare.domain: must be a lower-case DNS name");
    expect(message).toContain("cloudflare.zoneId: must be 32 lower-case hex characters");
  });

  test.each([
    ["latest image tag", { singleServer: { ...example.singleServer, api: { ...example.singleServer.api, tag: "latest" } } }, /singleServer\.api\.tag: must not be "latest"/],
    ["absolute local state directory", { backend: { type: "local", directory: "/var/state" } }, /backend\.directory: must be a relative path/],
    ["unknown backend", { backend: { type: "gcs" } }, /backend\.type/],
    ["server id 0", { koha: { ...example.koha, mariadb: { serverId: 0 } } }, /koha\.mariadb\.serverId/],
    ["unknown key", { extra: 1 }, /Unrecognized key/],
    ["no repositories", { github: { owner: "o", repositories: [] } }, /github\.repositories/],
    ["api port below 1024", { singleServer: { ...example.singleServer, api: { ...example.singleServer.api, port: 80 } } }, /singleServer\.api\.port/],
  ])("rejects %s", (_name, patch, message) => {
    const path = withFile({ ...example, ...patch });
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: path })).toThrow(message);
  });

  test("missing file and invalid YAML are clear errors", () => {
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: "/nonexistent/deploy.yaml" })).toThrow(
      /cannot read deployment configuration \/nonexistent\/deploy\.yaml: ENOENT\. Fix: set BULWARK_CONFIG/,
    );
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: withFile("owner: [unclosed\n") })).toThrow(/not valid YAML\/JSON/);
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: withFile("- a\n- b\n") })).toThrow(/must be a mapping/);
  });

  test("an unknown BULWARK_BACKEND is refused", () => {
    expect(() => loadDeploymentConfig({ BULWARK_BACKEND: "ftp" })).toThrow(/BULWARK_BACKEND="ftp": must be one of local, s3, cloud/);
  });
});
