/**
 * Rule packs: every rule in exactly one pack; `bulwark check --pack` and `bulwark rules --pack`.
 */
import * as path from "node:path";
import { CATALOG } from "../../policy/catalog";
import { main } from "../../policy/cli";
import { PACKS, PACK_IDS, UnknownPackError, parsePackList, rulesInPacks } from "../../policy/packs";
import { ALL_RULES } from "../../policy/rules";

const FIX = path.join(__dirname, "..", "fixtures", "cli");

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(args, { cwd: FIX, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

describe("packs", () => {
  test("the packs, each with its domains", () => {
    expect(PACK_IDS).toEqual(["docker-runtime", "github-governance", "cloudflare-edge", "kubernetes-runtime", "monitoring", "backup-recovery", "secrets-state"]);
    const domains = Object.fromEntries(PACKS.map((p) => [p.id, [...new Set(p.rules.map((r) => r.domain))]]));
    expect(domains).toEqual({
      "docker-runtime": ["DOCKER", "NET"],
      "github-governance": ["GH"],
      "cloudflare-edge": ["CF"],
      "kubernetes-runtime": ["K8S"],
      monitoring: ["MON"],
      "backup-recovery": ["BACKUP"],
      "secrets-state": ["SECRET", "STATE"],
    });
  });

  test("every rule is in exactly one pack; the packs together are the catalog", () => {
    expect(PACKS.flatMap((p) => p.rules.map((r) => r.id)).sort()).toEqual(CATALOG.map((m) => m.id).sort());
    for (const p of PACKS) expect(p.title.length > 0 && p.description.length > 0).toBe(true);
  });

  test("parsePackList: commas and spaces, repeats dropped, unknown names refused with the valid ones", () => {
    expect(parsePackList("docker-runtime,cloudflare-edge")).toEqual(["docker-runtime", "cloudflare-edge"]);
    expect(parsePackList(["secrets-state", " secrets-state , github-governance"])).toEqual(["secrets-state", "github-governance"]);
    expect(() => parsePackList("docker")).toThrow(UnknownPackError);
    expect(() => parsePackList("docker")).toThrow('unknown pack "docker": the packs are docker-runtime, github-governance, cloudflare-edge, kubernetes-runtime, monitoring, backup-recovery, secrets-state');
    expect(() => parsePackList(",")).toThrow(/needs a pack name/);
  });

  test("rulesInPacks keeps the order of the rules given", () => {
    const ids = rulesInPacks(ALL_RULES, ["secrets-state"]).map((r) => r.meta.id);
    expect(ids).toEqual(["SECRET-001", "SECRET-002", "SECRET-003", "STATE-001", "STATE-002"]);
  });
});

describe("bulwark check --pack", () => {
  test("runs only the rules of the packs named", () => {
    const all = JSON.parse(run(["check", "synth", "--format", "json"]).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(all.some((id: string) => id.startsWith("DOCKER-"))).toBe(true);
    const r = run(["check", "synth", "--format", "json", "--pack", "cloudflare-edge,secrets-state"]);
    expect(r.stderr).toBe("");
    const ids: string[] = JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids.filter((id) => !/^(CF|SECRET|STATE)-/.test(id))).toEqual([]);
    const docker = run(["check", "synth", "--format", "json", "--pack", "docker-runtime"]);
    const dockerIds: string[] = JSON.parse(docker.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(dockerIds).toContain("DOCKER-001");
    expect(dockerIds.filter((id) => !/^(DOCKER|NET)-/.test(id))).toEqual([]);
    expect(docker.code).toBe(1);
  });

  test("an unknown pack is exit 2 with one line naming the valid packs", () => {
    const r = run(["check", "synth", "--pack", "docker-runtime,dockr"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(/^bulwark: .*unknown pack "dockr": the packs are docker-runtime, github-governance, cloudflare-edge, kubernetes-runtime, monitoring, backup-recovery, secrets-state\n$/);
  });
});

describe("bulwark rules --pack", () => {
  test("text shows each rule's pack; --pack lists only that pack", () => {
    const r = run(["rules"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+PACK\s+SEVERITY\s+TITLE\s+ANCHOR$/);
    expect(lines).toHaveLength(CATALOG.length + 1);
    expect(lines.find((l) => l.startsWith("NET-001 "))).toMatch(/^NET-001\s+docker-runtime\s+error\s+/);
    const gh = run(["rules", "--pack", "github-governance"]).stdout.trimEnd().split("\n").slice(1);
    expect(gh.map((l) => l.split(/\s+/)[0])).toEqual(PACKS.find((p) => p.id === "github-governance")!.rules.map((m) => m.id));
  });

  test("json carries the pack", () => {
    const list = JSON.parse(run(["rules", "--format", "json", "--pack", "secrets-state"]).stdout);
    expect(list.map((m: { id: string; pack: string }) => `${m.id} ${m.pack}`)).toEqual([
      "SECRET-001 secrets-state", "SECRET-002 secrets-state", "SECRET-003 secrets-state", "STATE-001 secrets-state", "STATE-002 secrets-state",
    ]);
    expect(Object.keys(list[0])).toEqual(["id", "pack", "severity", "title", "anchor", "fix"]);
  });

  test("an unknown pack is exit 2", () => {
    const r = run(["rules", "--pack", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown pack "nope": the packs are docker-runtime, github-governance, cloudflare-edge, kubernetes-runtime, monitoring, backup-recovery, secrets-state\n$/);
  });
});
