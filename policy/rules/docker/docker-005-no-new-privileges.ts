import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { isNoNewPrivilegesOpt } from "../../../knowledge";
import { UNKNOWN, cannotVerify, readStringList, result, show } from "./util";

export const docker005 = defineResourceRule({
  id: "DOCKER-005",
  severity: "error",
  pack: "docker-runtime",
  title: "no-new-privileges is not set",
  description: "`security_opts` has no `no-new-privileges` entry, so processes can gain privileges through setuid binaries.",
  fix: "Add `no-new-privileges:true` to `security_opts`.",
  references: [cisDocker("5.26"), owaspDocker(4, "Prevent in-container privilege escalation")],
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
});
