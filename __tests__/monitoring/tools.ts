/**
 * The real Prometheus tools (Debian packages prometheus, prometheus-alertmanager,
 * prometheus-node-exporter, prometheus-blackbox-exporter). Outside CI a missing tool skips the
 * suite with a loud message; with CI set it fails, because CI installs them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const TOOLS = {
  promtool: "promtool",
  amtool: "amtool",
  prometheus: "prometheus",
  nodeExporter: "prometheus-node-exporter",
  blackboxExporter: "prometheus-blackbox-exporter",
} as const;
export type Tool = keyof typeof TOOLS;

export const APT_LINE = "apt-get install -y --no-install-recommends prometheus prometheus-alertmanager prometheus-node-exporter prometheus-blackbox-exporter";

function which(bin: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, bin);
    const r = spawnSync("test", ["-x", p]);
    if (r.status === 0) return p;
  }
  return null;
}

/** True when every tool is present; otherwise warns loudly (or throws in CI). */
export function haveTools(suite: string, tools: readonly Tool[]): boolean {
  const missing = tools.filter((t) => which(TOOLS[t]) === null).map((t) => TOOLS[t]);
  if (missing.length === 0) return true;
  const msg = `${suite}: missing ${missing.join(", ")}. Install them with: ${APT_LINE}`;
  if (process.env.CI) throw new Error(`${msg} (CI is set: these tests must run)`);
  // eslint-disable-next-line no-console
  console.warn(`\n${"!".repeat(78)}\n!! SKIPPED: ${msg}\n${"!".repeat(78)}\n`);
  return false;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(bin: string, args: readonly string[], cwd?: string): RunResult {
  const r = spawnSync(bin, args, { cwd, encoding: "utf8", timeout: 30_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function version(bin: string): string {
  const out = execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return /version (\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "0.0.0";
}

export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** A temporary directory removed by `cleanup()` (tests leave nothing in /tmp). */
export function tempDir(prefix: string): { dir: string; write(rel: string, content: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `bulwark-${prefix}-`));
  return {
    dir,
    write(rel, content) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
