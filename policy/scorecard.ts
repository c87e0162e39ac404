/**
 * The OpenSSF Scorecard "Branch-Protection" tier of every repository in a stack, judged on the
 * Terraform JSON (so an `addOverride` that weakens protection lowers it), with the same GitHub
 * model the GH rules judge (policy/rules/github/protection.ts).
 *
 * Scorecard grades in cumulative tiers (a tier counts only when every lower tier is met):
 * - T1 (3/10): force pushes and branch deletion prevented;
 * - T2 (6/10): pull requests with at least 1 approval, branches up to date before merging,
 *   approval of the most recent push;
 * - T3 (8/10): at least 1 required status check;
 * - T4 (9/10): at least 2 approvals and code-owner review;
 * - T5 (10/10): stale approvals dismissed and the rules enforced on administrators.
 * A ruleset with bypass actors counts as not enforced on administrators.
 * Source: https://github.com/ossf/scorecard/blob/main/docs/checks.md#branch-protection
 *
 * The tier table is knowledge/scorecard.ts, shared with the construct's own estimate from its props
 * (constructs/github/scorecard.ts).
 */
import type { StackInput } from "./engine";
import { buildStackIndex } from "./stack-index";
import { REPOSITORY, githubModel, type Protection, type ProtectionKind } from "./rules/github/protection";

import { scorecardBranchProtectionTier, type BranchProtectionSettings, type ScorecardResult, type ScorecardTier } from "../knowledge/scorecard";
export { scorecardBranchProtectionTier, type BranchProtectionSettings, type ScorecardResult, type ScorecardTier };

/** Nothing protects the branch. */
export const UNPROTECTED: BranchProtectionSettings = {
  forcePushesBlocked: false,
  deletionsBlocked: false,
  pullRequestsRequired: false,
  requiredApprovals: 0,
  upToDateBeforeMerge: false,
  lastPushApproval: false,
  requiredStatusChecks: 0,
  codeOwnerReview: false,
  dismissStaleReviews: false,
  enforcedOnAdmins: false,
};

/**
 * The settings that a set of protections applying to one branch add up to. GitHub enforces every
 * applying ruleset and branch protection together, so a requirement is met when any of them sets
 * it (approvals: the highest count); administrators are bound only when every one of them binds
 * them (a bypass on one lets its rules be skipped). A value that cannot be resolved before apply
 * counts as not met: the tier is what the JSON proves.
 */
export function settingsOf(protections: readonly Protection[]): BranchProtectionSettings {
  if (protections.length === 0) return UNPROTECTED;
  const any = (pick: (p: Protection) => unknown) => protections.some((p) => pick(p) === true);
  const max = (pick: (p: Protection) => number) => Math.max(...protections.map(pick));
  return {
    forcePushesBlocked: any((p) => p.forcePushesBlocked.value),
    deletionsBlocked: any((p) => p.deletionsBlocked.value),
    pullRequestsRequired: protections.some((p) => p.reviews.required),
    requiredApprovals: max((p) => (p.reviews.required && typeof p.reviews.count.value === "number" ? p.reviews.count.value : 0)),
    upToDateBeforeMerge: any((p) => p.statusChecks.required && p.statusChecks.strict.value),
    lastPushApproval: any((p) => p.reviews.required && p.reviews.lastPush.value),
    // A check whose name is a reference is still a check; a whole list that is a reference is not countable.
    requiredStatusChecks: max((p) => (p.statusChecks.required && Array.isArray(p.statusChecks.contexts) ? p.statusChecks.contexts.length : 0)),
    codeOwnerReview: any((p) => p.reviews.required && p.reviews.codeOwners.value),
    dismissStaleReviews: any((p) => p.reviews.required && p.reviews.dismissStale.value),
    enforcedOnAdmins: protections.every((p) => p.admins.value === true),
  };
}

export interface RepositoryScorecard {
  readonly stack: string;
  /** The repository's name, or its address when the name is a reference. */
  readonly repository: string;
  readonly address: string;
  /** The default branch, or the reference expression naming it. */
  readonly branch: string;
  /** The protections judged (those known to apply to the default branch). */
  readonly protections: readonly ProtectionKind[];
  readonly result: ScorecardResult;
}

/** The Scorecard tier of every `github_repository` of a stack, by repository name (disk JSON is key-sorted, in-memory JSON is not). */
export function repositoryScorecards(input: StackInput): RepositoryScorecard[] {
  const resources = input.json.resource as Record<string, unknown> | undefined;
  if (!resources || typeof resources !== "object" || !(REPOSITORY in resources)) return [];
  const model = githubModel(buildStackIndex(input.stack, input.file, input.json));
  const repos = [...model.repos].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return repos.map((repo) => {
    const state = model.defaultBranchState(repo);
    // Protections that only may apply (a reference resolved at apply time) prove nothing yet.
    const applying = state.definite ? state.applying : [];
    return {
      stack: input.stack,
      repository: repo.label,
      address: repo.address,
      branch: repo.defaultBranch.label,
      protections: applying.map((p) => p.kind),
      result: scorecardBranchProtectionTier(settingsOf(applying)),
    };
  });
}

const KIND_LABEL: Readonly<Record<ProtectionKind, string>> = {
  ruleset: "repository ruleset",
  branch_protection: "branch protection",
  branch_protection_v3: "branch protection (v3)",
};

/** `koha-deploy: OpenSSF Scorecard Branch-Protection T5 (10/10) via repository ruleset on main` */
export function scorecardLine(s: RepositoryScorecard): string {
  const r = s.result;
  const via = s.protections.length === 0 ? "no protection" : [...new Set(s.protections.map((k) => KIND_LABEL[k]))].join(" + ");
  const unmet = r.unmet.length > 0 ? `; unmet: ${r.unmet.join(", ")}` : "";
  return `${s.repository}: OpenSSF Scorecard Branch-Protection ${r.label} (${r.score}/10) via ${via} on ${s.branch}${unmet}`;
}
