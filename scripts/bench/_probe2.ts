import { readFileSync } from "fs";
import { performance } from "perf_hooks";
import { checkStack } from "../../policy/engine";
const text = readFileSync(process.argv[2], "utf8");
const json = JSON.parse(text);
for (let i = 0; i < 4; i++) {
  const a = performance.now();
  checkStack({ stack: "s", file: "f", json });
  console.log("all", (performance.now() - a).toFixed(0));
}
