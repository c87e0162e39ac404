import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { UNKNOWN, cannotVerify, readNumber, readString, result } from "./util";

export const docker009 = defineResourceRule({
  id: "DOCKER-009",
  severity: "error",
  pack: "docker-runtime",
  title: "No CPU limit",
  description: "No CPU limit: none of `cpu_shares` > 0, `cpu_quota` > 0 or `cpus` is set.",
  fix: "Set `cpu_shares` and/or `cpu_period` + `cpu_quota`.",
  references: [cisDocker("5.12"), owaspDocker(7, "Limit resources")],
  types: ["docker_container"],
  check(res, index) {
    const shares = readNumber(res.body.cpu_shares, index);
    const quota = readNumber(res.body.cpu_quota, index);
    const cpus = readString(res.body.cpus, index);
    if (typeof shares === "number" && shares > 0) return [];
    if (typeof quota === "number" && quota > 0) return [];
    // cpus is a decimal string ("0.5"); "0" means no limit in Docker.
    if (typeof cpus === "string" && cpus.trim() !== "" && !(Number(cpus) <= 0)) return [];
    if (shares === UNKNOWN) return [cannotVerify(res, "cpu_shares", res.body.cpu_shares, "a CPU limit")];
    if (quota === UNKNOWN) return [cannotVerify(res, "cpu_quota", res.body.cpu_quota, "a CPU limit")];
    if (cpus === UNKNOWN) return [cannotVerify(res, "cpus", res.body.cpus, "a CPU limit")];
    return [result(res, "no CPU limit: none of cpu_shares > 0, cpu_quota > 0 or cpus is set, so one container can starve the others. Fix: set cpu_shares and/or cpu_period + cpu_quota.")];
  },
});
