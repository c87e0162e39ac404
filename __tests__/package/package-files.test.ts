/**
 * knowledge/package-files.ts: the package's own files are found from its package.json wherever
 * the code runs, and code bundled away from the package still loads (paths fall back to the
 * sources' layout, the version to UNKNOWN_VERSION) instead of throwing when a module loads.
 */
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { buildSync } from "esbuild";
import { PACKAGE_NAME, UNKNOWN_VERSION, packageInfo, packagePath, packageRoot } from "../../knowledge/package-files";

const ROOT = resolve(__dirname, "../..");

test("from the sources: the repository's root, its files and its version", () => {
  expect(packageRoot()).toBe(ROOT);
  expect(packagePath("docs", "roadmaps")).toBe(join(ROOT, "docs", "roadmaps"));
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  expect(pkg.name).toBe(PACKAGE_NAME);
  expect(packageInfo().version).toBe(pkg.version);
});

describe("bundled, as the CLI and the bench build it", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Bundle a probe of package-files.ts into `dir`, run it, return what it printed. */
  function probe(dir: string): { root: string | null; roadmaps: string; version: string } {
    dirs.push(dir);
    const entry = join(dir, "probe.ts");
    writeFileSync(
      entry,
      `import { packageInfo, packagePath, packageRoot } from ${JSON.stringify(join(ROOT, "knowledge", "package-files"))};\n` +
        `process.stdout.write(JSON.stringify({ root: packageRoot(), roadmaps: packagePath("docs", "roadmaps"), version: packageInfo().version }));\n`,
    );
    buildSync({ entryPoints: [entry], outfile: join(dir, "probe.js"), bundle: true, platform: "node", format: "cjs", logLevel: "error" });
    const r = spawnSync(process.execPath, [join(dir, "probe.js")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout);
  }

  test("inside the package (any depth below its package.json): the package's root", () => {
    mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
    const out = probe(mkdtempSync(join(ROOT, "node_modules", ".cache", "bulwark-probe-")));
    expect(out).toEqual({ root: ROOT, roadmaps: join(ROOT, "docs", "roadmaps"), version: packageInfo().version });
  });

  test("away from the package: no root, the sources' layout assumed, the version unknown, and no throw at load", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-probe-"));
    const out = probe(dir);
    expect(out.root).toBeNull();
    expect(out.roadmaps).toBe(join(dir, "..", "docs", "roadmaps"));
    expect(out.version).toBe(UNKNOWN_VERSION);
  });
});
