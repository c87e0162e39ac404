import { scorecardBranchProtectionTier, type BranchProtectionSettings } from "../../constructs/github/scorecard";

const FULL: BranchProtectionSettings = {
  forcePushesBlocked: true,
  deletionsBlocked: true,
  pullRequestsRequired: true,
  requiredApprovals: 2,
  upToDateBeforeMerge: true,
  lastPushApproval: true,
  requiredStatusChecks: 7,
  codeOwnerReview: true,
  dismissStaleReviews: true,
  enforcedOnAdmins: true,
};

describe("OpenSSF Scorecard Branch-Protection tier", () => {
  test("every requirement met: T5, 10/10", () => {
    expect(scorecardBranchProtectionTier(FULL)).toEqual({ tier: 5, label: "T5", score: 10, unmet: [] });
  });

  test.each<[string, Partial<BranchProtectionSettings>, number, number, string[]]>([
    ["force pushes allowed", { forcePushesBlocked: false }, 0, 0, ["T1: force pushes prevented"]],
    ["deletion allowed", { deletionsBlocked: false }, 0, 0, ["T1: branch deletion prevented"]],
    ["no pull requests", { pullRequestsRequired: false, requiredApprovals: 0 }, 1, 3, ["T2: pull requests required", "T2: at least 1 approval (now 0)", "T4: at least 2 approvals (now 0)"]],
    ["branches need not be up to date", { upToDateBeforeMerge: false }, 1, 3, ["T2: branches up to date before merging"]],
    ["last push need not be approved", { lastPushApproval: false }, 1, 3, ["T2: approval of the most recent push"]],
    ["no status check", { requiredStatusChecks: 0 }, 2, 6, ["T3: at least 1 required status check"]],
    ["one approval", { requiredApprovals: 1 }, 3, 8, ["T4: at least 2 approvals (now 1)"]],
    ["no code-owner review", { codeOwnerReview: false }, 3, 8, ["T4: code-owner review"]],
    ["stale reviews kept", { dismissStaleReviews: false }, 4, 9, ["T5: stale approvals dismissed on push"]],
    ["admins not bound (ruleset bypass)", { enforcedOnAdmins: false }, 4, 9, ["T5: enforced on administrators (no bypass actors)"]],
  ])("%s", (_name, change, tier, score, unmet) => {
    expect(scorecardBranchProtectionTier({ ...FULL, ...change })).toEqual({ tier, label: `T${tier}`, score, unmet });
  });

  test("tiers are cumulative: a higher tier's requirements do not count while a lower one is missing", () => {
    // Everything of T3–T5 but branches not up to date (T2): tier 1.
    expect(scorecardBranchProtectionTier({ ...FULL, upToDateBeforeMerge: false }).tier).toBe(1);
    // Nothing at all.
    const none: BranchProtectionSettings = {
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
    const r = scorecardBranchProtectionTier(none);
    expect(r).toMatchObject({ tier: 0, label: "T0", score: 0 });
    expect(r.unmet).toHaveLength(11);
  });

  test("T3 exactly: one approval, up to date, one check, no code owners", () => {
    expect(scorecardBranchProtectionTier({ ...FULL, requiredApprovals: 1, requiredStatusChecks: 1, codeOwnerReview: false, dismissStaleReviews: false })).toEqual({
      tier: 3,
      label: "T3",
      score: 8,
      unmet: ["T4: at least 2 approvals (now 1)", "T4: code-owner review", "T5: stale approvals dismissed on push"],
    });
  });
});
