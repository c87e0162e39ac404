import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import { isAllInterfaces } from "../../../knowledge";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, portLabel, readPorts, result } from "./util";

/**
 * DOCKER-018: a `ports` entry binds all interfaces: `ip` missing (provider default 0.0.0.0),
 * `0.0.0.0` or `::` (CIS Docker Benchmark 1.6 §5.14). An entry without `external` still publishes, on a random
 * host port. One finding per entry.
 */
export const docker018 = defineResourceRule({
  id: "DOCKER-018",
  severity: "error",
  pack: "docker-runtime",
  title: "Port published on all interfaces",
  description: "A `ports` entry binds every interface: `ip` missing (the provider defaults to 0.0.0.0), `0.0.0.0` or `::`.",
  fix: "Set `ports.ip = \"127.0.0.1\"` (or remove the port and go through the tunnel).",
  references: [cisDocker("5.14")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const p of readPorts(res.body, index)) {
      if (p.ip === UNKNOWN) {
        out.push(cannotVerify(res, `ports.ip of ${portLabel(p)}`, p.raw.ip, "the bind address"));
      } else if (isAllInterfaces(p.ip)) {
        const why = p.ip === undefined || p.ip.trim() === "" ? "ip is not set (the provider defaults to 0.0.0.0)" : `ip is "${p.ip.trim()}"`;
        out.push(result(res, `ports ${portLabel(p)} is published on every interface: ${why}, so the port is reachable from any network the host is on. Fix: set ip = "127.0.0.1" on the port (or remove the port and go through the tunnel).`));
      }
    }
    return out;
  },
});
