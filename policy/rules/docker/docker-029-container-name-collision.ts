import { defineCollisionRule, describeClaim } from "../collisions";
import { doc } from "../references";
import { dockerHostOf, dockerNameOf } from "./host";

/**
 * DOCKER-029: container names are unique per Docker host, and stacks that share a host share that
 * namespace: the second apply fails with a name conflict, or (after a taint or a rename elsewhere)
 * one stack replaces the other's container.
 */
export const docker029 = defineCollisionRule({
  id: "DOCKER-029",
  severity: "error",
  pack: "docker-runtime",
  title: "Container name used twice on one Docker host",
  description: "Two `docker_container`s of the run (in one stack or in several) have the same literal `name` on the same Docker host (the `host` of the docker provider each uses; no host is the default socket). Names or hosts that are unknown before apply are not compared.",
  fix: "Prefix container names per stack (`<stack>-<service>`), or give the stacks different Docker hosts.",
  references: [doc("Docker documentation: docker container run --name", "https://docs.docker.com/reference/cli/docker/container/run/#name")],
  types: ["docker_container"],
  claims(res, index) {
    const name = dockerNameOf(res, index);
    const host = name === null ? null : dockerHostOf(res, index);
    return name === null || host === null ? null : { space: host, name, address: res.address, constructPath: res.constructPath };
  },
  message(later, first) {
    return `${describeClaim(later)} and ${describeClaim(first)} both create container "${later.name}" on Docker host ${later.space}: Docker keeps one container per name and host, so one apply fails or replaces the other's container. Fix: prefix container names per stack (e.g. "${later.stack}-<service>"), or run the stacks on different Docker hosts.`;
  },
});
