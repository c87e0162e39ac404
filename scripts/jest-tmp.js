/**
 * Tests leave nothing behind in the system temp directory: every temporary file of a run (ours,
 * cdktf's Testing output directories, child processes') goes into one directory that the run
 * removes at the end. os.tmpdir() reads TMPDIR on every call, and jest starts its workers after
 * globalSetup, so they inherit it.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports.setup = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-jest-"));
  // Like /tmp itself: servers that tests start as an unprivileged user (the restore drill runs
  // MariaDB and PostgreSQL as nobody) must be able to make their own directories in it.
  fs.chmodSync(dir, 0o1777);
  process.env.BULWARK_JEST_TMP = dir;
  process.env.TMPDIR = dir;
};

module.exports.teardown = async () => {
  const dir = process.env.BULWARK_JEST_TMP;
  if (dir && path.basename(dir).startsWith("bulwark-jest-")) fs.rmSync(dir, { recursive: true, force: true });
};
