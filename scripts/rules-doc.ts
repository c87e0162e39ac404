/**
 * docs/rules.md, generated from the rule declarations (policy/rules/<domain>/*.ts) and the packs
 * (policy/packs.ts): `node --require tsx/cjs scripts/rules-doc.ts` writes it. A test fails when
 * the file in the repository differs from what this script would write.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOG } from "../policy/catalog";
import { PACKS } from "../policy/packs";
import type { RuleMeta, RuleReference } from "../policy/types";

export const RULES_DOC_PATH = join(__dirname, "..", "docs", "rules.md");
export const RULES_DOC_COMMAND = "node --require tsx/cjs scripts/rules-doc.ts";

/** The anchor of a rule in docs/rules.md (`docs/rules.md#docker-001`). */
export function ruleAnchor(id: string): string {
  return id.toLowerCase();
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function reference(r: RuleReference): string {
  return r.url ? `[${r.title}](${r.url})` : r.title;
}

function ruleSection(m: RuleMeta): string[] {
  return [
    `<a id="${ruleAnchor(m.id)}"></a>`,
    `### ${m.id}: ${m.title}`,
    "",
    `- **Severity:** ${m.severity}`,
    `- **Pack:** [${m.pack}](#${m.pack})`,
    `- **Checks:** ${m.description}`,
    `- **Fix:** ${m.fix}`,
    `- **References:** ${m.references.map(reference).join("; ")}`,
    "",
  ];
}

/** The whole document, ending with one newline. */
export function renderRulesDoc(): string {
  const lines: string[] = [
    "# Policy rules",
    "",
    "<!-- Generated from the rule declarations in policy/rules/ and the packs in policy/packs.ts. Do not edit by hand: -->",
    `<!-- run \`${RULES_DOC_COMMAND}\` (npm run docs:rules). -->`,
    "",
    `${CATALOG.length} rules in ${PACKS.length} packs. \`bulwark check <path> --pack <pack>[,<pack>]\` runs only the rules of those packs; ` +
      "`bulwark rules --pack <pack>` lists them. A finding is suppressed with a reason, per resource or per address (see the README).",
    "",
    "| Pack | Rules | What it covers |",
    "| --- | --- | --- |",
    ...PACKS.map((p) => `| [${p.id}](#${p.id}) | ${p.rules.length} | ${cell(p.description)} |`),
    "",
  ];
  for (const p of PACKS) {
    lines.push(`<a id="${p.id}"></a>`, `## Pack ${p.id}: ${p.title}`, "", p.description, "");
    lines.push("| Rule | Severity | Title |", "| --- | --- | --- |");
    for (const m of p.rules) lines.push(`| [${m.id}](#${ruleAnchor(m.id)}) | ${m.severity} | ${cell(m.title)} |`);
    lines.push("");
    for (const m of p.rules) lines.push(...ruleSection(m));
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

if (require.main === module) {
  writeFileSync(RULES_DOC_PATH, renderRulesDoc());
  process.stdout.write(`wrote ${RULES_DOC_PATH} (${CATALOG.length} rules)\n`);
}
