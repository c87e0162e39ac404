/**
 * HCL input (issue 14): local child modules followed with the call's arguments bound, remote
 * modules reported as info (STATE-002); count/for_each over known collections expanded into
 * instances, dynamic blocks expanded when their for_each is known, unknown ones info (never a
 * warning); `terraform { cloud {…} }` in Terraform JSON's array form is remote state (STATE-001).
 * Fixtures: __tests__/fixtures/hcl/<case>/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../policy/cli";
import { checkStack } from "../../policy/engine";
import { readHclModule } from "../../policy/hcl";
import { planToTerraformJson } from "../../policy/hcl/plan";

const FIX = path.join(__dirname, "..", "fixtures", "hcl");

interface JsonFinding {
  ruleId: string;
  severity: string;
  address: string;
  message: string;
  location?: { file: string; line: number | null };
}

function findingsOf(args: string[]): JsonFinding[] {
  let stdout = "";
  let stderr = "";
  main(["check", "--format", "json", ...args], {
    cwd: FIX,
    env: {},
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
  });
  expect(stderr).toBe("");
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

const hits = (fs: readonly JsonFinding[]) => fs.filter((f) => f.ruleId !== "STATE-001").map((f) => `${f.ruleId} ${f.severity} ${f.address}`);

describe("local modules", () => {
  const findings = findingsOf(["module-local"]);

  test("the child's resources are judged with the call's arguments, addressed module.<call>.<type>.<name>", () => {
    expect(hits(findings)).toEqual([
      "DOCKER-016 error module.socket.docker_container.this",
      "STATE-002 info module.vpc",
    ]);
    // The other call (the child's default host path, a data directory) is compliant.
    expect(findings.some((f) => f.address.startsWith("module.data."))).toBe(false);
  });

  test("a child's finding points at the child's file and line", () => {
    const f = findings.find((x) => x.ruleId === "DOCKER-016")!;
    expect(f.location).toEqual({ file: path.join("module-local", "modules", "container", "main.tf"), line: 2 });
    expect(f.message).not.toMatch(/bulwark--/);
  });

  test("a remote source is info, not followed, located at the module call", () => {
    const f = findings.find((x) => x.ruleId === "STATE-002")!;
    expect(f.message).toMatch(/terraform-aws-modules\/vpc\/aws" is not a local path/);
    expect(f.location).toEqual({ file: path.join("module-local", "main.tf"), line: 16 });
  });

  test("both calls are counted as resources (the network, two containers)", () => {
    let stdout = "";
    main(["check", "module-local"], { cwd: FIX, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => undefined } });
    expect(stdout).toMatch(/in 1 stack \(3 resources\)/);
  });
});

describe("count, for_each and dynamic blocks", () => {
  const findings = findingsOf(["for-each-dynamic"]);

  test("for_each over a literal map: each instance judged (only the privileged one is DOCKER-001)", () => {
    expect(hits(findings).filter((h) => h.startsWith("DOCKER-001"))).toEqual(['DOCKER-001 error docker_container.app["wild"]']);
    expect(findings.find((f) => f.ruleId === "DOCKER-001")!.location).toEqual({ file: path.join("for-each-dynamic", "main.tf"), line: 2 });
  });

  test("a dynamic block over a variable default is expanded: the docker.sock mount is DOCKER-016 on both instances", () => {
    expect(hits(findings).filter((h) => h.startsWith("DOCKER-016"))).toEqual([
      'DOCKER-016 error docker_container.app["calm"]',
      'DOCKER-016 error docker_container.app["wild"]',
    ]);
  });

  test("for_each and dynamic over unknown values are info (STATE-002), and nothing about them is a warning", () => {
    expect(hits(findings).filter((h) => h.startsWith("STATE-002"))).toEqual([
      "STATE-002 info docker_network.extra",
      "STATE-002 info docker_volume.per_name",
    ]);
    expect(findings.filter((f) => f.severity === "warning" && f.ruleId !== "STATE-001")).toEqual([]);
  });

  test("a literal count expands to indexed instances (count.index known); count = 0 declares nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-count-"));
    try {
      fs.writeFileSync(path.join(dir, "main.tf"), [
        'resource "docker_network" "n" {',
        "  count    = 2",
        '  name     = "n-${count.index}"',
        "  internal = true",
        "}",
        'resource "docker_network" "off" {',
        "  count = 0",
        '  name  = "off"',
        "}",
        'resource "docker_volume" "v" {',
        "  name = docker_network.n[1].name",
        "}",
        "",
      ].join("\n"));
      const m = readHclModule(dir, "count");
      const networks = m.json.resource as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.values(networks.docker_network).map((b) => b.name)).toEqual(["n-0", "n-1"]);
      expect([...m.renames.values()].sort()).toEqual(["docker_network.n[0]", "docker_network.n[1]"]);
      // A reference to an instance follows it, so the engine resolves it.
      const [flat] = [...m.renames].find(([, shown]) => shown === "docker_network.n[1]")!;
      expect(networks.docker_volume.v.name).toBe(`\${${flat}.name}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("STATE-001 and Terraform Cloud", () => {
  const state001 = (json: Record<string, unknown>) =>
    checkStack({ stack: "s", file: "s.tf.json", json }).findings.filter((f) => f.ruleId === "STATE-001");

  test("terraform { cloud } in the array form counts as remote state", () => {
    expect(state001({ terraform: [{ cloud: [{ organization: "o", workspaces: [{ name: "w" }] }] }] })).toEqual([]);
    expect(state001({ terraform: { cloud: { organization: "o" } } })).toEqual([]);
  });

  test("without it, no backend is STATE-001", () => {
    expect(state001({ terraform: [{ required_providers: [{}] }] })).toHaveLength(1);
  });
});

describe("Cloudflare provider v4 names", () => {
  const findings = findingsOf(["cloudflare-v4"]);

  test("no_tls_verify = true on four v4 ingress_rule blocks: four CF-003 errors on the v4 address, at its line", () => {
    const cf003 = findings.filter((f) => f.ruleId === "CF-003");
    expect(cf003.map((f) => `${f.address} ${f.message.match(/ingress\[\d\]/)![0]}`)).toEqual([
      "cloudflare_tunnel_config.home ingress[0]",
      "cloudflare_tunnel_config.home ingress[1]",
      "cloudflare_tunnel_config.home ingress[2]",
      "cloudflare_tunnel_config.home ingress[3]",
    ]);
    expect(cf003[0].location).toEqual({ file: path.join("cloudflare-v4", "main.tf"), line: 32 });
    expect(cf003[0].message).toMatch(/^Tunnel config cloudflare_tunnel_config\.home /);
  });

  test("a v4 cloudflare_record is the CNAME of its hostname; the others have none (CF-004)", () => {
    const cf004 = findings.filter((f) => f.ruleId === "CF-004").map((f) => f.message.match(/"([a-z]+)\.example\.org"/)![1]);
    expect(cf004.sort()).toEqual(["cloud", "photos", "proxmox"]);
    expect(findings.find((f) => f.ruleId === "CF-004")!.message).toContain("${cloudflare_tunnel.home.id}.cfargotunnel.com");
  });

  test("a v4 Access policy naming its application by application_id is attached to it (CF-006 for everyone)", () => {
    expect(hits(findings.filter((f) => f.ruleId === "CF-006"))).toEqual(["CF-006 error cloudflare_access_application.grafana"]);
  });

  test("compliant: without no_tls_verify and with an email include, no CF-003 and no CF-006", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-cf4-"));
    try {
      const text = fs.readFileSync(path.join(FIX, "cloudflare-v4", "main.tf"), "utf8");
      fs.writeFileSync(path.join(dir, "main.tf"), text.replace(/no_tls_verify = true/g, "no_tls_verify = false").replace("everyone = true", 'email = ["ops@example.org"]'));
      const ok = findingsOf([dir]);
      expect(ok.filter((f) => f.ruleId === "CF-003" || f.ruleId === "CF-006")).toEqual([]);
      expect(ok.filter((f) => f.ruleId === "CF-004")).toHaveLength(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("terraform show -json plans", () => {
  const findings = findingsOf([path.join("plan", "plan.json")]);

  test("planned_values resources (root and child modules, instances) are judged, addressed as in the plan", () => {
    expect(hits(findings.filter((f) => f.ruleId === "DOCKER-001")).sort()).toEqual([
      "DOCKER-001 error docker_container.single",
      "DOCKER-001 error module.app.docker_container.web[0]",
    ]);
    // The compliant instance (privileged = false) has no DOCKER-001.
    expect(findings.some((f) => f.ruleId === "DOCKER-001" && f.address.startsWith('docker_container.each'))).toBe(false);
    expect(findings.every((f) => !/bulwark--/.test(f.address + f.message))).toBe(true);
  });

  test("the plan's provider config gives the pinned provider version", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, "plan", "plan.json"), "utf8"));
    expect(planToTerraformJson(plan).json.terraform).toEqual({ required_providers: { docker: { source: "registry.terraform.io/kreuzwerker/docker", version: "3.6.2" } } });
  });
});

describe("STATE-002 on documents the reader did not write", () => {
  const state002 = (json: Record<string, unknown>) => checkStack({ stack: "s", file: "s.tf.json", json }).findings.filter((f) => f.ruleId === "STATE-002");

  test("compliant: a document without the reader's notes has no STATE-002 (also with other // comments)", () => {
    expect(state002({ "//": { note: "x" }, resource: { docker_network: { n: { name: "n", internal: true } } } })).toEqual([]);
  });

  test("non-compliant: each note is one info finding at its address", () => {
    const json = { "//": { bulwark: { unknown: [{ address: "module.vpc", message: "module.vpc: not followed. Fix: nothing to fix." }] } } };
    expect(state002(json).map((f) => `${f.severity} ${f.address} ${f.message}`)).toEqual(["info module.vpc module.vpc: not followed. Fix: nothing to fix."]);
  });
});

describe(".bulwark.yaml suppressions", () => {
  const findings = findingsOf(["suppressions-file"]) as Array<JsonFinding & { suppressed: boolean; suppressionReason: string | null }>;

  test("an address pattern suppresses the child module's finding, with its reason (the same module without the file has it open)", () => {
    const f = findings.find((x) => x.ruleId === "DOCKER-016")!;
    expect(f).toMatchObject({ address: "module.socket.docker_container.this", suppressed: true, suppressionReason: "the monitoring agent lists containers through the socket" });
    expect(findingsOf(["module-local"]).find((x) => x.ruleId === "DOCKER-016")).toMatchObject({ suppressed: false });
  });

  test("an expired suppression no longer applies and is reported (STATE-002 info at the entry's file and line)", () => {
    expect(findings.find((x) => x.ruleId === "STATE-001")).toMatchObject({ suppressed: false, severity: "warning" });
    const note = findings.find((x) => x.ruleId === "STATE-002" && x.address === "terraform.backend")!;
    expect(note).toMatchObject({ severity: "info", location: { file: path.join("suppressions-file", ".bulwark.yaml"), line: 8 } });
    expect(note.message).toMatch(/\.bulwark\.yaml:8: the suppression of STATE-001 for terraform\.backend expired on 2020-01-31, so it no longer applies\. Fix: /);
  });

  test("a bad entry is exit 2 naming the file and the entry", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-yaml-"));
    try {
      fs.cpSync(path.join(FIX, "privileged"), dir, { recursive: true });
      const check = (yaml: string) => {
        fs.writeFileSync(path.join(dir, ".bulwark.yaml"), yaml);
        let stderr = "";
        const code = main(["check", dir], { cwd: FIX, env: {}, stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } });
        return { code, stderr };
      };
      expect(check("suppressions:\n  - rule: DOCKER-001\n    address: docker_container.app\n    reason: short\n")).toMatchObject({ code: 2, stderr: expect.stringMatching(/\.bulwark\.yaml:2: suppression #1: suppression of DOCKER-001 needs a reason of at least 10 characters/) });
      expect(check("suppressions:\n  - rule: DOCKER-001\n    address: docker_container.app\n    reason: long enough reason here\n    expires: soon\n")).toMatchObject({ code: 2, stderr: expect.stringMatching(/"expires" must be a date YYYY-MM-DD/) });
      expect(check("suppressions:\n  - rule: DOCKER-001\n    address: docker_container.app\n    reason: long enough reason here\n")).toMatchObject({ code: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
