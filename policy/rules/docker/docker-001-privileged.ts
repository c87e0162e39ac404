import { ruleMeta } from "../../catalog";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readBool, result } from "./util";

/** DOCKER-001: `privileged` is true (CIS Docker 5.5). */
export const docker001: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-001"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.privileged;
    const v = readBool(raw, index);
    if (v === UNKNOWN) return [cannotVerify(res, "privileged", raw, "that the container is not privileged")];
    if (v !== true) return [];
    return [result(res, `privileged is ${JSON.stringify(raw)}: the container gets every capability and every host device, which defeats its isolation. Fix: remove privileged = true; add only the specific capabilities the service needs.`)];
  },
};
