/**
 * Cloudflare provider v4 names in Terraform JSON (`*.tf.json`) and `terraform show -json` plans
 * (issue 14): read as their v5 equivalents by the CF rules (policy/rules/cloudflare/v4.ts
 * `v4JsonToV5`, applied by policy/load.ts), findings addressed by the v4 address as written, and
 * references between v4 resources resolving. The input tree is never changed, and a document
 * without v4 types is passed through as it is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkInputs, main } from "../../policy/cli";
import { loadStacks, parseTerraformInput } from "../../policy/load";
import { v4JsonToV5 } from "../../policy/rules/cloudflare/v4";
import type { Finding } from "../../policy/types";

type Json = Record<string, unknown>;

/** A v4 configuration: a tunnel config with `no_tls_verify` on one ingress rule, a CNAME that is not proxied, a v4 policy allowing everyone. */
function v4Config(opts: { compliant?: boolean } = {}): Json {
  const ok = opts.compliant === true;
  return {
    terraform: { required_providers: { cloudflare: { source: "cloudflare/cloudflare", version: "4.52.0" } } },
    variable: { account_id: { type: "string" }, zone_id: { type: "string" }, tunnel_secret: { type: "string", sensitive: true } },
    resource: {
      cloudflare_tunnel: {
        home: { account_id: "${var.account_id}", name: "home", secret: "${var.tunnel_secret}", config_src: "cloudflare" },
      },
      cloudflare_tunnel_config: {
        home: {
          account_id: "${var.account_id}",
          tunnel_id: "${cloudflare_tunnel.home.id}",
          config: [{
            ingress_rule: [
              { hostname: "grafana.example.org", service: "https://grafana:3000", origin_request: [{ no_tls_verify: !ok }] },
              { hostname: "photos.example.org", service: "http://photos:2342" },
              { service: "http_status:404" },
            ],
          }],
        },
      },
      cloudflare_record: {
        grafana: { zone_id: "${var.zone_id}", name: "grafana.example.org", type: "CNAME", proxied: true, value: "${cloudflare_tunnel.home.id}.cfargotunnel.com" },
        photos: { zone_id: "${var.zone_id}", name: "photos.example.org", type: "CNAME", proxied: ok, value: "${cloudflare_tunnel.home.id}.cfargotunnel.com" },
      },
      cloudflare_access_application: {
        grafana: { zone_id: "${var.zone_id}", name: "grafana", domain: "grafana.example.org", type: "self_hosted" },
        photos: { zone_id: "${var.zone_id}", name: "photos", domain: "photos.example.org", type: "self_hosted" },
      },
      cloudflare_access_policy: {
        grafana: {
          application_id: "${cloudflare_access_application.grafana.id}",
          zone_id: "${var.zone_id}",
          name: "grafana",
          precedence: 1,
          decision: "allow",
          include: [ok ? { email: ["ops@example.org"] } : { everyone: true }],
        },
        photos: {
          application_id: "${cloudflare_access_application.photos.id}",
          zone_id: "${var.zone_id}",
          name: "photos",
          precedence: 1,
          decision: "allow",
          include: [{ email: ["ops@example.org"] }],
        },
      },
    },
  };
}

/** A `terraform show -json` plan holding a v4 tunnel config (root module, and an instance in a child module). */
function v4Plan(noTlsVerify: boolean): Json {
  const config = (hostname: string) => ({
    account_id: "0123", tunnel_id: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415",
    config: [{ ingress_rule: [{ hostname, service: "https://app:443", origin_request: [{ no_tls_verify: noTlsVerify }] }, { service: "http_status:404" }] }],
  });
  return {
    format_version: "1.2",
    terraform_version: "1.9.0",
    planned_values: {
      root_module: {
        resources: [
          { address: "cloudflare_tunnel_config.home", mode: "managed", type: "cloudflare_tunnel_config", name: "home", provider_name: "registry.terraform.io/cloudflare/cloudflare", values: config("app.example.org") },
        ],
        child_modules: [{
          address: "module.edge",
          resources: [
            { address: 'module.edge.cloudflare_tunnel_config.site["a"]', mode: "managed", type: "cloudflare_tunnel_config", name: "site", index: "a", provider_name: "registry.terraform.io/cloudflare/cloudflare", values: config("a.example.org") },
          ],
        }],
      },
    },
    configuration: { provider_config: { cloudflare: { name: "cloudflare", full_name: "registry.terraform.io/cloudflare/cloudflare", version_constraint: "4.52.0" } } },
  };
}

