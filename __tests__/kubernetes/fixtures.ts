/** Stacks and specs for the Kubernetes renderer tests. */
import { Testing, TerraformStack } from "cdktf";
import { kubernetesCluster } from "../../constructs/kubernetes/cluster";
import { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import type { CloudflareConfig } from "../../config/schema";
import { KubernetesKohaStack, type KubernetesKohaStackProps } from "../../stacks/kubernetes/koha";
import type { KubernetesCloudflaredEdgeProps, KubernetesEdgeProps } from "../../stacks/kubernetes/edge";
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

export function kohaStack(props: Partial<KubernetesKohaStackProps> = {}): KubernetesKohaStack {
  return new KubernetesKohaStack(Testing.app(), "koha-k8s", {
    backend: LOCAL_BACKEND,
    owner: "library-it",
    instance: "library",
    kohaImage: { repository: "ghcr.io/example/koha", tag: "24.11.03" },
    mariadb: { serverId: 1 },
    ingressFrom: { namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
    ...props,
  });
}

/** The example configuration's cloudflare section, as the schema parses it. */
export const CLOUDFLARE: CloudflareConfig = {
  accountId: "0123456789abcdef0123456789abcdef",
  zoneId: "fedcba9876543210fedcba9876543210",
  domain: "example.org",
  teamName: "example",
  access: { allowedEmailDomains: ["example.org"], allowedEmails: [], identityProviderGroups: [], ipRanges: [], sessionDuration: "8h" },
  rateLimitPerMinute: 100,
};

export const CLOUDFLARED_EDGE: KubernetesCloudflaredEdgeProps = { cloudflare: CLOUDFLARE };
export const NGINX_EDGE: KubernetesEdgeProps = {
  via: "ingress-nginx",
  tls: { secretName: "public-tls", clusterIssuer: "letsencrypt" },
  adminAuth: { url: "https://sso.example.org/oauth2/auth", signin: "https://sso.example.org/oauth2/start" },
};

/** Koha on a cluster, published through `edge` (OPAC public, staff gated). */
export function publishedKohaStack(edge: KubernetesEdgeProps): KubernetesKohaStack {
  return kohaStack({ ingressFrom: undefined, publish: { edge, opacHostname: "opac.example.org", staffHostname: "staff.example.org" } });
}

/** The single-server services on a cluster, the API published through `edge`. */
export function publishedSingleServerStack(edge: KubernetesEdgeProps): KubernetesSingleServerStack {
  return singleServerStack({ apiIngressFrom: undefined, publish: { edge, apiHostname: "api.example.org" } });
}
