/**
 * The images a stack runs, as Terraform states them: what the deploy workflow verifies
 * (`cosign verify <repository>@<digest>` for every pinned image) and what DOCKER-022 judges.
 *
 * Read from any Terraform JSON: `docker_container.image` (a `${docker_image.x.image_id}`
 * reference resolves to that image's `name`, as in the rules) and the `image` of every container
 * of a `kubernetes_*` workload. An image that cannot be resolved in the stack (a variable, a
 * computed value) is left out: its digest is unknown before apply, and DOCKER-022 says so.
 */
import { parseImage } from "../knowledge";
import { buildStackIndex, blocks, isObject } from "./stack-index";
import type { StackIndex } from "./types";

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** One image of a stack. */
export interface StackImage {
  /** The resource running it (`docker_container.mariadb`, `kubernetes_stateful_set_v1.mariadb`). */
  readonly address: string;
  /** The image reference as written (`mariadb:11.8.9@sha256:…`). */
  readonly image: string;
  /** Repository with registry, without tag and digest (`mariadb`, `ghcr.io/example-org/koha`). */
  readonly repository: string;
  readonly tag: string | null;
  /** The `sha256:<64 hex>` digest, or null when the image is not pinned by one. */
  readonly digest: string | null;
}

function imageOf(address: string, text: string): StackImage {
  const ref = parseImage(text);
  const repository = ref.registry ? `${ref.registry}/${ref.path}` : ref.path;
  const digest = ref.digest !== null && SHA256_DIGEST.test(ref.digest.toLowerCase()) ? ref.digest.toLowerCase() : null;
  return { address, image: text.trim(), repository, tag: ref.tag, digest };
}

/** Every `image` string inside a Kubernetes workload body (containers and init containers). */
function kubernetesImages(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) for (const v of value) kubernetesImages(v, out);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "//") continue;
      if (k === "image" && typeof v === "string") out.push(v);
      else kubernetesImages(v, out);
    }
  }
}

/** The images of one stack's index, resolvable ones only, in address order. */
export function imagesOfIndex(index: StackIndex): StackImage[] {
  const out: StackImage[] = [];
  for (const res of index.byType("docker_container")) {
    const text = index.resolveString(res.body.image);
    if (text && text.trim() !== "") out.push(imageOf(res.address, text));
  }
  for (const res of index.resources) {
    if (res.mode !== "resource" || !res.type.startsWith("kubernetes_")) continue;
    const found: unknown[] = [];
    for (const spec of blocks(res.body.spec)) kubernetesImages(spec, found);
    for (const raw of found) {
      const text = index.resolveString(raw);
      if (text && text.trim() !== "") out.push(imageOf(res.address, text));
    }
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The images of a Terraform JSON configuration (cdk.tf.json, *.tf.json, normalized HCL). */
export function stackImages(json: Record<string, unknown>, stack = "stack"): StackImage[] {
  return imagesOfIndex(buildStackIndex(stack, stack, json));
}

/**
 * Every image pinned by digest in these configurations, as `repository:tag@sha256:…` (or
 * `repository@sha256:…` without a tag), unique and sorted: the list `cosign verify` walks.
 */
export function pinnedImagesIn(jsons: readonly Record<string, unknown>[]): string[] {
  const set = new Set<string>();
  for (const json of jsons) {
    for (const img of stackImages(json)) {
      if (img.digest !== null) set.add(`${img.repository}${img.tag ? `:${img.tag}` : ""}@${img.digest}`);
    }
  }
  return [...set].sort();
}
