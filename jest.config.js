/**
 * Tests are transpiled by esbuild without type checking (fast; scripts/jest-transform.js); `npm test` type-checks the whole
 * project with `tsc --noEmit` first, so no type error reaches a green run.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-transform.js" },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // One temp directory per run, removed at the end (scripts/jest-tmp.js).
  globalSetup: "<rootDir>/scripts/jest-global-setup.js",
  globalTeardown: "<rootDir>/scripts/jest-global-teardown.js",
  // jest's own transform cache, kept with the project instead of the system temp directory (it
  // picks that before globalSetup runs, so /tmp/jest_0 would outlive every run).
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  testTimeout: 30000,
};
