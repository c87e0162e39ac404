import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { DANGEROUS_CAPABILITIES, normalizeCapability } from "../../../knowledge";
import { UNKNOWN, cannotVerify, nestedList, result } from "./util";

export const docker003 = defineResourceRule({
  id: "DOCKER-003",
  severity: "error",
  pack: "docker-runtime",
  title: "Dangerous capability added",
  description: "`capabilities.add` holds a capability that breaks isolation (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, …), in any case, with or without `CAP_`.",
  fix: "Remove the capability from `capabilities.add`; run the workload without it or isolate it on its own host.",
  references: [cisDocker("5.4"), owaspDocker(3, "Limit capabilities")],
  types: ["docker_container"],
  check(res, index) {
    const add = nestedList(res.body, "capabilities", "add", index);
    if (add === UNKNOWN) return [cannotVerify(res, "capabilities.add", undefined, "that no dangerous capability is added")];
    const bad: string[] = [];
    let unknown = false;
    for (const cap of add) {
      if (cap === UNKNOWN) unknown = true;
      else if (DANGEROUS_CAPABILITIES.has(normalizeCapability(cap))) bad.push(cap);
    }
    if (bad.length) {
      return [result(res, `capabilities.add grants ${bad.join(", ")}, which lets the container break out of its isolation or tamper with the host or its network. Fix: remove ${bad.length > 1 ? "them" : "it"} from capabilities.add; run the workload without it or isolate it on its own host.`)];
    }
    return unknown ? [cannotVerify(res, "an entry of capabilities.add", undefined, "that no dangerous capability is added")] : [];
  },
});
