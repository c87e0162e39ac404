import { ruleMeta } from "../../catalog";
import type { ResourceRule } from "../../types";
import { result, show } from "./util";

/** DOCKER-028: `cgroup_parent` is set (CIS Docker 5.25). */
export const docker028: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-028"),
  types: ["docker_container"],
  check(res) {
    const v = res.body.cgroup_parent;
    if (v === undefined || v === null || v === "") return [];
    return [result(res, `cgroup_parent is ${show(v)}: the container's resource limits and accounting move to a cgroup Docker does not manage. Fix: remove cgroup_parent.`, "warning")];
  },
};
