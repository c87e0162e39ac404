import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, S3Backend, TerraformStack } from "cdktf";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import * as construct from "../../constructs/github/scorecard";
import { RepositoryGovernance, type ProtectionMode } from "../../constructs/github/repository-governance";
import { runSynthGate } from "../../policy/gate";
import { repositoryScorecards, scorecardBranchProtectionTier, scorecardLine, type BranchProtectionSettings } from "../../policy/scorecard";
import { synthStackJson } from "../../policy/testing";

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
    expect(scorecardBranchProtectionTier({ ...FULL, upToDateBeforeMerge: false }).tier).toBe(1);
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

  test("the construct and the engine use the one tier table of the knowledge leaf", () => {
    expect(construct.scorecardBranchProtectionTier).toBe(scorecardBranchProtectionTier);
  });
});

describe("Scorecard tier judged on the synthesized JSON", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function setup(mode: ProtectionMode): { app: App; stack: TerraformStack; gov: RepositoryGovernance } {
    const outdir = mkdtempSync(join(tmpdir(), "bulwark-scorecard-"));
    dirs.push(outdir);
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "governance");
    new GithubProvider(stack, "github", { owner: "example-org" });
    new S3Backend(stack, { bucket: "state", key: "governance.tfstate", region: "eu-central-1", encrypt: true, dynamodbTable: "locks" });
    const gov = new RepositoryGovernance(stack, "koha-deploy", { name: "koha-deploy", codeOwners: [{ pattern: "*", owners: ["@example-org/platform"] }], mode });
    return { app, stack, gov };
  }

  /** What the synth gate prints for the repository after a real `app.synth()`. */
  function printedLine(app: App): { code: number; line: string } {
    app.synth();
    let out = "";
    const code = runSynthGate(app.outdir, { out: (s) => (out += s), err: () => undefined });
    const line = out.split("\n").find((l) => l.startsWith("  github koha-deploy: ")) ?? "";
    return { code, line };
  }

  const how: Record<ProtectionMode, string> = { ruleset: "repository ruleset", "branch-protection": "branch protection" };

  test.each<ProtectionMode>(["ruleset", "branch-protection"])("%s defaults: the JSON reaches T5, as the construct claims", (mode) => {
    const { stack, gov } = setup(mode);
    const [card] = repositoryScorecards({ stack: "governance", file: "cdk.tf.json", json: synthStackJson(stack) as Record<string, unknown> });
    expect(card.result).toEqual(gov.scorecard);
    expect(scorecardLine(card)).toBe(gov.scorecardSummary());
    expect(scorecardLine(card)).toBe(`koha-deploy: OpenSSF Scorecard Branch-Protection T5 (10/10) via ${how[mode]} on main`);
  });

  const weakenings: Array<[ProtectionMode, string, string, unknown, number, string]> = [
    ["ruleset", "force pushes allowed", "rules.non_fast_forward", false, 0, "T1: force pushes prevented"],
    ["ruleset", "approvals dropped", "rules.pull_request.required_approving_review_count", 0, 1, "T2: at least 1 approval (now 0)"],
    ["ruleset", "one approval", "rules.pull_request.required_approving_review_count", 1, 3, "T4: at least 2 approvals (now 1)"],
    ["ruleset", "a bypass actor", "bypass_actors", [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }], 4, "T5: enforced on administrators (no bypass actors)"],
    ["branch-protection", "force pushes allowed", "allows_force_pushes", true, 0, "T1: force pushes prevented"],
    ["branch-protection", "approvals dropped", "required_pull_request_reviews.0.required_approving_review_count", 0, 1, "T2: at least 1 approval (now 0)"],
    ["branch-protection", "admins exempt", "enforce_admins", false, 4, "T5: enforced on administrators (no bypass actors)"],
  ];

  test.each(weakenings)("%s, an addOverride (%s) lowers the printed tier, while the construct's props still claim T5", (mode, _name, key, value, tier, unmet) => {
    const { app, gov } = setup(mode);
    gov.protection.addOverride(key, value);
    const { line } = printedLine(app);
    expect(line).toContain(`koha-deploy: OpenSSF Scorecard Branch-Protection T${tier} (`);
    expect(line).toContain(unmet);
    expect(gov.scorecardTier).toBe(5);
  });
});
