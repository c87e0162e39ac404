import { ruleMeta } from "../../catalog";
import { isNoNewPrivilegesOpt } from "../../../knowledge";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readStringList, result, show } from "./util";

/** DOCKER-005: `security_opts` has no `no-new-privileges` (CIS Docker 5.26). */
export const docker005: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-005"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.security_opts;
    const opts = readStringList(raw, index);
    if (opts === UNKNOWN) return [cannotVerify(res, "security_opts", raw, "no-new-privileges")];
    let unknown = false;
    for (const o of opts) {
      if (o === UNKNOWN) unknown = true;
      else if (isNoNewPrivilegesOpt(o)) return [];
    }
    if (unknown) return [cannotVerify(res, "an entry of security_opts", undefined, "no-new-privileges")];
    const current = opts.length ? `security_opts is ${show(opts)}` : "security_opts is not set";
    return [result(res, `${current}: processes can gain privileges through setuid binaries. Fix: add "no-new-privileges:true" to security_opts.`)];
  },
};
