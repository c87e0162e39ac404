/**
 * Jest transformer: TypeScript → CommonJS with esbuild (already here as tsx's engine), no type
 * checking — `npm test` type-checks the whole project with `tsc --noEmit` first. Chosen over
 * @swc/jest and ts-jest: as fast as SWC, and no native package the registry lacks for some
 * platforms (which breaks `npm ci` there).
 */
const { transformSync } = require("esbuild");
const { createHash } = require("crypto");
const { version } = require("esbuild/package.json");

module.exports = {
  process(source, path) {
    const { code, map } = transformSync(source, {
      loader: path.endsWith(".tsx") ? "tsx" : "ts",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcefile: path,
      // Keep class and function names: error messages and snapshots print them.
      keepNames: true,
    });
    return { code, map };
  },
  getCacheKey(source, path) {
    return createHash("sha256").update(version).update("\0").update(path).update("\0").update(source).digest("hex");
  },
};
