/**
 * Rules over every stack of a run (several stacks often share one Docker host or one zone):
 * DOCKER-029 container names, DOCKER-030 volume names, NET-003 network names, CF-010 entrypoint
 * rulesets, CF-011 tunnel hostnames. Compliant and non-compliant fixtures for each, within one
 * stack (checkStack) and across stacks (checkStacks, the CLI).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../policy/cli";
import { PolicyRun, checkStack, checkStacks, type StackInput } from "../../policy/engine";
import { rulesInPacks } from "../../policy/packs";
import { ALL_RULES } from "../../policy/rules";
import { normalizeDockerHost } from "../../policy/rules/docker/host";
import type { Finding } from "../../policy/types";
import { compliantContainer } from "../helpers/fixtures";
import { findings, type Json } from "../helpers/policy";
import { CATCH_ALL, cfStack, config, ingress, ruleset, tunnel } from "./cloudflare-fixtures";

const PIN = { required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" } } };

function dockerJson(resources: Json, extra: Json = {}): Json {
  return { terraform: PIN, resource: resources, ...extra };
}

function input(stack: string, json: Json): StackInput {
  return { stack, file: `${stack}/cdk.tf.json`, json };
}

/** `RULE stack address` of one rule's findings over several stacks. */
function across(ruleId: string, ...stacks: Array<[string, Json]>): string[] {
  const rules = ALL_RULES.filter((r) => r.meta.id === ruleId);
  return checkStacks(stacks.map(([s, j]) => input(s, j)), rules).findings.map((f) => `${f.ruleId} ${f.stack} ${f.address}`);
}

function one(json: Json, ruleId: string): string[] {
  return findings(json, ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);
}

const app = (name: string, extra: Json = {}) => compliantContainer({ name, ...extra });

describe("DOCKER-029 container name used twice on one Docker host", () => {
  test("compliant: distinct names in one stack, and per-stack prefixes across stacks", () => {
    expect(one(dockerJson({ docker_container: { a: app("web"), b: app("worker") } }), "DOCKER-029")).toEqual([]);
    expect(across("DOCKER-029", ["koha", dockerJson({ docker_container: { web: app("koha-web") } })], ["bot", dockerJson({ docker_container: { web: app("bot-web") } })])).toEqual([]);
  });

  test("non-compliant: two containers of one stack with one name", () => {
    const json = dockerJson({ docker_container: { a: app("web"), b: app("web") } });
    expect(one(json, "DOCKER-029")).toEqual(["DOCKER-029 error docker_container.b"]);
    const [f] = findings(json, "DOCKER-029");
    expect(f.message).toContain('docker_container.b in stack "test" and docker_container.a in stack "test" both create container "web" on Docker host unix:///var/run/docker.sock');
    expect(f.message).toContain("Fix: prefix container names per stack");
  });

  test("non-compliant: two stacks on the default socket; the finding carries the later stack", () => {
    const koha = dockerJson({ docker_container: { web: app("web") } });
    const bot = dockerJson({ docker_container: { api: app("/web") } });
    expect(across("DOCKER-029", ["koha", koha], ["bot", bot])).toEqual(["DOCKER-029 bot docker_container.api"]);
    const f = checkStacks([input("koha", koha), input("bot", bot)], ALL_RULES.filter((r) => r.meta.id === "DOCKER-029")).findings[0];
    expect(f).toMatchObject({ stack: "bot", file: "bot/cdk.tf.json", address: "docker_container.api", severity: "error" });
    expect(f.message).toContain('docker_container.api in stack "bot" and docker_container.web in stack "koha"');
  });

  test("the host comes from the provider block the resource uses (alias, else default), normalised", () => {
    const remote = { docker: [{}, { alias: "remote", host: "ssh://deploy@box.example.org" }] };
    const json = dockerJson(
      {
        docker_container: {
          local: app("web"),
          far: app("web", { provider: "docker.remote" }),
          far2: app("web", { provider: "docker.remote" }),
        },
      },
      { provider: remote },
    );
    expect(one(json, "DOCKER-029")).toEqual(["DOCKER-029 error docker_container.far2"]);
    // A default provider with host = the default socket spelled differently is the same host.
    const a = dockerJson({ docker_container: { web: app("web") } }, { provider: { docker: { host: "UNIX:///var/run//docker.sock/" } } });
    const b = dockerJson({ docker_container: { web: app("web") } });
    expect(across("DOCKER-029", ["a", a], ["b", b])).toEqual(["DOCKER-029 b docker_container.web"]);
    // Different hosts: no collision.
    const c = dockerJson({ docker_container: { web: app("web") } }, { provider: { docker: { host: "tcp://10.0.0.2:2376" } } });
    expect(across("DOCKER-029", ["b", b], ["c", c])).toEqual([]);
  });

  test("unknown names, hosts and provider aliases are not compared", () => {
    const json = dockerJson(
      {
        docker_container: {
          a: app("${var.name}"),
          b: app("${var.name}"),
          c: app("web", { provider: "docker.missing" }),
          d: app("web", { provider: "docker.remote" }),
          e: app("web", { provider: "docker.remote" }),
        },
      },
      { provider: { docker: { alias: "remote", host: "${var.docker_host}" } } },
    );
    expect(one(json, "DOCKER-029")).toEqual([]);
  });

  test("a suppression on the reported resource, in its own stack, is honoured", () => {
    const bot = dockerJson({ docker_container: { web: app("web", { "//": { bulwark: { suppressions: [{ rule: "DOCKER-029", reason: "blue/green pair, never applied together" }] } } }) } });
    const [f] = checkStacks([input("koha", dockerJson({ docker_container: { web: app("web") } })), input("bot", bot)]).findings.filter((x) => x.ruleId === "DOCKER-029");
    expect(f).toMatchObject({ stack: "bot", suppressed: true, suppressionReason: "blue/green pair, never applied together" });
  });

  normalizeCases();
});

