import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { DOCKER_PROVIDER_CPUS_FIXED_IN, compareVersions } from "../../../knowledge";
import { result, show } from "./util";

/**
 * DOCKER-010: `cpus` is set while the pinned kreuzwerker/docker is < 3.7.0 (the provider panics on
 * create, issue #759); a warning when the version is not pinned exactly (unknown).
 */
export const docker010 = defineResourceRule({
  id: "DOCKER-010",
  severity: "error",
  pack: "docker-runtime",
  title: "`cpus` with a provider that panics on it",
  description: "`cpus` is set while the pinned kreuzwerker/docker provider is older than 3.7.0, which panics on create (a warning when the version is not pinned exactly).",
  fix: "Replace `cpus` with `cpu_period` + `cpu_quota` (or pin kreuzwerker/docker >= 3.7.0).",
  references: [doc("kreuzwerker/terraform-provider-docker issue #759", "https://github.com/kreuzwerker/terraform-provider-docker/issues/759")],
  types: ["docker_container"],
  check(res, index) {
    const cpus = res.body.cpus;
    if (cpus === undefined || cpus === null || cpus === "") return [];
    const version = index.providerVersion("kreuzwerker/docker");
    const fix = `Fix: replace cpus with cpu_period + cpu_quota (e.g. 100000 + 50000 for half a CPU), or pin kreuzwerker/docker >= ${DOCKER_PROVIDER_CPUS_FIXED_IN}.`;
    if (version === null) {
      return [result(res, `cpus = ${show(cpus)} is set and the kreuzwerker/docker version is not pinned exactly, so it may be one (< ${DOCKER_PROVIDER_CPUS_FIXED_IN}) that panics on create. ${fix}`, "warning")];
    }
    if (compareVersions(version, DOCKER_PROVIDER_CPUS_FIXED_IN) >= 0) return [];
    return [result(res, `cpus = ${show(cpus)} is set and kreuzwerker/docker is pinned to ${version}, which panics on create with cpus (fixed in ${DOCKER_PROVIDER_CPUS_FIXED_IN}). ${fix}`)];
  },
});
