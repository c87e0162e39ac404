/**
 * The roadmaps as data: they validate, their markdown is not stale, every cited item id exists,
 * and every item is evidenced by something that exists (rules of the catalog, drill files) or is
 * manual with an owner.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isKnownRuleId } from "../../policy/catalog";
import { loadRoadmapFile, loadRoadmaps, ROADMAP_DIR } from "../../policy/readiness/roadmaps";
import { ROADMAP_CITATION } from "../../policy/readiness/schema";
import { ROADMAPS_DOC_COMMAND, renderRoadmapDoc, roadmapDocPath } from "../../scripts/roadmaps-doc";

const ROOT = resolve(__dirname, "..", "..");
const set = loadRoadmaps();

describe("docs/roadmaps", () => {
  test("the four roadmaps load, with the id shapes of their own structure", () => {
    expect(set.roadmaps.map((r) => r.roadmap)).toEqual(["aunsorm", "fineract", "koha", "single-server"]);
    for (const id of ["koha.3.2", "fineract.8.2.47", "single-server.critical.3", "aunsorm.infra.k8s-probes"]) expect(set.items.has(id)).toBe(true);
    // Fineract keeps the checklist's own 70 numbered items (plus its sign-offs).
    const numbered = [...set.items.keys()].filter((id) => /^fineract\.\d+\.\d+\.\d+$/.test(id)).map((id) => Number(id.split(".")[3]));
    expect(numbered.sort((a, b) => a - b)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
  });

  test.each(set.roadmaps.map((r) => [r.roadmap] as const))("docs/roadmaps/%s.md is what `npm run docs:roadmaps` writes", (name) => {
    const roadmap = set.roadmaps.find((r) => r.roadmap === name)!;
    const file = roadmapDocPath(name);
    expect(existsSync(file)).toBe(true);
    const current = readFileSync(file, "utf8");
    if (current !== renderRoadmapDoc(roadmap, set)) throw new Error(`docs/roadmaps/${name}.md is stale: run ${ROADMAPS_DOC_COMMAND}`);
  });

  test("every non-manual item names at least one rule, construct or drill that exists; manual items name an owner", () => {
    const problems: string[] = [];
    for (const { item } of set.items.values()) {
      const e = item.evidence;
      if (e.manual) {
        if (e.manual.owner.trim() === "") problems.push(`${item.id}: manual without an owner`);
        continue;
      }
      const rules = (e.rules ?? []).filter(isKnownRuleId);
      const drills = (e.drills ?? []).filter((d) => set.drills.has(d) && existsSync(join(ROOT, set.drills.get(d)!.file)));
      const constructs = e.constructs ?? [];
      if (rules.length + drills.length + constructs.length === 0) problems.push(`${item.id}: no existing rule, construct or drill`);
      for (const r of e.rules ?? []) if (!isKnownRuleId(r)) problems.push(`${item.id}: rule ${r} is not in the catalog`);
    }
    for (const d of set.drills.values()) if (!existsSync(join(ROOT, d.file))) problems.push(`drill ${d.id}: ${d.file} does not exist`);
    expect(problems).toEqual([]);
  });

  test("no file cites the roadmaps outside the repository (a seed number), the CHANGELOG history aside", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "" && f !== "CHANGELOG.md" && !f.startsWith("node_modules/") && /\.(ts|js|md|ya?ml|json|sh|snap|tf)$/.test(f) && existsSync(join(ROOT, f)));
    const offenders: string[] = [];
    for (const f of files) {
      readFileSync(join(ROOT, f), "utf8").split("\n").forEach((line, i) => {
        if (/\bseeds? \d{3}\b/i.test(line)) offenders.push(`${f}:${i + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  test("every roadmap id cited anywhere in the repository as [roadmap <id>] exists", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "" && !f.startsWith("node_modules/") && /\.(ts|js|md|ya?ml|json|sh|snap|tf)$/.test(f) && existsSync(join(ROOT, f)));
    const missing: string[] = [];
    let citations = 0;
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), "utf8");
      for (const m of text.matchAll(ROADMAP_CITATION)) {
        citations++;
        if (!set.items.has(m[1])) missing.push(`${f}: [roadmap ${m[1]}]`);
      }
    }
    // The generated roadmap pages cite their first item each, so the scan is known to find citations.
    expect(citations).toBeGreaterThanOrEqual(set.roadmaps.length);
    expect(missing).toEqual([]);
  });

  test("the citation syntax finds ids and nothing else", () => {
    const text = "see [roadmap koha.3.2] and [roadmap single-server.critical.3]; not [koha.3.2] nor roadmap koha.3.2";
    expect([...text.matchAll(ROADMAP_CITATION)].map((m) => m[1])).toEqual(["koha.3.2", "single-server.critical.3"]);
  });
});

describe("invalid roadmaps are one clear error naming the file and the path", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-roadmaps-"));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const base = (items: string) => `roadmap: demo\ntitle: Demo\nsource: here\nsummary: s\nphases:\n  - id: "1"\n    title: One\n    items:\n${items}`;

  test.each([
    ["an unknown rule", base("      - { id: demo.1.1, text: t, evidence: { rules: [DOCKER-999] } }\n"), /demo\.yaml: phases\[0\]\.items\[0\]\.evidence\.rules\[0\]: "DOCKER-999" is not a rule of the catalog/],
    ["no evidence", base("      - { id: demo.1.1, text: t, evidence: {} }\n"), /demo\.yaml: phases\[0\]\.items\[0\]\.evidence: needs rules, constructs, drills or manual/],
    ["manual and rules together", base("      - { id: demo.1.1, text: t, evidence: { rules: [DOCKER-004], manual: { owner: x } } }\n"), /either manual .* or evidenced by rules/],
    ["a construct without a fix", base("      - { id: demo.1.1, text: t, evidence: { constructs: [{ type: docker_network, description: d }] } }\n"), /phases\[0\]\.items\[0\]\.evidence\.fix: an item evidenced by constructs or drills needs a fix/],
    ["a bad id", base("      - { id: Demo-1, text: t, evidence: { manual: { owner: x } } }\n"), /phases\[0\]\.items\[0\]\.id: must be <roadmap>\.<segment>/],
    ["another roadmap's id", base("      - { id: koha.1.1, text: t, evidence: { manual: { owner: x } } }\n"), /phases\[0\]\.items\[0\]\.id: "koha\.1\.1" must start with "demo\."/],
    ["a bad pattern", base("      - { id: demo.1.1, text: t, evidence: { constructs: [{ type: docker_network, name: \"(\", description: d }], fix: f } }\n"), /evidence\.constructs\[0\]\.name: must be a valid regular expression/],
    ["an unknown key", base("      - { id: demo.1.1, text: t, evidence: { manual: { owner: x } }, status: done }\n"), /phases\[0\]\.items\[0\]: Unrecognized key: "status"/],
    ["YAML syntax", "roadmap: [\n", /demo\.yaml:\d+:\d+: invalid YAML/],
  ])("%s", (...[, text, message]) => {
    const f = write("demo.yaml", text as string);
    expect(() => loadRoadmapFile(f, "docs/roadmaps/demo.yaml")).toThrow(message as RegExp);
  });

  test("duplicate ids across roadmaps and unknown drills are named", () => {
    const d = mkdtempSync(join(tmpdir(), "bulwark-roadmaps-set-"));
    writeFileSync(join(d, "drills.yaml"), readFileSync(join(ROADMAP_DIR, "drills.yaml"), "utf8"));
    writeFileSync(join(d, "demo.yaml"), base("      - { id: demo.1.1, text: t, evidence: { drills: [chaos], fix: f } }\n      - { id: demo.1.1, text: t, evidence: { manual: { owner: x } } }\n"));
    expect(() => loadRoadmaps(d)).toThrow(/item demo\.1\.1 is also in .*demo\.yaml: ids must be unique/);
    expect(() => loadRoadmaps(d)).toThrow(/demo\.yaml: item demo\.1\.1 names drill "chaos", which .*drills\.yaml does not declare/);
  });
});
