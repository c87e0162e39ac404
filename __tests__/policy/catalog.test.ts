/**
 * The catalog is derived from the rule declarations; its references are public documents a user
 * can open, never the internal roadmap files no user has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG, RULE_IDS, isKnownRuleId, ruleMeta } from "../../policy/catalog";
import { ALL_RULES } from "../../policy/rules";
import { ruleMetaOf } from "../../policy/rule";

const POLICY = path.join(__dirname, "..", "..", "policy");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

describe("catalog", () => {
  test("is the rules' declarations, in rule order, ids unique", () => {
    expect(CATALOG).toEqual(ALL_RULES.map((r) => r.meta));
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    expect(RULE_IDS).toHaveLength(95);
    expect(isKnownRuleId("DOCKER-029")).toBe(true);
    expect(isKnownRuleId("DOCKER-999")).toBe(false);
    expect(ruleMeta("CF-011").pack).toBe("cloudflare-edge");
    expect(() => ruleMeta("NOPE-001")).toThrow(/unknown policy rule id/);
  });

  test("every rule has a title, what it checks, a fix and at least one reference with a public address", () => {
    for (const m of CATALOG) {
      expect([m.id, m.title.length > 0, m.description.length > 0, m.fix.length > 0, m.references.length > 0]).toEqual([m.id, true, true, true, true]);
      for (const r of m.references) expect([m.id, r.url === undefined || /^https:\/\//.test(r.url)]).toEqual([m.id, true]);
      expect(m.anchor).toBe(m.references.map((r) => r.title).join("; "));
    }
  });

  test("no declaration cites a seed roadmap", () => {
    for (const m of CATALOG) {
      const text = [m.title, m.description, m.fix, m.anchor, ...m.references.flatMap((r) => [r.title, r.url ?? ""])].join("\n");
      expect([m.id, /seed /i.test(text)]).toEqual([m.id, false]);
    }
  });

  test("no source file of policy/ cites a seed roadmap (messages, comments, anchors)", () => {
    const files = sources(POLICY);
    expect(files.length).toBeGreaterThan(60);
    const offenders = files.filter((f) => /seed /i.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(POLICY, f));
    expect(offenders).toEqual([]);
  });

  test("a declaration is validated where it is made", () => {
    const ok = { id: "DOCKER-900", severity: "error", pack: "docker-runtime", title: "t", description: "d", fix: "f", references: [{ title: "r" }] } as const;
    expect(ruleMetaOf(ok).domain).toBe("DOCKER");
    expect(() => ruleMetaOf({ ...ok, id: "docker-1" })).toThrow(/<DOMAIN>-<nnn>/);
    expect(() => ruleMetaOf({ ...ok, pack: "nope" as never })).toThrow(/unknown pack/);
    expect(() => ruleMetaOf({ ...ok, references: [] })).toThrow(/at least one reference/);
    expect(() => ruleMetaOf({ ...ok, fix: " " })).toThrow(/fix must be/);
  });
});
