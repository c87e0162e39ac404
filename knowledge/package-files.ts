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

let root: string | null | undefined;

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
 * bundle or the compiled library), or null when there is none above it: the code was bundled
 * into another program, away from the package's files.
 */
export function packageRoot(): string | null {
  if (root !== undefined) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) return (root = dir);
    if (dirname(dir) === dir) return (root = null);
  }
}

/**
 * A file or directory of the package: `packagePath("docs", "roadmaps")`. Without a package root
 * (packageRoot), the sources' layout is assumed (the parent of knowledge/): nothing fails when
 * the module loads, and reading a file that is not there fails with its path, as any missing file.
 */
export function packagePath(...segments: string[]): string {
  return join(packageRoot() ?? join(__dirname, ".."), ...segments);
}

/** What package.json says about the package (version, homepage, repository), read once. */
export interface PackageInfo {
  readonly version: string;
  readonly homepage?: string;
  readonly repository?: string | { readonly url?: string };
}

/** The version reported when package.json cannot be read (see packagePath). */
export const UNKNOWN_VERSION = "0.0.0-unknown";

let info: PackageInfo | null = null;

/** package.json's facts; `{ version: UNKNOWN_VERSION }` when it cannot be read (never throws). */
export function packageInfo(): PackageInfo {
  if (info !== null) return info;
  try {
    info = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as PackageInfo;
  } catch {
    info = { version: UNKNOWN_VERSION };
  }
  return info;
}
