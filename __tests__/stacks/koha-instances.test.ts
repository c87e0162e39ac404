/**
 * Several Koha instances on one Docker host (`koha:` as a list): the first instance is exactly the
 * single-object stack `koha`, each further one a stack `koha-<instance>` whose Docker names carry
 * `<instance>-`; nothing is claimed twice on the host, the zone gets one set of entrypoint
 * rulesets, and the whole run passes the cross-stack collision rules and the synth gate.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { Testing, type TerraformStack } from "cdktf";
import { EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from "../../config/load";
import type { DeploymentConfig, KohaConfig, KohaDeploymentConfig } from "../../config/schema";
import { buildApp, main } from "../../main";
import { checkStacks, type StackInput } from "../../policy/engine";
import { ALL_RULES } from "../../policy/rules";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { KohaStack, kohaInstancePlacement } from "../../stacks/koha";
import { exampleConfig, kohaStack, normalizedJson } from "../helpers/reference";

type Json = Record<string, any>;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8"));
/** The example's koha section plus a second library, `branch`, with its own hostnames and server id. */
const BRANCH = {
  ...example.koha,
  instance: "branch",
  opacHostname: "opac-branch.example.org",
  staffHostname: "staff-branch.example.org",
  mariadb: { serverId: 2 },
  // Grafana at its default hostname (grafana-branch.example.org), cAdvisor left to the first instance.
  monitoring: { ...example.koha.monitoring, grafana: {} },
};
const twoInstancesFile = (): string => {
  const path = join(tempDir("bulwark-koha-instances-"), "deploy.yaml");
  writeFileSync(path, stringify({ ...example, koha: [example.koha, BRANCH] }));
  return path;
};
const configFile = twoInstancesFile();
const twoInstances = (): DeploymentConfig => loadDeploymentConfig({ BULWARK_CONFIG: configFile });

/** Every Docker name a synthesized stack gives: containers, volumes, networks. */
function dockerNames(json: Json): string[] {
  return ["docker_container", "docker_volume", "docker_network"].flatMap((type) => Object.values((json.resource?.[type] ?? {}) as Record<string, Json>).map((r) => `${type.slice(7)} ${r.name}`));
}

const inputOf = (s: TerraformStack): StackInput => ({ stack: s.node.id, file: `${s.node.id}/cdk.tf.json`, json: synthStackJson(s) });
const COLLISION_RULES = ["DOCKER-029", "DOCKER-030", "NET-003", "CF-010", "CF-011"];
const collisionRules = ALL_RULES.filter((r) => COLLISION_RULES.includes(r.meta.id));

