import { defineCollisionRule, describeClaim } from "../collisions";
import { doc } from "../references";
import { dockerHostOf, dockerNameOf } from "./host";

/**
 * DOCKER-030: volume names are unique per Docker host. Two stacks declaring one name do not get
 * two volumes: they share one, so each sees (and on destroy deletes) the other's data. A volume
 * without a name gets a generated one and never collides.
 */
export const docker030 = defineCollisionRule({
  id: "DOCKER-030",
  severity: "error",
  pack: "docker-runtime",
  title: "Volume name used twice on one Docker host",
  description: "Two `docker_volume`s of the run (in one stack or in several) have the same literal `name` on the same Docker host, so they are one volume whose data both use and either may destroy. Names or hosts that are unknown before apply are not compared.",
  fix: "Prefix volume names per stack (`<stack>-<service>-data`), or give the stacks different Docker hosts.",
  references: [doc("Docker documentation: Volumes", "https://docs.docker.com/engine/storage/volumes/")],
  types: ["docker_volume"],
  claims(res, index) {
    const name = dockerNameOf(res, index);
    const host = name === null ? null : dockerHostOf(res, index);
    return name === null || host === null ? null : { space: host, name, address: res.address, constructPath: res.constructPath };
  },
  message(later, first) {
    return `${describeClaim(later)} and ${describeClaim(first)} both declare volume "${later.name}" on Docker host ${later.space}: they are one volume, so each stack reads and overwrites the other's data and destroying either deletes it. Fix: prefix volume names per stack (e.g. "${later.stack}-<service>-data"), or run the stacks on different Docker hosts.`;
  },
});
