import { ruleMeta } from "../../catalog";
import { parseImage } from "../../../knowledge";
import type { ResourceRule } from "../../types";
import { UNKNOWN, readString, result, show } from "./util";

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/i;
const DOCKER_IMAGE_REF = /^\$\{\s*(docker_image\.[\w-]+)\./;

/**
 * DOCKER-022: image has no tag or tag `latest` (E, also when a digest follows `latest`); tagged but
 * not pinned by an `@sha256:` digest (W) (CIS Docker 5.28, seed 000 §2.4).
 *
 * `image = "${docker_image.x.image_id}"` is judged by that docker_image's `name`. An image that
 * cannot be resolved in this stack (a variable, a computed value) gets an info, never a claimed tag
 * problem: its tag is unknown, not missing. A bare local image id (`sha256:<64 hex>`) is immutable
 * but hides which version runs: an info as well.
 */
export const docker022: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-022"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.image;
    const image = readString(raw, index);
    const fix = "Fix: use an explicit version tag (never latest) pinned by digest: name:1.2.3@sha256:<digest>.";
    if (image === UNKNOWN) {
      const target = typeof raw === "string" ? DOCKER_IMAGE_REF.exec(raw.trim())?.[1] : undefined;
      const why = target ? `it points at ${target}, whose name cannot be resolved in this stack` : "it is a reference that cannot be resolved in this stack";
      return [result(res, `image is ${show(raw)}: ${why}, so its tag and digest cannot be verified before apply. Fix: use a literal image reference (name:1.2.3@sha256:<digest>), or a docker_image whose name is one.`, "info")];
    }
    if (image === undefined || image.trim() === "") {
      return [result(res, "image is not set or not known before apply, so its tag and digest cannot be verified. Fix: set image to name:1.2.3@sha256:<digest>.", "info")];
    }
    const text = image.trim();
    const via = typeof raw === "string" && raw !== image ? ` (from ${raw})` : "";
    if (SHA256_DIGEST.test(text)) {
      return [result(res, `image ${show(text)}${via} is a bare image id: immutable, but nobody can tell which version runs. ${fix}`, "info")];
    }
    const ref = parseImage(text);
    if (ref.tag !== null && ref.tag.toLowerCase() === "latest") {
      const digestNote = ref.digest ? " (a digest does not make latest acceptable: the next update silently moves it)" : "";
      return [result(res, `image ${show(text)}${via} uses the tag latest${digestNote}, which changes under you and cannot be audited or rolled back. ${fix}`)];
    }
    if (ref.tag === null) {
      const what = ref.digest ? "has a digest but no version tag, so nobody can tell which version runs" : "has no tag, so Docker pulls latest";
      return [result(res, `image ${show(text)}${via} ${what}. ${fix}`)];
    }
    if (ref.digest === null) {
      return [result(res, `image ${show(text)}${via} is tagged ${ref.tag} but not pinned by an @sha256: digest, so the tag can be re-pointed to different content. ${fix}`, "warning")];
    }
    if (!SHA256_DIGEST.test(ref.digest)) {
      return [result(res, `image ${show(text)}${via} has digest ${show(ref.digest)}, which is not a sha256:<64 hex> digest. ${fix}`, "warning")];
    }
    return [];
  },
};
