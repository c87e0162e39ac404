/**
 * NET-001: a datastore or broker container must be attached only to internal networks.
 *
 * The image is resolved through `${docker_image.x.image_id}` when it points into the stack, and
 * its repository name (registry, namespace, tag and digest ignored) is compared exactly with the
 * datastore list of knowledge.ts. An attachment to a network this stack does not define cannot be
 * shown internal: that is a warning ("cannot verify") rather than an error, so external networks
 * declared elsewhere stay usable without hiding the question.
 */
import { DATASTORE_IMAGE_NAMES, parseImage } from "../../../knowledge";
import { ruleMeta } from "../../catalog";
import type { ResourceRule, RuleResult } from "../../types";
import { containerAttachments, isPublicAttachment } from "./networks";

export const net001: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("NET-001"),
  types: ["docker_container"],
  check(res, index) {
    const image = index.resolveString(res.body.image);
    if (image === null) return [];
    const name = parseImage(image).name;
    if (!DATASTORE_IMAGE_NAMES.has(name)) return [];

    const attachments = containerAttachments(res, index);
    const exposed = attachments.filter(isPublicAttachment).map((a) => a.label);
    if (exposed.length > 0) {
      return [{
        address: res.address,
        message: `Datastore/broker container (image "${name}") is attached to ${exposed.join(", ")}, which is not internal: anything on that network (or the host's interfaces) can reach it. Fix: attach it only to a docker_network with \`internal = true\` (backnet) and reach it from the apps over that network.`,
      }];
    }
    const results: RuleResult[] = [];
    const unverified = attachments.filter((a) => !isPublicAttachment(a) && !(a.kind === "network" && a.internal === true));
    if (unverified.length > 0) {
      results.push({
        address: res.address,
        severity: "warning",
        message: `Datastore/broker container (image "${name}") is attached to ${unverified.map((a) => a.label).join(", ")}, which this stack does not define as internal, so it cannot be verified. Fix: attach it to a docker_network of this stack with \`internal = true\`, or suppress with the reason why the external network is internal.`,
      });
    }
    return results;
  },
};
