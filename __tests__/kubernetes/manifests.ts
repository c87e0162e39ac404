/**
 * Offline validation of rendered Kubernetes objects: each synthesized hashicorp/kubernetes
 * resource is converted to its manifest form (policy/rules/k8s/manifest.ts) and validated with
 * kubernetes-models (the official OpenAPI schemas compiled to validators).
 *
 * kubernetes-models accepts unknown fields, so every key is probed too: the key's value is
 * replaced by a value no schema type accepts (a Symbol); a known field then fails validation at
 * its own path, an unknown one passes, and is reported. The field list is the official schema's,
 * not a copy of ours.
 */
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Namespace, Secret, Service } from "kubernetes-models/v1";
import { toManifest } from "../../policy/rules/k8s/manifest";

type Json = Record<string, unknown>;

interface Validatable {
  validate(): void;
}

const MODELS: Record<string, new (data: any) => Validatable> = {
  Deployment, StatefulSet, HorizontalPodAutoscaler, NetworkPolicy, Ingress, PodDisruptionBudget, Namespace, Secret, Service,
};

export interface RenderedObject {
  readonly address: string;
  readonly manifest: Json;
}

/** Every hashicorp/kubernetes resource of a stack's JSON, as a manifest. Throws for a type with no known kind. */
export function manifestsOf(stackJson: Json): RenderedObject[] {
  const out: RenderedObject[] = [];
  const resources = (stackJson.resource ?? {}) as Record<string, Record<string, Json>>;
  for (const [type, byName] of Object.entries(resources)) {
    if (!type.startsWith("kubernetes_")) continue;
    for (const [name, body] of Object.entries(byName)) {
      const manifest = toManifest(type, body, stackJson);
      if (!manifest) throw new Error(`${type}.${name}: no Kubernetes kind known for ${type}`);
      out.push({ address: `${type}.${name}`, manifest });
    }
  }
  return out;
}

function schemaErrors(manifest: Json): Array<{ instancePath: string; message?: string }> {
  const Model = MODELS[manifest.kind as string];
  if (!Model) throw new Error(`no kubernetes-models class for kind ${String(manifest.kind)}`);
  try {
    new Model(manifest).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (!errors) throw e;
    return errors;
  }
}

const pointer = (path: readonly (string | number)[]) => path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** Every object key of the manifest with its path (map keys under labels etc. included: the schema knows them as map entries). */
function keyPaths(v: unknown, path: (string | number)[], out: (string | number)[][]): void {
  if (Array.isArray(v)) v.forEach((e, i) => keyPaths(e, [...path, i], out));
  else if (typeof v === "object" && v !== null) {
    for (const [k, child] of Object.entries(v)) {
      out.push([...path, k]);
      keyPaths(child, [...path, k], out);
    }
  }
}

function setAt(root: Json, path: readonly (string | number)[], value: unknown): void {
  let o: any = root;
  for (const p of path.slice(0, -1)) o = o[p];
  o[path[path.length - 1]] = value;
}

/** Fields of the manifest the official schema does not define, as JSON pointers. */
export function unknownFields(manifest: Json): string[] {
  const paths: (string | number)[][] = [];
  keyPaths(manifest, [], paths);
  const unknown: string[] = [];
  for (const path of paths) {
    if (path.length === 1 && (path[0] === "apiVersion" || path[0] === "kind")) continue;
    const probe = JSON.parse(JSON.stringify(manifest)) as Json;
    setAt(probe, path, Symbol("probe"));
    const at = pointer(path);
    if (!schemaErrors(probe).some((e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`))) unknown.push(at);
  }
  return unknown;
}

/** Schema errors and unknown fields of every rendered object, as lines naming the resource. */
export function manifestProblems(objects: readonly RenderedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    for (const e of schemaErrors(o.manifest)) problems.push(`${o.address}: ${e.instancePath} ${e.message ?? "is invalid"}`);
    for (const f of unknownFields(o.manifest)) problems.push(`${o.address}: ${f} is not a field of ${String(o.manifest.kind)}`);
  }
  return problems;
}
