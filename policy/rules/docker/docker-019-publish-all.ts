import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import { UNKNOWN, cannotVerify, readBool, result, show } from "./util";

export const docker019 = defineResourceRule({
  id: "DOCKER-019",
  severity: "error",
  pack: "docker-runtime",
  title: "All ports published",
  description: "`publish_all_ports` is true.",
  fix: "Remove `publish_all_ports`.",
  references: [cisDocker("5.9")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.publish_all_ports;
    const v = readBool(raw, index);
    if (v === UNKNOWN) return [cannotVerify(res, "publish_all_ports", raw, "that not every port is published")];
    if (v !== true) return [];
    return [result(res, `publish_all_ports is ${show(raw)}: every port the image exposes is published on all interfaces. Fix: remove publish_all_ports and publish only the ports you need, on 127.0.0.1.`)];
  },
});
