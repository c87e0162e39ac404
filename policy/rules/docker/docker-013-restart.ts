import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, readNumber, readString, result, show } from "./util";

const MAX_RETRIES = 5;
const POLICIES: ReadonlySet<string> = new Set(["no", "on-failure", "always", "unless-stopped"]);

/**
 * DOCKER-013: `restart` missing or `no` (E); `on-failure` with `max_retry_count` missing or > 5
 * (W). A count of 0 is Docker's "retry forever", so it counts as missing. A value that is no Docker
 * restart policy at all is an error too.
 */
export const docker013 = defineResourceRule({
  id: "DOCKER-013",
  severity: "error",
  pack: "docker-runtime",
  title: "No restart policy",
  description: "`restart` is missing, `no` or not a Docker restart policy (error); `on-failure` without a `max_retry_count` between 1 and 5 (warning).",
  fix: "Set `restart = \"unless-stopped\"`, or `on-failure` with `max_retry_count` <= 5.",
  references: [cisDocker("5.15"), owaspDocker(7, "Limit resources")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.restart;
    const restart = readString(raw, index);
    if (restart === UNKNOWN) return [cannotVerify(res, "restart", raw, "the restart policy")];
    const fix = `Fix: set restart = "unless-stopped", or "on-failure" with max_retry_count <= ${MAX_RETRIES}.`;
    const policy = restart?.trim().toLowerCase() ?? "";
    if (policy === "") return [result(res, `restart is not set, so the container stays down after a crash or a reboot. ${fix}`)];
    if (policy === "no") return [result(res, `restart is "no", so the container stays down after a crash or a reboot. ${fix}`)];
    if (!POLICIES.has(policy)) return [result(res, `restart is ${show(restart)}, which is not a Docker restart policy (no, on-failure, always, unless-stopped). ${fix}`)];
    if (policy !== "on-failure") return [];
    const rawCount = res.body.max_retry_count;
    const count = readNumber(rawCount, index);
    if (count === UNKNOWN) return [cannotVerify(res, "max_retry_count", rawCount, "a bounded retry count")];
    if (count !== undefined && count > 0 && count <= MAX_RETRIES) return [];
    const current = count === undefined || count === 0 ? "max_retry_count is not set (Docker retries forever)" : `max_retry_count is ${show(rawCount)}`;
    return [result(res, `restart is "on-failure" and ${current}: a crash-looping service keeps restarting instead of surfacing. Fix: set max_retry_count between 1 and ${MAX_RETRIES}, or use restart = "unless-stopped".`, "warning")];
  },
});
