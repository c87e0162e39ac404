/**
 * docs/rules.md is generated from the rule declarations: it must not drift from them.
 */
import * as fs from "node:fs";
import { CATALOG } from "../../policy/catalog";
import { PACKS } from "../../policy/packs";
import { RULES_DOC_COMMAND, RULES_DOC_PATH, renderRulesDoc, ruleAnchor } from "../../scripts/rules-doc";

describe("docs/rules.md", () => {
  const expected = renderRulesDoc();

  test("is what the declarations generate", () => {
    const actual = fs.existsSync(RULES_DOC_PATH) ? fs.readFileSync(RULES_DOC_PATH, "utf8") : "(missing)";
    if (actual !== expected) {
      throw new Error(`docs/rules.md is out of date with the rule declarations in policy/rules/. Regenerate it: ${RULES_DOC_COMMAND} (npm run docs:rules)`);
    }
  });

  test("renders every pack and every rule with its severity, checks, fix and references", () => {
    for (const p of PACKS) expect(expected).toContain(`## Pack ${p.id}: ${p.title}`);
    for (const m of CATALOG) {
      const at = expected.indexOf(`<a id="${ruleAnchor(m.id)}"></a>\n### ${m.id}: ${m.title}\n`);
      expect(at).toBeGreaterThan(0);
      const section = expected.slice(at, expected.indexOf("\n\n", expected.indexOf("- **Severity:**", at)));
      expect(section).toContain(`- **Severity:** ${m.severity}`);
      expect(section).toContain(`- **Pack:** [${m.pack}]`);
      expect(section).toContain(`- **Checks:** ${m.description}`);
      expect(section).toContain(`- **Fix:** ${m.fix}`);
      for (const r of m.references) expect(section).toContain(r.url ? `[${r.title}](${r.url})` : r.title);
    }
  });
});
