/**
 * docs/runbooks/<alert>.md and docs/runbooks/README.md, generated from
 * constructs/monitoring/runbooks.ts: `node --require tsx/cjs scripts/runbooks.ts` writes them. A
 * test fails when the files in the repository differ from what this script would write.
 */
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_ALERT_NAMES, renderRunbook, renderRunbookIndex } from "../constructs/monitoring/runbooks";

export const RUNBOOKS_DIR = join(__dirname, "..", "docs", "runbooks");
export const RUNBOOKS_COMMAND = "node --require tsx/cjs scripts/runbooks.ts";

/** Every generated page: file name → content. */
export function renderRunbookPages(): Map<string, string> {
  const pages = new Map<string, string>([["README.md", renderRunbookIndex()]]);
  for (const a of ALL_ALERT_NAMES) pages.set(`${a}.md`, renderRunbook(a));
  return pages;
}

if (require.main === module) {
  mkdirSync(RUNBOOKS_DIR, { recursive: true });
  const pages = renderRunbookPages();
  for (const f of readdirSync(RUNBOOKS_DIR)) if (f.endsWith(".md") && !pages.has(f)) unlinkSync(join(RUNBOOKS_DIR, f));
  for (const [f, content] of pages) writeFileSync(join(RUNBOOKS_DIR, f), content);
  process.stdout.write(`wrote ${pages.size} pages to ${RUNBOOKS_DIR}\n`);
}
