/**
 * What the namespace's network policies need of a workload: who it is (its pod labels), what it
 * serves (declared ports) and what it is for (backend roles never take traffic from just anyone).
 * KubernetesWorkload implements it; kept apart so the namespace does not import the workload.
 */
import type { ServiceRole } from "../../knowledge/roles";

export interface NetworkPeerPort {
  readonly port: number;
  readonly name: string;
  readonly protocol: "tcp" | "udp";
}

export interface NetworkPeer {
  /** The service name: Service name and DNS name in the namespace. */
  readonly serviceName: string;
  readonly role: ServiceRole;
  /** Labels that select exactly this workload's pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly ports: readonly NetworkPeerPort[];
  /** Kubernetes namespace name the pods run in. */
  readonly namespaceName: string;
}
