import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import { UNKNOWN, cannotVerify, nested, readStringList, result } from "./util";

export const docker012 = defineResourceRule({
  id: "DOCKER-012",
  severity: "error",
  pack: "docker-runtime",
  title: "No healthcheck",
  description: "No `healthcheck`, an empty `test`, or `test = [\"NONE\"]`.",
  fix: "Add a `healthcheck` whose `test` probes the service.",
  references: [cisDocker("5.27")],
  types: ["docker_container"],
  check(res, index) {
    const hc = nested(res.body, "healthcheck")[0];
    const fix = "Fix: add a healthcheck whose test probes the service (e.g. [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/healthz\"]).";
    if (!hc) return [result(res, `no healthcheck: Docker cannot tell a hung service from a healthy one. ${fix}`)];
    const test = readStringList(hc.test, index);
    if (test === UNKNOWN) return [cannotVerify(res, "healthcheck.test", hc.test, "the healthcheck")];
    if (test.length === 0) return [result(res, `healthcheck has no test, so nothing is probed. ${fix}`)];
    const first = test[0];
    if (first !== UNKNOWN && first.trim().toUpperCase() === "NONE") {
      return [result(res, `healthcheck.test is ["NONE"], which disables the image's healthcheck. ${fix}`)];
    }
    return [];
  },
});
