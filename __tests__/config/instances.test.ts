/**
 * `koha:` as one object or a list of instances (config/schema.ts KohaInstancesSchema): what each
 * form parses to, and every list problem reported with its path (`koha[1].instance: …`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { ConfigError, EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from "../../config/load";
import { DeploymentConfigSchema, kohaGrafanaHostname, kohaInstances, MAX_FURTHER_KOHA_INSTANCE_LENGTH } from "../../config/schema";
import { configuredStackKinds, kohaInstanceStackId } from "../../stacks/catalog";

const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8"));
const koha = example.koha;
const branch = (patch: Record<string, unknown> = {}) => ({
  ...koha,
  instance: "branch",
  opacHostname: "opac-branch.example.org",
  staffHostname: "staff-branch.example.org",
  mariadb: { serverId: 2 },
  monitoring: { ...koha.monitoring, grafana: { hostname: "grafana-branch.example.org" } },
  ...patch,
});
const withKoha = (section: unknown) => ({ ...example, koha: section });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function file(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-instances-"));
  dirs.push(dir);
  const path = join(dir, "deploy.yaml");
  writeFileSync(path, stringify(content));
  return path;
}
/** The problem lines of loading `content` (without the heading), or [] when it loads. */
function problems(content: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadDeploymentConfig({ ...env, BULWARK_CONFIG: file(content) });
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
  }
}

describe("koha: one object or a list of instances", () => {
  test("the single object parses as before: no further instances, one instance", () => {
    const c = DeploymentConfigSchema.parse(example);
    expect(c.koha).not.toHaveProperty("furtherInstances");
    expect(kohaInstances(c.koha)).toEqual([c.koha]);
    expect(kohaInstances(undefined)).toEqual([]);
  });

  test("a list of one is the single object", () => {
    expect(DeploymentConfigSchema.parse(withKoha([koha])).koha).toEqual(DeploymentConfigSchema.parse(example).koha);
  });

  test("a list: the first instance is config.koha (parsed as the single object would be), the others follow in order", () => {
    const third = branch({ instance: "north", opacHostname: "opac-north.example.org", staffHostname: "staff-north.example.org", mariadb: { serverId: 3 }, monitoring: undefined });
    const c = DeploymentConfigSchema.parse(withKoha([koha, branch(), third]));
    const { furtherInstances, ...first } = c.koha!;
    expect(first).toEqual(DeploymentConfigSchema.parse(example).koha);
    expect(furtherInstances?.map((k) => k.instance)).toEqual(["branch", "north"]);
    expect(kohaInstances(c.koha).map((k) => [k.instance, k.mariadb.serverId, k.runtime])).toEqual([["library", 1, "docker"], ["branch", 2, "docker"], ["north", 3, "docker"]]);
    expect(furtherInstances?.[1].mariadb.binlogExpireSeconds).toBe(7 * 24 * 3600);
  });

  test("stack ids: koha for the first, koha-<instance> for the others; a list still selects the Docker koha kind", () => {
    expect(kohaInstanceStackId("branch")).toBe("koha-branch");
    const raw = withKoha([koha, branch()]);
    expect(configuredStackKinds(raw).filter((k) => k.section === "koha").map((k) => k.stackId)).toEqual(["koha"]);
  });

  test("Grafana's default hostname: grafana.<domain> for the first, grafana-<instance>.<domain> for a further one", () => {
    const g = { ...koha, monitoring: { ...koha.monitoring, grafana: {} } };
    const c = DeploymentConfigSchema.parse(withKoha([g, branch({ monitoring: { ...koha.monitoring, grafana: {} } })]));
    expect(kohaInstances(c.koha).map((k, i) => kohaGrafanaHostname(k, i, "example.org"))).toEqual(["grafana.example.org", "grafana-branch.example.org"]);
  });

  test("a valid two-instance configuration loads", () => {
    expect(problems(withKoha([koha, branch()]))).toEqual([]);
  });
});

