/**
 * NET-002: tier separation. When no container of the stack uses an internal network, every
 * backend container (on a non-internal network, publishing no ports, not an ingress connector)
 * is warned about: it sits on the same flat network as whatever faces the outside.
 *
 * Attachments to networks the stack does not define might be internal; when any exists the rule
 * stays silent rather than guess (it is a warning about design, not a proven exposure).
 */
import { INGRESS_IMAGE_NAMES, INGRESS_ROLE, ROLE_LABEL, parseImage } from "../../../knowledge";
import { defineStackRule } from "../../rule";
import { owaspDocker, nist800190 } from "../references";
import { blocks } from "../../stack-index";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { type Attachment, containerAttachments, isPublicAttachment, labelValue } from "./networks";


export function isIngressConnector(container: IndexedResource, index: StackIndex): boolean {
  const role = labelValue(container.body, ROLE_LABEL);
  if (typeof role === "string" && role.trim().toLowerCase() === INGRESS_ROLE) return true;
  const image = index.resolveString(container.body.image);
  return image !== null && INGRESS_IMAGE_NAMES.has(parseImage(image).name);
}

function publishesPorts(body: Readonly<Record<string, unknown>>): boolean {
  const all = body.publish_all_ports;
  if (all === true || (typeof all === "string" && all.trim().toLowerCase() === "true")) return true;
  return blocks(body.ports).length > 0;
}

export const net002 = defineStackRule({
  id: "NET-002",
  severity: "warning",
  pack: "docker-runtime",
  title: "No tier separation",
  description: "No container of the stack uses an internal network, and a backend container (no published ports, not an ingress connector) sits on the same flat network as whatever faces the outside.",
  fix: "Put backend services on an internal network (backnet) and keep frontnet for ingress-facing apps.",
  references: [nist800190("4.3.3", "Poorly separated inter-container network traffic"), owaspDocker(5, "Be mindful of inter-container connectivity")],
  check(index) {
    const containers = index.byType("docker_container");
    const attached: (readonly Attachment[])[] = [];
    for (const c of containers) {
      const list = containerAttachments(c, index);
      // An internal network in use, or one that might be internal: tiers may well be separated.
      if (list.some((a) => !isPublicAttachment(a))) return [];
      attached.push(list);
    }
    const results: RuleResult[] = [];
    containers.forEach((c, i) => {
      const list = attached[i];
      if (list.length === 0 || publishesPorts(c.body) || isIngressConnector(c, index)) return;
      results.push({
        address: c.address,
        message: `No internal network is used anywhere in this stack, and this backend container (no published ports, not an ingress connector) sits on ${list.map((a) => a.label).join(", ")} with whatever faces the outside. Fix: attach backend services to a docker_network with \`internal = true\` (backnet) and keep the non-internal network (frontnet) for ingress-facing apps.`,
      });
    });
    return results;
  },
});
