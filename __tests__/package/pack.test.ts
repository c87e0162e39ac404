/**
 * The published package installs and runs: `npm pack`, install the tarball into an empty project,
 * run `npx bulwark check`, `rules` and `readiness` from there, through the CLI bundle that
 * `npm pack` builds (scripts/build-cli.js); and a stack of one's own imports the compiled library
 * (dist/lib) from there (the second describe block).
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

  test("the package's main, types and exports point at the compiled library it ships", () => {
    const installed = path.join(project, "node_modules", "bulwark");
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    for (const file of [pkg.main, pkg.types, pkg.exports["."].default, pkg.exports["."].types, pkg.exports["./policy/jest"].default, pkg.exports["./policy/jest"].types]) {
      expect(file).toMatch(/^(\.\/)?dist\/lib\/.*\.(js|d\.ts)$/);
      expect(fs.existsSync(path.join(installed, file))).toBe(true);
    }
  });

  test("npx bulwark rules lists the catalog and exits 0", () => {
    const r = run("npx", ["--offline", "--no-install", "bulwark", "rules"], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ID\s/);
    for (const id of ["DOCKER-001", "NET-001", "GH-001", "CF-001", "SECRET-001", "STATE-001"]) expect(r.stdout).toContain(id);
  }, 60_000);
});

/**
 * A stack of one's own against the installed package, as README "Your own stack" tells users to
 * write it: examples/web-api with its imports of `../../index` replaced by `"bulwark"`, in the
 * consumer project, run the way the cdktf template runs an app (`npx ts-node main.ts`, which
 * type-checks and never compiles files under node_modules) and type-checked with the cdktf
 * template's tsconfig (ES2018 lib). Before the package shipped its compiled library (dist/lib),
 * ts-node failed with `SyntaxError: Unexpected identifier 'DockerHostProps'` on bulwark's
 * index.ts, and tsc reported bulwark's own sources under the project's settings.
 *
 * Adapted to this machine: the consumer has no ts-node, typescript or @types/node of its own (the
 * offline install has only bulwark's dependencies), so this repository's pinned ts-node 10.9.2
 * and typescript run against the consumer's files, and its @types/node is given as typeRoots.
 */
