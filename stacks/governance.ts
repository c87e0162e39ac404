/**
 * The `governance` stack: the GitHub repositories named in the deployment configuration (in the
 * example, the Koha build repository and deploy repository of its two-repository architecture,
 * docs/roadmaps/koha.md), each governed by a RepositoryGovernance.
 *
 * The provider has no token attribute on purpose: integrations/github reads GITHUB_TOKEN (or the
 * `gh` CLI login) from the environment, so no credential is ever in code or in cdk.tf.json.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import type { DeploymentConfig } from "../config/schema";
import { applyBackend } from "../constructs/core/backend";
import { RepositoryGovernance, logicalNameFor } from "../constructs/github/repository-governance";
import type { RepositoryRole, SignedImage } from "../constructs/github/workflows";

/**
 * Workflow settings of a repository entry (github.repositories[]): what the repository is for,
 * the checks reported by something other than the managed workflows, and (role "deploy") the
 * images whose signatures the deploy workflow verifies. Read when the configuration carries them;
 * the construct's defaults (role "other", no external checks) apply otherwise.
 */
export interface RepositoryWorkflowSettings {
  readonly role?: RepositoryRole;
  readonly externalChecks?: Readonly<Record<string, string>>;
  readonly verifyImages?: readonly SignedImage[];
  readonly deploySecrets?: Readonly<Record<string, string>>;
  readonly deployEnvironment?: string;
  readonly image?: string;
  readonly dockerfile?: string;
  readonly buildContext?: string;
}

/** The governance stack runs no containers: no name under `images:` is valid for it. */
export const GOVERNANCE_SERVICES = [] as const;

export interface GovernanceStackProps {
  /** The deployment configuration; its `github` section must be present. */
  readonly config: DeploymentConfig;
}

export class GovernanceStack extends TerraformStack {
  /** Services this stack builds (none: valid names under `images:`). */
  static readonly services: readonly string[] = GOVERNANCE_SERVICES;

  /** One per configured repository, in configuration order (main.ts prints their Scorecard tiers). */
  readonly governance: RepositoryGovernance[];

  constructor(scope: Construct, id: string, props: GovernanceStackProps) {
    super(scope, id);
    const { github, backend } = props.config;
    if (github === undefined) {
      throw new Error(`GovernanceStack ${id}: props.config.github is missing. Fix: add a github section (owner and repositories) to the deployment configuration`);
    }

    new GithubProvider(this, "github", { owner: github.owner });
    applyBackend(this, backend, id);

    const seen = new Map<string, string>();
    for (const repo of github.repositories) {
      const stem = logicalNameFor(repo.name);
      const other = seen.get(stem);
      if (other !== undefined) {
        throw new Error(
          `GovernanceStack ${this.node.path}: github.repositories "${other}" and "${repo.name}" map to the same Terraform address stem "${stem}" (GitHub names are case-insensitive). Fix: list each repository once`,
        );
      }
      seen.set(stem, repo.name);
    }

    this.governance = github.repositories.map((entry) => {
      const repo = entry as typeof entry & RepositoryWorkflowSettings;
      return new RepositoryGovernance(this, repo.name, {
        name: repo.name,
        // The publish and deploy jobs run only in owner/name, never in a fork.
        owner: github.owner,
        role: repo.role,
        externalChecks: repo.externalChecks,
        verifyImages: repo.verifyImages,
        deploySecrets: repo.deploySecrets,
        deployEnvironment: repo.deployEnvironment,
        image: repo.image,
        dockerfile: repo.dockerfile,
        buildContext: repo.buildContext,
        description: repo.description,
        visibility: repo.visibility,
        defaultBranch: repo.defaultBranch,
        mode: github.mode,
        requiredChecks: repo.requiredChecks,
        codeOwners: repo.codeOwners,
        secretScanning: repo.secretScanning,
        // Public repositories reject `advanced_security` (422): only send it for private ones.
        advancedSecurity: repo.visibility === "public" ? undefined : repo.advancedSecurity,
      });
    });
  }
}
