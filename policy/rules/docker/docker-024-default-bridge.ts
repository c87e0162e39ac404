import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, hasInterpolation, nested, readString, result, show } from "./util";

const DEFAULT_BRIDGE: ReadonlySet<string> = new Set(["", "bridge", "default"]);

/**
 * DOCKER-024: no `networks_advanced` and `network_mode` unset, `bridge` or `default`: the container
 * sits on the default bridge docker0 with every other such container (CIS Docker Benchmark 1.6 §5.30).
 */
export const docker024 = defineResourceRule({
  id: "DOCKER-024",
  severity: "error",
  pack: "docker-runtime",
  title: "Container on the default bridge",
  description: "No `networks_advanced` and `network_mode` unset, `bridge` or `default`: the container sits on the default bridge docker0.",
  fix: "Attach the container to a user-defined network through `networks_advanced`.",
  references: [cisDocker("5.30"), owaspDocker(5, "Be mindful of inter-container connectivity")],
  types: ["docker_container"],
  check(res, index) {
    const adv = res.body.networks_advanced;
    if (nested(res.body, "networks_advanced").length > 0) return [];
    if (typeof adv === "string" && hasInterpolation(adv)) return [cannotVerify(res, "networks_advanced", adv, "a user-defined network")];
    const raw = res.body.network_mode;
    const mode = readString(raw, index);
    if (mode === UNKNOWN) return [cannotVerify(res, "network_mode", raw, "that the default bridge is not used")];
    if (!DEFAULT_BRIDGE.has(mode?.trim().toLowerCase() ?? "")) return [];
    const current = mode === undefined || mode.trim() === "" ? "network_mode is not set" : `network_mode is ${show(mode)}`;
    return [result(res, `no networks_advanced and ${current}: the container is on the default bridge docker0, reachable by every other container there. Fix: attach the container to a user-defined network through networks_advanced.`)];
  },
});
