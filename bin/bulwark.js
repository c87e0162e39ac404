#!/usr/bin/env node
/**
 * bulwark CLI entry point.
 *
 * Installed from the package (this file inside node_modules), it runs dist/cli/bulwark.js: the
 * CLI's sources bundled by scripts/build-cli.js when the package was packed (start-up about half
 * of tsx's). Everywhere else (this repository, a checkout), it runs the TypeScript sources without
 * a build step: tsx's CommonJS register hook compiles policy/cli.ts and its imports on the fly
 * (esbuild, no type check, cached on disk), so the CLI can never lag behind the sources. The
 * process-wide hook is measured to start about twice as fast as tsx's namespaced `require`, and
 * this file is the process entry point, so nothing else is affected. The engine never loads the
 * cdktf provider packages.
 */
"use strict";
const fs = require("fs");
const path = require("path");

// `bulwark check … | head` closes stdout early: end quietly instead of crashing on EPIPE.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const bundle = path.join(__dirname, "..", "dist", "cli", "bulwark.js");
const installed = __dirname.split(path.sep).includes("node_modules");
let main;
if (installed && fs.existsSync(bundle)) {
  ({ main } = require(bundle));
} else {
  require("tsx/cjs/api").register();
  ({ main } = require("../policy/cli.ts"));
}

process.exitCode = main(process.argv.slice(2));
