import { INGRESS_NGINX_ANNOTATIONS } from "../../../knowledge/ingress";
import { defineK8sStackRule, K8S_PACK } from "./define";
import { doc } from "../references";
import { nsaK8s } from "./references";
import { describeBackends, ingressesOf, servedByIngressNginx } from "./ingress";
import type { RuleResult } from "../../types";

/**
 * K8S-018: every host an Ingress serves is covered by a `spec.tls` entry with a Secret, and an
 * ingress-nginx Ingress does not turn the HTTP→HTTPS redirect off ([roadmap aunsorm.infra.ingress-tls]).
 * Without it the controller serves the host in clear text (or with its self-signed fallback
 * certificate): credentials and sessions cross the internet readable.
 */
export const k8s018 = defineK8sStackRule({
  id: "K8S-018",
  severity: "error",
  pack: K8S_PACK,
  title: "Ingress without TLS",
  description: "An Ingress serves a host (or every host) that no `spec.tls` entry with a `secretName` covers, or an ingress-nginx Ingress sets `ssl-redirect`/`force-ssl-redirect` to \"false\": the published workload is reachable over plain HTTP.",
  fix: "Add `spec.tls: [{ hosts: [<host>], secretName: <kubernetes.io/tls Secret> }]` for every host (cert-manager can issue the Secret) and keep the HTTPS redirect on (KubernetesIngress does both).",
  references: [
    doc("Kubernetes documentation: Ingress, TLS", "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"),
    nsaK8s("Network separation and hardening"),
  ],
  check(index) {
    const out: RuleResult[] = [];
    for (const i of ingressesOf(index)) {
      const uncovered = i.rules.filter((r) => !i.tlsHosts.has(r.host) && !(r.host !== "*" && wildcardCovers(i.tlsHosts, r.host)));
      for (const r of uncovered) {
        const host = r.host === "*" ? "every host (a rule or default backend without host)" : `host ${r.host}`;
        out.push({
          address: i.res.address,
          subject: r.host,
          message: `${i.label} serves ${host} without TLS, so ${describeBackends(i, index, r.services)} is reachable over plain HTTP. Fix: add spec.tls { hosts = [${r.host === "*" ? "<host>" : `"${r.host}"`}], secret_name = "<kubernetes.io/tls Secret>" } (cert-manager can issue it), and give every rule a host.`,
        });
      }
      if (uncovered.length === 0 && servedByIngressNginx(i)) {
        for (const key of [INGRESS_NGINX_ANNOTATIONS.sslRedirect, INGRESS_NGINX_ANNOTATIONS.forceSslRedirect]) {
          const v = i.annotations[key];
          if (typeof v === "string" && v.trim().toLowerCase() === "false") {
            out.push({ address: i.res.address, message: `${i.label} sets ${key}: "false", so ${describeBackends(i, index)} also answers over plain HTTP. Fix: remove the annotation (or set it to "true"): every request must be redirected to HTTPS.` });
          }
        }
      }
    }
    return out;
  },
});

/** `*.example.org` in the TLS hosts covers `opac.example.org` (one label, as certificates match). */
function wildcardCovers(tlsHosts: ReadonlySet<string>, host: string): boolean {
  const dot = host.indexOf(".");
  return dot > 0 && tlsHosts.has(`*${host.slice(dot)}`);
}
