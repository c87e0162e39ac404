/**
 * What `bulwark readiness` learns besides the stacks: which drills passed (a results file) and
 * which manual items the deployment signed off (`readiness.manual` of its configuration).
 *
 * Drill results: a JSON file (`--drills <file>`) that CI writes after a drill ran, e.g.
 *   { "drills": { "restore-drill": { "status": "passed", "at": "2026-12-02T08:00:00Z", "details": "ci run 812" } } }
 * A drill the file does not list, or no file at all, is "unknown": never assumed to have passed.
 *
 * Manual statuses: `--config <file>`, a deployment configuration (YAML or JSON) whose `readiness`
 * section is read and validated here with the schema config/schema.ts embeds. Only that section is
 * read: the policy engine may not import config/load.ts (it pulls in the stack catalog and so the
 * constructs, which the layer rule forbids: __tests__/architecture.test.ts), so the rest of the
 * file is validated by `npm run synth`, not here.
 */
import * as fs from "node:fs";
import { z } from "zod";
import { parseYamlFile, ReadinessError, validate, type RoadmapSet } from "./roadmaps";
import { ReadinessConfigSchema, type ManualEntry } from "./schema";

export const DRILL_STATUSES = ["passed", "failed"] as const;
export type DrillRunStatus = (typeof DRILL_STATUSES)[number];

export const DrillResultsSchema = z.strictObject({
  drills: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a drill id of docs/roadmaps/drills.yaml"),
    z.strictObject({
      status: z.enum(DRILL_STATUSES),
      /** When it ran (ISO 8601). */
      at: z.iso.datetime({ offset: true }).optional(),
      details: z.string().optional(),
    }),
  ),
});

export type DrillResults = ReadonlyMap<string, { readonly status: DrillRunStatus; readonly at?: string; readonly details?: string }>;
export type ManualStatuses = ReadonlyMap<string, ManualEntry>;

function read(abs: string, file: string, what: string): string {
  try {
    return fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadinessError(`${file}: cannot read the ${what} (${code === "ENOENT" ? "no such file" : code ?? (e as Error).message})`);
  }
}

/** Read a drill results file (`file` is how messages name it); every drill it names must be in the catalog. */
export function readDrillResults(abs: string, set: RoadmapSet, file: string = abs): DrillResults {
  const text = read(abs, file, "drill results");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReadinessError(`${file}: the drill results are not JSON (${(e as Error).message}). Fix: write { "drills": { "<id>": { "status": "passed" } } }`);
  }
  const results = validate(DrillResultsSchema, raw, file, "drill results");
  const unknown = Object.keys(results.drills).filter((id) => !set.drills.has(id));
  if (unknown.length > 0) throw new ReadinessError(`${file}: unknown drill(s) ${unknown.join(", ")}; the catalog (docs/roadmaps/drills.yaml) has ${[...set.drills.keys()].join(", ")}`);
  return new Map(Object.entries(results.drills));
}

/** Check manual statuses against the roadmaps: each id must be a manual item. */
export function checkManualStatuses(manual: Readonly<Record<string, ManualEntry>>, set: RoadmapSet, source: string): ManualStatuses {
  const problems: string[] = [];
  for (const id of Object.keys(manual)) {
    const found = set.items.get(id);
    if (!found) problems.push(`readiness.manual.${id}: no roadmap has an item ${id}`);
    else if (!found.item.evidence.manual) problems.push(`readiness.manual.${id}: ${id} is evidenced by the stacks (rules, constructs or drills), not signed off by hand: remove it here`);
  }
  if (problems.length > 0) throw new ReadinessError(`invalid readiness configuration (${source}):\n${problems.map((p) => `  - ${source}: ${p}`).join("\n")}`);
  return new Map(Object.entries(manual));
}

/** Read the `readiness` section of a deployment configuration file (absent section: nothing signed off). */
export function readManualStatuses(abs: string, set: RoadmapSet, file: string = abs): ManualStatuses {
  const raw = parseYamlFile(read(abs, file, "configuration"), file);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ReadinessError(`${file}: the configuration must be a mapping (YAML object)`);
  const section = (raw as Record<string, unknown>).readiness;
  if (section === undefined || section === null) return new Map();
  const parsed = validate(ReadinessConfigSchema, section, file, "readiness section");
  return checkManualStatuses(parsed.manual, set, file);
}
