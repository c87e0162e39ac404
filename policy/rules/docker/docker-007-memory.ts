import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, readNumber, result, show } from "./util";

export const docker007 = defineResourceRule({
  id: "DOCKER-007",
  severity: "error",
  pack: "docker-runtime",
  title: "No memory limit",
  description: "`memory` is missing or not a positive limit.",
  fix: "Set `memory` (MB) to a positive limit.",
  references: [cisDocker("5.11"), owaspDocker(7, "Limit resources")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.memory;
    const mem = readNumber(raw, index);
    if (mem === UNKNOWN) return [cannotVerify(res, "memory", raw, "a memory limit")];
    if (mem !== undefined && mem > 0) return [];
    const current = mem === undefined ? "memory is not set" : `memory is ${show(raw)}, not a positive limit`;
    return [result(res, `${current}: one container can exhaust the host's memory. Fix: set memory (MB) to a positive limit.`)];
  },
});
