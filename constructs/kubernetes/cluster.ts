/**
 * The Kubernetes provider and the stack's backend, as `dockerHost` does for a Docker host.
 *
 * The provider gets no credentials and no file path: it reads `KUBE_CONFIG_PATH` (and
 * `KUBE_CTX`) from the environment, so no token, certificate or absolute path reaches code,
 * configuration or the synthesized JSON (SECRET-003), and the JSON is the same on every machine.
 * Construct id `kubernetes` becomes the provider address: it never changes.
 */
import type { TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { applyBackend, type BackendConfig } from "../core/backend";

export interface KubernetesClusterProps {
  /** State backend. Required: without one cdktf writes an absolute local path. */
  readonly backend: BackendConfig;
  /** kubeconfig context to use. @default the current context (or `KUBE_CTX`) */
  readonly context?: string;
  /** @default the stack's construct id */
  readonly stateName?: string;
}

export function kubernetesCluster(stack: TerraformStack, props: KubernetesClusterProps): KubernetesProvider {
  if (props.context !== undefined && (typeof props.context !== "string" || !/^[A-Za-z0-9@._:/-]{1,253}$/.test(props.context))) {
    throw new Error(`kubernetesCluster(${stack.node.id}): context ${JSON.stringify(props.context)} is not a kubeconfig context name. Fix: give the name \`kubectl config get-contexts\` shows`);
  }
  const provider = new KubernetesProvider(stack, "kubernetes", props.context ? { configContext: props.context } : {});
  applyBackend(stack, props.backend, props.stateName ?? stack.node.id);
  return provider;
}
