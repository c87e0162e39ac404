import { ruleMeta } from "../../catalog";
import type { ResourceRule, RuleResult } from "../../types";
import { nested, result, show } from "./util";

/** DOCKER-026: `devices` or `gpus` is set (CIS Docker 5.18); one warning per attribute. */
export const docker026: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-026"),
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
};
