/**
 * Layers, bottom up, with no cycles (DESIGN.md): knowledge (leaf) → service model → renderers and
 * edge/governance constructs → stacks → app. The policy engine imports the knowledge leaf and never
 * a construct; constructs never import the engine.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative, resolve } from "path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(ROOT, dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(relative(ROOT, p)));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(relative(ROOT, p));
  }
  return out;
}

/** Project-relative files a source imports (relative imports only; packages are not layers). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((f) => f.startsWith("."))
    .map((f) => relative(ROOT, resolve(ROOT, dirname(file), f)));
}

const layerOf = (file: string): string => file.split("/")[0];

const FILES = ["knowledge", "constructs", "policy"].flatMap(sources);

describe("import layers", () => {
  test.each([
    ["knowledge", ["knowledge"]],
    ["constructs", ["knowledge", "constructs"]],
    ["policy", ["knowledge", "policy", "package.json"]],
  ])("%s imports only from %p", (layer, allowed) => {
    const bad: string[] = [];
    for (const f of FILES.filter((x) => layerOf(x) === layer)) {
      for (const target of importsOf(f)) {
        if (!(allowed as string[]).some((a) => target === a || target.startsWith(`${a}/`))) bad.push(`${f} -> ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("no import cycle among constructs, policy and knowledge modules", () => {
    const graph = new Map<string, string[]>();
    const norm = (p: string) => p.replace(/\.ts$/, "").replace(/\/index$/, "");
    for (const f of FILES) graph.set(norm(f), importsOf(f).map(norm));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, "open");
      stack.push(n);
      for (const m of graph.get(n) ?? []) {
        if (!graph.has(m)) continue;
        if (state.get(m) === "open") cycles.push([...stack.slice(stack.indexOf(m)), m].join(" -> "));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, "done");
    };
    for (const n of graph.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});
