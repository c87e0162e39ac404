/**
 * The reference stack kinds: for each, the configuration section that turns it on, its stack id,
 * the shared sections it needs and the services it builds. `buildApp` builds exactly the
 * configured kinds from this table, and the loader checks cross-section requirements and
 * `images:` pins against it, so a stack's facts are declared once, next to the stack.
 *
 * A kind whose section lists several instances (`koha: [...]`) builds its first instance under
 * `stackId` and each further one as a stack of its own (`furtherStacks`: `koha-<instance>`), so
 * no Terraform address of the first moves.
 */
import type { Construct } from "constructs";
import type { TerraformStack } from "cdktf";
import { kohaInstances, type DeploymentConfig, type SharedConfig } from "../config/schema";
import { GovernanceStack } from "./governance";
import { KohaStack } from "./koha";
import { SingleServerStack } from "./single-server";
import { KubernetesKohaStack } from "./kubernetes/koha";
import { KubernetesSingleServerStack } from "./kubernetes/single-server";
import { configuredStacks } from "../config/checks";
import { pinnedImage } from "../constructs/core/stack-base";
import type { KubernetesEdgeProps } from "./kubernetes/edge";

/** A shared section a stack kind needs, and why (the error message says it). */
export interface SectionRequirement {
  readonly section: keyof SharedConfig;
  readonly why: string;
}

export interface StackKind {
  /** The optional configuration section that turns this stack on. */
  readonly section: "koha" | "singleServer" | "github";
  /**
   * Construct id of the stack; it is the root of every Terraform address and the state key, so
   * it never changes.
   */
  readonly stackId: string;
  /** Shared sections the stack needs when its section is configured. */
  readonly requires: readonly SectionRequirement[];
  /** Services the stack builds: the names `images:` may pin. */
  readonly services: readonly string[];
  /** Add the stack to `scope` under `stackId`. */
  readonly build: (scope: Construct, config: DeploymentConfig) => TerraformStack;
  /**
   * The stacks of the section's further instances (a list section), each under its own id.
   * @default none: the kind builds one stack
   */
  readonly furtherStacks?: (scope: Construct, config: DeploymentConfig) => readonly TerraformStack[];
  /** Whether the configured section selects this kind (its `runtime`). @default always */
  readonly when?: (section: Readonly<Record<string, unknown>>) => boolean;
}

/** `runtime` of a section as written (the schema's default is "docker"). */
const runtimeIs = (runtime: "docker" | "kubernetes") => (section: Readonly<Record<string, unknown>>) => (section.runtime ?? "docker") === runtime;

const required = <T>(value: T | undefined, section: string): T => {
  if (value === undefined) throw new Error(`configuration: ${section} is missing`);
  return value;
};

/**
 * `kubernetes.ingress` as the stacks' `publish.edge`, or undefined when nothing is published.
 * `zoneProtection: false` when another stack of the run already gives the zone its WAF and rate
 * limit (one entrypoint ruleset per zone and phase, CF-010).
 */
function kubernetesEdge(config: DeploymentConfig, zoneProtection = true): KubernetesEdgeProps | undefined {
  const ingress = config.kubernetes?.ingress;
  if (!ingress) return undefined;
  if (ingress.via === "ingress-nginx") return ingress;
  return {
    via: "cloudflared",
    cloudflare: required(config.cloudflare, "cloudflare"),
    connectorImage: pinnedImage(config, "cloudflared"),
    connectorReplicas: ingress.connectorReplicas,
    zoneProtection,
  };
}

/** True when the configured koha stack protects the Cloudflare zone (Docker koha always; koha-k8s through the tunnel). */
const kohaProtectsZone = (config: DeploymentConfig): boolean =>
  config.koha !== undefined && (config.koha.runtime === "docker" || config.kubernetes?.ingress?.via === "cloudflared");

