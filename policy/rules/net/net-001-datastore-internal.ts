/**
 * NET-001: a datastore or broker container must be attached only to internal networks.
 *
 * A container is a backend service when its `bulwark.role` label (knowledge ROLE_LABEL, written by
 * HardenedContainer, in either label shape) names a backend role, whatever its image is called
 * (`confluentinc/cp-kafka`), or when its image's repository name (resolved through
 * `${docker_image.x.image_id}`; registry, namespace, tag and digest ignored) is exactly one of the
 * datastore images of the knowledge leaf. An attachment to a network this stack does not define cannot be
 * shown internal: that is a warning ("cannot verify") rather than an error, so external networks
 * declared elsewhere stay usable without hiding the question.
 */
import { DATASTORE_IMAGE_NAMES, isBackendRole, parseImage } from "../../../knowledge";
import { defineResourceRule } from "../../rule";
import { owaspDocker, nist800190 } from "../references";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { containerAttachments, containerRole, isPublicAttachment } from "./networks";

/** Why the container counts as a backend service (`role "broker"`, `image "mariadb"`), or null. */
function backendReason(res: IndexedResource, index: StackIndex): string | null {
  const role = containerRole(res, index);
  if (role !== null && isBackendRole(role)) return `role "${role}"`;
  const image = index.resolveString(res.body.image);
  if (image === null) return null;
  const name = parseImage(image).name;
  return DATASTORE_IMAGE_NAMES.has(name) ? `image "${name}"` : null;
}

export const net001 = defineResourceRule({
  id: "NET-001",
  severity: "error",
  pack: "docker-runtime",
  title: "Datastore on a non-internal network",
  description: "A datastore or broker container (by image name, or by the `bulwark.role` label naming a backend role: datastore, broker, cache, search) is attached to a network that is not `internal` (error), or to one this stack does not define (warning).",
  fix: "Attach datastores and brokers only to networks with `internal = true`.",
  references: [nist800190("4.4.2", "Unbounded network access from containers"), owaspDocker(5, "Be mindful of inter-container connectivity")],
  types: ["docker_container"],
  check(res, index) {
    const why = backendReason(res, index);
    if (why === null) return [];

    const attachments = containerAttachments(res, index);
    const exposed = attachments.filter(isPublicAttachment).map((a) => a.label);
    if (exposed.length > 0) {
      return [{
        address: res.address,
        message: `Datastore/broker container (${why}) is attached to ${exposed.join(", ")}, which is not internal: anything on that network (or the host's interfaces) can reach it. Fix: attach it only to a docker_network with \`internal = true\` (backnet) and reach it from the apps over that network.`,
      }];
    }
    const results: RuleResult[] = [];
    const unverified = attachments.filter((a) => !isPublicAttachment(a) && !(a.kind === "network" && a.internal === true));
    if (unverified.length > 0) {
      results.push({
        address: res.address,
        severity: "warning",
        message: `Datastore/broker container (${why}) is attached to ${unverified.map((a) => a.label).join(", ")}, which this stack does not define as internal, so it cannot be verified. Fix: attach it to a docker_network of this stack with \`internal = true\`, or suppress with the reason why the external network is internal.`,
      });
    }
    return results;
  },
});
