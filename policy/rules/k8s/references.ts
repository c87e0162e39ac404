/** Public documents the K8S rules cite. */
import type { RuleReference } from "../../types";

const CIS_K8S_URL = "https://www.cisecurity.org/benchmark/kubernetes";
const PSS_URL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
const NSA_URL = "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF";

/** CIS Kubernetes Benchmark v1.8 recommendation(s): `cisK8s("5.2.2")`. */
export function cisK8s(...sections: string[]): RuleReference {
  return { title: `CIS Kubernetes Benchmark 1.8 ${sections.map((s) => `§${s}`).join(", ")}`, url: CIS_K8S_URL };
}

/** A control of the Pod Security Standards (`restricted` or `baseline` profile). */
export function pss(profile: "baseline" | "restricted", control: string): RuleReference {
  return { title: `Kubernetes Pod Security Standards, ${profile}: ${control}`, url: PSS_URL };
}

/** A section of the NSA/CISA Kubernetes Hardening Guide 1.2. */
export function nsaK8s(section: string): RuleReference {
  return { title: `NSA/CISA Kubernetes Hardening Guide 1.2, "${section}"`, url: NSA_URL };
}
