/** Stacks and specs for the Kubernetes renderer tests. */
import { Testing, TerraformStack } from "cdktf";
import { kubernetesCluster } from "../../constructs/kubernetes/cluster";
import { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import { KubernetesKohaStack } from "../../stacks/kubernetes/koha";
import { KubernetesSingleServerStack, type KubernetesSingleServerStackProps } from "../../stacks/kubernetes/single-server";

export const LOCAL_BACKEND = { type: "local", directory: "state" } as KubernetesSingleServerStackProps["backend"];

export function k8sTestStack(id = "k8s"): { stack: TerraformStack; ns: KubernetesNamespace } {
  const stack = new TerraformStack(Testing.app(), id);
  kubernetesCluster(stack, { backend: LOCAL_BACKEND });
  const ns = new KubernetesNamespace(stack, "namespace", { name: "apps", owner: "platform-team" });
  return { stack, ns };
}

export function singleServerProps(): KubernetesSingleServerStackProps {
  const web = { user: "10001:10001", probeTool: "curl" as const };
  return {
    backend: LOCAL_BACKEND,
    owner: "platform-team",
    api: { ...web, image: { repository: "ghcr.io/example/api", tag: "1.4.2" }, port: 8000 },
    bot: { ...web, image: { repository: "ghcr.io/example/bot", tag: "2.0.1" }, port: 8080 },
    apiIngressFrom: { namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
  };
}

export function singleServerStack(props: Partial<KubernetesSingleServerStackProps> = {}): KubernetesSingleServerStack {
  return new KubernetesSingleServerStack(Testing.app(), "single-server-k8s", { ...singleServerProps(), ...props });
}

export function kohaStack(): KubernetesKohaStack {
  return new KubernetesKohaStack(Testing.app(), "koha-k8s", {
    backend: LOCAL_BACKEND,
    owner: "library-it",
    instance: "library",
    kohaImage: { repository: "ghcr.io/example/koha", tag: "24.11.03" },
    mariadb: { serverId: 1 },
    ingressFrom: { namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
  });
}
