import { defineCollisionRule, describeClaim } from "../collisions";
import { dockerHostOf, dockerNameOf } from "../docker/host";
import { doc } from "../references";

/**
 * NET-003: network names identify networks on a Docker host. Two stacks declaring one name either
 * fail to create the second or attach their containers by name to the other stack's network,
 * which joins tiers that were meant to be apart (a frontnet of one stack and a backnet of another).
 */
export const net003 = defineCollisionRule({
  id: "NET-003",
  severity: "error",
  pack: "docker-runtime",
  title: "Network name used twice on one Docker host",
  description: "Two `docker_network`s of the run (in one stack or in several) have the same literal `name` on the same Docker host. Names or hosts that are unknown before apply are not compared.",
  fix: "Prefix network names per stack (`<stack>-backnet`, `<stack>-frontnet`), or give the stacks different Docker hosts.",
  references: [doc("Docker documentation: docker network create", "https://docs.docker.com/reference/cli/docker/network/create/")],
  types: ["docker_network"],
  claims(res, index) {
    const name = dockerNameOf(res, index);
    const host = name === null ? null : dockerHostOf(res, index);
    return name === null || host === null ? null : { space: host, name, address: res.address, constructPath: res.constructPath };
  },
  message(later, first) {
    return `${describeClaim(later)} and ${describeClaim(first)} both declare network "${later.name}" on Docker host ${later.space}: the second is refused, or containers that attach by name join the other stack's network and its tier. Fix: prefix network names per stack (e.g. "${later.stack}-backnet"), or run the stacks on different Docker hosts.`;
  },
});
