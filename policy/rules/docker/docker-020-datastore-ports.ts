import { defineResourceRule } from "../../rule";
import { cisDocker, nist800190 } from "../references";
import { DATASTORE_PORTS, isLoopbackAddress } from "../../../knowledge";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, portLabel, readPorts, result } from "./util";

/**
 * DOCKER-020: a datastore/broker port, as container or host port, is published on a non-loopback
 * address (E), or on loopback 127.0.0.0/8 / ::1 (W). A missing ip is 0.0.0.0. When the address is
 * an unresolvable reference the port is still published somewhere: a warning. One finding per entry.
 */
export const docker020 = defineResourceRule({
  id: "DOCKER-020",
  severity: "error",
  pack: "docker-runtime",
  title: "Datastore or broker port published",
  description: "A datastore or broker port (3306, 5432, 6379, 9200, 5672, 27017, …), as container or host port, is published on a non-loopback address (error) or on loopback (warning).",
  fix: "Do not publish datastore ports; reach them over an internal network (loopback only if unavoidable).",
  references: [cisDocker("5.9"), nist800190("4.4.2", "Unbounded network access from containers")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const p of readPorts(res.body, index)) {
      const ports: number[] = [];
      if (typeof p.internal === "number" && DATASTORE_PORTS.has(p.internal)) ports.push(p.internal);
      if (typeof p.external === "number" && DATASTORE_PORTS.has(p.external) && p.external !== p.internal) ports.push(p.external);
      const label = portLabel(p);
      if (ports.length === 0) {
        if (p.internal === UNKNOWN) out.push(cannotVerify(res, `ports.internal of ${label}`, p.raw.internal, "that no datastore port is published"));
        else if (p.external === UNKNOWN) out.push(cannotVerify(res, `ports.external of ${label}`, p.raw.external, "that no datastore port is published"));
        continue;
      }
      const what = `ports ${label} publishes datastore/broker port ${ports.join(" and ")}`;
      const fix = "Fix: do not publish datastore ports; reach the service over an internal network (backnet)";
      if (p.ip === UNKNOWN) {
        out.push(result(res, `${what} on an address that cannot be resolved in this stack (${String(p.raw.ip)}). ${fix}.`, "warning"));
      } else if (p.ip !== undefined && isLoopbackAddress(p.ip)) {
        out.push(result(res, `${what} on loopback ${p.ip.trim()}: only local processes can reach it, but every one of them can. ${fix}; keep loopback only if a host-side tool truly needs it.`, "warning"));
      } else {
        out.push(result(res, `${what} on a non-loopback address, so the datastore is reachable from the network. ${fix} (loopback 127.0.0.1 only if unavoidable).`));
      }
    }
    return out;
  },
});