/** In synthesis order (koha, single-server, governance). */
export const STACK_KINDS: readonly StackKind[] = [
  {
    section: "koha",
    stackId: "koha",
    requires: [{ section: "cloudflare", why: "its tunnel and Access" }],
    services: KohaStack.services,
    build: (scope, config) => new KohaStack(scope, "koha", { config }),
    furtherStacks: (scope, config) =>
      kohaInstances(config.koha).slice(1).map((k, i) => new KohaStack(scope, kohaInstanceStackId(k.instance), { config, instanceIndex: i + 1 })),
    when: runtimeIs("docker"),
  },
  {
    section: "koha",
    stackId: "koha-k8s",
    requires: [],
    services: [...KubernetesKohaStack.services],
    build: (scope, config) => {
      const koha = required(config.koha, "koha");
      const k8s = config.kubernetes ?? {};
      const pin = (service: "mariadb" | "rabbitmq" | "elasticsearch" | "memcached") => pinnedImage(config, service);
      return new KubernetesKohaStack(scope, "koha-k8s", {
        backend: config.backend,
        owner: config.owner,
        instance: koha.instance,
        kohaImage: { ...koha.image, ...pinnedImage(config, "koha") },
        mariadb: koha.mariadb,
        images: { mariadb: pin("mariadb"), rabbitmq: pin("rabbitmq"), elasticsearch: pin("elasticsearch"), memcached: pin("memcached") },
        context: k8s.context,
        storageClassName: k8s.storageClassName,
        ingressFrom: k8s.ingressFrom,
        publish: (() => { const edge = kubernetesEdge(config); return edge ? { edge, opacHostname: koha.opacHostname, staffHostname: koha.staffHostname } : undefined; })(),
      });
    },
    when: runtimeIs("kubernetes"),
  },
  {
    section: "singleServer",
    stackId: "single-server",
    requires: [],
    services: SingleServerStack.services,
    build: (scope, config) => new SingleServerStack(scope, "single-server", { config }),
    when: runtimeIs("docker"),
  },
  {
    section: "singleServer",
    stackId: "single-server-k8s",
    requires: [],
    services: [...KubernetesSingleServerStack.services],
    build: (scope, config) => {
      const s = required(config.singleServer, "singleServer");
      const k8s = config.kubernetes ?? {};
      const app = (a: typeof s.api, service: "api" | "bot") => ({
        image: { repository: a.repository, tag: a.tag, digest: a.digest, ...pinnedImage(config, service) },
        user: a.user,
        port: a.port,
        healthPath: a.healthPath,
        probeTool: a.probeTool,
        memoryMb: a.memoryMb,
      });
      return new KubernetesSingleServerStack(scope, "single-server-k8s", {
        backend: config.backend,
        owner: config.owner,
        context: k8s.context,
        api: app(s.api, "api"),
        bot: app(s.bot, "bot"),
        postgres: { image: pinnedImage(config, "db"), storageClassName: k8s.storageClassName },
        apiIngressFrom: k8s.ingressFrom,
        publish: (() => { const edge = kubernetesEdge(config, !kohaProtectsZone(config)); return edge && s.apiHostname ? { edge, apiHostname: s.apiHostname } : undefined; })(),
      });
    },
    when: runtimeIs("kubernetes"),
  },
  {
    section: "github",
    stackId: "governance",
    requires: [],
    services: GovernanceStack.services,
    build: (scope, config) => new GovernanceStack(scope, "governance", { config }),
  },
];

/** Stack id of a further Koha instance (the first, or only, one is `koha`). */
export function kohaInstanceStackId(instance: string): string {
  return `koha-${instance}`;
}

/**
 * Every stack `config` turns on, in synthesis order: each configured kind's stack, then the
 * stacks of its further instances. `kinds` narrows the kinds built.
 * @param kinds @default configuredStackKinds(config)
 */
export function buildConfiguredStacks(scope: Construct, config: DeploymentConfig, kinds: readonly StackKind[] = configuredStackKinds(config)): TerraformStack[] {
  return kinds.flatMap((kind) => [kind.build(scope, config), ...(kind.furtherStacks?.(scope, config) ?? [])]);
}

/** The kinds whose section is present in `config` (a parsed or a raw configuration object). */
export function configuredStackKinds(config: Readonly<Record<string, unknown>>): StackKind[] {
  return configuredStacks(config, STACK_KINDS);
}
