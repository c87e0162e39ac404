import { isAdminHostname } from "../../../knowledge";
import { INGRESS_NGINX_ANNOTATIONS, ingressNginxAuth } from "../../../knowledge/ingress";
import { defineK8sStackRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { nsaK8s } from "./references";
import { describeBackends, ingressesOf, servedByIngressNginx } from "./ingress";
import type { RuleResult } from "../../types";

/**
 * K8S-020: an admin-like hostname (first label one of ADMIN_HOST_LABELS: the words CF-005 uses
 * for Cloudflare Access) on an ingress-nginx Ingress needs authentication at the controller:
 * `auth-url` (an external auth service such as oauth2-proxy), `auth-type` with `auth-secret`, or
 * `auth-tls-verify-client: on`. Other controllers' auth settings are unknown here: an info.
 */
export const k8s020 = defineK8sStackRule({
  id: "K8S-020",
  severity: "error",
  pack: K8S_PACK,
  title: "Admin hostname on an Ingress without authentication",
  description: "An Ingress serves an admin-like hostname (first label admin, staff, grafana, …) without an ingress-nginx authentication annotation (`auth-url`, `auth-type` + `auth-secret`, or `auth-tls-verify-client: on`): the administrative interface is open to the internet. Ingresses of another class give an info.",
  fix: "Put authentication in front of the host (`nginx.ingress.kubernetes.io/auth-url` and `auth-signin` of oauth2-proxy or an SSO gateway; KubernetesIngress requires it), or publish it through the Cloudflare tunnel behind Access.",
  references: [
    doc("ingress-nginx annotations: External Authentication", "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#external-authentication"),
    nsaK8s("Authentication and authorization"),
  ],
  check(index) {
    const out: RuleResult[] = [];
    for (const i of ingressesOf(index)) {
      const admin = [...new Set(i.rules.map((r) => r.host).filter((h) => h !== "*" && isAdminHostname(h)))];
      if (admin.length === 0) continue;
      if (!servedByIngressNginx(i)) {
        out.push({ address: i.res.address, severity: "info", message: `${i.label} serves admin-like ${admin.join(", ")} with ingress class "${i.className}", whose authentication settings this catalog does not know, so its protection cannot be verified. Fix: verify that the controller authenticates every request to ${admin.join(", ")}.` });
        continue;
      }
      if (ingressNginxAuth(i.annotations)) continue;
      for (const host of admin) {
        const services = i.rules.filter((r) => r.host === host).flatMap((r) => r.services);
        out.push({
          address: i.res.address,
          subject: host,
          message: `${i.label} serves admin-like hostname "${host}" without authentication, so ${describeBackends(i, index, services)} is open to the internet. Fix: add ${INGRESS_NGINX_ANNOTATIONS.authUrl} and ${INGRESS_NGINX_ANNOTATIONS.authSignin} of an authentication service (oauth2-proxy, an SSO gateway), or publish "${host}" through the Cloudflare tunnel behind Access.`,
        });
      }
    }
    return out;
  },
});
