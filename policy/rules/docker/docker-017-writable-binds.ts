import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, nested, readBool, readString, normalizeHostPath, result, show } from "./util";

/**
 * DOCKER-017: a writable bind mount of a host path: `volumes` with `host_path` and
 * `read_only` not true, or `mounts` of type bind without `read_only = true`. Named volumes and
 * read-only binds pass. One warning per mount.
 */
export const docker017 = defineResourceRule({
  id: "DOCKER-017",
  severity: "warning",
  pack: "docker-runtime",
  title: "Writable bind mount of a host path",
  description: "A writable bind mount of a host path: `volumes` with `host_path` and `read_only` not true, or `mounts` of type bind without `read_only = true`. Named volumes and read-only binds pass.",
  fix: "Use a named volume, or make the bind read-only.",
  references: [owaspDocker(8, "Set filesystem and volumes to read-only"), cisDocker("5.6")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    const judge = (attr: string, path: unknown, rawRo: unknown) => {
      const ro = readBool(rawRo, index);
      if (ro === true) return;
      const where = readString(path, index);
      const label = where === UNKNOWN || where === undefined ? show(path) : show(where);
      if (ro === UNKNOWN) out.push(cannotVerify(res, `read_only of the bind ${label}`, rawRo, "that the bind is read-only"));
      else {
        const subject = typeof where === "string" ? normalizeHostPath(where) : undefined;
        out.push({ ...result(res, `${attr} ${label} is a writable bind mount of a host path: the container can change host files, and the data lives outside Docker's volume management. Fix: use a named volume, or set read_only = true on the bind.`, "warning"), ...(subject ? { subject } : {}) });
      }
    };
    for (const v of nested(res.body, "volumes")) {
      if (v.host_path !== undefined && v.host_path !== null && v.host_path !== "") judge("volumes.host_path", v.host_path, v.read_only);
    }
    for (const m of nested(res.body, "mounts")) {
      if (typeof m.type === "string" && m.type.trim().toLowerCase() === "bind") judge("mounts.source", m.source, m.read_only);
    }
    return out;
  },
});
