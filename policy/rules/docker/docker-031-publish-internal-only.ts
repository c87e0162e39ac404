import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { containerAttachments } from "../net/networks";
import { readPorts, portLabel, result } from "./util";

/**
 * DOCKER-031: a docker_container publishes ports but every network it joins is internal. Docker
 * then never publishes them: `NetworkSettings.Ports` stays empty and connections to the host port
 * are refused, with no error at create time (moby#36174; seen on Docker 20.10.24 with runc 1.1.5,
 * the engine Debian 12 ships). The publication the configuration promises silently does not exist.
 *
 * Only networks this stack defines count: a container that also joins an unknown network (external,
 * a variable) or the default bridge might publish, so it passes.
 */
export const docker031 = defineResourceRule({
  id: "DOCKER-031",
  severity: "error",
  pack: "docker-runtime",
  title: "Ports published from internal networks only",
  description:
    "A container publishes host ports but joins only `internal = true` networks. Docker never publishes ports of such a container (moby#36174; seen on Docker 20.10.24): the host port is silently missing.",
  fix: "Attach the container also to a non-internal network that only it is on (bulwark's HardenedContainer adds one with IP masquerading off and loopback binding), or remove the publication.",
  references: [
    doc("moby/moby#36174: ports are not published on internal networks", "https://github.com/moby/moby/issues/36174"),
    doc("Docker documentation: bridge network driver, internal", "https://docs.docker.com/engine/network/drivers/bridge/"),
  ],
  types: ["docker_container"],
  check(res, index) {
    const ports = readPorts(res.body, index);
    if (ports.length === 0) return [];
    const attachments = containerAttachments(res, index);
    if (attachments.length === 0) return [];
    if (!attachments.every((a) => a.kind === "network" && a.internal === true)) return [];
    const names = attachments.map((a) => a.label).join(", ");
    return [
      result(
        res,
        `publishes ${ports.map(portLabel).join(", ")} but joins only internal networks (${names}): Docker does not publish ports of such a container (moby#36174, Docker 20.10 and later), so the host port never accepts connections. Fix: attach it also to a non-internal network that only it is on, or remove the publication.`,
      ),
    ];
  },
});
