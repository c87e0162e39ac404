import { looksLikeSecretName, matchCredential } from "../../../knowledge";
import { isObject } from "../../stack-index";
import { defineK8sResourceRule, K8S_PACK } from "./define";
import { OWASP_SECRETS } from "../references";
import { cisK8s } from "./references";
import { hasInterpolation } from "../values";
import { POD_RESOURCE_TYPES, containers, result, workloadOf } from "./util";
import { SECRET_TYPES, toManifest } from "./manifest";

export const k8s011 = defineK8sResourceRule({
  id: "K8S-011",
  severity: "error",
  pack: K8S_PACK,
  title: "Secret as a literal value",
  description: "An env var with a secret-looking name (or a value in a credential format) holds a literal instead of `valueFrom.secretKeyRef`, or a Secret's data is a literal in the configuration: it ends up in code, snapshots and `kubectl describe`.",
  fix: "Read secrets with `valueFrom.secretKeyRef` from a Secret whose data comes from a sensitive Terraform variable.",
  references: [cisK8s("5.4.1"), OWASP_SECRETS],
  types: [...POD_RESOURCE_TYPES, ...SECRET_TYPES],
  check(res, index) {
    if (SECRET_TYPES.includes(res.type)) {
      const m = toManifest(res.type, res.body, index.json as Record<string, unknown>);
      const data = m && isObject(m.stringData) ? m.stringData : {};
      return Object.entries(data)
        .filter(([, v]) => typeof v === "string" && v !== "" && !hasInterpolation(v))
        .map(([k]) => result(res, `Secret ${String(isObject(m!.metadata) ? m!.metadata.name : res.name)}: key ${k} is a literal in the configuration. Fix: take its value from a sensitive Terraform variable.`));
    }
    const w = workloadOf(res, index);
    if (!w) return [];
    const out = [];
    for (const c of containers(w)) {
      const env = Array.isArray(c.container.env) ? c.container.env : [];
      for (const e of env) {
        if (!isObject(e) || typeof e.name !== "string" || typeof e.value !== "string" || e.value === "" || hasInterpolation(e.value)) continue;
        const credential = matchCredential(e.value);
        if (looksLikeSecretName(e.name) || credential) {
          out.push(result(res, `${w.label}: container ${c.name} env ${e.name} is a literal${credential ? ` that looks like a ${credential}` : ""}. Fix: use valueFrom.secretKeyRef to a Secret key fed by a sensitive variable.`));
        }
      }
    }
    return out;
  },
});