describe("two Koha instances on one Docker host", () => {
  const { stacks } = buildApp(twoInstances(), tempDir("bulwark-koha-instances-out-"));
  const byId = new Map(stacks.map((s) => [s.node.id, s]));
  const first = byId.get("koha") as KohaStack;
  const branch = byId.get("koha-branch") as KohaStack;
  const firstJson: Json = synthStackJson(first);
  const branchJson: Json = synthStackJson(branch);

  test("the app builds the single-object stacks plus koha-branch, the further instance right after koha", () => {
    const single = buildApp(exampleConfig(), tempDir("bulwark-koha-single-out-")).stacks.map((s) => s.node.id);
    const ids = stacks.map((s) => s.node.id);
    expect(ids).toEqual([...single.slice(0, single.indexOf("koha") + 1), "koha-branch", ...single.slice(single.indexOf("koha") + 1)]);
    expect(branch).toBeInstanceOf(KohaStack);
    expect(branch.placement).toMatchObject({ index: 1, namePrefix: "branch", zoneProtection: false, cadvisor: false });
  });

  test("the first instance is the single-object koha stack, byte for byte", () => {
    expect(normalizedJson(first)).toBe(normalizedJson(kohaStack(exampleConfig())));
  });

  test("every Docker name of the further instance carries branch-, none of the first does, and none is claimed twice", () => {
    const a = dockerNames(firstJson);
    const b = dockerNames(branchJson);
    expect(b.length).toBeGreaterThan(0);
    for (const n of b) expect({ n, prefixed: / branch-/.test(n) }).toEqual({ n, prefixed: true });
    for (const n of a) expect({ n, prefixed: / branch-/.test(n) }).toEqual({ n, prefixed: false });
    expect(b.filter((n) => a.includes(n))).toEqual([]);
    // The same services, the same logical layout: each of the first's names has its branch- twin
    // (cAdvisor excepted: one per host sees every container).
    expect(a.filter((n) => n !== "container cadvisor").map((n) => n.replace(" ", " branch-")).sort()).toEqual([...b].sort());
  });

  test("the further instance's services find each other by their prefixed names; the edge uses its own tunnel and connector", () => {
    const c: Record<string, Json> = branchJson.resource.docker_container;
    const env = (id: string): string[] => c[id].env ?? [];
    expect(env("branch_koha")).toEqual(expect.arrayContaining(["MYSQL_SERVER=branch-mariadb", "MB_HOST=branch-rabbitmq", "MEMCACHED_SERVERS=branch-memcached:11211", "ELASTICSEARCH_HOST=branch-elasticsearch:9200", "KOHA_INSTANCE=branch", "DB_NAME=koha_branch"]));
    expect(env("branch_mariadb_backup")).toContain("BULWARK_DB_HOST=branch-mariadb");
    expect(c.branch_mariadb.command).toContain("--server-id=2");
    expect(Object.values(branchJson.resource.cloudflare_zero_trust_tunnel_cloudflared as Record<string, Json>).map((t) => t.name)).toEqual(["koha-branch"]);
    expect(c.branch_cloudflared.networks_advanced.map((n: Json) => n.name)).toEqual(["${docker_network.branch_koha_frontnet.name}", "${docker_network.branch_koha_monnet.name}"]);
    const ingress: Json[] = Object.values(branchJson.resource.cloudflare_zero_trust_tunnel_cloudflared_config as Record<string, Json>)[0].config.ingress;
    expect(ingress.map((r) => [r.hostname, r.service])).toEqual([
      ["opac-branch.example.org", "http://branch-koha:8080"],
      ["staff-branch.example.org", "http://branch-koha:8081"],
      ["grafana-branch.example.org", "http://branch-grafana:3000"],
      [undefined, "http_status:404"],
    ]);
    expect(c.branch_cadvisor).toBeUndefined();
    expect(firstJson.resource.docker_container.cadvisor).toBeDefined();
  });

  test("only the first instance creates the zone's entrypoint rulesets; CF-008 in the further one is suppressed with the reason", () => {
    const phases = (j: Json) => Object.values((j.resource.cloudflare_ruleset ?? {}) as Record<string, Json>).map((r) => r.phase).sort();
    expect(phases(firstJson)).toEqual(["http_ratelimit", "http_request_firewall_managed"]);
    expect(phases(branchJson)).toEqual([]);
    expect(branch.edge.protection).toBeUndefined();
    const cf008 = policyFindings(branch).filter((f) => f.ruleId === "CF-008");
    expect(cf008.length).toBeGreaterThan(0);
    for (const f of cf008) expect(f).toMatchObject({ suppressed: true, suppressionReason: expect.stringContaining("entrypoint rulesets of the first Koha instance") });
    expect(policyFindings(first).filter((f) => f.ruleId === "CF-008")).toEqual([]);
  });

  test("each stack passes policy", () => {
    for (const s of stacks) expect(s).toPassPolicy();
  });

  test("the cross-stack collision rules pass on every stack of the run together, and so does the whole rule set", () => {
    const inputs = stacks.map(inputOf);
    expect(checkStacks(inputs, collisionRules).findings.map((f) => `${f.ruleId} ${f.stack} ${f.address}`)).toEqual([]);
    const errors = checkStacks(inputs).findings.filter((f) => f.severity === "error" && !f.suppressed);
    expect(errors.map((f) => `${f.ruleId} ${f.stack} ${f.address}`)).toEqual([]);
  });

  test("control: the same instance twice in one run trips every collision rule (the rules see these stacks)", () => {
    const twice = [inputOf(first), { ...inputOf(first), stack: "koha-copy", file: "koha-copy/cdk.tf.json" }];
    const hit = new Set(checkStacks(twice, collisionRules).findings.filter((f) => !f.suppressed).map((f) => f.ruleId));
    expect([...hit].sort()).toEqual([...COLLISION_RULES].sort());
  });

  test("control: a second stack of the first instance on the same host is refused at synth by the host-name claims", () => {
    const app = Testing.app();
    const config = twoInstances();
    new KohaStack(app, "koha", { config });
    expect(() => new KohaStack(app, "koha-again", { config })).toThrow(/network name "koha-frontnet" is already used on Docker host unix:\/\/\/var\/run\/docker\.sock by koha\/network/);
    // The further instance is not refused: its names differ.
    expect(() => new KohaStack(app, "koha-branch", { config, instanceIndex: 1 })).not.toThrow();
  });

  test("each instance stack declares its sensitive variables in its own stack: the same names, but the exporter's, which follows its service name", () => {
    const vars = (j: Json) => Object.entries((j.variable ?? {}) as Record<string, Json>).filter(([, v]) => v.sensitive).map(([k]) => k).sort();
    expect(vars(branchJson).length).toBeGreaterThan(0);
    expect(vars(branchJson).filter((v) => v.startsWith("branch_"))).toEqual(["branch_mariadb_exporter_password"]);
    expect(vars(branchJson).map((v) => v.replace(/^branch_/, "")).sort()).toEqual(vars(firstJson));
  });

  test("cAdvisor: one per host by default; a further instance runs it when no earlier one does, or when told to", () => {
    const base = exampleConfig();
    const placements = (first: KohaConfig, second: KohaConfig) => {
      const config: KohaDeploymentConfig = { ...base, koha: { ...first, furtherInstances: [second] } };
      return [0, 1].map((i) => kohaInstancePlacement("test", config, i).cadvisor);
    };
    const { monitoring: _m, furtherInstances: _f, ...unmonitored } = base.koha;
    void _f;
    void _m;
    const monitoring = base.koha.monitoring!;
    const second = { ...unmonitored, monitoring, instance: "branch" };
    expect(placements(base.koha, second)).toEqual([true, false]);
    expect(placements(unmonitored, second)).toEqual([false, true]);
    expect(placements({ ...unmonitored, monitoring: { ...monitoring, cadvisor: false } }, second)).toEqual([false, true]);
    expect(placements(base.koha, { ...second, monitoring: { ...monitoring, cadvisor: true } })).toEqual([true, true]);
  });

  test("an instanceIndex that names no instance is a construct error with the fix", () => {
    expect(() => new KohaStack(Testing.app(), "koha-x", { config: exampleConfig(), instanceIndex: 1 })).toThrow(
      "KohaStack koha-x: props.instanceIndex 1 names no Koha instance (koha configures 1: 0 library). Fix: give an index from 0 to 0, or leave it out for the first",
    );
  });
});

describe("npm run synth with two Koha instances", () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });
  const written = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join("");

  test("synthesizes both instance stacks and passes the gate (which runs the cross-stack rules over the manifest's stacks)", () => {
    const dir = tempDir("bulwark-koha-instances-main-");
    expect(main({ BULWARK_CONFIG: configFile, CDKTF_OUTDIR: dir })).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks)).toEqual(expect.arrayContaining(["koha", "koha-branch"]));
    const out = written(stdout);
    expect(out).toContain(`synthesized ${Object.keys(manifest.stacks).length} stack(s)`);
    expect(out).toMatch(/\n {2}koha-branch\s+\d+ resources/);
    expect(out).toMatch(/policy: 0 error\(s\)/);
    expect(written(stderr)).toBe("");
  });
});
