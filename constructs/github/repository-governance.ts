/**
 * RepositoryGovernance: one GitHub repository governed as code (OpenSSF Scorecard checks
 * Branch-Protection, Code-Review, Token-Permissions, Pinned-Dependencies, Dependency-Update-Tool).
 *
 * - Repository settings: visibility, squash-only merges, branches deleted on merge, Dependabot
 *   alerts and security updates, secret scanning with push protection.
 * - Default-branch protection in one of two interchangeable modes (classic branch protection or a
 *   repository ruleset), both passing every GH rule and reaching OpenSSF Scorecard
 *   Branch-Protection tier 5 by default.
 * - Governance files (CODEOWNERS, PR and issue templates, SECURITY.md, dependabot.yml), written
 *   BEFORE the protection (`depends_on`) because a protected branch refuses direct commits (409).
 * - Actions: GitHub-owned, verified and listed actions only; read-only default token; Actions
 *   cannot approve pull requests; secrets only from sensitive Terraform values.
 *
 * What is never configurable (each is an error-level GH rule): pull requests, signed commits,
 * blocked force pushes and deletion, enforcement on administrators in classic mode, vulnerability
 * alerts, a read-only default workflow token.
 */
import { Annotations, Lazy, type IResolvable } from "cdktf";
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
import {
  ACTIONS_SECRET_NAME,
  CODE_OWNER,
  DEFAULT_DEPENDABOT_ECOSYSTEMS,
  DEFAULT_REQUIRED_CHECKS,
  REPOSITORY_NAME,
  SHA_PINNING_CHECK,
  type DependabotEcosystem,
} from "./defaults";
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
   * @default DEFAULT_REQUIRED_CHECKS
   */
  readonly requiredChecks?: readonly string[];
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

    const checks = props.requiredChecks ?? DEFAULT_REQUIRED_CHECKS;
    if (checks.length === 0) {
      fail("requiredChecks", "is empty, so nothing has to pass before merging (GH-004)", `list your CI check names, or omit the prop for the defaults (${DEFAULT_REQUIRED_CHECKS.join(", ")})`);
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
        patternsAllowed: Lazy.listValue({ produce: () => [...this.actionPatterns] }),
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
    ];
    const track = props.trackFileContent ?? false;
    this.files = specs.map((f) => {
      const file = new RepositoryFile(this, f.id, {
        repository: this.repository.name,
        branch: this.defaultBranch,
        file: f.path,
        content: f.content,
        commitMessage: `chore(governance): manage ${f.path}`,
        // Never replace what a person wrote unless explicitly asked to.
        overwriteOnCreate: props.overwriteExistingFiles === true,
        ...(branchDefault ? { dependsOn: [branchDefault] } : {}),
        ...(track ? {} : { lifecycle: { ignoreChanges: ["content"] } }),
      });
      file.overrideLogicalId(`${stem}_${f.id}`);
      return file;
    });

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
        dependsOn: [...this.files],
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
        dependsOn: [...this.files],
      });
      if (bypass.length > 0) {
        const reasons = bypass.map((a) => `${a.actorType}${a.actorId !== undefined ? `#${a.actorId}` : ""} (${a.bypassMode ?? "pull_request"}): ${a.reason.trim()}`);
        suppress(this.protection, "GH-005", `ruleset bypass justified: ${reasons.join("; ")}`);
      }
    }
    this.protection.overrideLogicalId(stem);
  }

  /** Require another status check (a check-run name) before merging. */
  addRequiredCheck(name: string): this {
    this.addCheck(name, "addRequiredCheck");
    return this;
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
    this.checks.push(name);
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
