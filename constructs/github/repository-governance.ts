/**
 * RepositoryGovernance: one GitHub repository governed as code (OpenSSF Scorecard checks
 * Branch-Protection, Code-Review, Token-Permissions, Pinned-Dependencies, Dependency-Update-Tool).
 *
 * - Repository settings: visibility, squash-only merges, branches deleted on merge, Dependabot
 *   alerts and security updates, secret scanning with push protection.
 * - Default-branch protection in one of two interchangeable modes (classic branch protection or a
 *   repository ruleset), both passing every GH rule and reaching OpenSSF Scorecard
 *   Branch-Protection tier 5 by default.
 * - Governance files (CODEOWNERS, PR and issue templates, SECURITY.md, dependabot.yml), hygiene
 *   files (.gitignore, .dockerignore, .pre-commit-config.yaml: ./hygiene.ts) and the managed
 *   workflows (./workflows.ts), all written BEFORE the protection (`depends_on`) because a
 *   protected branch refuses direct commits (409).
 * - Managed workflows by role ("build", "deploy", "other"): every required check is the name of a
 *   managed job, or is declared as produced elsewhere (`externalChecks`, `addRequiredCheck(name,
 *   { producedBy })`, written as local `bulwark_produced_checks_<stem>` that GH-015 reads), so a
 *   pull request never waits for a check nothing reports. File contents are escaped for Terraform
 *   (`$${`, knowledge/github.ts `terraformLiteral`).
 * - Actions: GitHub-owned, verified and listed actions only; read-only default token; Actions
 *   cannot approve pull requests; secrets only from sensitive Terraform values.
 *
 * What is never configurable (each is an error-level GH rule): pull requests, signed commits,
 * blocked force pushes and deletion, enforcement on administrators in classic mode, vulnerability
 * alerts, a read-only default workflow token.
 */
