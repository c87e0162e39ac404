/**
 * Reads the roadmaps (`docs/roadmaps/<roadmap>.yaml`) and the drill catalog
 * (`docs/roadmaps/drills.yaml`), validating each with zod (policy/readiness/schema.ts). Every
 * problem is one ReadinessError naming the file, the path inside it and the fix; never a trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { packagePath } from "../../knowledge/package-files";
import { isKnownRuleId } from "../catalog";
import { DrillCatalogSchema, RoadmapSchema, type Drill, type Item, type Phase, type Roadmap } from "./schema";

/** A problem with a roadmap, the drill catalog, a results file or the readiness configuration. */
export class ReadinessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReadinessError";
  }
}

/**
 * Where the roadmaps live: `docs/roadmaps/` of this package (shipped with it, package.json `files`),
 * found from the sources, the CLI bundle and the compiled library alike (knowledge/package-files.ts).
 */
export const ROADMAP_DIR = packagePath("docs", "roadmaps");
/** The drill catalog's file name inside ROADMAP_DIR; every other `*.yaml` there is a roadmap. */
export const DRILL_CATALOG_FILE = "drills.yaml";

export interface LoadedRoadmap extends Roadmap {
  /** File the roadmap was read from, relative to the roadmap directory's parent's parent (`docs/roadmaps/koha.yaml`). */
  readonly file: string;
}

export interface RoadmapSet {
  readonly roadmaps: readonly LoadedRoadmap[];
  readonly drills: ReadonlyMap<string, Drill>;
  /** Every item by id, with its roadmap and phase. */
  readonly items: ReadonlyMap<string, { readonly roadmap: LoadedRoadmap; readonly phase: Phase; readonly item: Item }>;
}

/** `phases[3].items[2].evidence.rules[0]` for a zod issue path. */
export function issuePath(p: readonly PropertyKey[]): string {
  let out = "";
  for (const k of p) out += typeof k === "number" ? `[${k}]` : `${out === "" ? "" : "."}${String(k)}`;
  return out === "" ? "(top level)" : out;
}

/** Parse YAML text, naming the file and the line of a syntax error. */
export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      throw new ReadinessError(`${file}${at ? `:${at.line}:${at.col}` : ""}: invalid YAML: ${e.message.split("\n")[0]}`);
    }
    throw e;
  }
}

/** Validate with a zod schema; every issue becomes one line `file: path: message`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - ${file}: ${issuePath(i.path)}: ${i.message}`);
  throw new ReadinessError(`invalid ${what} (${file}):\n${lines.join("\n")}`);
}

function readText(abs: string, shown: string): string {
  try {
    return fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadinessError(`${shown}: cannot read (${code === "ENOENT" ? "no such file" : code ?? (e as Error).message})`);
  }
}

/** Read one roadmap file and validate it (schema, then id rules that zod cannot see). */
export function loadRoadmapFile(abs: string, shown = abs): LoadedRoadmap {
  const roadmap = validate(RoadmapSchema, parseYamlFile(readText(abs, shown), shown), shown, "roadmap");
  const problems: string[] = [];
  const base = path.basename(abs).replace(/\.ya?ml$/, "");
  if (roadmap.roadmap !== base) problems.push(`roadmap: "${roadmap.roadmap}" must equal the file name "${base}"`);
  const phaseIds = new Set<string>();
  roadmap.phases.forEach((phase, pi) => {
    if (phaseIds.has(phase.id)) problems.push(`phases[${pi}].id: phase "${phase.id}" appears twice: merge the two phases`);
    phaseIds.add(phase.id);
    phase.items.forEach((item, ii) => {
      const at = `phases[${pi}].items[${ii}]`;
      if (!item.id.startsWith(`${roadmap.roadmap}.`)) problems.push(`${at}.id: "${item.id}" must start with "${roadmap.roadmap}."`);
      (item.evidence.rules ?? []).forEach((r, ri) => {
        if (!isKnownRuleId(r)) problems.push(`${at}.evidence.rules[${ri}]: "${r}" is not a rule of the catalog (bulwark rules lists them)`);
      });
    });
  });
  if (problems.length > 0) throw new ReadinessError(`invalid roadmap (${shown}):\n${problems.map((p) => `  - ${shown}: ${p}`).join("\n")}`);
  return { ...roadmap, file: shown };
}

/** Read the drill catalog. */
export function loadDrillCatalog(abs: string, shown = abs): Map<string, Drill> {
  const catalog = validate(DrillCatalogSchema, parseYamlFile(readText(abs, shown), shown), shown, "drill catalog");
  const out = new Map<string, Drill>();
  catalog.drills.forEach((d, i) => {
    if (out.has(d.id)) throw new ReadinessError(`invalid drill catalog (${shown}): drills[${i}].id: "${d.id}" appears twice`);
    out.set(d.id, d);
  });
  return out;
}

/**
 * Every roadmap of a directory (sorted by file name) and the drill catalog, cross-checked: item
 * ids unique across roadmaps, every drill an item names is in the catalog.
 */
