import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { normalizeCapability } from "../../../knowledge";
import { UNKNOWN, cannotVerify, nestedList, result, show } from "./util";

export const docker002 = defineResourceRule({
  id: "DOCKER-002",
  severity: "error",
  pack: "docker-runtime",
  title: "Capabilities are not dropped",
  description: "`capabilities.drop` does not contain `ALL` (in any case, with or without `CAP_`), so the container keeps Docker's default capabilities.",
  fix: "Set `capabilities { drop = [\"ALL\"] }` and add back only what is required.",
  references: [cisDocker("5.4"), owaspDocker(3, "Limit capabilities")],
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
});
