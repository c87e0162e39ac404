import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, readBool, result } from "./util";

export const docker001 = defineResourceRule({
  id: "DOCKER-001",
  severity: "error",
  pack: "docker-runtime",
  title: "Container runs privileged",
  description: "`privileged` is true: the container gets every capability and every host device.",
  fix: "Remove `privileged = true`; add only the specific capabilities the service needs.",
  references: [cisDocker("5.5"), owaspDocker(3, "Limit capabilities")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.privileged;
    const v = readBool(raw, index);
    if (v === UNKNOWN) return [cannotVerify(res, "privileged", raw, "that the container is not privileged")];
    if (v !== true) return [];
    return [result(res, `privileged is ${JSON.stringify(raw)}: the container gets every capability and every host device, which defeats its isolation. Fix: remove privileged = true; add only the specific capabilities the service needs.`)];
  },
});
