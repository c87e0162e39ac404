/**
 * Where the files this package ships live (docs/roadmaps, backup/, config/, package.json), for
 * every way its code runs: the TypeScript sources of a checkout, the CLI bundle in dist/cli/ and
 * the compiled library in dist/lib/ of an installed package (both made by scripts/build-cli.js at
 * `npm pack`). Paths computed from one module's `__dirname` are right in only one of those
 * layouts; the package root is found by walking up to bulwark's own package.json instead.
 *
 * A leaf like the rest of knowledge/: Node's fs and path only.
 */
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";

/** The `name` of this package's package.json, which marks its root. */
export const PACKAGE_NAME = "bulwark";

let root: string | null = null;

function isPackageRoot(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The directory of bulwark's package.json, from wherever this module was loaded (sources, the CLI
 * bundle or the compiled library). Throws when there is none above it: the package was copied
 * without its package.json, which `npm pack` always ships.
 */
export function packageRoot(): string {
  if (root !== null) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) return (root = dir);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`bulwark: no package.json named "${PACKAGE_NAME}" above ${__dirname}; reinstall the package (its files were moved without it)`);
}

/** A file or directory of the package: `packagePath("docs", "roadmaps")`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/** What package.json says about the package (version, homepage, repository), read once. */
export interface PackageInfo {
  readonly version: string;
  readonly homepage?: string;
  readonly repository?: string | { readonly url?: string };
}

let info: PackageInfo | null = null;

export function packageInfo(): PackageInfo {
  if (info === null) info = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as PackageInfo;
  return info;
}