import { Annotations, Lazy, TerraformLocal, type IResolvable } from "cdktf";
import { Construct } from "constructs";
import { ActionsRepositoryPermissions } from "@cdktf/provider-github/lib/actions-repository-permissions";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { BranchDefault } from "@cdktf/provider-github/lib/branch-default";
import { BranchProtection } from "@cdktf/provider-github/lib/branch-protection";
import { Repository, type RepositorySecurityAndAnalysis } from "@cdktf/provider-github/lib/repository";
import { RepositoryDependabotSecurityUpdates } from "@cdktf/provider-github/lib/repository-dependabot-security-updates";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryRuleset } from "@cdktf/provider-github/lib/repository-ruleset";
import { WorkflowRepositoryPermissions } from "@cdktf/provider-github/lib/workflow-repository-permissions";
import { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
import { bindSecretToTerraform } from "../core/secret";
import { suppress } from "../core/suppress";
import { isSecretRef, type SecretRef } from "../service/spec";
import { PRODUCED_CHECKS_LOCAL_PREFIX, terraformLiteral } from "../../knowledge/github";
import {
  ACTIONS_SECRET_NAME,
  BUILD_REQUIRED_CHECKS,
  CODE_OWNER,
  DEFAULT_DEPENDABOT_ECOSYSTEMS,
  DEFAULT_REQUIRED_CHECKS,
  DEPLOY_REQUIRED_CHECKS,
  OWNER_NAME,
  REPOSITORY_NAME,
  SHA_PINNING_CHECK,
  type DependabotEcosystem,
} from "./defaults";
import { DOCKERIGNORE, GITIGNORE, PRE_COMMIT_CONFIG } from "./hygiene";
import { MANAGED_CHECKS, defaultImage, managedWorkflows, type ManagedWorkflow, type RepositoryRole, type SignedImage, type WorkflowInputs } from "./workflows";
import { scorecardBranchProtectionTier, type BranchProtectionSettings, type ScorecardResult, type ScorecardTier } from "./scorecard";
import {
  BUG_TEMPLATE,
  OPS_TEMPLATE,
  PULL_REQUEST_TEMPLATE,
  SECURITY_TEMPLATE,
  dependabotConfig,
  issueTemplateConfig,
  renderCodeOwners,
  securityPolicy,
  type CodeOwnerEntry,
} from "./templates";

/** The role of a repository when none is given: the general checks only. */
export const DEFAULT_ROLE: RepositoryRole = "other";

/** Required checks by role, when `requiredChecks` is not given. */
export const ROLE_REQUIRED_CHECKS: Readonly<Record<RepositoryRole, readonly string[]>> = {
  build: BUILD_REQUIRED_CHECKS,
  deploy: DEPLOY_REQUIRED_CHECKS,
  other: DEFAULT_REQUIRED_CHECKS,
};

/** Dockerfile the build workflow builds, relative to the repository root. */
export const DEFAULT_DOCKERFILE = "Dockerfile";
/** Build context of the build workflow. */
export const DEFAULT_BUILD_CONTEXT = ".";
/** GitHub environment of the deploy job (its protection rules and secrets gate the deployment). */
export const DEFAULT_DEPLOY_ENVIRONMENT = "production";

/** Options of `addRequiredCheck`. */
export interface RequiredCheckOptions {
  /**
   * What reports this check when no managed workflow does (a workflow you maintain, another CI
   * system, a GitHub App). Required for a check that is not one of MANAGED_CHECKS.
   * @default none (the check must be produced by a managed workflow)
   */
  readonly producedBy?: string;
}

/** How the default branch is protected; both modes enforce the same requirements. */
export type ProtectionMode = "branch-protection" | "ruleset";

export type RepositoryVisibility = "public" | "private" | "internal";

/** Pull-request merge methods. `rebase` is refused: GitHub cannot sign rebased commits. */
export type MergeMethod = "squash" | "merge" | "rebase";

export type BypassActorType = "OrganizationAdmin" | "RepositoryRole" | "Team" | "Integration" | "DeployKey";

/** Someone allowed to bypass the ruleset; every one needs a written reason. */
export interface RulesetBypassActor {
  readonly actorType: BypassActorType;
  /**
   * Team id, repository-role id or GitHub App id.
   * @default 1 for `OrganizationAdmin`, none for `DeployKey`; required for the other types
   */
  readonly actorId?: number;
  /**
   * When the actor may bypass.
   * @default "pull_request" (only by merging a pull request, never by pushing directly)
   */
  readonly bypassMode?: "always" | "pull_request" | "exempt";
  /** Why this actor must bypass the rules; at least 10 characters. Shown in every policy report. */
  readonly reason: string;
}

export interface RepositoryGovernanceProps {
  /** GitHub repository name (`koha-deploy`). */
  readonly name: string;
  /** @default "" */
  readonly description?: string;
  /** @default "private" */
  readonly visibility?: RepositoryVisibility;
  /**
   * Default branch, the one protected. A name other than `main` renames the initial branch
   * (`github_branch_default` with `rename = true`).
   * @default "main"
   */
  readonly defaultBranch?: string;
  /** @default "ruleset" */
  readonly mode?: ProtectionMode;
  /**
   * Approvals a pull request needs, 1 to 6 (Scorecard tier 4 needs 2).
   * @default 2
   */
  readonly requiredApprovals?: number;
  /** Dismiss approvals when new commits are pushed (Scorecard tier 5). @default true */
  readonly dismissStaleReviews?: boolean;
  /** Require a review from a code owner of every changed path (Scorecard tier 4). @default true */
  readonly requireCodeOwnerReview?: boolean;
  /** The most recent push must be approved by someone other than its pusher. @default true */
  readonly requireLastPushApproval?: boolean;
  /**
   * Status checks that must pass before merging (check-run names). Add more with `addRequiredCheck`.
   * Each must be produced by a managed workflow (MANAGED_CHECKS) or declared in `externalChecks`.
   * @default ROLE_REQUIRED_CHECKS[role] (DEFAULT_REQUIRED_CHECKS for role "other")
   */
  readonly requiredChecks?: readonly string[];
  /**
   * What the repository is for, which decides the managed workflows: "build" builds, scans and
   * publishes images (SBOM, provenance, keyless signature, semver and `sha-<commit>` tags);
   * "deploy" policy-checks and diffs the stacks and deploys only after every image in
   * `verifyImages` has a valid signature; "other" writes the general checks only.
   * @default DEFAULT_ROLE ("other")
   */
  readonly role?: RepositoryRole;
  /**
   * The GitHub owner (user or organization) of the repository. The publish and deploy jobs run
   * only when `github.repository` is `<owner>/<name>`, so forks never publish or deploy.
   * @default none; required for roles "build" and "deploy"
   */
  readonly owner?: string;
  /**
   * Image the build workflow publishes (without tag).
   * @default defaultImage(owner, name): `ghcr.io/<owner>/<name>`, lower-cased
   */
  readonly image?: string;
  /** Dockerfile of the image build. @default DEFAULT_DOCKERFILE */
  readonly dockerfile?: string;
  /** Build context of the image build. @default DEFAULT_BUILD_CONTEXT */
  readonly buildContext?: string;
  /**
   * Role "deploy": the images the stacks pin, each verified with `cosign verify` (keyless, signed
   * by the given build repository's workflow) before `cdktf deploy`; a failed verification stops
   * the deployment.
   * @default none (a warning: the deploy workflow then verifies no signature)
   */
  readonly verifyImages?: readonly SignedImage[];
  /**
   * Role "deploy": environment variables of `cdktf diff` and `cdktf deploy`, each from an Actions
   * secret (`{ TF_VAR_db_password: "DB_PASSWORD" }`); never a literal value.
   * @default none
   */
  readonly deploySecrets?: Readonly<Record<string, string>>;
  /** Role "deploy": the GitHub environment of the deploy job. @default DEFAULT_DEPLOY_ENVIRONMENT */
  readonly deployEnvironment?: string;
  /**
   * Required checks reported by something other than the managed workflows: check name → what
   * produces it (written into the Terraform JSON as local `bulwark_produced_checks_<stem>`,
   * which GH-015 reads). Add more with `addRequiredCheck(name, { producedBy })`.
   * @default none
   */
  readonly externalChecks?: Readonly<Record<string, string>>;
  /** Branches must be up to date with the base before merging (Scorecard tier 2). @default true */
  readonly requireUpToDateBranches?: boolean;
  /** @default true */
  readonly requireLinearHistory?: boolean;
  /** All review conversations resolved before merging. @default true */
  readonly requireConversationResolution?: boolean;
  /**
   * Ruleset bypass actors (ruleset mode only), each with a reason. Any bypass actor means the
   * rules are not enforced on everyone (Scorecard tier 4 at most; GH-005 warning, suppressed
   * with the reasons given).
   * @default none
   */
  readonly bypassActors?: readonly RulesetBypassActor[];
  /**
   * CODEOWNERS entries, written before the critical paths. Add more with `addCodeOwner`.
   * @default none (then `criticalPathOwners` is required)
   */
  readonly codeOwners?: readonly CodeOwnerEntry[];
  /**
   * Owners of the critical paths (`.github/workflows/`, `Dockerfile`, `scripts/koha-setup/`,
   * `docker-compose.yaml`, the governance files).
   * @default the owners of the `*` entry of `codeOwners`
   */
  readonly criticalPathOwners?: readonly string[];
  /** @default ["squash"] (GitHub signs squash merges; merge commits break linear history) */
  readonly mergeMethods?: readonly MergeMethod[];
  /**
   * Secret scanning with push protection. Cannot be turned off for public repositories.
   * @default true
   */
  readonly secretScanning?: boolean;
  /**
   * GitHub Advanced Security (needed for secret scanning on private repositories). Public
   * repositories reject it (HTTP 422), so it is never sent for them.
   * @default true for private and internal repositories; not sent for public ones
   */
  readonly advancedSecurity?: boolean;
  /**
   * Action patterns allowed besides GitHub-owned (and, by default, verified-creator) actions:
   * `owner/*`, `owner/repo@*`, `owner/repo@<sha>`. Add more with `allowAction`.
   * @default none
   */
  readonly allowedActionPatterns?: readonly string[];
  /** Allow actions from Marketplace verified creators. @default true */
  readonly allowVerifiedCreatorActions?: boolean;
  /** Ecosystems in `.github/dependabot.yml`. @default ["github-actions", "docker"] */
  readonly dependabotEcosystems?: readonly DependabotEcosystem[];
  /**
   * An e-mail address or URL for vulnerability reports, besides GitHub private reporting.
   * @default none (SECURITY.md points to private vulnerability reporting only)
   */
  readonly securityContact?: string;
  /**
   * Track changes of the governance files after creation. Off, Terraform writes them once
   * (`ignore_changes = ["content"]`) and later edits go through pull requests, so apply never
   * fails with 409 on the protected branch. On, content changes plan as commits to the protected
   * branch and fail unless the Terraform identity may bypass the ruleset.
   * @default false
   */
  readonly trackFileContent?: boolean;
  /**
   * Replace files that already exist at a governance path when Terraform first creates them.
   * Off, an existing file (say a CODEOWNERS someone wrote) makes the first apply fail with
   * "already exists" instead of being silently replaced: merge it into the managed content or
   * `terraform import` it, then apply again. Turn on only for repositories whose existing files
   * you mean to discard.
   * @default false
   */
  readonly overwriteExistingFiles?: boolean;
  /**
   * Stem of every Terraform address of this repository (`github_repository.<stem>`).
   * @default the name, lower-cased, with characters other than letters, digits and `_` as `_`
   */
  readonly logicalName?: string;
}

const BRANCH_NAME = /^(?!\/|.*(?:\/\.|\/\/|\.\.|@\{|\.lock$|\/$))[^\s~^:?*[\\\x00-\x1f\x7f]+$/;
const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/;
const ACTION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/(?:\*|[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?(?:@\S+)?)$/;
const SECURITY_CONTACT = /^[^@\s]+@[^@\s]+\.[^@\s]+$|^https:\/\/\S+$/;
const MAX_APPROVALS = 6;
const IMAGE_NAME = /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9._-]+)+$/;
const DIGEST_IMAGE = /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9._-]+)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$/;
const FULL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENVIRONMENT_NAME = /^[A-Za-z0-9 _.-]{1,255}$/;
const REPO_PATH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/;