function normalizeCases(): void {
  test.each([
    ["unix:///var/run/docker.sock", "unix:///var/run/docker.sock"],
    [" UNIX:///var/run//docker.sock/ ", "unix:///var/run/docker.sock"],
    ["/var/run/docker.sock", "unix:///var/run/docker.sock"],
    ["TCP://Box.Example.org:2376/", "tcp://box.example.org:2376"],
  ])("host %j normalises to %j", (raw, want) => {
    expect(normalizeDockerHost(raw)).toBe(want);
  });
}

describe("DOCKER-030 volume name used twice on one Docker host", () => {
  test("compliant: distinct names, and volumes without a name (Docker generates one)", () => {
    expect(one(dockerJson({ docker_volume: { a: { name: "koha-data" }, b: { name: "bot-data" }, c: {}, d: {} } }), "DOCKER-030")).toEqual([]);
  });

  test("non-compliant: one volume name in two stacks, and twice in one stack", () => {
    expect(across("DOCKER-030", ["koha", dockerJson({ docker_volume: { data: { name: "data" } } })], ["bot", dockerJson({ docker_volume: { db: { name: "data" } } })])).toEqual([
      "DOCKER-030 bot docker_volume.db",
    ]);
    const json = dockerJson({ docker_volume: { a: { name: "data" }, b: { name: "data" } } });
    expect(one(json, "DOCKER-030")).toEqual(["DOCKER-030 error docker_volume.b"]);
    expect(findings(json, "DOCKER-030")[0].message).toContain('both declare volume "data" on Docker host unix:///var/run/docker.sock');
  });

  test("a container and a volume with one name do not collide (separate namespaces)", () => {
    const json = dockerJson({ docker_volume: { web: { name: "web" } }, docker_container: { web: app("web") } });
    expect([...one(json, "DOCKER-029"), ...one(json, "DOCKER-030")]).toEqual([]);
  });
});