// Created at once: describe bodies (which read fixtures) run while the suite is collected.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-cf4-json-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, json: Json): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

function findingsOf(name: string, json: Json): Finding[] {
  return checkInputs(loadStacks([write(name, json)], { cwd: tmp })).findings.filter((f) => !f.suppressed);
}

const of = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.ruleId === rule);

describe("Terraform JSON with Cloudflare v4 names", () => {
  const findings = findingsOf("edge.tf.json", v4Config());

  test("CF-003: no_tls_verify on a v4 ingress_rule, addressed by the v4 tunnel config", () => {
    const cf003 = of(findings, "CF-003");
    expect(cf003.map((f) => f.address)).toEqual(["cloudflare_tunnel_config.home"]);
    expect(cf003[0].message).toMatch(/^Tunnel config cloudflare_tunnel_config\.home /);
    expect(cf003[0].message).toContain("ingress[0]");
  });

  test("CF-004: the v4 cloudflare_record CNAME is read (its value as content, the tunnel reference resolved)", () => {
    const cf004 = of(findings, "CF-004");
    // grafana's record is a proxied CNAME to the config's own tunnel: only photos' (not proxied) is reported.
    expect(cf004.map((f) => f.address)).toEqual(["cloudflare_tunnel_config.home"]);
    expect(cf004[0].message).toContain('"photos.example.org" has CNAME cloudflare_record.photos but it is not proxied');
    expect(cf004[0].message).toContain("${cloudflare_tunnel.home.id}.cfargotunnel.com");
  });

  test("CF-006: a v4 Access policy including everyone, linked to its application by application_id", () => {
    const cf006 = of(findings, "CF-006");
    expect(cf006.map((f) => f.address)).toEqual(["cloudflare_access_application.grafana"]);
    expect(cf006[0].message).toContain("is attached to cloudflare_access_policy.grafana, which has decision \"allow\" and includes everyone");
  });

  test("no v5 type or generated name leaks into addresses or messages", () => {
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(`${f.address} ${f.message}`).not.toMatch(/cloudflare_zero_trust_|cloudflare_dns_record\.|--v4/);
  });

  test("compliant counterparts pass CF-003, CF-004 and CF-006", () => {
    const ok = findingsOf("edge-ok.tf.json", v4Config({ compliant: true }));
    expect([...of(ok, "CF-003"), ...of(ok, "CF-004"), ...of(ok, "CF-006")]).toEqual([]);
    // Passing because the v4 resources were read (as v5), not because they were skipped.
    const [loaded] = loadStacks([path.join(tmp, "edge-ok.tf.json")], { cwd: tmp });
    const resource = loaded.json.resource as Json;
    expect(((resource.cloudflare_zero_trust_tunnel_cloudflared_config as Json).home as Json).tunnel_id).toBe("${cloudflare_zero_trust_tunnel_cloudflared.home.id}");
    expect(((resource.cloudflare_zero_trust_access_application as Json).grafana as Json).policies).toEqual([{ id: "${cloudflare_zero_trust_access_policy.grafana.id}", precedence: 1 }]);
  });

  test("a stack-level suppression written with the v4 address applies", () => {
    const json = { ...v4Config(), "//": { bulwark: { suppressions: [{ rule: "CF-003", address: "cloudflare_tunnel_config.home", reason: "grafana presents a self-signed certificate until #12 lands" }] } } };
    const all = checkInputs(loadStacks([write("suppressed.tf.json", json)], { cwd: tmp })).findings;
    expect(of(all, "CF-003").map((f) => [f.address, f.suppressed !== undefined && f.suppressed !== false])).toEqual([["cloudflare_tunnel_config.home", true]]);
  });
});

