import { defineResourceRule } from "../../rule";
import { owaspDocker, doc } from "../references";
import { isObject } from "../../stack-index";
import { UNKNOWN, cannotVerify, readString, result, show } from "./util";

/** Drivers that write to the host disk and rotate only when told to. */
const FILE_DRIVERS: ReadonlySet<string> = new Set(["json-file", "local"]);

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/**
 * DOCKER-014: log driver json-file/local (or unset, the daemon default json-file) without both
 * `max-size` and `max-file` in `log_opts`. Other drivers (syslog, journald,
 * fluentd, …) rotate elsewhere and pass.
 */
export const docker014 = defineResourceRule({
  id: "DOCKER-014",
  severity: "error",
  pack: "docker-runtime",
  title: "Logs are not rotated",
  description: "The log driver is json-file or local (or unset, the daemon default json-file) and `log_opts` lacks `max-size` or `max-file`. Other drivers rotate elsewhere and pass.",
  fix: "Set `log_opts` `max-size` and `max-file` for the json-file/local driver.",
  references: [doc("Docker documentation: JSON File logging driver", "https://docs.docker.com/engine/logging/drivers/json-file/"), owaspDocker(7, "Limit resources")],
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
});