describe("NET-003 network name used twice on one Docker host", () => {
  test("compliant: per-stack prefixes", () => {
    const koha = dockerJson({ docker_network: { backnet: { name: "koha-backnet", internal: true } } });
    const bot = dockerJson({ docker_network: { backnet: { name: "bot-backnet", internal: true } } });
    expect(across("NET-003", ["koha", koha], ["bot", bot])).toEqual([]);
  });

  test("non-compliant: two stacks both declare backnet on the default host", () => {
    const koha = dockerJson({ docker_network: { backnet: { name: "backnet", internal: true } } });
    const bot = dockerJson({ docker_network: { back: { name: "backnet", internal: true } } });
    expect(across("NET-003", ["koha", koha], ["bot", bot])).toEqual(["NET-003 bot docker_network.back"]);
  });

  test("non-compliant within one stack; different hosts are fine", () => {
    expect(one(dockerJson({ docker_network: { a: { name: "frontnet" }, b: { name: "frontnet" } } }), "NET-003")).toEqual(["NET-003 error docker_network.b"]);
    const far = dockerJson({ docker_network: { a: { name: "frontnet" }, b: { name: "frontnet", provider: "docker.far" } } }, { provider: { docker: [{}, { alias: "far", host: "tcp://10.0.0.9:2376" }] } });
    expect(one(far, "NET-003")).toEqual([]);
  });
});

const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";

describe("CF-010 two entrypoint rulesets for one zone and phase", () => {
  test("compliant: one ruleset per phase (the compliant stack), and the same phase in different zones", () => {
    expect(one(cfStack(), "CF-010")).toEqual([]);
    const json = cfStack((r) => {
      r.rulesets = { a: ruleset("http_ratelimit", ZONE_ID), b: ruleset("http_ratelimit", "9a7806061c88ada191ed06f989cc3dac") };
    });
    expect(one(json, "CF-010")).toEqual([]);
  });

  test("non-compliant: two rulesets of one stack for the same zone and phase", () => {
    const json = cfStack((r) => {
      r.rulesets.extra = ruleset("http_request_firewall_managed");
    });
    expect(one(json, "CF-010")).toEqual(["CF-010 error cloudflare_ruleset.extra"]);
    const [f] = findings(json, "CF-010");
    expect(f.message).toContain("cloudflare_ruleset.extra in stack \"test\" and cloudflare_ruleset.waf in stack \"test\" are both the entrypoint ruleset of zone ${var.zone_id} in phase http_request_firewall_managed");
    expect(f.message).toContain("Fix: merge their rules into one cloudflare_ruleset");
  });

  test("non-compliant across stacks: a literal zone id; a variable zone id is compared within its stack only", () => {
    const literal = (name: string) => cfStack((r) => {
      r.rulesets = { [name]: ruleset("http_ratelimit", ZONE_ID) };
    });
    expect(across("CF-010", ["edge", literal("rl")], ["api", literal("limits")])).toEqual(["CF-010 api cloudflare_ruleset.limits"]);
    expect(across("CF-010", ["edge", cfStack()], ["api", cfStack()])).toEqual([]);
  });

  test("zones referenced by name match across stacks; other kinds and unknown phases are not compared", () => {
    const byName = (n: string) => ({
      ...cfStack((r) => {
        r.rulesets = { [n]: ruleset("http_ratelimit", "${data.cloudflare_zone.main.zone_id}") };
      }),
      data: { cloudflare_zone: { main: { filter: { name: "Example.org" } } } },
    });
    expect(across("CF-010", ["edge", byName("a")], ["api", byName("b")])).toEqual(["CF-010 api cloudflare_ruleset.b"]);
    const json = cfStack((r) => {
      r.rulesets = {
        a: ruleset("http_ratelimit", ZONE_ID, { kind: "managed" }),
        b: ruleset("http_ratelimit", ZONE_ID, { kind: "managed" }),
        c: ruleset("${var.phase}", ZONE_ID),
        d: ruleset("${var.phase}", ZONE_ID),
      };
    });
    expect(one(json, "CF-010")).toEqual([]);
  });
});