describe("the mapping (v4JsonToV5)", () => {
  function deepFreeze<T>(v: T): T {
    if (typeof v === "object" && v !== null) {
      for (const k of Object.keys(v)) deepFreeze((v as Json)[k]);
      Object.freeze(v);
    }
    return v;
  }

  test("never changes the input tree (a frozen input maps, and equals its copy afterwards)", () => {
    const input = v4Config();
    const before = structuredClone(input);
    deepFreeze(input);
    const mapped = v4JsonToV5(input)!;
    expect(input).toEqual(before);
    const resource = mapped.json.resource as Json;
    expect(Object.keys(resource).sort()).toEqual([
      "cloudflare_dns_record", "cloudflare_zero_trust_access_application", "cloudflare_zero_trust_access_policy",
      "cloudflare_zero_trust_tunnel_cloudflared", "cloudflare_zero_trust_tunnel_cloudflared_config",
    ]);
    const config = (resource.cloudflare_zero_trust_tunnel_cloudflared_config as Json).home as Json;
    expect(config.tunnel_id).toBe("${cloudflare_zero_trust_tunnel_cloudflared.home.id}");
    expect((config.config as Json).ingress).toHaveLength(3);
    expect(((resource.cloudflare_dns_record as Json).grafana as Json).content).toBe("${cloudflare_zero_trust_tunnel_cloudflared.home.id}.cfargotunnel.com");
    expect(((resource.cloudflare_zero_trust_access_application as Json).grafana as Json).policies).toEqual([{ id: "${cloudflare_zero_trust_access_policy.grafana.id}", precedence: 1 }]);
    expect(mapped.renames.get("cloudflare_zero_trust_tunnel_cloudflared_config.home")).toBe("cloudflare_tunnel_config.home");
    // Parts it does not change are shared, not copied.
    expect(mapped.json.variable).toBe(input.variable);
  });

  test("a document without v4 types is passed through (null; load returns the parsed tree without renames)", () => {
    const v5 = { resource: { cloudflare_dns_record: { a: { name: "a.example.org", type: "A", content: "192.0.2.1" } }, docker_container: { x: { name: "x" } } } };
    expect(v4JsonToV5(v5)).toBeNull();
    expect(v4JsonToV5({ variable: { x: {} } })).toBeNull();
    const parsed = parseTerraformInput(JSON.stringify(v5), "v5.tf.json");
    expect(parsed.renames).toBeUndefined();
    expect(parsed.json).toEqual(v5);
  });

  test("a v4 name that a v5 resource of the same name holds gets its own engine name, both judged", () => {
    const json = {
      resource: {
        cloudflare_dns_record: { www: { zone_id: "z", name: "www.example.org", type: "A", content: "192.0.2.1" } },
        cloudflare_record: { www: { zone_id: "z", name: "old.example.org", type: "A", value: "192.0.2.2" } },
      },
    };
    const mapped = v4JsonToV5(json)!;
    const records = (mapped.json.resource as Json).cloudflare_dns_record as Json[];
    expect(records.flatMap((r) => Object.keys(r)).sort()).toEqual(["www", "www--v4"]);
    expect(mapped.renames.get("cloudflare_dns_record.www--v4")).toBe("cloudflare_record.www");
    expect(mapped.renames.has("cloudflare_dns_record.www")).toBe(false);
  });

  test("Terraform JSON's array form of the resource section is read", () => {
    const cfg = v4Config();
    const r = cfg.resource as Json;
    const json = { ...cfg, resource: Object.entries(r).map(([type, byName]) => ({ [type]: byName })) };
    const findings = findingsOf("array.tf.json", json);
    expect(of(findings, "CF-003").map((f) => f.address)).toEqual(["cloudflare_tunnel_config.home"]);
    expect(of(findings, "CF-006").map((f) => f.address)).toEqual(["cloudflare_access_application.grafana"]);
  });
});

