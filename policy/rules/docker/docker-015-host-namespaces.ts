import { ruleMeta } from "../../catalog";
import type { ResourceRule, RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, readString, result } from "./util";

const NAMESPACE_MODES = ["network_mode", "pid_mode", "ipc_mode", "userns_mode", "cgroupns_mode"] as const;

/** DOCKER-015: a namespace mode is `host` (CIS Docker 5.10/5.16/5.17/5.31); one finding per mode. */
export const docker015: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-015"),
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const attr of NAMESPACE_MODES) {
      const raw = res.body[attr];
      const v = readString(raw, index);
      if (v === UNKNOWN) out.push(cannotVerify(res, attr, raw, "that the host namespace is not shared"));
      else if (v !== undefined && v.trim().toLowerCase() === "host") {
        out.push(result(res, `${attr} is "host": the container shares the host's ${attr.replace("_mode", "")} namespace and escapes its isolation. Fix: remove ${attr} = "host".`));
      }
    }
    return out;
  },
};