describe("koha list problems name their path, the problem and the fix", () => {
  test("duplicate instance names", () => {
    expect(problems(withKoha([koha, branch({ instance: "library" })]))).toContain(
      'koha[1].instance: "library" is also koha[0].instance: each instance needs its own name (its stack id koha-<instance>, its database and its Docker name prefix). Fix: rename one of them',
    );
  });

  test("duplicate hostnames, within and across instances, Grafana's included", () => {
    const p = problems(withKoha([koha, branch({ opacHostname: koha.opacHostname, staffHostname: "opac-branch.example.org", monitoring: { ...koha.monitoring, grafana: { hostname: koha.staffHostname } } })]));
    expect(p).toEqual(expect.arrayContaining([
      'koha[1].opacHostname: "opac.example.org" is also koha[0].opacHostname: a hostname is published by one tunnel only (CF-011). Fix: give each instance its own hostnames',
      'koha[1].monitoring.grafana.hostname: "staff.example.org" is also koha[0].staffHostname: a hostname is published by one tunnel only (CF-011). Fix: give each instance its own hostnames',
    ]));
    // The further instance's own staff hostname equal to nobody else's is fine.
    expect(p.filter((l) => l.startsWith("koha[1].staffHostname"))).toEqual([]);
    expect(problems(withKoha([koha, branch({ staffHostname: "opac-branch.example.org" })]))).toContain(
      'koha[1].staffHostname: "opac-branch.example.org" is also koha[1].opacHostname: a hostname is published by one tunnel only (CF-011). Fix: give each instance its own hostnames',
    );
  });

  test("a default Grafana hostname that another instance already publishes", () => {
    const p = problems(withKoha([{ ...koha, opacHostname: "grafana-branch.example.org" }, branch({ monitoring: { ...koha.monitoring, grafana: {} } })]));
    expect(p).toContain(
      'koha[1].monitoring.grafana.hostname: defaults to "grafana-branch.example.org", which is also koha[0].opacHostname: a hostname is published by one tunnel only (CF-011). Fix: give this Grafana a hostname of its own',
    );
  });

  test("duplicate MariaDB server ids", () => {
    expect(problems(withKoha([koha, branch({ mariadb: { serverId: 1 } })]))).toContain(
      "koha[1].mariadb.serverId: 1 is also koha[0].mariadb.serverId: every MariaDB server needs its own server_id (binlog replication and point-in-time recovery tell servers apart by it). Fix: give each instance its own serverId",
    );
  });

  test("runtime: kubernetes in a list is refused with the fix", () => {
    expect(problems(withKoha([koha, branch({ runtime: "kubernetes" })]))).toContain(
      "koha[1].runtime: kubernetes is not supported in a list of Koha instances: the list runs several Koha on one Docker host. Fix: write koha as a single object for a Koha on a cluster (stack koha-k8s), or give this instance runtime: docker",
    );
    // The single object on a cluster stays valid.
    expect(DeploymentConfigSchema.safeParse(withKoha({ ...koha, runtime: "kubernetes" })).success).toBe(true);
  });

  test("further instance names that would take another stack's id or overflow the network prefix", () => {
    expect(problems(withKoha([koha, branch({ instance: "k8s" })]))).toContain('koha[1].instance: "k8s" would give this instance the stack id koha-k8s, which is another stack kind\'s. Fix: choose another name');
    const long = "b".repeat(MAX_FURTHER_KOHA_INSTANCE_LENGTH + 1);
    expect(problems(withKoha([koha, branch({ instance: long })]))).toContain(
      `koha[1].instance: "${long}" has ${long.length} characters: a further instance prefixes its networks "${long}-koha-" (at most 31 characters before the network name). Fix: use at most ${MAX_FURTHER_KOHA_INSTANCE_LENGTH} characters`,
    );
    // The first instance keeps today's names, so its name may be long.
    expect(problems(withKoha([{ ...koha, instance: long }, branch()]))).toEqual([]);
  });

  test("an empty list", () => {
    expect(problems(withKoha([]))).toContain("koha: must list at least one Koha instance (or write koha as a single object)");
  });

  test("a bad field inside an entry: the entry's path, with brackets, and the valid keys for an unknown one", () => {
    const p = problems(withKoha([koha, { ...branch(), opacHost: "x", mariadb: { serverId: "two" } }]));
    expect(p).toContain("koha[1].opacHost: unknown key; valid keys here: runtime, instance, mariadb, opacHostname, staffHostname, image, monitoring, backup");
    expect(p.some((l) => l.startsWith("koha[1].mariadb.serverId: "))).toBe(true);
    expect(p.some((l) => l.includes("invalid_union") || l.startsWith("koha: Invalid input"))).toBe(false);
    // The single-object form still names its fields as before.
    expect(problems(withKoha({ ...koha, opacHost: "x" }))).toContain("koha.opacHost: unknown key; valid keys here: runtime, instance, mariadb, opacHostname, staffHostname, image, monitoring, backup");
  });

  test("neither an object nor a list", () => {
    expect(problems(withKoha("library"))).toContain("koha: must be one Koha instance (a mapping) or a list of instances");
  });

  test("an environment override of a koha field cannot say which instance: an error naming the fix", () => {
    expect(problems(withKoha([koha, branch()]), { BULWARK_OPAC_HOSTNAME: "opac.example.net", BULWARK_MARIADB_SERVER_ID: "7" })).toEqual(expect.arrayContaining([
      "BULWARK_OPAC_HOSTNAME: sets koha.opacHostname, but koha is a list of instances, and the variable cannot say which one. Fix: set opacHostname of each instance in the configuration file (koha[0], koha[1], …), or unset BULWARK_OPAC_HOSTNAME",
      "BULWARK_MARIADB_SERVER_ID: sets koha.mariadb.serverId, but koha is a list of instances, and the variable cannot say which one. Fix: set mariadb.serverId of each instance in the configuration file (koha[0], koha[1], …), or unset BULWARK_MARIADB_SERVER_ID",
    ]));
    // Shared overrides still apply to a list configuration.
    expect(loadDeploymentConfig({ BULWARK_CONFIG: file(withKoha([koha, branch()])), BULWARK_OWNER: "consortium-ops" }).owner).toBe("consortium-ops");
  });

  test("images: pins are shared: checked against the koha services for a list as for the object", () => {
    expect(problems({ ...withKoha([koha, branch()]), images: { prometheus: { tag: "v3.5.0" } } })).toEqual([]);
    expect(problems({ ...withKoha([koha, branch()]), images: { kohaa: { tag: "1" } } }).some((l) => l.startsWith('images.kohaa: no configured stack builds a service "kohaa"'))).toBe(true);
  });

  test("a list needs the cloudflare section like the object", () => {
    const { cloudflare: _c, ...noEdge } = withKoha([koha, branch()]);
    void _c;
    expect(problems(noEdge)).toContain("cloudflare: required by koha (its tunnel and Access)");
  });
});