describe("a stack of one's own against the installed package", () => {
  let app = "";
  const TS_NODE = path.join(ROOT, "node_modules", "ts-node", "register");
  const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const typeRoots = [path.join(ROOT, "node_modules", "@types")];

  beforeAll(() => {
    app = path.join(project, "app");
    fs.mkdirSync(app);
    for (const f of ["config.ts", "stack.ts", "main.ts", "web-api.yaml", "cdktf.json"]) {
      const text = fs.readFileSync(path.join(ROOT, "examples", "web-api", f), "utf8");
      fs.writeFileSync(path.join(app, f), text.replace(/from "\.\.\/\.\.\/index"/g, 'from "bulwark"'));
    }
    expect(fs.readFileSync(path.join(app, "stack.ts"), "utf8")).toContain('from "bulwark"');
    fs.cpSync(path.join(ROOT, "examples", "web-api", "readiness"), path.join(app, "readiness"), { recursive: true });
    // The cdktf TypeScript template's compiler options, plus typeRoots (see above).
    const compilerOptions = {
      alwaysStrict: true, declaration: true, experimentalDecorators: true, inlineSourceMap: true, inlineSources: true, lib: ["es2018"],
      module: "CommonJS", noEmitOnError: true, noFallthroughCasesInSwitch: true, noImplicitAny: true, noImplicitReturns: true,
      noImplicitThis: true, noUnusedLocals: true, noUnusedParameters: true, resolveJsonModule: true, strict: true, strictNullChecks: true,
      strictPropertyInitialization: true, stripInternal: true, target: "ES2018", skipLibCheck: true, typeRoots, types: ["node"],
    };
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["**/*.ts"], exclude: ["node_modules", "cdktf.out"] }, null, 2));
  });

  test("it type-checks with the cdktf template's tsconfig, against the package's declarations", () => {
    const r = run(process.execPath, [TSC, "-p", app, "--noEmit", "--listFiles"], app);
    expect(`${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    const bulwarkFiles = r.stdout.split("\n").filter((l) => l.includes("/node_modules/bulwark/"));
    expect(bulwarkFiles.length).toBeGreaterThan(0);
    // Only declarations: the project's settings never judge bulwark's sources.
    expect(bulwarkFiles.filter((f) => !f.endsWith(".d.ts"))).toEqual([]);
  }, 120_000);

  test("ts-node synthesizes it, loading the compiled library only, and the synth gate passes", () => {
    const probe = path.join(work, "loaded-lib.js");
    fs.writeFileSync(probe, `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache).filter((k) => k.includes("node_modules/bulwark/"))) + "\\n"));\n`);
    const r = spawnSync(process.execPath, ["--require", probe, "--require", TS_NODE, "main.ts"], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", TS_NODE_COMPILER: path.join(ROOT, "node_modules", "typescript"), TS_NODE_PROJECT: path.join(app, "tsconfig.json") },
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/SyntaxError|\n\s+at /);
    expect(r.status).toBe(0);
    const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)?.[1] ?? "null") as string[];
    const inPackage = loaded.map((k) => k.slice(k.indexOf("node_modules/bulwark/") + "node_modules/bulwark/".length));
    expect(inPackage).toContain("dist/lib/index.js");
    expect(inPackage.filter((f) => !f.startsWith("dist/lib/"))).toEqual([]);
    const synthesized = JSON.parse(fs.readFileSync(path.join(app, "cdktf.out", "stacks", "web-api", "cdk.tf.json"), "utf8"));
    expect(Object.keys(synthesized.resource.docker_container).sort()).toEqual(["api", "cloudflared", "postgres", "redis"]);
    // The gate judged it: its summary line, no errors.
    expect(r.stdout).toMatch(/^0 errors, \d+ warnings?, \d+ infos?, \d+ suppressed in 1 stack/m);
    // …and scored the stack's own roadmap, with bulwark's drill catalog found inside the package.
    expect(r.stdout).toMatch(/^readiness web-api +\d+%: secrets \d+% · runtime \d+% · network \d+% · ops \d+%$/m);
  }, 120_000);

  /** Run a CommonJS script with plain Node in the consumer project; its last stdout line, parsed (it prints one JSON object). */
  function nodeScript(lines: readonly string[]): Record<string, unknown> {
    const r = run(process.execPath, ["-e", lines.join("\n")], project);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("\n{") + 1));
  }

  test("plain Node builds the reference stacks from the package's files (embedded configuration, backup build context)", () => {
    const script = [
      'const { App } = require("cdktf");',
      'const b = require("bulwark");',
      'const outdir = require("path").join(process.cwd(), "ref.out");',
      "const app = new App({ outdir });",
      "const stacks = b.buildConfiguredStacks(app, b.loadDeploymentConfig({}));",
      "app.synth();",
      'process.stdout.write(JSON.stringify({ config: b.EXAMPLE_CONFIG_PATH, stacks: stacks.map((s) => s.node.id), gate: b.runSynthGate(outdir, { out: () => {}, err: () => {} }) }));',
    ];
    const out = nodeScript(script);
    expect(out.config).toBe(path.join(project, "node_modules", "bulwark", "config", "deployment.example.yaml"));
    expect(out.stacks).toEqual(expect.arrayContaining(["koha", "single-server"]));
    expect(out.gate).toBe(0);
    // The backup image is built from the package's backup/ (its hash is of the shipped files).
    const koha = JSON.parse(fs.readFileSync(path.join(project, "ref.out", "stacks", "koha", "cdk.tf.json"), "utf8"));
    const backup = Object.values(koha.resource.docker_image as Record<string, { build?: { context?: string }; triggers?: { context_sha256?: string } }>).find((i) => i.triggers?.context_sha256);
    expect(backup?.triggers?.context_sha256).toMatch(/^[0-9a-f]{64}$/);
    // …and Terraform finds that context from the stack's directory: the package's backup/, not the project's.
    expect(backup?.build?.context).toBe("${path.module}/../../../node_modules/bulwark/backup");
    const context = path.resolve(project, "ref.out", "stacks", "koha", backup!.build!.context!.replace("${path.module}/", ""));
    expect(fs.existsSync(path.join(context, "image", "Dockerfile"))).toBe(true);
  }, 120_000);

  test('"bulwark/policy/jest" resolves through the package\'s exports and registers matchers that judge', () => {
    // jest's global `expect` stood in by a recorder: the module registers its matchers on load.
    const script = [
      "const matchers = {};",
      "global.expect = { extend: (m) => Object.assign(matchers, m) };",
      'require("bulwark/policy/jest");',
      'const privileged = JSON.stringify({ resource: { docker_container: { db: { name: "db", image: "mariadb:11.8.9", privileged: true } } } });',
      "const judged = matchers.toPassPolicy(privileged);",
      'const violated = matchers.toViolate(privileged, "DOCKER-001", "docker_container.db");',
      "process.stdout.write(JSON.stringify({ names: Object.keys(matchers).sort(), passes: judged.pass, violates: violated.pass }));",
    ];
    expect(nodeScript(script)).toEqual({ names: ["toPassPolicy", "toViolate"], passes: false, violates: true });
  }, 60_000);
});
