import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, readString, result } from "./util";

const NAMESPACE_MODES = ["network_mode", "pid_mode", "ipc_mode", "userns_mode", "cgroupns_mode"] as const;

export const docker015 = defineResourceRule({
  id: "DOCKER-015",
  severity: "error",
  pack: "docker-runtime",
  title: "Host namespace shared",
  description: "`network_mode`, `pid_mode`, `ipc_mode`, `userns_mode` or `cgroupns_mode` is `host`; one finding per mode.",
  fix: "Remove `host` from network_mode/pid_mode/ipc_mode/userns_mode/cgroupns_mode.",
  references: [cisDocker("5.10", "5.16", "5.17", "5.31")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const attr of NAMESPACE_MODES) {
      const raw = res.body[attr];
      const v = readString(raw, index);
      if (v === UNKNOWN) out.push(cannotVerify(res, attr, raw, "that the host namespace is not shared"));
      else if (v !== undefined && v.trim().toLowerCase() === "host") {
        out.push(result(res, `${attr} is "host": the container shares the host's ${attr.replace("_mode", "")} namespace and escapes its isolation. Fix: remove ${attr} = "host".`));
      }
    }
    return out;
  },
});
