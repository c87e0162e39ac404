import { ruleMeta } from "../../catalog";
import { isObject } from "../../stack-index";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readString, result, show } from "./util";

/** Drivers that write to the host disk and rotate only when told to. */
const FILE_DRIVERS: ReadonlySet<string> = new Set(["json-file", "local"]);

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/**
 * DOCKER-014: log driver json-file/local (or unset, the daemon default json-file) without both
 * `max-size` and `max-file` in `log_opts` (seed 000 §3.4). Other drivers (syslog, journald,
 * fluentd, …) rotate elsewhere and pass.
 */
export const docker014: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-014"),
  types: ["docker_container"],
  check(res, index) {
    const opts = isObject(res.body.log_opts) ? res.body.log_opts : {};
    const missing = ["max-size", "max-file"].filter((k) => !present(opts[k]));
    if (missing.length === 0) return [];
    const raw = res.body.log_driver;
    const driver = readString(raw, index);
    if (driver === UNKNOWN) return [cannotVerify(res, "log_driver", raw, "log rotation")];
    const name = driver?.trim().toLowerCase() ?? "";
    if (name !== "" && !FILE_DRIVERS.has(name)) return [];
    const which = name === "" ? "log_driver is not set (daemon default json-file)" : `log_driver is ${show(driver)}`;
    return [result(res, `${which} and log_opts lacks ${missing.map((k) => `"${k}"`).join(" and ")}: logs grow until the disk is full. Fix: set log_opts = { "max-size" = "10m", "max-file" = "3" }.`)];
  },
};
