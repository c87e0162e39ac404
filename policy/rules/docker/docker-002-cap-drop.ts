import { ruleMeta } from "../../catalog";
import { normalizeCapability } from "../../../knowledge";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, nestedList, result, show } from "./util";

/** DOCKER-002: `capabilities.drop` does not contain ALL, in any case or with CAP_ (CIS Docker 5.4). */
export const docker002: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-002"),
  types: ["docker_container"],
  check(res, index) {
    const drop = nestedList(res.body, "capabilities", "drop", index);
    if (drop === UNKNOWN) return [cannotVerify(res, "capabilities.drop", undefined, "that ALL capabilities are dropped")];
    let unknown = false;
    for (const cap of drop) {
      if (cap === UNKNOWN) unknown = true;
      else if (normalizeCapability(cap) === "ALL") return [];
    }
    if (unknown) return [cannotVerify(res, "an entry of capabilities.drop", undefined, "that ALL capabilities are dropped")];
    const current = drop.length ? `capabilities.drop is ${show(drop)}` : "capabilities.drop is not set";
    return [result(res, `${current}, so the container keeps Docker's default capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, …). Fix: set capabilities { drop = ["ALL"] } and add back only what the service needs.`)];
  },
};
