/**
 * The reference stack kinds: for each, the configuration section that turns it on, its stack id,
 * the shared sections it needs and the services it builds. `buildApp` builds exactly the
 * configured kinds from this table, and the loader checks cross-section requirements and
 * `images:` pins against it, so a stack's facts are declared once, next to the stack.
 */
import type { Construct } from "constructs";
import type { TerraformStack } from "cdktf";
import type { DeploymentConfig, SharedConfig } from "../config/schema";
import { GovernanceStack } from "./governance";
import { KohaStack } from "./koha";
import { SingleServerStack } from "./single-server";

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
}

/** In synthesis order (koha, single-server, governance). */
export const STACK_KINDS: readonly StackKind[] = [
  {
    section: "koha",
    stackId: "koha",
    requires: [{ section: "cloudflare", why: "its tunnel and Access" }],
    services: KohaStack.services,
    build: (scope, config) => new KohaStack(scope, "koha", { config }),
  },
  {
    section: "singleServer",
    stackId: "single-server",
    requires: [],
    services: SingleServerStack.services,
    build: (scope, config) => new SingleServerStack(scope, "single-server", { config }),
  },
  {
    section: "github",
    stackId: "governance",
    requires: [],
    services: GovernanceStack.services,
    build: (scope, config) => new GovernanceStack(scope, "governance", { config }),
  },
];

/** The kinds whose section is present in `config` (a parsed or a raw configuration object). */
export function configuredStackKinds(config: Readonly<Record<string, unknown>>): StackKind[] {
  return STACK_KINDS.filter((k) => config[k.section] !== undefined && config[k.section] !== null);
}
