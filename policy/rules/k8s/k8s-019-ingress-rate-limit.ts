import { INGRESS_NGINX_ANNOTATIONS, INGRESS_NGINX_RATE_LIMIT_ANNOTATIONS } from "../../../knowledge/ingress";
import { defineK8sStackRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { describeBackends, ingressesOf, servedByIngressNginx } from "./ingress";
import type { RuleResult } from "../../types";

/**
 * K8S-019: an Ingress served by ingress-nginx puts a per-client limit on requests or connections
 * (`limit-rps`, `limit-rpm` or `limit-connections` with a positive whole number)
 * ([roadmap aunsorm.infra.gateway-rate-limit]). Ingresses of other controllers cannot be judged
 * from annotations this catalog knows: an info says so.
 */
export const k8s019 = defineK8sStackRule({
  id: "K8S-019",
  severity: "warning",
  pack: K8S_PACK,
  title: "Ingress without rate limiting",
  description: "An ingress-nginx Ingress (class `nginx`, or no class) has none of the `nginx.ingress.kubernetes.io/limit-rps`, `limit-rpm` or `limit-connections` annotations with a positive value: one client can exhaust the workload behind it. Ingresses of another class give an info.",
  fix: "Annotate the Ingress with `nginx.ingress.kubernetes.io/limit-rps` (and `limit-burst-multiplier`, `limit-connections`), as KubernetesIngress does, or rate-limit at the edge (Cloudflare) and suppress with that reason.",
  references: [
    doc("ingress-nginx annotations: Rate Limiting", "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#rate-limiting"),
    doc("OWASP API Security Top 10 2023: API4 Unrestricted Resource Consumption", "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/"),
  ],
  check(index) {
    const out: RuleResult[] = [];
    for (const i of ingressesOf(index)) {
      if (!servedByIngressNginx(i)) {
        out.push({ address: i.res.address, severity: "info", message: `${i.label} has ingress class "${i.className}", whose rate-limit settings this catalog does not know, so its rate limiting cannot be verified. Fix: verify that the controller limits requests per client, or use ingress-nginx with ${INGRESS_NGINX_ANNOTATIONS.limitRps}.` });
        continue;
      }
      const limited = INGRESS_NGINX_RATE_LIMIT_ANNOTATIONS.some((k) => {
        const v = i.annotations[k];
        return (typeof v === "string" && /^\s*[1-9]\d*\s*$/.test(v)) || (typeof v === "number" && Number.isInteger(v) && v > 0);
      });
      if (!limited) {
        out.push({ address: i.res.address, message: `${i.label} has no per-client rate limit, so one client can exhaust ${describeBackends(i, index)}. Fix: annotate it with ${INGRESS_NGINX_ANNOTATIONS.limitRps} = "10" (and ${INGRESS_NGINX_ANNOTATIONS.limitBurstMultiplier}, ${INGRESS_NGINX_ANNOTATIONS.limitConnections}), or suppress K8S-019 with the edge that limits it.` });
      }
    }
    return out;
  },
});