describe("CF-011 one hostname in the ingress of two tunnels", () => {
  test("compliant: the compliant stack, and one tunnel serving a hostname on several paths", () => {
    expect(one(cfStack(), "CF-011")).toEqual([]);
    const json = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org", { path: "^/api" }), ingress("opac.example.org"), { ...CATCH_ALL }]);
    });
    expect(one(json, "CF-011")).toEqual([]);
  });

  test("non-compliant: two tunnels of one stack both route a hostname", () => {
    const json = cfStack((r) => {
      r.tunnels.second = tunnel({ name: "second" });
      r.configs.second = { ...config([ingress("OPAC.example.org."), { ...CATCH_ALL }]), tunnel_id: "${cloudflare_zero_trust_tunnel_cloudflared.second.id}" };
    });
    expect(one(json, "CF-011")).toEqual(["CF-011 error cloudflare_zero_trust_tunnel_cloudflared_config.second"]);
    const [f] = findings(json, "CF-011");
    expect(f.message).toContain('both route hostname "opac.example.org" in their ingress, through different tunnels');
    expect(f.message).toContain("Fix: route the hostname through one tunnel");
  });

  test("non-compliant across stacks: each stack's own tunnel claims opac.example.org", () => {
    const other = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org"), { ...CATCH_ALL }]);
    });
    expect(across("CF-011", ["koha", cfStack()], ["preview", other])).toEqual(["CF-011 preview cloudflare_zero_trust_tunnel_cloudflared_config.main"]);
  });

  test("the same literal tunnel id in two stacks is one tunnel; an unknown tunnel id is not compared", () => {
    const literal = (id: string) => cfStack((r) => {
      r.configs.main = { ...config([ingress("opac.example.org"), { ...CATCH_ALL }]), tunnel_id: id };
    });
    const UUID = "4a2b7c1e-9f3d-4e5a-8b6c-0d1e2f3a4b5c";
    expect(across("CF-011", ["a", literal(UUID)], ["b", literal(UUID.toUpperCase())])).toEqual([]);
    expect(across("CF-011", ["a", literal(UUID)], ["b", literal("7d1e2f3a-0000-4e5a-8b6c-0d1e2f3a4b5c")])).toEqual(["CF-011 b cloudflare_zero_trust_tunnel_cloudflared_config.main"]);
    expect(across("CF-011", ["a", literal("${var.tunnel_id}")], ["b", literal("${var.tunnel_id}")])).toEqual([]);
  });
});

describe("engine: app rules", () => {
  const koha = dockerJson({ docker_container: { web: app("web", { privileged: true }) } });
  const bot = dockerJson({ docker_container: { web: app("web") } });

  test("checkStacks merges app findings into their stack's place, in report order", () => {
    const report = checkStacks([input("koha", koha), input("bot", bot)], rulesInPacks(ALL_RULES, ["docker-runtime"]));
    const keys = report.findings.map((f: Finding) => `${f.stack} ${f.ruleId}`);
    expect(keys).toEqual(["koha DOCKER-001", "bot DOCKER-029"]);
    expect(report.summary).toMatchObject({ stacks: 2, errors: 2 });
  });

  test("checkStack on one stack also runs them (duplicates within the stack count)", () => {
    const r = checkStack(input("one", dockerJson({ docker_container: { a: app("web"), b: app("web") } })));
    expect(r.findings.filter((f) => f.ruleId === "DOCKER-029").map((f) => f.address)).toEqual(["docker_container.b"]);
  });

  test("a PolicyRun collects stack by stack and judges once", () => {
    const run = new PolicyRun(ALL_RULES.filter((r) => r.meta.id === "DOCKER-029"));
    expect(run.add(input("koha", koha)).findings).toEqual([]);
    expect(run.add(input("bot", bot)).findings).toEqual([]);
    expect(run.finish().map((f) => `${f.stack} ${f.address}`)).toEqual(["bot docker_container.web"]);
    expect(() => run.finish()).toThrow(/twice/);
  });

  test("the CLI judges every file of a run together (stack by stack, then the app rules)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-collisions-"));
    try {
      fs.writeFileSync(path.join(dir, "a.tf.json"), JSON.stringify(koha));
      fs.writeFileSync(path.join(dir, "b.tf.json"), JSON.stringify(bot));
      const out: string[] = [];
      const code = main(["check", "a.tf.json", "b.tf.json", "--format", "json", "--pack", "docker-runtime"], {
        cwd: dir, env: {}, stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => undefined },
      });
      expect(code).toBe(1);
      const doc = JSON.parse(out.join(""));
      expect(doc.findings.map((f: Finding) => `${f.stack} ${f.ruleId} ${f.address}`)).toEqual(["a DOCKER-001 docker_container.web", "b DOCKER-029 docker_container.web"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
