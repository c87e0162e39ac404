// Preloaded into a benchmarked process (`node --require scripts/bench/rss.js …`): on exit, write
// the process's peak resident set size in KB to the file named by BULWARK_BENCH_RSS_FILE.
const fs = require("fs");
const file = process.env.BULWARK_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
