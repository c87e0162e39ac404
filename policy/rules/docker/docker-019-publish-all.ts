import { ruleMeta } from "../../catalog";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readBool, result, show } from "./util";

/** DOCKER-019: `publish_all_ports` is true (CIS Docker 5.9). */
export const docker019: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-019"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.publish_all_ports;
    const v = readBool(raw, index);
    if (v === UNKNOWN) return [cannotVerify(res, "publish_all_ports", raw, "that not every port is published")];
    if (v !== true) return [];
    return [result(res, `publish_all_ports is ${show(raw)}: every port the image exposes is published on all interfaces. Fix: remove publish_all_ports and publish only the ports you need, on 127.0.0.1.`)];
  },
};
