import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, nested, readString, result } from "./util";

/**
 * DOCKER-011: no `ulimit` named `nproc` (CIS Docker Benchmark 1.6 §5.29). The provider has no `pids_limit`; an
 * nproc ulimit is the available mitigation against fork bombs.
 */
export const docker011 = defineResourceRule({
  id: "DOCKER-011",
  severity: "warning",
  pack: "docker-runtime",
  title: "No process-count limit",
  description: "No `ulimit` named `nproc`: nothing limits how many processes the container can fork (the provider has no `pids_limit`).",
  fix: "Add `ulimit { name = \"nproc\" }` (the provider has no `pids_limit`).",
  references: [cisDocker("5.29"), owaspDocker(7, "Limit resources")],
  types: ["docker_container"],
  check(res, index) {
    let unknown = false;
    for (const u of nested(res.body, "ulimit")) {
      const name = readString(u.name, index);
      if (name === UNKNOWN) unknown = true;
      else if (name !== undefined && name.trim().toLowerCase() === "nproc") return [];
    }
    if (unknown) return [cannotVerify(res, "a ulimit name", undefined, "a process-count limit")];
    return [result(res, "no ulimit named nproc: nothing limits how many processes the container can fork (the docker provider has no pids_limit). Fix: add ulimit { name = \"nproc\", soft = 256, hard = 256 } sized for the service.", "warning")];
  },
});