export function loadRoadmaps(dir: string = ROADMAP_DIR): RoadmapSet {
  const shownDir = path.relative(process.cwd(), dir) || ".";
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    throw new ReadinessError(`${shownDir}: no roadmap directory`);
  }
  const shown = (n: string) => path.join(shownDir, n);
  if (!names.includes(DRILL_CATALOG_FILE)) throw new ReadinessError(`${shown(DRILL_CATALOG_FILE)}: the drill catalog is missing`);
  const drills = loadDrillCatalog(path.join(dir, DRILL_CATALOG_FILE), shown(DRILL_CATALOG_FILE));
  const roadmaps = names.filter((n) => n !== DRILL_CATALOG_FILE).map((n) => loadRoadmapFile(path.join(dir, n), shown(n)));
  return assemble(roadmaps, drills, shown(DRILL_CATALOG_FILE));
}

/** Cross-check roadmaps against each other and the drill catalog(s) they may name. */
function assemble(roadmaps: LoadedRoadmap[], drills: Map<string, Drill>, catalogs: string): RoadmapSet {
  const items = new Map<string, { roadmap: LoadedRoadmap; phase: Phase; item: Item }>();
  const problems: string[] = [];
  for (const roadmap of roadmaps) {
    for (const phase of roadmap.phases) {
      for (const item of phase.items) {
        const seen = items.get(item.id);
        if (seen) problems.push(`${roadmap.file}: item ${item.id} is also in ${seen.roadmap.file}: ids must be unique`);
        items.set(item.id, { roadmap, phase, item });
        for (const d of item.evidence.drills ?? []) {
          if (!drills.has(d)) problems.push(`${roadmap.file}: item ${item.id} names drill "${d}", which ${catalogs} does not declare`);
        }
      }
    }
  }
  if (problems.length > 0) throw new ReadinessError(`invalid roadmaps:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { roadmaps, drills, items };
}

const YAML_FILE = /\.ya?ml$/;

/**
 * Roadmaps of one's own (`bulwark readiness --roadmaps`), instead of the ones this package ships:
 * each path a roadmap file or a directory of them (`*.yaml`, sorted by name). A `drills.yaml`
 * among them declares drills of one's own, which join this package's catalog (docs/roadmaps/
 * drills.yaml: e2e, restore-drill, promtool); an id declared twice is an error. Paths are shown
 * as given, relative to `cwd`.
 */
export function loadRoadmapPaths(paths: readonly string[], cwd: string = process.cwd()): RoadmapSet {
  if (paths.length === 0) throw new ReadinessError("--roadmaps needs at least one roadmap file or directory");
  const roadmapFiles: Array<{ abs: string; shown: string }> = [];
  const catalogFiles: Array<{ abs: string; shown: string }> = [];
  const add = (abs: string, shown: string) => (path.basename(abs) === DRILL_CATALOG_FILE ? catalogFiles : roadmapFiles).push({ abs, shown });
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new ReadinessError(`${given}: no such roadmap file or directory`);
    }
    if (stat.isDirectory()) {
      const names = fs.readdirSync(abs).filter((n) => YAML_FILE.test(n)).sort();
      if (names.filter((n) => n !== DRILL_CATALOG_FILE).length === 0) throw new ReadinessError(`${given}: holds no roadmap (*.yaml files, one per roadmap, named after it)`);
      for (const n of names) add(path.join(abs, n), path.join(given, n));
    } else if (YAML_FILE.test(abs)) {
      add(abs, given);
    } else {
      throw new ReadinessError(`${given}: not a roadmap file (a roadmap is a .yaml file named after it, e.g. web-api.yaml)`);
    }
  }
  if (roadmapFiles.length === 0) throw new ReadinessError(`--roadmaps ${paths.join(",")}: names no roadmap, only a drill catalog`);
  const shownBuiltIn = path.relative(cwd, path.join(ROADMAP_DIR, DRILL_CATALOG_FILE));
  const drills = loadDrillCatalog(path.join(ROADMAP_DIR, DRILL_CATALOG_FILE), shownBuiltIn);
  const declaredIn = new Map<string, string>([...drills.keys()].map((id) => [id, `bulwark's own catalog (${DRILL_CATALOG_FILE})`]));
  for (const c of catalogFiles) {
    for (const [id, drill] of loadDrillCatalog(c.abs, c.shown)) {
      const other = declaredIn.get(id);
      if (other !== undefined) throw new ReadinessError(`${c.shown}: drill "${id}" is also declared in ${other}: give yours another id`);
      declaredIn.set(id, c.shown);
      drills.set(id, drill);
    }
  }
  const seen = new Set<string>();
  const byName = new Map<string, string>();
  const roadmaps: LoadedRoadmap[] = [];
  for (const f of roadmapFiles) {
    if (seen.has(f.abs)) continue; // a file given twice (itself and through its directory) counts once
    seen.add(f.abs);
    const roadmap = loadRoadmapFile(f.abs, f.shown);
    const other = byName.get(roadmap.roadmap);
    if (other !== undefined) throw new ReadinessError(`${f.shown}: roadmap "${roadmap.roadmap}" is also ${other}: give one of them another name`);
    byName.set(roadmap.roadmap, f.shown);
    roadmaps.push(roadmap);
  }
  const catalogs = [shownBuiltIn, ...catalogFiles.map((c) => c.shown)].join(" or ");
  return assemble(roadmaps, drills, catalogs);
}
