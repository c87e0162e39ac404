import { defineResourceRule } from "../../rule";
import { cisDocker, doc } from "../references";
import { movingTagReason, parseImage } from "../../../knowledge";
import { UNKNOWN, readString, result, show } from "./util";
import { stackEnvironment, type StackEnvironment } from "../../environment";
import type { Severity } from "../../types";

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/i;
const DOCKER_IMAGE_REF = /^\$\{\s*(docker_image\.[\w-]+)\./;

/**
 * DOCKER-022: image has no tag or tag `latest` (E, also when a digest follows `latest`); tagged but
 * not pinned by an `@sha256:` digest (W) (CIS Docker Benchmark 1.6 §5.28).
 *
 * `image = "${docker_image.x.image_id}"` is judged by that docker_image's `name`. An image that
 * cannot be resolved in this stack (a variable, a computed value) gets an info, never a claimed tag
 * problem: its tag is unknown, not missing. A bare local image id (`sha256:<64 hex>`) is immutable
 * but hides which version runs: an info as well.
 *
 * In production (`local.bulwark_environment = "production"`, or `bulwark check --environment
 * production`; policy/environment.ts) every image without a valid digest is an error, because the
 * deploy verifies signatures of pinned digests only (`cosign verify`): a tag can be re-pointed
 * after the signature was checked. An image that cannot be resolved is a warning there (it cannot
 * be verified before apply). Without an environment, or in staging/development, nothing changes.
 */
export const docker022 = defineResourceRule({
  id: "DOCKER-022",
  severity: "error",
  pack: "docker-runtime",
  title: "Image not pinned",
  description: "The image has no tag or the tag `latest` (error), or is tagged but not pinned by an `@sha256:` digest (warning); a moving tag (`main`, `stable`, `edge`, `nightly`, a bare major such as `8` or `v1`) without a digest says so (warning). A `${docker_image.x.image_id}` reference is judged by that image's `name`. In a production stack (`local.bulwark_environment = \"production\"` or `bulwark check --environment production`) every image without a valid digest is an error, and an image that cannot be resolved is a warning.",
  fix: "Use an explicit version tag (never `latest`) and pin it by `@sha256:` digest.",
  references: [cisDocker("5.28"), doc("Docker documentation: pull an image by digest", "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier")],
  types: ["docker_container"],
  check(res, index) {
    const env = stackEnvironment(index.json);
    const production = env?.environment === "production";
    // In production a missing digest is an error; the message says where production came from.
    const unpinned: Severity = production ? "error" : "warning";
    const inProd = production ? ` ${productionNote(env!)}` : "";
    const raw = res.body.image;
    const image = readString(raw, index);
    const fix = "Fix: use an explicit version tag (never latest) pinned by digest: name:1.2.3@sha256:<digest>.";
    if (image === UNKNOWN) {
      const target = typeof raw === "string" ? DOCKER_IMAGE_REF.exec(raw.trim())?.[1] : undefined;
      const why = target ? `it points at ${target}, whose name cannot be resolved in this stack` : "it is a reference that cannot be resolved in this stack";
      return [result(res, `image is ${show(raw)}: ${why}, so its tag and digest cannot be verified before apply.${inProd} Fix: use a literal image reference (name:1.2.3@sha256:<digest>), or a docker_image whose name is one.`, production ? "warning" : "info")];
    }
    if (image === undefined || image.trim() === "") {
      return [result(res, `image is not set or not known before apply, so its tag and digest cannot be verified.${inProd} Fix: set image to name:1.2.3@sha256:<digest>.`, production ? "warning" : "info")];
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
    const moving = movingTagReason(ref.tag);
    if (moving !== null && ref.digest === null) {
      return [result(res, `image ${show(text)}${via}: ${moving}, so it is not a pinned version (a version tag has a minor part, e.g. 8.4 or v1.2.3) and is not pinned by digest either.${inProd} ${fix}`, unpinned)];
    }
    if (ref.digest === null) {
      return [result(res, `image ${show(text)}${via} is tagged ${ref.tag} but not pinned by an @sha256: digest, so the tag can be re-pointed to different content.${inProd} ${fix}`, unpinned)];
    }
    if (!SHA256_DIGEST.test(ref.digest)) {
      return [result(res, `image ${show(text)}${via} has digest ${show(ref.digest)}, which is not a sha256:<64 hex> digest.${inProd} ${fix}`, unpinned)];
    }
    return [];
  },
});

function productionNote(env: StackEnvironment): string {
  const unknown = env.unrecognized !== undefined ? ` (${show(env.unrecognized)} is not one of production, staging, development, so it is judged as production)` : "";
  return `The stack is production (${env.source}${unknown}): every image must be pinned by digest, whose signature the deploy verifies.`;
}
