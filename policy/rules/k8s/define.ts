/**
 * K8S rules are declared like every other rule (policy/rule.ts); these aliases keep the rule files'
 * imports short.
 */
export { defineResourceRule as defineK8sResourceRule, defineStackRule as defineK8sStackRule } from "../../rule";

export const K8S_PACK = "kubernetes-runtime" as const;