/** Terraform identifier stem for a repository name: `koha-deploy` → `koha_deploy`. */
export function logicalNameFor(repositoryName: string): string {
  const stem = repositoryName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return /^[a-z_]/.test(stem) ? stem : `repo_${stem}`;
}

interface FileSpec {
  readonly id: string;
  readonly path: string;
  readonly content: string;
}

/** The actions the managed workflows use that are neither GitHub-owned nor local, as exact-SHA patterns. */
function thirdPartyPatterns(workflows: readonly ManagedWorkflow[]): string[] {
  const out = new Set<string>();
  for (const w of workflows) {
    for (const m of w.content.matchAll(/^\s*(?:- )?uses: ([^\s@]+)@([0-9a-f]{40})/gm)) {
      const [owner, repo] = m[1].split("/");
      if (owner === "actions" || owner === "github") continue;
      out.add(`${owner}/${repo}@${m[2]}`);
    }
  }
  return [...out].sort();
}

export class RepositoryGovernance extends Construct {
  readonly repositoryName: string;
  /** Classic branch protection or a repository ruleset. */
  readonly protectionMode: ProtectionMode;
  readonly defaultBranch: string;
  readonly visibility: RepositoryVisibility;
  /** Stem of this repository's Terraform addresses. */
  readonly logicalName: string;
  readonly repository: Repository;
  /** The default-branch protection (`github_branch_protection` or `github_repository_ruleset`). */
  readonly protection: BranchProtection | RepositoryRuleset;
  /** Governance files, all ordered before the protection. */
  readonly files: readonly RepositoryFile[];
  /** What the repository is for (which managed workflows it gets). */
  readonly role: RepositoryRole;

  private readonly settings: {
    readonly approvals: number;
    readonly dismissStale: boolean;
    readonly codeOwnerReview: boolean;
    readonly lastPush: boolean;
    readonly upToDate: boolean;
    readonly bypassActors: number;
  };
  private readonly checks: string[] = [];
  private readonly codeOwnerEntries: CodeOwnerEntry[] = [];
  private readonly criticalOwners: readonly string[] | undefined;
  private readonly actionPatterns: string[] = [];
  private readonly secrets = new Map<string, ActionsSecret>();
  private readonly external = new Map<string, string>();
  private readonly workflowFiles = new Map<string, RepositoryFile>();
  private readonly fileList: RepositoryFile[] = [];
  private producedLocal: TerraformLocal | undefined;
  private workflowInputs!: Omit<WorkflowInputs, "checks">;
  private fileDefaults!: { readonly branchDefault?: BranchDefault; readonly track: boolean; readonly overwrite: boolean };

