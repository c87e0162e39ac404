import { ruleMeta } from "../../catalog";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readNumber, result, show } from "./util";

/** DOCKER-007: `memory` is missing or not > 0 (CIS Docker 5.11). */
export const docker007: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-007"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.memory;
    const mem = readNumber(raw, index);
    if (mem === UNKNOWN) return [cannotVerify(res, "memory", raw, "a memory limit")];
    if (mem !== undefined && mem > 0) return [];
    const current = mem === undefined ? "memory is not set" : `memory is ${show(raw)}, not a positive limit`;
    return [result(res, `${current}: one container can exhaust the host's memory. Fix: set memory (MB) to a positive limit.`)];
  },
};
