/**
 * Bench of HCL input (issue 14): `bulwark check` over a tree of 100 generated Terraform modules
 * (each a directory of four `.tf` files: variables with defaults, locals, a container fed by them,
 * a `for_each` over a literal map, and a call of a shared local child module), in a fresh process,
 * start-up included (target: under 3 s on this machine). The HCL share is measured in a second
 * process that only reads the same modules (`loadStacks`: hcl2json in its worker thread, merge,
 * normalization, resolution) and is given as a share of the check's wall time.
 *
 * `benchHcl` is called once from scripts/bench.ts; `target` records a line of its target table.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

/** Modules in the generated tree. */
export const HCL_BENCH_MODULES = 100;
/** Fresh processes per figure (the median is reported). */
export const HCL_BENCH_RUNS = 3;
/** The target of issue 14: a tree of 100 modules checked in under 3 s, start-up included. */
export const HCL_BENCH_TARGET_MS = 3000;

const ROOT = resolve(__dirname, "..");

export interface HclBenchOptions {
  /** Records a target line. @default nothing recorded */
  readonly target?: (name: string, met: boolean | null, figure: string) => void;
  /** @default HCL_BENCH_MODULES */
  readonly modules?: number;
  /** @default HCL_BENCH_RUNS */
  readonly runs?: number;
}

const CHILD = `variable "name" {
  type = string
}
variable "network" {
  type = string
}
resource "docker_container" "this" {
  name       = var.name
  image      = "ghcr.io/example/app:1.2.3"
  user       = "10001:10001"
  read_only  = true
  memory     = 128
  networks_advanced {
    name = var.network
  }
}
`;

function moduleFiles(i: number): Record<string, string> {
  return {
    "variables.tf": `variable "image" {\n  type    = string\n  default = "ghcr.io/example/app${i}:1.${i}.0"\n}\nvariable "log_opts" {\n  type    = map(string)\n  default = { "max-size" = "10m", "max-file" = "3" }\n}\n`,
    "locals.tf": `locals {\n  name   = "svc-${i}"\n  labels = { team = "t${i % 7}", name = local.name }\n}\n`,
    "main.tf": [
      `resource "docker_network" "backnet" {\n  name     = "backnet-${i}"\n  internal = true\n}`,
      `resource "docker_container" "app" {\n  name       = local.name\n  image      = var.image\n  user       = "10001:10001"\n  read_only  = true\n  privileged = ${i % 10 === 0}\n  memory     = 256\n  log_driver = "json-file"\n  log_opts   = var.log_opts\n  capabilities {\n    drop = ["ALL"]\n  }\n  networks_advanced {\n    name = docker_network.backnet.name\n  }\n}`,
      `resource "docker_volume" "data" {\n  for_each = { a = "one", b = "two", c = "three" }\n  name     = "\${local.name}-\${each.key}"\n}`,
      `module "worker" {\n  source  = "../../shared/worker"\n  name    = "\${local.name}-worker"\n  network = docker_network.backnet.name\n}`,
    ].join("\n\n") + "\n",
    "versions.tf": `terraform {\n  required_providers {\n    docker = {\n      source  = "kreuzwerker/docker"\n      version = "3.6.2"\n    }\n  }\n}\n`,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

const LOAD_ONLY = `
const { performance } = require("node:perf_hooks");
require("tsx/cjs/api").register();
const { loadStacks } = require(${JSON.stringify(join(ROOT, "policy/load.ts"))});
const timings = { readMs: 0, parseMs: 0 };
const t0 = performance.now();
const stacks = loadStacks(process.argv.slice(1), { timings });
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, parseMs: timings.parseMs, stacks: stacks.length }));
`;

/** Generate the tree, check it, print the figures (and record the target). */
export function benchHcl(options: HclBenchOptions = {}): void {
  const n = options.modules ?? HCL_BENCH_MODULES;
  const runs = options.runs ?? HCL_BENCH_RUNS;
  console.log(`\n== HCL input: bulwark check over ${n} Terraform modules (fresh process, start-up included; median of ${runs})`);
  const tree = mkdtempSync(join(tmpdir(), "bulwark-bench-hcl-"));
  try {
    mkdirSync(join(tree, "shared", "worker"), { recursive: true });
    writeFileSync(join(tree, "shared", "worker", "main.tf"), CHILD);
    const dirs: string[] = [];
    for (let i = 0; i < n; i++) {
      const dir = join(tree, "modules", `m${String(i).padStart(3, "0")}`);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(moduleFiles(i))) writeFileSync(join(dir, file), text);
      dirs.push(dir);
    }
    const env = { ...process.env, NO_COLOR: "1" };
    const checks: number[] = [];
    const loads: Array<{ ms: number; parseMs: number }> = [];
    let summary = "";
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const c = spawnSync(process.execPath, [join(ROOT, "bin/bulwark.js"), "check", "--format", "json", "--fail-on", "never", ...dirs], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      checks.push(performance.now() - t0);
      if (c.status !== 0) {
        console.log(`bulwark check failed (exit ${c.status}): ${(c.stderr || c.stdout).trim().split("\n")[0]}`);
        options.target?.(`HCL: ${n} modules checked under 3 s`, null, `check failed (exit ${c.status})`);
        return;
      }
      const s = (JSON.parse(c.stdout) as { summary: Record<string, number> }).summary;
      summary = `${s.stacks} stacks, ${s.resources} resources, ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos`;
      const l = spawnSync(process.execPath, ["-e", LOAD_ONLY, ...dirs], { cwd: ROOT, env, encoding: "utf8" });
      if (l.status === 0) loads.push(JSON.parse(l.stdout) as { ms: number; parseMs: number });
    }
    const check = median(checks);
    console.log(`check: ${fmtMs(check)} wall (runs: ${checks.map(fmtMs).join(", ")}); ${summary}`);
    if (loads.length > 0) {
      const parse = median(loads.map((l) => l.parseMs));
      console.log(`HCL read (hcl2json worker + merge + resolution, in-process, no start-up): ${fmtMs(parse)} = ${((100 * parse) / check).toFixed(0)}% of the check's wall time`);
    }
    options.target?.(`HCL: ${n} modules checked under ${HCL_BENCH_TARGET_MS / 1000} s (start-up included)`, check < HCL_BENCH_TARGET_MS, fmtMs(check));
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

if (require.main === module) benchHcl();
