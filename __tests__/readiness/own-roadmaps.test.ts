/**
 * Roadmaps of one's own: `bulwark readiness --roadmaps <files or directories>` scores a team's
 * roadmap instead of the ones bulwark ships, with drills of its own joining bulwark's catalog.
 * The model is examples/web-api/readiness (web-api.yaml, drills.yaml), scored against the
 * example's synthesis.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { main as cli } from "../../policy/cli";
import { loadRoadmapPaths, ReadinessError } from "../../policy/readiness/roadmaps";
import type { ItemResult } from "../../policy/readiness/evaluate";
import { main as synthWebApi } from "../../examples/web-api/main";

const ROOT = resolve(__dirname, "../..");
const EXAMPLE = join("examples", "web-api", "readiness");

let work = "";
let synth = "";
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bulwark-own-roadmaps-"));
  synth = join(work, "cdktf.out");
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    expect(synthWebApi({ ...process.env, CDKTF_OUTDIR: synth })).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  expect(out).toMatch(/0 errors/);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], cwd = ROOT) {
  let out = "";
  let err = "";
  const code = cli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd });
  return { code, out, err };
}

const items = (json: { roadmaps: Array<{ phases: Array<{ items: ItemResult[] }> }> }) => json.roadmaps.flatMap((r) => r.phases.flatMap((p) => p.items));

describe("loadRoadmapPaths", () => {
  test("a directory: its roadmaps, and its drills.yaml joined to bulwark's catalog", () => {
    const set = loadRoadmapPaths([EXAMPLE], ROOT);
    expect(set.roadmaps.map((r) => [r.roadmap, r.file])).toEqual([["web-api", join(EXAMPLE, "web-api.yaml")]]);
    expect([...set.drills.keys()].sort()).toEqual(["e2e", "promtool", "restore-drill", "web-api-smoke"]);
    // The drill's script is in the repository, as for bulwark's own drills.
    expect(existsSync(join(ROOT, set.drills.get("web-api-smoke")!.file))).toBe(true);
  });

  test("a file alone, and a file given twice (itself and through its directory), count once", () => {
    expect(loadRoadmapPaths([join(EXAMPLE, "web-api.yaml"), EXAMPLE], ROOT).roadmaps.map((r) => r.roadmap)).toEqual(["web-api"]);
  });

  const dir = (files: Record<string, string>): string => {
    const d = mkdtempSync(join(work, "set-"));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(d, name, ".."), { recursive: true });
      writeFileSync(join(d, name), text);
    }
    return d;
  };
  const roadmap = (name: string, item = `${name}.1.1`, evidence = "{ manual: { owner: x } }") =>
    `roadmap: ${name}\ntitle: t\nsource: s\nsummary: s\nphases:\n  - id: "1"\n    title: t\n    items:\n      - { id: ${item}, text: t, evidence: ${evidence} }\n`;

  test.each([
    ["a missing path", () => ["nope"], /nope: no such roadmap file or directory/],
    ["a directory without roadmaps", (d: string) => [d], /holds no roadmap \(\*\.yaml files/],
    ["a file that is not YAML", (d: string) => [join(d, "notes.txt")], /notes\.txt: not a roadmap file/],
    ["only a drill catalog", (d: string) => [join(d, "drills.yaml")], /names no roadmap, only a drill catalog/],
    ["nothing", () => [], /needs at least one roadmap file or directory/],
  ])("%s is an error naming it", (...[, paths, message]) => {
    const d = dir({ "notes.txt": "x", "drills.yaml": "drills:\n  - { id: mine, file: f, description: d, run: r }\n" });
    expect(() => loadRoadmapPaths((paths as (d: string) => string[])(d), work)).toThrow(message as RegExp);
    expect(() => loadRoadmapPaths((paths as (d: string) => string[])(d), work)).toThrow(ReadinessError);
  });

  test("a drill id bulwark already declares, an unknown drill and a roadmap name used twice are errors naming the files", () => {
    const clash = dir({ "mine.yaml": roadmap("mine"), "drills.yaml": "drills:\n  - { id: e2e, file: f, description: d, run: r }\n" });
    expect(() => loadRoadmapPaths([clash], work)).toThrow(/drills\.yaml: drill "e2e" is also declared in bulwark's own catalog/);
    const unknown = dir({ "mine.yaml": roadmap("mine", "mine.1.1", "{ drills: [chaos], fix: f }") });
    expect(() => loadRoadmapPaths([unknown], work)).toThrow(/mine\.yaml: item mine\.1\.1 names drill "chaos", which .*drills\.yaml does not declare/);
    const a = dir({ "mine.yaml": roadmap("mine") });
    const b = dir({ "mine.yaml": roadmap("mine", "mine.2.1") });
    expect(() => loadRoadmapPaths([a, b], work)).toThrow(/mine\.yaml: roadmap "mine" is also .*mine\.yaml: give one of them another name/);
  });

  test("the roadmap checks of bulwark's own roadmaps hold for one's own (an unknown rule, a name other than the file's)", () => {
    expect(() => loadRoadmapPaths([dir({ "mine.yaml": roadmap("mine", "mine.1.1", "{ rules: [DOCKER-999] }") })], work)).toThrow(/"DOCKER-999" is not a rule of the catalog/);
    expect(() => loadRoadmapPaths([dir({ "theirs.yaml": roadmap("mine") })], work)).toThrow(/roadmap: "mine" must equal the file name "theirs"/);
  });
});

describe("bulwark readiness --roadmaps", () => {
  test("scores the example's roadmap against its stack, and only that roadmap", () => {
    const r = run(["readiness", synth, "--roadmaps", EXAMPLE, "-f", "json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.roadmaps.map((m: { roadmap: string }) => m.roadmap)).toEqual(["web-api"]);
    const byId = new Map(items(json).map((i) => [i.id, i.status]));
    expect(Object.fromEntries(byId)).toEqual({
      "web-api.secrets.1": "met",
      "web-api.secrets.2": "manual",
      "web-api.runtime.1": "met",
      "web-api.runtime.2": "met",
      // The example pins tags, not digests: DOCKER-022 warns on every image.
      "web-api.runtime.3": "not-met",
      "web-api.network.1": "met",
      "web-api.network.2": "met",
      "web-api.ops.1": "unknown",
    });
  });

  test("the example's own drill and a manual sign-off count through --drills and --config", () => {
    writeFileSync(join(work, "drills.json"), JSON.stringify({ drills: { "web-api-smoke": { status: "passed", at: "2026-12-03T08:00:00Z" } } }));
    writeFileSync(join(work, "cfg.yaml"), "owner: x\nreadiness:\n  manual:\n    web-api.secrets.2: { status: met, owner: api-team, evidence: https://wiki.example.org/rotation }\n");
    const r = run(["readiness", synth, "--roadmaps", EXAMPLE, "-f", "json", "--drills", join(work, "drills.json"), "--config", join(work, "cfg.yaml")]);
    expect(r.err).toBe("");
    const byId = new Map(items(JSON.parse(r.out)).map((i) => [i.id, i.status]));
    expect(byId.get("web-api.ops.1")).toBe("met");
    expect(byId.get("web-api.secrets.2")).toBe("met");
    // A sign-off for an item of bulwark's roadmaps is not one of this set.
    writeFileSync(join(work, "cfg2.yaml"), "owner: x\nreadiness:\n  manual:\n    koha.0.5.host: { status: met, owner: p, evidence: w }\n");
    const bad = run(["readiness", synth, "--roadmaps", EXAMPLE, "--config", join(work, "cfg2.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/koha\.0\.5\.host/);
  });

  test("a bad path is one line and exit 2; without --roadmaps bulwark's own roadmaps are scored", () => {
    const bad = run(["readiness", synth, "--roadmaps", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("bulwark: nope: no such roadmap file or directory\n");
    const builtIn = JSON.parse(run(["readiness", synth, "-f", "json"]).out);
    expect(builtIn.roadmaps.map((m: { roadmap: string }) => m.roadmap).sort()).toEqual(["aunsorm", "fineract", "koha", "single-server"]);
  });
});
