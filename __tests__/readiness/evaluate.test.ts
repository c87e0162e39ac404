/**
 * `bulwark readiness` over the reference stacks: what removing one hardening attribute changes,
 * how drills and manual sign-offs move items, appliesTo, and the CLI's formats and errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as cli } from "../../policy/cli";
import { checkStacks, type StackInput } from "../../policy/engine";
import { evaluateReadiness, openItems, type ItemResult, type ReadinessReport } from "../../policy/readiness/evaluate";
import { checkManualStatuses } from "../../policy/readiness/inputs";
import { loadRoadmaps } from "../../policy/readiness/roadmaps";
import { readinessSummary } from "../../policy/readiness/summary";
import { synthesizeReference, type Synthesized } from "./reference";

const set = loadRoadmaps();
let ref: Synthesized;
beforeAll(() => {
  ref = synthesizeReference();
});

function items(report: ReadinessReport): Map<string, ItemResult> {
  return new Map(report.roadmaps.flatMap((r) => r.phases.flatMap((p) => p.items.map((i) => [i.id, i] as const))));
}

function phaseScores(report: ReadinessReport): Map<string, number | null> {
  return new Map(report.roadmaps.flatMap((r) => r.phases.map((p) => [`${r.roadmap}/${p.id}`, p.score] as const)));
}

/** The stacks with one attribute removed from one resource. */
function without(stacks: readonly StackInput[], stack: string, type: string, name: string, attribute: string): StackInput[] {
  return stacks.map((s) => {
    if (s.stack !== stack) return s;
    const json = structuredClone(s.json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const body = json.resource[type][name];
    expect(body).toHaveProperty(attribute);
    delete body[attribute];
    return { ...s, json };
  });
}

function ruleIdsWithOpenFindings(stacks: readonly StackInput[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of checkStacks(stacks).findings) if (!f.suppressed) out.set(f.ruleId, (out.get(f.ruleId) ?? 0) + 1);
  return out;
}

describe("removing a hardening attribute", () => {
  test.each([
    ["read_only", "DOCKER-004"],
    ["security_opts", "DOCKER-005"],
    ["healthcheck", "DOCKER-012"],
  ])("without %s on docker_container.koha, exactly the items evidenced by %s drop to not met", (attribute, rule) => {
    const before = evaluateReadiness(ref.stacks, set);
    const mutated = without(ref.stacks, "koha", "docker_container", "koha", attribute);
    // The mutation fails that rule and no other.
    const a = ruleIdsWithOpenFindings(ref.stacks);
    const b = ruleIdsWithOpenFindings(mutated);
    const changedRules = [...new Set([...a.keys(), ...b.keys()])].filter((id) => a.get(id) !== b.get(id));
    expect(changedRules).toEqual([rule]);

    const after = evaluateReadiness(mutated, set);
    const was = items(before);
    const now = items(after);
    const changed = [...now.values()].filter((i) => i.status !== was.get(i.id)!.status).map((i) => i.id).sort();
    // Expected from the roadmaps themselves: the items naming the rule, judged on the koha stack, that were not already not met.
    const expected = after.roadmaps
      .filter((r) => r.stacks.includes("koha"))
      .flatMap((r) => r.phases.flatMap((p) => p.items))
      .filter((i) => i.rules.some((o) => o.id === rule) && was.get(i.id)!.status !== "not-met")
      .map((i) => i.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(changed).toEqual(expected);
    for (const id of changed) {
      expect(now.get(id)!.status).toBe("not-met");
      expect(now.get(id)!.reasons.some((r) => r.startsWith(`${rule} koha/docker_container.koha: `) && /Fix: /.test(r))).toBe(true);
    }
    // Scores fall exactly in the phases holding an item that was met (an unknown item counted as not met already).
    const phasesBefore = phaseScores(before);
    for (const [key, score] of phaseScores(after)) {
      const [roadmap, phase] = key.split("/");
      const lost = changed.some((id) => was.get(id)!.status === "met" && after.roadmaps.find((r) => r.roadmap === roadmap)!.phases.find((p) => p.id === phase)!.items.some((i) => i.id === id));
      if (lost) {
        expect(score!).toBeLessThan(phasesBefore.get(key)!);
      } else expect(score).toBe(phasesBefore.get(key));
    }
  });

  test("koha.3.1 and fineract.8.3.52 depend on read_only", () => {
    const before = evaluateReadiness(ref.stacks, set);
    const report = evaluateReadiness(without(ref.stacks, "koha", "docker_container", "koha", "read_only"), set);
    const after = items(report);
    expect(items(before).get("fineract.8.3.52")!.status).toBe("met");
    expect(after.get("koha.3.1")!.status).toBe("not-met");
    expect(after.get("fineract.8.3.52")!.status).toBe("not-met");
    expect(phaseScores(report).get("fineract/8")!).toBeLessThan(phaseScores(before).get("fineract/8")!);
    expect(after.get("koha.3.4")!.status).toBe("met");
  });
});

describe("statuses", () => {
  test("drills are unknown without results, met or not met with them", () => {
    const none = items(evaluateReadiness(ref.stacks, set));
    expect(none.get("koha.5.4")!.status).toBe("unknown");
    expect(none.get("koha.5.4")!.reasons.join(" ")).toMatch(/no result recorded/);
    const passed = items(evaluateReadiness(ref.stacks, set, { drills: new Map([["restore-drill", { status: "passed" }]]) }));
    expect(passed.get("koha.5.4")!.status).toBe("met");
    const failed = items(evaluateReadiness(ref.stacks, set, { drills: new Map([["restore-drill", { status: "failed" }]]) }));
    expect(failed.get("koha.5.4")!.status).toBe("not-met");
  });

  test("manual items are pending until the configuration records them; recorded statuses count", () => {
    const pending = items(evaluateReadiness(ref.stacks, set));
    expect(pending.get("koha.0.5.host")!.status).toBe("manual");
    const manual = checkManualStatuses({ "koha.0.5.host": { status: "met", owner: "platform-team", evidence: "wiki" }, "koha.6.3": { status: "not-applicable", owner: "legal" } }, set, "test");
    const report = evaluateReadiness(ref.stacks, set, { manual });
    const signed = items(report);
    expect(signed.get("koha.0.5.host")!.status).toBe("met");
    expect(signed.get("koha.0.5.host")!.manual).toEqual({ owner: "platform-team", recorded: { status: "met", owner: "platform-team", evidence: "wiki" } });
    expect(signed.get("koha.6.3")!.status).toBe("not-applicable");
    const phase0 = report.roadmaps.find((r) => r.roadmap === "koha")!.phases.find((p) => p.id === "0")!;
    expect(phase0.score).toBe(Math.round((100 * phase0.counts.met) / (phase0.counts.total - phase0.counts.notApplicable)));
  });

  test("manual statuses for unknown or automated items are refused, naming them", () => {
    expect(() => checkManualStatuses({ "koha.9.9": { status: "met", owner: "x", evidence: "y" } }, set, "cfg.yaml")).toThrow(/cfg\.yaml: readiness\.manual\.koha\.9\.9: no roadmap has an item koha\.9\.9/);
    expect(() => checkManualStatuses({ "koha.3.1": { status: "met", owner: "x", evidence: "y" } }, set, "cfg.yaml")).toThrow(/koha\.3\.1 is evidenced by the stacks/);
  });

  test("appliesTo: Kafka TLS is not applicable without Kafka; PostgreSQL items judge only the database's findings", () => {
    const r = items(evaluateReadiness(ref.stacks, set));
    expect(r.get("fineract.5.1.1")!.status).toBe("not-applicable");
    expect(r.get("fineract.5.1.3")!.status).toBe("not-met");
    // BACKUP-001 has a finding on koha's Elasticsearch; it does not fail the PostgreSQL backup item.
    expect(r.get("koha.5.2")!.reasons.join("\n")).toMatch(/BACKUP-001 koha\/docker_container\.elasticsearch/);
    expect(r.get("fineract.7.1.25")!.status).toBe("met");
  });

  test("a roadmap judges only the stacks it names when they are in the input", () => {
    const report = evaluateReadiness(ref.stacks, set);
    expect(report.roadmaps.find((r) => r.roadmap === "single-server")!.stacks).toEqual(["single-server"]);
    expect(report.roadmaps.find((r) => r.roadmap === "koha")!.stacks).toEqual(["koha", "governance"]);
    expect(report.roadmaps.find((r) => r.roadmap === "aunsorm")!.stacks).toEqual(ref.stacks.map((s) => s.stack));
  });

  test("every open item says why, and each reason ends with a fix", () => {
    for (const { item } of openItems(evaluateReadiness(ref.stacks, set))) {
      expect(item.reasons.length).toBeGreaterThan(0);
      for (const reason of item.reasons) expect(reason).toMatch(/Fix: \S/);
    }
  });
});

describe("bulwark readiness (CLI)", () => {
  function run(args: string[]) {
    let out = "";
    let err = "";
    const code = cli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: ref.dir });
    return { code, out, err };
  }

  test("text: per roadmap and phase, scores and counts", () => {
    const r = run(["readiness", "."]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const report = evaluateReadiness(ref.stacks, set);
    for (const m of report.roadmaps) {
      expect(r.out).toContain(`${m.roadmap}: ${m.score}%`);
      for (const p of m.phases) expect(r.out).toMatch(new RegExp(`phase ${p.id}\\s+${p.score === null ? "n/a" : `${p.score}%`}  ${p.counts.met} met, ${p.counts.notMet} not met`));
    }
    // No log collector is built (koha.4.1); koha.2.3 is met since the build repository writes bulwark-publish.yml.
    expect(r.out).toMatch(/NOT MET  koha\.4\.1 /);
    expect(r.out).not.toMatch(/NOT MET  koha\.2\.3 /);
  });

  test("json equals the evaluation and carries the topology; markdown and html are produced", () => {
    const json = JSON.parse(run(["readiness", ".", "--format", "json"]).out);
    const report = evaluateReadiness(ref.stacks, set);
    expect(json.roadmaps.map((r: { roadmap: string; score: number }) => [r.roadmap, r.score])).toEqual(report.roadmaps.map((r) => [r.roadmap, r.score]));
    expect(json.topology.find((t: { stack: string }) => t.stack === "koha").published.map((p: { hostname: string; access: boolean }) => [p.hostname, p.access])).toEqual([["opac.example.org", false], ["staff.example.org", true], ["grafana.example.org", true]]);
    const md = run(["readiness", ".", "--format", "markdown"]).out;
    expect(md).toMatch(/^## bulwark readiness\n/);
    expect(md).toContain("| koha |");
    expect(run(["readiness", ".", "--format", "html"]).out).toMatch(/^<!DOCTYPE html>/);
  });

  test("--config reads readiness.manual; --drills reads results; --roadmap and --min-score", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-readiness-cli-"));
    writeFileSync(join(dir, "cfg.yaml"), "owner: x\nreadiness:\n  manual:\n    koha.0.5.host: { status: met, owner: platform-team, evidence: wiki }\n");
    writeFileSync(join(dir, "drills.json"), JSON.stringify({ drills: { "restore-drill": { status: "passed", at: "2026-12-02T08:00:00Z" } } }));
    const json = JSON.parse(run(["readiness", ".", "-f", "json", "--config", join(dir, "cfg.yaml"), "--drills", join(dir, "drills.json"), "--roadmap", "koha"]).out);
    expect(json.roadmaps.map((r: { roadmap: string }) => r.roadmap)).toEqual(["koha"]);
    const all = json.roadmaps[0].phases.flatMap((p: { items: ItemResult[] }) => p.items);
    expect(all.find((i: ItemResult) => i.id === "koha.0.5.host").status).toBe("met");
    expect(all.find((i: ItemResult) => i.id === "koha.5.4").status).toBe("met");
    expect(run(["readiness", ".", "--roadmap", "koha", "--min-score", "100"]).code).toBe(1);
    expect(run(["readiness", ".", "--roadmap", "koha", "--min-score", "0"]).code).toBe(0);
    const out = join(dir, "sub", "report.md");
    expect(run(["readiness", ".", "-f", "markdown", "-o", out]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^## bulwark readiness/);
  });

  test.each([
    [["readiness", ".", "--roadmap", "nope"], /^bulwark: unknown roadmap\(s\) nope: the roadmaps are aunsorm, fineract, koha, single-server\n$/],
    [["readiness", ".", "--drills", "missing.json"], /^bulwark: missing\.json: cannot read the drill results \(no such file\)\n$/],
    [["readiness", ".", "--min-score", "200"], /^bulwark: option '--min-score <percent>' argument '200' is invalid\. must be a percentage from 0 to 100\n$/],
    [["readiness", "nowhere"], /^bulwark: nowhere: no such file or directory\n$/],
  ])("bad input %p is one line, exit 2", (...[args, message]) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message as RegExp);
  });

  test("bad drill results and readiness sections name the file and the path", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-readiness-bad-"));
    writeFileSync(join(dir, "d.json"), JSON.stringify({ drills: { e2e: { status: "green" } } }));
    expect(run(["readiness", ".", "--drills", join(dir, "d.json")]).err).toMatch(/d\.json: drills\.e2e\.status: Invalid option/);
    writeFileSync(join(dir, "c.yaml"), "readiness:\n  manual:\n    koha.0.3: { status: met, owner: security-team }\n");
    expect(run(["readiness", ".", "--config", join(dir, "c.yaml")]).err).toMatch(/c\.yaml: manual\.koha\.0\.3\.evidence: a manual item recorded as met needs evidence/);
  });
});

describe("synth summary", () => {
  test("one line per roadmap with each phase's score, equal to the evaluation", () => {
    const lines = readinessSummary(ref.dir);
    const report = evaluateReadiness(ref.stacks, set);
    expect(lines).toHaveLength(report.roadmaps.length);
    report.roadmaps.forEach((r, i) => {
      expect(lines[i]).toMatch(new RegExp(`^readiness ${r.roadmap}\\s+${r.score}%: `));
      for (const p of r.phases) expect(lines[i]).toContain(`${p.id} ${p.score === null ? "n/a" : `${p.score}%`}`);
    });
  });

  test("a problem is one line, never a throw", () => {
    expect(readinessSummary(join(ref.dir, "nowhere"))).toEqual([expect.stringMatching(/^readiness: not computed \(.*no such file or directory\)$/)]);
  });
});
