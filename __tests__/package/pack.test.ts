/**
 * The published package installs and runs: `npm pack`, install the tarball into an empty project,
 * run `npx bulwark check`, `rules` and `readiness` from there, through the CLI bundle that
 * `npm pack` builds (scripts/build-cli.js).
 *
 * Offline: a fresh `npm install <tarball>` must resolve bulwark's dependency ranges from registry
 * metadata, which `npm ci` never caches (it fetches tarballs straight from the lockfile). So the
 * empty project gets a lockfile made from this repository's own package-lock.json (its non-dev
 * entries: exactly the tree bulwark's dependencies resolve to) plus the tarball, and
 * `npm ci --offline` installs it from the tarballs `npm ci` left in the npm cache. Registry URLs, which the
 * repository's .npmrc omits from the lockfile, are filled in, so npm fetches each tarball by URL
 * and integrity from the cache and never needs registry metadata. Works here and in CI after
 * `npm ci`, with no registry access.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

interface PackEntry {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

let work = "";
let tarball = "";
let packed: PackEntry;
let project = "";

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", NO_COLOR: "1" },
    timeout: 120_000,
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error || r.status !== 0) throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function writeProject(dir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  const spec = `file:${path.relative(dir, tarball)}`;
  const integrity = `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
  const packages: Record<string, unknown> = {
    "": { name: "bulwark-consumer", version: "0.0.0", dependencies: { bulwark: spec } },
    "node_modules/bulwark": { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  const missing = Object.keys(pkg.dependencies).filter((name) => !lock.packages[`node_modules/${name}`]);
  if (missing.length > 0) throw new Error(`package-lock.json is out of date with package.json (no entry for ${missing.join(", ")}): run npm install`);
  for (const [key, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
    if (key === "" || entry.dev) continue;
    // The repository's .npmrc omits registry URLs from the lockfile; give them back, so npm fetches
    // each tarball by URL and integrity (both cached) instead of asking for registry metadata.
    const e = entry as { resolved?: string; version?: string; link?: boolean };
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    packages[key] = e.resolved || e.link || !e.version ? entry : { ...entry, resolved: `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-${e.version}.tgz` };
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bulwark-consumer", version: "0.0.0", private: true, dependencies: { bulwark: spec } }, null, 2));
  fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: "bulwark-consumer", version: "0.0.0", lockfileVersion: 3, requires: true, packages }, null, 2));
}

const privileged = {
  resource: { docker_container: { db: { name: "db", image: "mariadb:11.8.9", privileged: true } } },
};

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-pack-"));
  const out = ok(run("npm", ["pack", "--json", "--pack-destination", work], ROOT), "npm pack");
  packed = (JSON.parse(out.slice(out.indexOf("["))) as PackEntry[])[0];
  tarball = path.join(work, packed.filename);
  project = path.join(work, "consumer");
  fs.mkdirSync(project);
  writeProject(project);
  ok(run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], project), "npm ci --offline of the tarball");
  fs.writeFileSync(path.join(project, "privileged.tf.json"), JSON.stringify(privileged));
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  test("ships the sources the CLI needs and nothing of the tests, outputs or state", () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["bin/bulwark.js", "dist/cli/bulwark.js", "package.json", "policy/cli.ts", "policy/rules/state/index.ts"]));
    // The rules under policy/rules/state/ were once dropped by an unanchored `state/` in .gitignore.
    expect(files.filter((f) => /^policy\/rules\/state\/state-\d{3}[\w-]*\.ts$/.test(f))).not.toEqual([]);
    const forbidden = files.filter((f) => /(^|\/)(__tests__|__snapshots__|fixtures|cdktf\.out|coverage|node_modules)\//.test(f) || /\.test\.ts$/.test(f) || /^state\//.test(f) || /\.tfstate(\.|$)|\.tfvars$/.test(f));
    expect(forbidden).toEqual([]);
  });

  test("tsx, which bin/bulwark.js runs the TypeScript with, is a runtime dependency", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "bulwark", "package.json"), "utf8"));
    expect(pkg.dependencies.tsx).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.existsSync(path.join(project, "node_modules", "tsx", "package.json"))).toBe(true);
  });

  test("npx bulwark check judges a file: the error is reported and exits 1", () => {
    const r = run("npx", ["--offline", "--no-install", "bulwark", "check", "privileged.tf.json"], project);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain("DOCKER-001");
    expect(r.stdout).toContain("docker_container.db");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
  }, 60_000);

  test("the installed CLI runs the bundle made at pack time, not the TypeScript sources", () => {
    // A preload that reports, at exit, every module file Node loaded from bulwark's package.
    const probe = path.join(work, "loaded.js");
    fs.writeFileSync(probe, `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache).filter((k) => k.includes("node_modules/bulwark/"))) + "\\n"));\n`);
    const r = spawnSync(process.execPath, ["--require", probe, path.join(project, "node_modules", "bulwark", "bin", "bulwark.js"), "check", "privileged.tf.json"], { cwd: project, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("DOCKER-001");
    const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)?.[1] ?? "null") as string[];
    expect(loaded.map((k) => k.slice(k.indexOf("node_modules/bulwark/") + "node_modules/bulwark/".length)).sort()).toEqual(["bin/bulwark.js", "dist/cli/bulwark.js"]);
  }, 60_000);

  test("the bundle finds the files it reads from the package (readiness: docs/roadmaps)", () => {
    const r = run("npx", ["--offline", "--no-install", "bulwark", "readiness", "privileged.tf.json"], project);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^aunsorm: \d+%/m);
  }, 60_000);

  test("npm pack leaves no bundle behind in the repository", () => {
    expect(fs.existsSync(path.join(ROOT, "dist"))).toBe(false);
  });

  test("npx bulwark check of a missing file is one clear line and exit 2", () => {
    const r = run("npx", ["--offline", "--no-install", "bulwark", "check", "nope.tf.json"], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: .*nope\.tf\.json/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  test("npx bulwark rules lists the catalog and exits 0", () => {
    const r = run("npx", ["--offline", "--no-install", "bulwark", "rules"], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ID\s/);
    for (const id of ["DOCKER-001", "NET-001", "GH-001", "CF-001", "SECRET-001", "STATE-001"]) expect(r.stdout).toContain(id);
  }, 60_000);
});
