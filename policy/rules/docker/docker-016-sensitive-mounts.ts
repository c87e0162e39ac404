import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { isReadOnlySafeHostFile, isSensitiveHostPath } from "../../../knowledge";
import type { RuleResult } from "../../types";
import { UNKNOWN, cannotVerify, nested, normalizeHostPath, readBool, readString, result, show } from "./util";

/**
 * DOCKER-016: a bind source (`volumes.host_path`, `mounts.source` of type bind) is `/`, a system
 * directory or anything under it, or a docker.sock (CIS Docker Benchmark 1.6 §5.6/5.32). Paths are normalized
 * first (`//etc/../etc` is `/etc`). A read-only bind of `/etc/localtime` or `/etc/timezone`
 * (knowledge READ_ONLY_SAFE_HOST_FILES) passes: it shares the host's time zone, nothing more.
 */
export const docker016 = defineResourceRule({
  id: "DOCKER-016",
  severity: "error",
  pack: "docker-runtime",
  title: "Sensitive host path mounted",
  description: "A bind source (`volumes.host_path`, `mounts.source` of type bind) is `/`, a system directory or anything under it, or a docker.sock, after normalising the path.",
  fix: "Do not bind-mount `/`, system directories or the Docker socket; use a named volume.",
  references: [cisDocker("5.6", "5.32"), owaspDocker(1, "Do not expose the Docker daemon socket")],
  types: ["docker_container"],
  check(res, index) {
    const out: RuleResult[] = [];
    const judge = (attr: string, raw: unknown, readOnly: unknown) => {
      const path = readString(raw, index);
      if (path === UNKNOWN) out.push(cannotVerify(res, attr, raw, "that no sensitive host path is mounted"));
      else if (path !== undefined && path.trim() !== "" && isSensitiveHostPath(normalizeHostPath(path))) {
        if (isReadOnlySafeHostFile(normalizeHostPath(path)) && readBool(readOnly, index) === true) return;
        out.push({ ...result(res, `${attr} ${show(path)} mounts a sensitive host path into the container (system files or the Docker socket give it control of the host). Fix: do not bind-mount /, system directories or the Docker socket; use a named volume.`), subject: normalizeHostPath(path) });
      }
    };
    for (const v of nested(res.body, "volumes")) if (v.host_path !== undefined && v.host_path !== null) judge("volumes.host_path", v.host_path, v.read_only);
    for (const m of nested(res.body, "mounts")) {
      if (typeof m.type === "string" && m.type.trim().toLowerCase() === "bind") judge("mounts.source", m.source, m.read_only);
    }
    return out;
  },
});
