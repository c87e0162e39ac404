import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { isUnconfinedSecurityOpt } from "../../../knowledge";
import { UNKNOWN, cannotVerify, readStringList, result } from "./util";

/**
 * DOCKER-023: `security_opts` disables confinement: seccomp/apparmor/systempaths unconfined, or
 * label disable, with `:` or `=` (CIS Docker Benchmark 1.6 §5.2/5.3/5.22). One finding listing every such entry.
 */
export const docker023 = defineResourceRule({
  id: "DOCKER-023",
  severity: "error",
  pack: "docker-runtime",
  title: "Confinement disabled",
  description: "`security_opts` turns confinement off: seccomp, AppArmor or systempaths `unconfined`, or `label` `disable`.",
  fix: "Remove the `unconfined`/`disable` entry from `security_opts`.",
  references: [cisDocker("5.2", "5.3", "5.22"), owaspDocker(6, "Use Linux Security Module")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.security_opts;
    const opts = readStringList(raw, index);
    if (opts === UNKNOWN) return [cannotVerify(res, "security_opts", raw, "that confinement is kept")];
    const bad: string[] = [];
    let unknown = false;
    for (const o of opts) {
      if (o === UNKNOWN) unknown = true;
      else if (isUnconfinedSecurityOpt(o)) bad.push(o.trim());
    }
    if (bad.length) {
      return [result(res, `security_opts ${bad.map((b) => `"${b}"`).join(", ")} turn${bad.length > 1 ? "" : "s"} off kernel confinement (seccomp, AppArmor, SELinux labels or masked system paths). Fix: remove ${bad.length > 1 ? "these entries" : "the entry"} from security_opts.`)];
    }
    return unknown ? [cannotVerify(res, "an entry of security_opts", undefined, "that confinement is kept")] : [];
  },
});