describe("terraform show -json plans with Cloudflare v4 names", () => {
  test("planned v4 tunnel configs are judged (CF-003), addressed as in the plan", () => {
    const findings = findingsOf("plan.json", v4Plan(true));
    expect(of(findings, "CF-003").map((f) => f.address).sort()).toEqual([
      "cloudflare_tunnel_config.home",
      'module.edge.cloudflare_tunnel_config.site["a"]',
    ]);
    for (const f of findings) expect(`${f.address} ${f.message}`).not.toMatch(/cloudflare_zero_trust_|bulwark--/);
  });

  test("a planned v4 Access policy naming its application by the id it has: CF-006 on the v4 application", () => {
    const plan = v4Plan(false);
    const resources = ((plan.planned_values as Json).root_module as Json).resources as Json[];
    const res = (type: string, name: string, values: Json) => ({ address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/cloudflare/cloudflare", values });
    resources.push(
      res("cloudflare_access_application", "grafana", { id: "3f2b0c1e-app", zone_id: "z", name: "grafana", domain: "grafana.example.org", type: "self_hosted" }),
      res("cloudflare_access_policy", "everyone", { id: "9a1d-pol", application_id: "3f2b0c1e-app", zone_id: "z", name: "everyone", precedence: 1, decision: "allow", include: [{ everyone: true }] }),
    );
    const cf006 = of(findingsOf("plan-access.json", plan), "CF-006");
    expect(cf006.map((f) => f.address)).toEqual(["cloudflare_access_application.grafana"]);
    expect(cf006[0].message).toContain("attached to cloudflare_access_policy.everyone");
  });

  test("a plan creating a v4 Access application and its policy: linked through the configuration's references", () => {
    // The new application has no id yet, so the policy's application_id is absent from
    // planned_values; configuration.root_module.resources[].expressions names the link.
    const withPolicy = (include: Json[]) => {
      const plan = v4Plan(false);
      const resources = ((plan.planned_values as Json).root_module as Json).resources as Json[];
      const res = (type: string, name: string, values: Json) => ({ address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/cloudflare/cloudflare", values });
      resources.push(
        res("cloudflare_access_application", "grafana", { zone_id: "z", name: "grafana", domain: "grafana.example.org", type: "self_hosted" }),
        res("cloudflare_access_policy", "staff", { zone_id: "z", name: "staff", precedence: 1, decision: "allow", include }),
      );
      (plan.configuration as Json).root_module = {
        resources: [
          { address: "cloudflare_access_policy.staff", mode: "managed", type: "cloudflare_access_policy", name: "staff", expressions: { application_id: { references: ["cloudflare_access_application.grafana.id", "cloudflare_access_application.grafana"] } } },
        ],
      };
      return plan;
    };
    expect(of(findingsOf("plan-new-app-ok.json", withPolicy([{ email_domain: ["example.org"] }])), "CF-006")).toEqual([]);
    const bad = of(findingsOf("plan-new-app-everyone.json", withPolicy([{ everyone: true }])), "CF-006");
    expect(bad.map((f) => f.address)).toEqual(["cloudflare_access_application.grafana"]);
    expect(bad[0].message).toContain("cloudflare_access_policy.staff");
  });

  test("compliant plan: no CF-003", () => {
    expect(of(findingsOf("plan-ok.json", v4Plan(false)), "CF-003")).toEqual([]);
    const [loaded] = loadStacks([path.join(tmp, "plan-ok.json")], { cwd: tmp });
    expect(Object.keys(loaded.json.resource as Json)).toEqual(["cloudflare_zero_trust_tunnel_cloudflared_config"]);
  });
});

describe("through the CLI", () => {
  function run(args: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    const code = main(args, {
      cwd: tmp,
      env: {},
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s) },
    });
    return { code, stdout, stderr };
  }

  test("text: the v4 addresses, exit 1", () => {
    write("cli.tf.json", v4Config());
    const r = run(["check", "cli.tf.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}cloudflare_tunnel_config\.home\n(?: {4}.*\n| {15}.*\n)*? {4}error {6}CF-003 /m);
    expect(r.stdout).toMatch(/^ {2}cloudflare_access_application\.grafana\n(?: {4}.*\n| {15}.*\n)*? {4}error {6}CF-006 /m);
    expect(r.stdout).not.toMatch(/cloudflare_zero_trust_/);
  });

  test("SARIF: results on the v4 addresses, regions at the line the v4 resource is declared", () => {
    const file = write("cli-sarif.tf.json", v4Config());
    const r = run(["check", "cli-sarif.tf.json", "--format", "sarif"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout).runs[0].results as Array<{ ruleId: string; locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string }>; physicalLocation: { region: { startLine: number } } }> }>;
    const cf003 = results.find((x) => x.ruleId === "CF-003")!;
    expect(cf003.locations[0].logicalLocations[0].fullyQualifiedName).toBe("cli-sarif/cloudflare_tunnel_config.home");
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const line = cf003.locations[0].physicalLocation.region.startLine;
    expect(lines[line - 1].trim()).toBe('"home": {');
    expect(lines.slice(0, line - 1).reverse().find((l) => /^ {4}"cloudflare_/.test(l))!.trim()).toBe('"cloudflare_tunnel_config": {');
    expect(results.find((x) => x.ruleId === "CF-006")!.locations[0].logicalLocations[0].fullyQualifiedName).toBe("cli-sarif/cloudflare_access_application.grafana");
  });

  test("bad input stays a one-line error", () => {
    fs.writeFileSync(path.join(tmp, "broken.tf.json"), '{"resource": {"cloudflare_tunnel_config": ');
    const r = run(["check", "broken.tf.json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulwark: broken\.tf\.json: invalid JSON/);
  });
});
