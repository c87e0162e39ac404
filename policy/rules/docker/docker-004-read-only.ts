import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, readBool, result, show } from "./util";

export const docker004 = defineResourceRule({
  id: "DOCKER-004",
  severity: "error",
  pack: "docker-runtime",
  title: "Root filesystem is writable",
  description: "`read_only` is not true, so the root filesystem is writable.",
  fix: "Set `read_only = true` and mount each writable path as tmpfs or a named volume.",
  references: [cisDocker("5.13"), owaspDocker(8, "Set filesystem and volumes to read-only")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.read_only;
    const v = readBool(raw, index);
    if (v === true) return [];
    if (v === UNKNOWN) return [cannotVerify(res, "read_only", raw, "a read-only root filesystem")];
    return [result(res, `read_only is ${show(raw)}: the root filesystem is writable, so an intruder can change binaries and configuration. Fix: set read_only = true and mount each writable path as tmpfs or a named volume.`)];
  },
});
