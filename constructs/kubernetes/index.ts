/** The Kubernetes renderer of the service model: workloads, the namespace and its network policies. */
export * from "./cluster";
export * from "./names";
export * from "./namespace";
export * from "./peer";
export * from "./pod";
export * from "./unexpressed";
export * from "./workload";
export * from "./ingress";
export * from "./tunnel";
