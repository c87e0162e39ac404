import { movingTagReason, parseImage } from "../../../knowledge";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { nsaK8s } from "./references";
import { POD_RESOURCE_TYPES, containers, result, workloadOf } from "./util";

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/i;

export const k8s010 = defineK8sResourceRule({
  id: "K8S-010",
  severity: "error",
  pack: K8S_PACK,
  title: "Image not pinned",
  description: "A container's image has no tag or the tag `latest` (error), or a tag without an `@sha256:` digest (warning; a moving tag such as `main` or a bare major says so).",
  fix: "Use an explicit version tag (never `latest`) pinned by `@sha256:` digest.",
  references: [doc("Kubernetes: images (image names, tags and digests)", "https://kubernetes.io/docs/concepts/containers/images/"), nsaK8s("Kubernetes Pod security: use immutable images")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const image = c.container.image;
      if (typeof image !== "string" || image.trim() === "") {
        out.push(result(res, `${w.label}: container ${c.name} names no image. Fix: set image to name:1.2.3@sha256:<digest>.`));
        continue;
      }
      if (image.includes("${")) {
        out.push(result(res, `${w.label}: container ${c.name} image ${JSON.stringify(image)} is a reference, so its tag and digest cannot be verified before apply. Fix: use a literal image reference.`, "info"));
        continue;
      }
      const p = parseImage(image);
      const pinned = p.digest !== null && SHA256_DIGEST.test(p.digest);
      if (p.tag === null && !pinned) out.push(result(res, `${w.label}: container ${c.name} image ${JSON.stringify(image)} has no tag, which means latest. Fix: use an explicit version tag pinned by digest.`));
      else if (p.tag !== null && p.tag.toLowerCase() === "latest") out.push(result(res, `${w.label}: container ${c.name} image ${JSON.stringify(image)} uses the tag latest, which moves. Fix: use an explicit version tag pinned by digest.`));
      else if (!pinned) {
        const moving = p.tag ? movingTagReason(p.tag) : null;
        out.push(result(res, `${w.label}: container ${c.name} image ${JSON.stringify(image)} is not pinned by digest${moving ? ` (${moving})` : ""}, so a re-pushed tag changes what runs. Fix: append @sha256:<digest>.`, "warning"));
      }
    }
    return out;
  },
});
