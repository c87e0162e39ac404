import { ruleMeta } from "../../catalog";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readBool, result, show } from "./util";

/** DOCKER-004: `read_only` is not true (CIS Docker 5.13). */
export const docker004: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-004"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.read_only;
    const v = readBool(raw, index);
    if (v === true) return [];
    if (v === UNKNOWN) return [cannotVerify(res, "read_only", raw, "a read-only root filesystem")];
    return [result(res, `read_only is ${show(raw)}: the root filesystem is writable, so an intruder can change binaries and configuration. Fix: set read_only = true and mount each writable path as tmpfs or a named volume.`)];
  },
};