  constructor(scope: Construct, id: string, props: RepositoryGovernanceProps) {
    super(scope, id);
    const where = `RepositoryGovernance ${this.node.path}`;
    const fail = (prop: string, problem: string, fix: string): never => {
      throw new Error(`${where}: ${prop} ${problem}. Fix: ${fix}`);
    };

    if (!REPOSITORY_NAME.test(props.name)) {
      fail("name", `"${props.name}" is not a GitHub repository name`, "use 1-100 letters, digits, '.', '-' or '_'");
    }
    this.repositoryName = props.name;
    this.protectionMode = props.mode ?? "ruleset";
    if (this.protectionMode !== "ruleset" && this.protectionMode !== "branch-protection") {
      fail("mode", `"${String(this.protectionMode)}" is not a protection mode`, 'use "ruleset" or "branch-protection"');
    }
    this.visibility = props.visibility ?? "private";
    const isPublic = this.visibility === "public";
    this.defaultBranch = props.defaultBranch ?? "main";
    if (!BRANCH_NAME.test(this.defaultBranch)) {
      fail("defaultBranch", `"${this.defaultBranch}" is not a valid branch name`, 'use a plain branch name such as "main"');
    }
    this.logicalName = props.logicalName ?? logicalNameFor(props.name);
    if (!LOGICAL_NAME.test(this.logicalName)) {
      fail("logicalName", `"${this.logicalName}" is not a Terraform identifier`, "use lower-case letters, digits and '_', starting with a letter");
    }

    const approvals = props.requiredApprovals ?? 2;
    if (!Number.isInteger(approvals) || approvals < 1 || approvals > MAX_APPROVALS) {
      fail(
        "requiredApprovals",
        `is ${approvals}; a protected branch needs at least 1 approval (GH-002) and GitHub allows at most ${MAX_APPROVALS}`,
        "set requiredApprovals to 2 (Scorecard tier 4) or at least 1",
      );
    }

    this.role = props.role ?? DEFAULT_ROLE;
    if (!Object.prototype.hasOwnProperty.call(ROLE_REQUIRED_CHECKS, this.role)) {
      fail("role", `"${String(this.role)}" is not a repository role`, 'use "build", "deploy" or "other"');
    }
    if (props.owner !== undefined && !OWNER_NAME.test(props.owner)) {
      fail("owner", `"${props.owner}" is not a GitHub user or organization name`, "use 1-39 letters, digits or '-' (the owner of the repository)");
    }
    if (props.owner === undefined && this.role !== "other") {
      fail("owner", `is missing; role "${this.role}" writes a ${this.role === "build" ? "publish" : "deploy"} job guarded by \`github.repository == '<owner>/${props.name}'\` so forks never ${this.role === "build" ? "publish" : "deploy"}`, "give owner: \"<your organization or user>\"");
    }
    const fullName = `${props.owner ?? "owner"}/${props.name}`;
    this.workflowInputs = this.resolveWorkflowInputs(props, fullName, fail);

    for (const [name, producedBy] of Object.entries(props.externalChecks ?? {})) this.declareExternal(name, producedBy, "externalChecks");
    const roleDefaults = ROLE_REQUIRED_CHECKS[this.role];
    const checks = props.requiredChecks ?? roleDefaults;
    if (checks.length === 0) {
      fail("requiredChecks", "is empty, so nothing has to pass before merging (GH-004)", `list your CI check names, or omit the prop for the defaults (${roleDefaults.join(", ")})`);
    }
    for (const c of checks) this.addCheck(c, "requiredChecks");
    if (props.requiredChecks !== undefined && !checks.includes(SHA_PINNING_CHECK)) {
      Annotations.of(this).addWarning(
        `${where}: requiredChecks does not include "${SHA_PINNING_CHECK}"; integrations/github 6.9.0 cannot require SHA-pinned actions, so only a required check enforces it. Add a job named "${SHA_PINNING_CHECK}" and require it.`,
      );
    }

    const bypass = props.bypassActors ?? [];
    if (bypass.length > 0 && this.protectionMode !== "ruleset") {
      fail("bypassActors", "only apply to mode \"ruleset\"; classic branch protection is always enforced on administrators", 'remove bypassActors, or set mode: "ruleset"');
    }
    bypass.forEach((a, i) => {
      if (typeof a.reason !== "string" || a.reason.trim().length < MIN_REASON_LENGTH) {
        fail(`bypassActors[${i}] (${a.actorType})`, `has no reason; a bypass actor means the ruleset is not enforced on everyone (GH-005, Scorecard tier 5)`, `give reason: "<why this actor must bypass>" (at least ${MIN_REASON_LENGTH} characters), or remove the actor`);
      }
      if (a.actorId === undefined && a.actorType !== "OrganizationAdmin" && a.actorType !== "DeployKey") {
        fail(`bypassActors[${i}].actorId`, `is missing for actor type ${a.actorType}`, "give the team, repository-role or GitHub App id");
      }
    });

    const merge = props.mergeMethods ?? ["squash"];
    const linearHistory = props.requireLinearHistory ?? true;
    if (merge.length === 0) fail("mergeMethods", "is empty, so no pull request could be merged", 'use ["squash"]');
    if (merge.includes("rebase")) {
      fail("mergeMethods", 'includes "rebase", but signed commits are required and GitHub cannot sign rebased commits, so rebase merges are refused', 'use "squash" (GitHub signs the squashed commit)');
    }
    if (merge.includes("merge") && linearHistory) {
      fail("mergeMethods", 'includes "merge", but merge commits break the required linear history', 'use ["squash"], or set requireLinearHistory: false (GH-008 warning)');
    }

    const secretScanning = props.secretScanning ?? true;
    if (!secretScanning && isPublic) {
      fail("secretScanning", "is false on a public repository; leaked secrets there are readable by anyone (GH-011)", "remove secretScanning: false (secret scanning is free on public repositories)");
    }
    if (props.advancedSecurity === true && isPublic) {
      fail("advancedSecurity", "is true on a public repository; GitHub rejects `advanced_security` there with HTTP 422", "remove advancedSecurity (public repositories get secret scanning without it)");
    }
    const advancedSecurity = !isPublic && (props.advancedSecurity ?? true);

    for (const p of props.allowedActionPatterns ?? []) this.allowAction(p);
    if (props.securityContact !== undefined && !SECURITY_CONTACT.test(props.securityContact)) {
      fail("securityContact", `"${props.securityContact}" is neither an e-mail address nor an https URL`, "use security@example.org or https://example.org/security");
    }
    const ecosystems = props.dependabotEcosystems ?? DEFAULT_DEPENDABOT_ECOSYSTEMS;
    if (new Set(ecosystems).size !== ecosystems.length) fail("dependabotEcosystems", "lists an ecosystem twice", "list each ecosystem once");

    for (const e of props.codeOwners ?? []) this.addCodeOwner(e.pattern, ...e.owners);
    if (props.criticalPathOwners !== undefined) {
      if (props.criticalPathOwners.length === 0) fail("criticalPathOwners", "is empty", "name at least one @user, @org/team or e-mail, or omit it to use the owners of the `*` entry");
      for (const o of props.criticalPathOwners) this.checkOwner(o, "criticalPathOwners");
    }
    this.criticalOwners = props.criticalPathOwners;
    // Additive methods may still supply owners, so this is judged at synth.
    this.node.addValidation({ validate: () => this.codeOwnersProblems() });

    this.settings = {
      approvals,
      dismissStale: props.dismissStaleReviews ?? true,
      codeOwnerReview: props.requireCodeOwnerReview ?? true,
      lastPush: props.requireLastPushApproval ?? true,
      upToDate: props.requireUpToDateBranches ?? true,
      bypassActors: bypass.length,
    };
    const conversationResolution = props.requireConversationResolution ?? true;
    const stem = this.logicalName;

    // ---- repository ----------------------------------------------------------------------------
    const security: RepositorySecurityAndAnalysis = {
      ...(advancedSecurity ? { advancedSecurity: { status: "enabled" } } : {}),
      secretScanning: { status: secretScanning ? "enabled" : "disabled" },
      secretScanningPushProtection: { status: secretScanning ? "enabled" : "disabled" },
    };
    this.repository = new Repository(this, "repository", {
      name: props.name,
      description: props.description ?? "",
      visibility: this.visibility,
      autoInit: true,
      hasIssues: true,
      hasWiki: false,
      hasProjects: false,
      allowSquashMerge: merge.includes("squash"),
      allowMergeCommit: merge.includes("merge"),
      allowRebaseMerge: false,
      allowAutoMerge: false,
      allowUpdateBranch: true,
      deleteBranchOnMerge: true,
      ...(merge.includes("squash") ? { squashMergeCommitTitle: "PR_TITLE", squashMergeCommitMessage: "PR_BODY" } : {}),
      vulnerabilityAlerts: true,
      // Destroying the stack must never delete a repository and its history.
      archiveOnDestroy: true,
      securityAndAnalysis: security,
    });
    this.repository.overrideLogicalId(stem);

    let branchDefault: BranchDefault | undefined;
    if (this.defaultBranch !== "main") {
      // New repositories start on `main`; rename it rather than point at a branch that does not exist.
      branchDefault = new BranchDefault(this, "default_branch", { repository: this.repository.name, branch: this.defaultBranch, rename: true });
      branchDefault.overrideLogicalId(stem);
    }

    new RepositoryDependabotSecurityUpdates(this, "dependabot_security_updates", { repository: this.repository.name, enabled: true }).overrideLogicalId(stem);

    // ---- Actions ---------------------------------------------------------------------------------
    new ActionsRepositoryPermissions(this, "actions_permissions", {
      repository: this.repository.name,
      enabled: true,
      allowedActions: "selected",
      allowedActionsConfig: {
        githubOwnedAllowed: true,
        verifiedAllowed: props.allowVerifiedCreatorActions ?? true,
        // The managed workflows' third-party actions are allowed at their pinned SHA only.
        patternsAllowed: Lazy.listValue({ produce: () => [...new Set([...this.actionPatterns, ...thirdPartyPatterns(this.workflows)])] }),
      },
    }).overrideLogicalId(stem);
    new WorkflowRepositoryPermissions(this, "workflow_permissions", {
      repository: this.repository.name,
      defaultWorkflowPermissions: "read",
      canApprovePullRequestReviews: false,
    }).overrideLogicalId(stem);

    // ---- governance files (before the protection) -----------------------------------------------
    const url = this.repository.htmlUrl;
    const specs: FileSpec[] = [
      { id: "codeowners", path: ".github/CODEOWNERS", content: Lazy.stringValue({ produce: () => this.renderCodeOwners() }) },
      { id: "pull_request_template", path: ".github/pull_request_template.md", content: PULL_REQUEST_TEMPLATE },
      { id: "issue_template_bug", path: ".github/ISSUE_TEMPLATE/bug.md", content: BUG_TEMPLATE },
      { id: "issue_template_security", path: ".github/ISSUE_TEMPLATE/security.md", content: SECURITY_TEMPLATE },
      { id: "issue_template_ops", path: ".github/ISSUE_TEMPLATE/ops.md", content: OPS_TEMPLATE },
      { id: "issue_template_config", path: ".github/ISSUE_TEMPLATE/config.yml", content: issueTemplateConfig(url) },
      { id: "security_policy", path: "SECURITY.md", content: securityPolicy(url, props.securityContact) },
      { id: "dependabot", path: ".github/dependabot.yml", content: dependabotConfig(ecosystems) },
      // Hygiene: secrets, variables and state stay out of git and out of every build context.
      { id: "gitignore", path: ".gitignore", content: terraformLiteral(GITIGNORE) },
      { id: "dockerignore", path: ".dockerignore", content: terraformLiteral(DOCKERIGNORE) },
      { id: "pre_commit_config", path: ".pre-commit-config.yaml", content: terraformLiteral(PRE_COMMIT_CONFIG) },
    ];
    this.fileDefaults = { branchDefault, track: props.trackFileContent ?? false, overwrite: props.overwriteExistingFiles === true };
    for (const f of specs) this.addManagedFile(f);
    // The workflows that report the required checks (more may follow from addRequiredCheck).
    this.ensureWorkflowFiles();
    this.files = this.fileList;

    // ---- default-branch protection -------------------------------------------------------------
    const contexts = Lazy.listValue({ produce: () => [...this.checks] });
    if (this.protectionMode === "branch-protection") {
      this.protection = new BranchProtection(this, "branch_protection", {
        repositoryId: this.repository.nodeId,
        pattern: this.defaultBranch,
        enforceAdmins: true,
        requireSignedCommits: true,
        requiredLinearHistory: linearHistory,
        requireConversationResolution: conversationResolution,
        allowsDeletions: false,
        allowsForcePushes: false,
        requiredPullRequestReviews: [
          {
            requiredApprovingReviewCount: approvals,
            dismissStaleReviews: this.settings.dismissStale,
            requireCodeOwnerReviews: this.settings.codeOwnerReview,
            requireLastPushApproval: this.settings.lastPush,
          },
        ],
        requiredStatusChecks: [{ strict: this.settings.upToDate, contexts }],
        dependsOn: [...this.fileList],
      });
    } else {
      const requiredCheck: IResolvable = Lazy.anyValue({ produce: () => this.checks.map((context) => ({ context })) });
      this.protection = new RepositoryRuleset(this, "ruleset", {
        name: "default-branch-protection",
        repository: this.repository.name,
        target: "branch",
        enforcement: "active",
        conditions: { refName: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
        ...(bypass.length > 0
          ? {
              bypassActors: bypass.map((a) => ({
                actorType: a.actorType,
                actorId: a.actorId ?? (a.actorType === "OrganizationAdmin" ? 1 : undefined),
                bypassMode: a.bypassMode ?? "pull_request",
              })),
            }
          : {}),
        rules: {
          deletion: true,
          nonFastForward: true,
          requiredLinearHistory: linearHistory,
          requiredSignatures: true,
          pullRequest: {
            requiredApprovingReviewCount: approvals,
            dismissStaleReviewsOnPush: this.settings.dismissStale,
            requireCodeOwnerReview: this.settings.codeOwnerReview,
            requireLastPushApproval: this.settings.lastPush,
            requiredReviewThreadResolution: conversationResolution,
          },
          requiredStatusChecks: { strictRequiredStatusChecksPolicy: this.settings.upToDate, requiredCheck },
        },
        dependsOn: [...this.fileList],
      });
      if (bypass.length > 0) {
        const reasons = bypass.map((a) => `${a.actorType}${a.actorId !== undefined ? `#${a.actorId}` : ""} (${a.bypassMode ?? "pull_request"}): ${a.reason.trim()}`);
        suppress(this.protection, "GH-005", `ruleset bypass justified: ${reasons.join("; ")}`);
      }
    }
    this.protection.overrideLogicalId(stem);
    if (this.role === "deploy" && this.workflowInputs.verifyImages.length === 0) {
      Annotations.of(this).addWarning(
        `${where}: verifyImages is empty, so the deploy workflow verifies no image signature before \`cdktf deploy\` and refuses to deploy as soon as a stack pins an image by digest. Fix: list every image the stacks pin, by digest, with the build repository that signed it (verifyImages: [{ image: "ghcr.io/org/app:1.0@sha256:…", signer: "org/app-build" }])`,
      );
    }
  }

  /**
   * Require another status check (a check-run name) before merging. A check no managed workflow
   * produces (see MANAGED_CHECKS) needs `producedBy`: what reports it.
   */
  addRequiredCheck(name: string, options: RequiredCheckOptions = {}): this {
    if (options.producedBy !== undefined) this.declareExternal(name, options.producedBy, "addRequiredCheck");
    this.addCheck(name, "addRequiredCheck");
    this.ensureWorkflowFiles();
    return this;
  }

  /** The managed workflows as they will be written (raw YAML), by path order of creation. */
  get workflows(): readonly ManagedWorkflow[] {
    return managedWorkflows({ ...this.workflowInputs, checks: this.checks.filter((c) => !this.external.has(c)) });
  }

  /** Required checks declared as produced outside the managed workflows: check → producer. */
  get externalChecks(): ReadonlyMap<string, string> {
    return new Map(this.external);
  }

  /** Add a CODEOWNERS entry (`/docs/ @org/docs`); entries keep their order, the last match wins. */
  addCodeOwner(pattern: string, ...owners: string[]): this {
    const where = `RepositoryGovernance ${this.node.path}: codeOwners`;
    if (pattern.trim() === "" || /\s/.test(pattern) || pattern.startsWith("#") || pattern.startsWith("!") || pattern.includes("[")) {
      throw new Error(`${where} pattern "${pattern}" is not a CODEOWNERS pattern (no spaces, no leading # or !, no [ ] ranges). Fix: use a gitignore-style path such as "/docs/" or "*.tf"`);
    }
    if (owners.length === 0) throw new Error(`${where} entry "${pattern}" has no owners. Fix: name at least one @user, @org/team or e-mail`);
    for (const o of owners) this.checkOwner(o, `codeOwners "${pattern}"`);
    if (this.codeOwnerEntries.some((e) => e.pattern === pattern)) {
      throw new Error(`${where} pattern "${pattern}" is listed twice. Fix: keep one entry with all its owners`);
    }
    this.codeOwnerEntries.push({ pattern, owners: [...owners] });
    return this;
  }

  /** Allow an action pattern besides GitHub-owned and verified ones (`owner/*`, `owner/repo@<sha>`). */
  allowAction(pattern: string): this {
    if (!ACTION_PATTERN.test(pattern)) {
      throw new Error(
        `RepositoryGovernance ${this.node.path}: allowedActionPatterns entry "${pattern}" is not an owner-scoped action pattern (a bare "*" would allow every action). Fix: use "owner/*", "owner/repo@*" or "owner/repo@<40-hex sha>"`,
      );
    }
    if (!this.actionPatterns.includes(pattern)) this.actionPatterns.push(pattern);
    return this;
  }

  /**
   * An Actions secret whose value comes from a sensitive Terraform value (never a literal):
   * `addActionsSecret("REGISTRY_TOKEN", Secret.fromVariable(stack, "registry_token", "…"))`.
   */
  addActionsSecret(name: string, value: SecretRef): ActionsSecret {
    const where = `RepositoryGovernance ${this.node.path}: addActionsSecret`;
    if (!ACTIONS_SECRET_NAME.test(name) || /^GITHUB_/i.test(name)) {
      throw new Error(`${where} name "${name}" is not a valid Actions secret name. Fix: use letters, digits and '_', not starting with a digit or GITHUB_ (e.g. "REGISTRY_TOKEN")`);
    }
    const key = name.toUpperCase();
    if (this.secrets.has(key)) throw new Error(`${where} secret "${name}" is added twice (GitHub secret names are case-insensitive). Fix: add it once`);
    if (!isSecretRef(value)) throw new Error(`${where}(${name}): the value is not a SecretRef. Fix: pass Secret.named(…) or Secret.fromVariable(…), never a string`);
    const expression = bindSecretToTerraform(this, value, `${where}(${name})`);
    const secret = new ActionsSecret(this, `secret_${key.toLowerCase()}`, {
      repository: this.repository.name,
      secretName: key,
      plaintextValue: expression,
    });
    secret.overrideLogicalId(`${this.logicalName}_${key.toLowerCase()}`);
    this.secrets.set(key, secret);
    return secret;
  }

  /** Required status checks, in order. */
  get requiredChecks(): readonly string[] {
    return [...this.checks];
  }

  /** Whether the SHA-pinning check is required (provider 6.9.0 cannot require pinning itself). */
  get enforcesActionPinning(): boolean {
    return this.checks.includes(SHA_PINNING_CHECK);
  }

  /** The settings Scorecard's Branch-Protection check looks at. */
  get protectionSettings(): BranchProtectionSettings {
    return {
      forcePushesBlocked: true,
      deletionsBlocked: true,
      pullRequestsRequired: true,
      requiredApprovals: this.settings.approvals,
      upToDateBeforeMerge: this.settings.upToDate,
      lastPushApproval: this.settings.lastPush,
      requiredStatusChecks: this.checks.length,
      codeOwnerReview: this.settings.codeOwnerReview,
      dismissStaleReviews: this.settings.dismissStale,
      enforcedOnAdmins: this.settings.bypassActors === 0,
    };
  }

  /** The OpenSSF Scorecard Branch-Protection tier these settings reach. */
  get scorecard(): ScorecardResult {
    return scorecardBranchProtectionTier(this.protectionSettings);
  }

  /** The Scorecard Branch-Protection tier reached, 0–5 (`scorecard` has the details). */
  get scorecardTier(): ScorecardTier {
    return this.scorecard.tier;
  }

  /** One line for the synth summary: `koha-deploy: Scorecard Branch-Protection T5 (10/10), ruleset`. */
  scorecardSummary(): string {
    const s = this.scorecard;
    const how = this.protectionMode === "ruleset" ? "repository ruleset" : "branch protection";
    const unmet = s.unmet.length > 0 ? `; unmet: ${s.unmet.join(", ")}` : "";
    return `${this.repositoryName}: OpenSSF Scorecard Branch-Protection ${s.label} (${s.score}/10) via ${how} on ${this.defaultBranch}${unmet}`;
  }

  private addCheck(name: string, prop: string): void {
    const where = `RepositoryGovernance ${this.node.path}: ${prop}`;
    if (typeof name !== "string" || name.trim() === "" || name !== name.trim()) {
      throw new Error(`${where} has an empty or padded check name ${JSON.stringify(name)}. Fix: use the exact check-run name your workflow reports (the job name)`);
    }
    if (this.checks.includes(name)) throw new Error(`${where} requires "${name}" twice. Fix: list each check once`);
    if (!MANAGED_CHECKS.includes(name) && !this.external.has(name)) {
      throw new Error(
        `${where} requires check "${name}", but no managed workflow produces it and nothing was declared to, so every pull request would wait for it forever (GH-015). ` +
          `Fix: use a managed check (${MANAGED_CHECKS.join(", ")}), or say what reports it: externalChecks: { "${name}": "<workflow, CI system or app that reports it>" } (or addRequiredCheck("${name}", { producedBy: "…" }))`,
      );
    }
    this.checks.push(name);
  }

  private declareExternal(name: string, producedBy: string, prop: string): void {
    const where = `RepositoryGovernance ${this.node.path}: ${prop}`;
    if (typeof name !== "string" || name.trim() === "" || name !== name.trim()) {
      throw new Error(`${where} has an empty or padded check name ${JSON.stringify(name)}. Fix: use the exact check-run name the producer reports`);
    }
    if (typeof producedBy !== "string" || producedBy.trim().length < 3) {
      throw new Error(`${where} check "${name}": producedBy ${JSON.stringify(producedBy)} does not say what reports the check. Fix: name the workflow, CI system or GitHub App (e.g. "e2e.yml, maintained in the repository")`);
    }
    if (this.external.has(name)) throw new Error(`${where} declares the producer of "${name}" twice. Fix: declare it once`);
    this.external.set(name, producedBy.trim());
    if (!this.producedLocal) {
      // The marker GH-015 reads (knowledge/github.ts): Terraform ignores unused locals.
      this.producedLocal = new TerraformLocal(this, "produced_checks", {
        // The reference ties the declaration to this repository (the construct creates it later).
        repository: Lazy.stringValue({ produce: () => this.repository.name }),
        checks: Lazy.anyValue({ produce: () => Object.fromEntries([...this.external].sort(([a], [b]) => a.localeCompare(b))) }),
      });
      this.producedLocal.overrideLogicalId(`${PRODUCED_CHECKS_LOCAL_PREFIX}_${this.logicalName}`);
    }
  }

  private resolveWorkflowInputs(props: RepositoryGovernanceProps, fullName: string, fail: (prop: string, problem: string, fix: string) => never): Omit<WorkflowInputs, "checks"> {
    const owner = props.owner ?? "owner";
    const image = props.image ?? defaultImage(owner, props.name);
    if (!IMAGE_NAME.test(image)) fail("image", `"${image}" is not an image name without tag (registry/path, lower case)`, 'use "ghcr.io/<owner>/<name>"');
    const dockerfile = props.dockerfile ?? DEFAULT_DOCKERFILE;
    if (!REPO_PATH.test(dockerfile)) fail("dockerfile", `"${dockerfile}" is not a relative path inside the repository`, 'use "Dockerfile" or "docker/Dockerfile"');
    const buildContext = props.buildContext ?? DEFAULT_BUILD_CONTEXT;
    if (!REPO_PATH.test(buildContext)) fail("buildContext", `"${buildContext}" is not a relative path inside the repository`, 'use "." or a sub-directory');
    const verifyImages = props.verifyImages ?? [];
    if (verifyImages.length > 0 && this.role !== "deploy") fail("verifyImages", `only applies to role "deploy" (this repository's role is "${this.role}")`, 'set role: "deploy", or remove verifyImages');
    verifyImages.forEach((v, i) => {
      if (typeof v.image !== "string" || !DIGEST_IMAGE.test(v.image)) {
        fail(`verifyImages[${i}].image`, `${JSON.stringify(v.image)} is not pinned by digest; a tag can be moved after its signature was checked`, 'pin it as "registry/path[:tag]@sha256:<64 hex>"');
      }
      if (typeof v.signer !== "string" || !FULL_NAME.test(v.signer)) {
        fail(`verifyImages[${i}].signer`, `${JSON.stringify(v.signer)} is not an owner/name repository`, 'name the build repository that signs the image, e.g. "example-org/koha-docker-build"');
      }
      if (v.signerWorkflow !== undefined && !/^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/.test(v.signerWorkflow)) {
        fail(`verifyImages[${i}].signerWorkflow`, `"${v.signerWorkflow}" is not a workflow file path`, 'use ".github/workflows/<file>.yml"');
      }
      if (v.signerBranch !== undefined && !BRANCH_NAME.test(v.signerBranch)) fail(`verifyImages[${i}].signerBranch`, `"${v.signerBranch}" is not a branch name`, 'use "main"');
    });
    if (new Set(verifyImages.map((v) => v.image)).size !== verifyImages.length) fail("verifyImages", "lists an image twice", "list each image once");
    const deploySecrets = props.deploySecrets ?? {};
    for (const [env, secret] of Object.entries(deploySecrets)) {
      if (!ENV_NAME.test(env)) fail(`deploySecrets["${env}"]`, "is not an environment variable name", 'use letters, digits and "_" (e.g. TF_VAR_db_password)');
      if (typeof secret !== "string" || !ACTIONS_SECRET_NAME.test(secret) || /^GITHUB_/i.test(secret)) {
        fail(`deploySecrets["${env}"]`, `${JSON.stringify(secret)} is not an Actions secret name (the value comes from secrets.<NAME>, never a literal)`, 'give the secret\'s name, e.g. "DB_PASSWORD"');
      }
    }
    if (Object.keys(deploySecrets).length > 0 && this.role !== "deploy") fail("deploySecrets", `only applies to role "deploy" (this repository's role is "${this.role}")`, 'set role: "deploy", or remove deploySecrets');
    const deployEnvironment = props.deployEnvironment ?? DEFAULT_DEPLOY_ENVIRONMENT;
    if (!ENVIRONMENT_NAME.test(deployEnvironment)) fail("deployEnvironment", `"${deployEnvironment}" is not a GitHub environment name`, 'use "production"');
    return {
      role: this.role,
      fullName,
      defaultBranch: this.defaultBranch,
      image,
      dockerfile,
      buildContext,
      verifyImages: [...verifyImages],
      deploySecrets: { ...deploySecrets },
      deployEnvironment,
    };
  }

  private addManagedFile(f: FileSpec): RepositoryFile {
    const { branchDefault, track, overwrite } = this.fileDefaults;
    const file = new RepositoryFile(this, f.id, {
      repository: this.repository.name,
      branch: this.defaultBranch,
      file: f.path,
      content: f.content,
      commitMessage: `chore(governance): manage ${f.path}`,
      // Never replace what a person wrote unless explicitly asked to.
      overwriteOnCreate: overwrite,
      ...(branchDefault ? { dependsOn: [branchDefault] } : {}),
      ...(track ? {} : { lifecycle: { ignoreChanges: ["content"] } }),
    });
    file.overrideLogicalId(`${this.logicalName}_${f.id}`);
    this.fileList.push(file);
    // Files added after the protection exists are ordered before it too (409 otherwise, GH-014).
    if (this.protection) this.protection.dependsOn = [...(this.protection.dependsOn ?? []), file.fqn];
    return file;
  }

  /** Writes each managed workflow the role and the required checks call for, once; contents follow later additions. */
  private ensureWorkflowFiles(): void {
    for (const w of this.workflows) {
      if (this.workflowFiles.has(w.id)) continue;
      const id = w.id;
      const content = Lazy.stringValue({ produce: () => terraformLiteral(this.workflows.find((x) => x.id === id)?.content ?? "") });
      this.workflowFiles.set(id, this.addManagedFile({ id, path: w.path, content }));
    }
  }

  private checkOwner(owner: string, prop: string): void {
    if (!CODE_OWNER.test(owner)) {
      throw new Error(`RepositoryGovernance ${this.node.path}: ${prop} owner "${owner}" is not a code owner. Fix: use @user, @org/team or an e-mail address`);
    }
  }

  private effectiveCriticalOwners(): readonly string[] | undefined {
    return this.criticalOwners ?? this.codeOwnerEntries.find((e) => e.pattern === "*")?.owners;
  }

  private codeOwnersProblems(): string[] {
    if (this.effectiveCriticalOwners()) return [];
    const what = this.codeOwnerEntries.length === 0 ? "has no CODEOWNERS entries" : "has CODEOWNERS entries but no `*` entry";
    return [
      `RepositoryGovernance ${this.node.path}: codeOwners ${what}, so the protected branch ${this.defaultBranch} would have no owners for its critical paths (GH-010, code-owner review). ` +
        `Fix: add codeOwners: [{ pattern: "*", owners: ["@org/team"] }] (or addCodeOwner("*", "@org/team")), or set criticalPathOwners`,
    ];
  }

  private renderCodeOwners(): string {
    // Validation reports the missing owners; render something harmless if synth gets here anyway.
    return renderCodeOwners(this.codeOwnerEntries, this.effectiveCriticalOwners() ?? []);
  }
}
