#!/usr/bin/env node
/**
 * bulwark CLI entry point. Runs the TypeScript sources without a build step: tsx's CommonJS
 * register hook compiles policy/cli.ts and its imports on the fly (esbuild, no type check, cached
 * on disk). The process-wide hook is measured to start about twice as fast as tsx's namespaced
 * `require`, and this file is the process entry point, so nothing else is affected. The engine
 * never loads the cdktf provider packages.
 */
"use strict";

// `bulwark check … | head` closes stdout early: end quietly instead of crashing on EPIPE.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

require("tsx/cjs/api").register();
const { main } = require("../policy/cli.ts");

process.exitCode = main(process.argv.slice(2));
