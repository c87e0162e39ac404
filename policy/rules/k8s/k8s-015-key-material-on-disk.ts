import { nameWords } from "../../../knowledge";
import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { nsaK8s } from "./references";
import { POD_RESOURCE_TYPES, containers, result, workloadOf } from "./util";

/** Words of a path or volume name that say it holds key material. */
const KEY_WORDS = new Set(["key", "keys", "secret", "secrets", "tls", "ssl", "cert", "certs", "certificate", "certificates", "private", "gnupg", "gpg", "ssh", "credentials", "token", "tokens", "keystore", "vault"]);

export function looksLikeKeyMaterial(s: string): boolean {
  return nameWords(s.replace(/\//g, " ")).some((w) => KEY_WORDS.has(w) || w.endsWith("key") || w.endsWith("keys"));
}

export const k8s015 = defineK8sResourceRule({
  id: "K8S-015",
  severity: "error",
  pack: K8S_PACK,
  title: "Key material on a disk-backed volume",
  description: "An emptyDir without `medium: Memory` is named or mounted where key material lives (keys, certs, tls, secrets, .ssh, .gnupg): the keys land on the node's disk and outlive the pod there until the kubelet cleans up.",
  fix: "Mount key material from a Secret volume, or give the emptyDir `medium: Memory` (tmpfs) with a `sizeLimit`.",
  references: [nsaK8s("Secrets"), doc("Kubernetes: emptyDir (medium: Memory)", "https://kubernetes.io/docs/concepts/storage/volumes/#emptydir")],
  types: POD_RESOURCE_TYPES,
  check(res, index) {
    const w = workloadOf(res, index);
    if (!w) return [];
    const volumes = Array.isArray(w.pod.volumes) ? w.pod.volumes.filter(isObject) : [];
    const disk = new Map<string, Record<string, unknown>>();
    for (const v of volumes) {
      if (typeof v.name !== "string" || !isObject(v.emptyDir)) continue;
      if (v.emptyDir.medium !== "Memory") disk.set(v.name, v);
    }
    const out = [];
    const reported = new Set<string>();
    for (const c of containers(w)) {
      const mounts = Array.isArray(c.container.volumeMounts) ? c.container.volumeMounts.filter(isObject) : [];
      for (const m of mounts) {
        const name = typeof m.name === "string" ? m.name : "";
        const path = typeof m.mountPath === "string" ? m.mountPath : "";
        if (!disk.has(name) || reported.has(name) || !(looksLikeKeyMaterial(name) || looksLikeKeyMaterial(path))) continue;
        reported.add(name);
        out.push(result(res, `${w.label}: container ${c.name} keeps ${path} (volume ${name}) on a disk-backed emptyDir, and the path looks like key material. Fix: mount it from a Secret, or set emptyDir.medium: Memory with a sizeLimit.`));
      }
    }
    return out;
  },
});
