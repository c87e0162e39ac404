import { defineResourceRule } from "../../rule";
import { cisDocker } from "../references";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, portLabel, readPorts, result } from "./util";

const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * DOCKER-021: a published host port is below 1024 (CIS Docker Benchmark 1.6 §5.8). A missing (or 0) external
 * port is a random high port and passes. One warning per entry.
 */
export const docker021 = defineResourceRule({
  id: "DOCKER-021",
  severity: "warning",
  pack: "docker-runtime",
  title: "Privileged host port",
  description: "A published host port is below 1024.",
  fix: "Publish on a host port >= 1024.",
  references: [cisDocker("5.8")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    for (const p of readPorts(res.body, index)) {
      if (p.external === UNKNOWN) {
        out.push(cannotVerify(res, `ports.external of ${portLabel(p)}`, p.raw.external, "that the host port is unprivileged"));
      } else if (p.external !== undefined && p.external > 0 && p.external < FIRST_UNPRIVILEGED_PORT) {
        out.push(result(res, `ports ${portLabel(p)} publishes privileged host port ${p.external} (below ${FIRST_UNPRIVILEGED_PORT}). Fix: publish on a host port >= ${FIRST_UNPRIVILEGED_PORT} (or let the ingress tunnel reach the service).`, "warning"));
      }
    }
    return out;
  },
});
