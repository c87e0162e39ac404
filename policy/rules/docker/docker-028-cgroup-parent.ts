import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import { result, show } from "./util";

export const docker028 = defineResourceRule({
  id: "DOCKER-028",
  severity: "warning",
  pack: "docker-runtime",
  title: "Custom cgroup parent",
  description: "`cgroup_parent` is set.",
  fix: "Remove `cgroup_parent`.",
  references: [cisDocker("5.25")],
  types: ["docker_container"],
  check(res) {
    const v = res.body.cgroup_parent;
    if (v === undefined || v === null || v === "") return [];
    return [result(res, `cgroup_parent is ${show(v)}: the container's resource limits and accounting move to a cgroup Docker does not manage. Fix: remove cgroup_parent.`, "warning")];
  },
});
