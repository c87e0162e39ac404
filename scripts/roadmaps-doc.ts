/**
 * docs/roadmaps/<roadmap>.md, generated from docs/roadmaps/<roadmap>.yaml (validated with zod by
 * policy/readiness/roadmaps.ts): `npm run docs:roadmaps` writes them. A test
 * (__tests__/readiness/roadmaps.test.ts) fails when a file in the repository differs from what
 * this script would write.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ruleMeta } from "../policy/catalog";
import { selectorText } from "../policy/readiness/evaluate";
import { ROADMAP_DIR, ReadinessError, loadRoadmaps, type LoadedRoadmap, type RoadmapSet } from "../policy/readiness/roadmaps";
import type { Item } from "../policy/readiness/schema";
import { ruleAnchor } from "./rules-doc";

export const ROADMAPS_DOC_COMMAND = "npm run docs:roadmaps";

export function roadmapDocPath(roadmap: string, dir: string = ROADMAP_DIR): string {
  return join(dir, `${roadmap}.md`);
}

function evidence(item: Item, set: RoadmapSet): string[] {
  const e = item.evidence;
  const out: string[] = [];
  if (e.manual) out.push(`  - Manual: signed off by **${e.manual.owner}** (\`readiness.manual.${item.id}\` in the deployment configuration)`);
  if (e.appliesTo) out.push(`  - Applies when the stack has: ${e.appliesTo.map((s) => `\`${selectorText(s)}\``).join(" or ")}`);
  for (const r of e.rules ?? []) out.push(`  - Rule [${r}](../rules.md#${ruleAnchor(r)}): ${ruleMeta(r).title}`);
  for (const c of e.constructs ?? []) out.push(`  - Construct: ${c.description} (\`${selectorText(c)}\`${(c.min ?? 1) > 1 ? `, at least ${c.min}` : ""})`);
  for (const d of e.drills ?? []) {
    const drill = set.drills.get(d)!;
    out.push(`  - Drill \`${d}\`: ${drill.description} (\`${drill.file}\`, run with \`${drill.run}\`)`);
  }
  if (e.fix) out.push(`  - Fix: ${e.fix}`);
  return out;
}

/** The markdown of one roadmap. */
export function renderRoadmapDoc(roadmap: LoadedRoadmap, set: RoadmapSet): string {
  const out = [
    `<!-- Generated from ${roadmap.roadmap}.yaml by \`${ROADMAPS_DOC_COMMAND}\`; do not edit. -->`,
    `# ${roadmap.title}`,
    "",
    roadmap.summary,
    "",
    `- **Source:** ${roadmap.source}`,
    `- **Stacks:** ${roadmap.stacks ? roadmap.stacks.map((s) => `\`${s}\``).join(", ") : "every stack of the input"}`,
    `- **Cite an item as** \`[roadmap <id>]\`, e.g. \`[roadmap ${roadmap.phases[0].items[0].id}]\`.`,
    "- **Scored by** `bulwark readiness cdktf.out` (see the README): met, not met, unknown (a drill without a recorded result), manual (pending a sign-off) or not applicable.",
    "",
  ];
  for (const phase of roadmap.phases) {
    out.push(`## Phase ${phase.id}: ${phase.title}`, "");
    if (phase.done) out.push(`**Done when:** ${phase.done}`, "");
    for (const item of phase.items) {
      out.push(`<a id="${item.id}"></a>`, `- **${item.id}**: ${item.text}`, ...evidence(item, set));
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

if (require.main === module) {
  try {
    const set = loadRoadmaps();
    for (const r of set.roadmaps) {
      writeFileSync(roadmapDocPath(r.roadmap), renderRoadmapDoc(r, set));
      process.stdout.write(`wrote docs/roadmaps/${r.roadmap}.md\n`);
    }
  } catch (e) {
    process.stderr.write(`roadmaps-doc: ${e instanceof ReadinessError ? e.message : (e as Error).message}\n`);
    process.exitCode = 2;
  }
}
