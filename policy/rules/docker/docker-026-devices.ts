import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import type { RuleResult } from "../../types";
import { nested, result, show } from "./util";

export const docker026 = defineResourceRule({
  id: "DOCKER-026",
  severity: "warning",
  pack: "docker-runtime",
  title: "Host devices or GPUs exposed",
  description: "`devices` or `gpus` is set; one warning per attribute.",
  fix: "Remove `devices`/`gpus` unless the workload needs them.",
  references: [cisDocker("5.18")],
  types: ["docker_container"],
  check(res) {
    const out: RuleResult[] = [];
    const devices = nested(res.body, "devices");
    if (devices.length > 0 || (typeof res.body.devices === "string" && res.body.devices !== "")) {
      const paths = devices.map((d) => d.host_path).filter((p) => typeof p === "string");
      const which = paths.length ? ` (${paths.map((p) => show(p)).join(", ")})` : "";
      out.push(result(res, `devices${which} exposes host devices to the container, bypassing its isolation. Fix: remove devices unless the workload needs them, and then justify it with a suppression.`, "warning"));
    }
    const gpus = res.body.gpus;
    if (gpus !== undefined && gpus !== null && gpus !== "") {
      out.push(result(res, `gpus is ${show(gpus)}: host GPUs (and their drivers) are exposed to the container. Fix: remove gpus unless the workload needs them, and then justify it with a suppression.`, "warning"));
    }
    return out;
  },
});
