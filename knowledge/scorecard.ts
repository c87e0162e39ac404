/**
 * The OpenSSF Scorecard "Branch-Protection" tier that a default-branch protection reaches.
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
 */

/** What the tiers look at, already normalized (`true` is the protective state). */
export interface BranchProtectionSettings {
  readonly forcePushesBlocked: boolean;
  readonly deletionsBlocked: boolean;
  readonly pullRequestsRequired: boolean;
  readonly requiredApprovals: number;
  readonly upToDateBeforeMerge: boolean;
  readonly lastPushApproval: boolean;
  readonly requiredStatusChecks: number;
  readonly codeOwnerReview: boolean;
  readonly dismissStaleReviews: boolean;
  /** `enforce_admins`, or a ruleset without bypass actors. */
  readonly enforcedOnAdmins: boolean;
}

export type ScorecardTier = 0 | 1 | 2 | 3 | 4 | 5;

export interface ScorecardResult {
  /** Highest tier whose requirements, and those of every lower tier, are met; 0 for none. */
  readonly tier: ScorecardTier;
  /** `T0`…`T5`. */
  readonly label: string;
  /** Scorecard's Branch-Protection score for the tier (0, 3, 6, 8, 9, 10). */
  readonly score: number;
  /** Every unmet requirement, prefixed with its tier (`T4: at least 2 approvals (now 1)`). */
  readonly unmet: readonly string[];
}

const SCORES: Readonly<Record<ScorecardTier, number>> = { 0: 0, 1: 3, 2: 6, 3: 8, 4: 9, 5: 10 };

/** Requirements per tier: [tier, met, description]. */
function requirements(s: BranchProtectionSettings): ReadonlyArray<readonly [ScorecardTier, boolean, string]> {
  return [
    [1, s.forcePushesBlocked, "force pushes prevented"],
    [1, s.deletionsBlocked, "branch deletion prevented"],
    [2, s.pullRequestsRequired, "pull requests required"],
    [2, s.requiredApprovals >= 1, `at least 1 approval (now ${s.requiredApprovals})`],
    [2, s.upToDateBeforeMerge, "branches up to date before merging"],
    [2, s.lastPushApproval, "approval of the most recent push"],
    [3, s.requiredStatusChecks >= 1, "at least 1 required status check"],
    [4, s.requiredApprovals >= 2, `at least 2 approvals (now ${s.requiredApprovals})`],
    [4, s.codeOwnerReview, "code-owner review"],
    [5, s.dismissStaleReviews, "stale approvals dismissed on push"],
    [5, s.enforcedOnAdmins, "enforced on administrators (no bypass actors)"],
  ];
}

/** The tier a protection reaches, with the requirements it misses. */
export function scorecardBranchProtectionTier(settings: BranchProtectionSettings): ScorecardResult {
  const reqs = requirements(settings);
  const unmet = reqs.filter(([, met]) => !met).map(([tier, , what]) => `T${tier}: ${what}`);
  const lowestUnmet = reqs.reduce<number>((low, [tier, met]) => (met ? low : Math.min(low, tier)), 6);
  const tier = (lowestUnmet - 1) as ScorecardTier;
  return { tier, label: `T${tier}`, score: SCORES[tier], unmet };
}
