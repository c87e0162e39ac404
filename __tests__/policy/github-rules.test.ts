/**
 * GH-001 … GH-014 (integrations/github 6.9.0) over hand-written Terraform JSON, in the three
 * protection modes: github_branch_protection (GraphQL), github_branch_protection_v3, and
 * github_repository_ruleset. (GH-015 and GH-016: github-workflow-rules.test.ts.)
 */
import { CATALOG } from "../../policy/catalog";
import { ALL_RULES } from "../../policy/rules";
import { RULES } from "../../policy/rules/github";
import { branchGlobMatches } from "../../policy/rules/github/protection";
import { tf } from "../helpers/policy";
import {
  PROTECTION_ADDRESS,
  REPO_ADDRESS,
  branchProtection,
  codeownersFile,
  ghFindings,
  ghHits,
  ghMessages,
  githubStack,
  producedChecks,
  repository,
  rulesetRules,
  ruleset,
  workflowPermissions,
  actionsPermissions,
} from "./github-fixtures";

const BP = PROTECTION_ADDRESS.graphql;
const V3 = PROTECTION_ADDRESS.v3;
const RS = PROTECTION_ADDRESS.ruleset;
const FILE = "github_repository_file.codeowners";

describe("GH rule registration", () => {
  test("the github folder registers exactly the GH-* catalog ids, in id order", () => {
    const ids = [
      "GH-001", "GH-002", "GH-003", "GH-004", "GH-005", "GH-006", "GH-007", "GH-008", "GH-009", "GH-010", "GH-011", "GH-012", "GH-013", "GH-014", "GH-015", "GH-016",
    ];
    expect(RULES.map((r) => r.meta.id)).toEqual(ids);
    expect(ALL_RULES.filter((r) => r.meta.domain === "GH").map((r) => r.meta.id)).toEqual(ids);
    expect(CATALOG.filter((m) => m.domain === "GH").map((m) => m.id)).toEqual(ids);
    expect(new Set(RULES.map((r) => r.meta.pack))).toEqual(new Set(["github-governance"]));
  });
});

describe("compliant stacks", () => {
  test.each(["graphql", "ruleset"] as const)("%s protection: no GH finding", (mode) => {
    expect(ghHits(githubStack({ mode }))).toEqual([]);
  });

  test("v3 protection cannot require linear history: only GH-008 warns", () => {
    expect(ghHits(githubStack({ mode: "v3" }))).toEqual([`GH-008 warning ${V3}`]);
    expect(ghMessages(githubStack({ mode: "v3" }), "GH-008")[0]).toContain("cannot require linear history");
  });

  test("string booleans and numbers are read leniently", () => {
    const json = githubStack({
      repo: { vulnerability_alerts: "true" },
      protection: {
        enforce_admins: "true",
        require_signed_commits: "true",
        required_linear_history: "true",
        require_conversation_resolution: "true",
        allows_deletions: "false",
        allows_force_pushes: "false",
        required_status_checks: { strict: "true", contexts: ["ci"] },
        required_pull_request_reviews: { required_approving_review_count: "2", dismiss_stale_reviews: "true", require_code_owner_reviews: "true" },
      },
    });
    expect(ghHits(json)).toEqual([]);
  });
});

describe("GH-001 default branch protected", () => {
  test("no protection at all: error on the repository, and the other protection rules stay silent", () => {
    const json = githubStack({ mode: null });
    expect(ghHits(json)).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
    const [message] = ghMessages(json, "GH-001");
    expect(message).toContain("`main` (provider default)");
    expect(message).toContain("Fix:");
  });

  test("GraphQL pattern for another branch does not protect main, and the message says why", () => {
    const json = githubStack({ protection: { pattern: "master" } });
    expect(ghHits(json, "GH-001")).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
    expect(ghMessages(json, "GH-001")[0]).toContain(`${BP}: \`pattern\` "master" does not cover \`main\``);
    expect(ghHits(json, "GH-002")).toEqual([]);
  });

  test.each([
    ["main", true],
    ["ma*", true],
    ["*", true],
    ["**", true],
    ["m?in", true],
    ["[lm]ain", true],
    ["release/*", false],
    ["main2", false],
  ])("GraphQL pattern %s protects main: %s", (pattern, ok) => {
    expect(ghHits(githubStack({ protection: { pattern } }), "GH-001")).toEqual(ok ? [] : [`GH-001 error ${REPO_ADDRESS}`]);
  });

  test("fnmatch: `*` stops at `/`, `**` crosses it", () => {
    expect(branchGlobMatches("release/*", "release/1.0")).toBe(true);
    expect(branchGlobMatches("*", "release/1.0")).toBe(false);
    expect(branchGlobMatches("**", "release/1.0")).toBe(true);
    expect(branchGlobMatches("a.b", "axb")).toBe(false);
  });

  test.each([
    ["${github_repository.app.node_id}", true],
    ["${github_repository.app.name}", true],
    ["${github_repository.app.id}", true],
    ["app", true],
    ["other", false],
    ["${github_repository.other.node_id}", false],
  ])("repository_id %s designates the repository: %s", (repositoryId, ok) => {
    expect(ghHits(githubStack({ protection: { repository_id: repositoryId } }), "GH-001")).toEqual(ok ? [] : [`GH-001 error ${REPO_ADDRESS}`]);
  });

  test("a repository whose name is a reference is still matched by reference", () => {
    const json = githubStack({ repo: { name: "${var.repo_name}" } });
    expect(ghHits(json, "GH-001")).toEqual([]);
  });

  test("default branch from the deprecated github_repository.default_branch", () => {
    expect(ghHits(githubStack({ repo: { default_branch: "develop" } }), "GH-001")).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
    expect(ghMessages(githubStack({ repo: { default_branch: "develop" } }), "GH-001")[0]).toContain("`develop` (from `github_repository.app.default_branch`)");
    expect(ghHits(githubStack({ repo: { default_branch: "develop" }, protection: { pattern: "develop" } }), "GH-001")).toEqual([]);
  });

  describe("default branch from github_branch_default", () => {
    const bd = (repositoryRef: string) => ({ github_branch_default: { app: { repository: repositoryRef, branch: "trunk" } } });

    test("pattern main no longer protects the default branch", () => {
      const json = githubStack({ extra: bd("${github_repository.app.name}") });
      expect(ghHits(json, "GH-001")).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
      expect(ghMessages(json, "GH-001")[0]).toContain("`trunk` (from `github_branch_default.app`)");
    });

    test.each(["trunk", "${github_branch_default.app.branch}", "${github_repository.app.default_branch}"])("pattern %s protects it", (pattern) => {
      expect(ghHits(githubStack({ extra: bd("${github_repository.app.name}"), protection: { pattern } }), "GH-001")).toEqual([]);
    });

    test("github_branch_default wins over github_repository.default_branch; literal repository names work", () => {
      const json = githubStack({ repo: { default_branch: "main" }, extra: bd("app"), protection: { pattern: "trunk" } });
      expect(ghHits(json, "GH-001")).toEqual([]);
    });

    test("a github_branch_default of another repository does not count", () => {
      expect(ghHits(githubStack({ extra: bd("other") }), "GH-001")).toEqual([]);
    });

    test("a ruleset with ~DEFAULT_BRANCH follows the override", () => {
      expect(ghHits(githubStack({ mode: "ruleset", extra: bd("app") }), "GH-001")).toEqual([]);
    });
  });

  test.each([
    ["main", true],
    ["main*", false],
    ["master", false],
  ])("v3 branch %s protects main: %s (exact names, no globs)", (branch, ok) => {
    expect(ghHits(githubStack({ mode: "v3", protection: { branch } }), "GH-001")).toEqual(ok ? [] : [`GH-001 error ${REPO_ADDRESS}`]);
  });

  test("v3 with a literal repository name", () => {
    expect(ghHits(githubStack({ mode: "v3", protection: { repository: "app" } }), "GH-001")).toEqual([]);
    expect(ghHits(githubStack({ mode: "v3", protection: { repository: "else" } }), "GH-001")).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
  });

  describe("rulesets", () => {
    const withRefs = (include: unknown, exclude: unknown = []) => ({ conditions: { ref_name: { include, exclude } } });

    test.each([
      ["~DEFAULT_BRANCH include", withRefs(["~DEFAULT_BRANCH"]), true],
      ["~ALL include", withRefs(["~ALL"]), true],
      ["refs/heads/main include", withRefs(["refs/heads/main"]), true],
      ["refs/heads/ma* include", withRefs(["refs/heads/ma*"]), true],
      ["conditions as arrays of one block", { conditions: [{ ref_name: [{ include: ["~ALL"], exclude: [] }] }] }, true],
      ["another branch", withRefs(["refs/heads/develop"]), false],
      ["a bare branch name (no refs/heads/)", withRefs(["main"]), false],
      ["~ALL minus refs/heads/main", withRefs(["~ALL"], ["refs/heads/main"]), false],
      ["~DEFAULT_BRANCH minus ~DEFAULT_BRANCH", withRefs(["~DEFAULT_BRANCH"], ["~DEFAULT_BRANCH"]), false],
      ["~ALL minus another branch", withRefs(["~ALL"], ["refs/heads/develop"]), true],
      ["no conditions", { conditions: undefined }, false],
      ["enforcement evaluate", { enforcement: "evaluate" }, false],
      ["enforcement disabled", { enforcement: "disabled" }, false],
      ["target tag", { target: "tag" }, false],
      ["literal repository name", { repository: "app" }, true],
      ["other repository", { repository: "other" }, false],
    ].map(([label, overrides, ok]) => [`${label} protects main: ${ok}`, overrides, ok] as const))("%s", (_label, overrides, ok) => {
      expect(ghHits(githubStack({ mode: "ruleset", protection: overrides as Record<string, unknown> }), "GH-001")).toEqual(ok ? [] : [`GH-001 error ${REPO_ADDRESS}`]);
    });

    test("refs/heads/<branch> follows a default-branch override", () => {
      const repo = { default_branch: "develop" };
      expect(ghHits(githubStack({ mode: "ruleset", repo, protection: withRefs(["refs/heads/develop"]) }), "GH-001")).toEqual([]);
      expect(ghHits(githubStack({ mode: "ruleset", repo, protection: withRefs(["refs/heads/main"]) }), "GH-001")).toEqual([`GH-001 error ${REPO_ADDRESS}`]);
    });

    test("the message names the excluding condition", () => {
      const json = githubStack({ mode: "ruleset", protection: withRefs(["~ALL"], ["refs/heads/main"]) });
      expect(ghMessages(json, "GH-001")[0]).toContain("`conditions.ref_name.exclude` [\"refs/heads/main\"] removes `main`");
    });
  });

  test("an unresolvable pattern is an info, and the protection is still judged", () => {
    const json = githubStack({ protection: { pattern: "${var.branch}", enforce_admins: false } });
    expect(ghHits(json, "GH-001")).toEqual([`GH-001 info ${REPO_ADDRESS}`]);
    expect(ghHits(json, "GH-005")).toEqual([`GH-005 error ${BP}`]);
  });

  test("one protected and one unprotected repository", () => {
    const json = githubStack({ extra: { github_repository: { site: repository({ name: "site" }) } } });
    expect(ghHits(json, "GH-001")).toEqual(["GH-001 error github_repository.site"]);
  });
});

describe("GH-002 pull-request reviews", () => {
  const reviews = (r: Record<string, unknown>) => ({ required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true, ...r } });

  test.each([
    ["omitted count (provider default 1)", reviews({}), "warning"],
    ["count 1", reviews({ required_approving_review_count: 1 }), "warning"],
    ["count \"1\"", reviews({ required_approving_review_count: "1" }), "warning"],
    ["count 0", reviews({ required_approving_review_count: 0 }), "error"],
    ["count 2", reviews({ required_approving_review_count: 2 }), null],
    ["count \"3\"", reviews({ required_approving_review_count: "3" }), null],
    ["count from a variable", reviews({ required_approving_review_count: "${var.approvals}" }), "info"],
    ["no reviews block", { required_pull_request_reviews: undefined }, "error"],
    ["empty reviews array (plan JSON)", { required_pull_request_reviews: [] }, "error"],
  ])("GraphQL: %s", (_label, protection, severity) => {
    expect(ghHits(githubStack({ protection }), "GH-002")).toEqual(severity ? [`GH-002 ${severity} ${BP}`] : []);
  });

  test("the warning names the value and the fix", () => {
    const [message] = ghMessages(githubStack({ protection: reviews({}) }), "GH-002");
    expect(message).toContain("`required_pull_request_reviews.required_approving_review_count` is unset (provider default 1)");
    expect(message).toContain("Fix: set `required_approving_review_count = 2`");
  });

  test("v3: omitted count warns, missing block errors", () => {
    expect(ghHits(githubStack({ mode: "v3", protection: { required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true } } }), "GH-002")).toEqual([`GH-002 warning ${V3}`]);
    expect(ghHits(githubStack({ mode: "v3", protection: { required_pull_request_reviews: undefined } }), "GH-002")).toEqual([`GH-002 error ${V3}`]);
  });

  test("ruleset: no pull_request rule errors; omitted count is 0 for rulesets (error)", () => {
    const noPr = { rules: rulesetRules({ pull_request: undefined }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: noPr }), "GH-002")).toEqual([`GH-002 error ${RS}`]);
    const noCount = { rules: rulesetRules({ pull_request: { dismiss_stale_reviews_on_push: true, require_code_owner_review: true, required_review_thread_resolution: true } }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: noCount }), "GH-002")).toEqual([`GH-002 error ${RS}`]);
    expect(ghMessages(githubStack({ mode: "ruleset", protection: noCount }), "GH-002")[0]).toContain("provider default 0");
  });

  test("layered protections: the strictest applying one counts, the finding goes to the closest", () => {
    const extra = { github_repository_ruleset: { main: ruleset() } };
    expect(ghHits(githubStack({ protection: reviews({ required_approving_review_count: 1 }), extra }), "GH-002")).toEqual([]);
    const weakRuleset = { github_repository_ruleset: { main: ruleset({ rules: rulesetRules({ pull_request: undefined }) }) } };
    expect(ghHits(githubStack({ protection: reviews({ required_approving_review_count: 1 }), extra: weakRuleset }), "GH-002")).toEqual([`GH-002 warning ${BP}`]);
  });
});

describe("GH-003 stale reviews and code owners", () => {
  test("dismiss_stale_reviews false and code owners omitted: two warnings on the protection", () => {
    const json = githubStack({ protection: { required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: false } } });
    expect(ghHits(json, "GH-003")).toEqual([`GH-003 warning ${BP}`, `GH-003 warning ${BP}`]);
    const messages = ghMessages(json, "GH-003").join("\n");
    expect(messages).toContain("`required_pull_request_reviews.dismiss_stale_reviews` is false");
    expect(messages).toContain("`required_pull_request_reviews.require_code_owner_reviews` is unset (provider default false)");
  });

  test("no reviews at all: GH-002 speaks, GH-003 does not", () => {
    const json = githubStack({ protection: { required_pull_request_reviews: undefined } });
    expect(ghHits(json, "GH-003")).toEqual([]);
    expect(ghHits(json, "GH-002")).toEqual([`GH-002 error ${BP}`]);
  });

  test("ruleset: string booleans pass, missing code-owner review warns", () => {
    const ok = { rules: rulesetRules({ pull_request: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: "true", require_code_owner_review: "true", required_review_thread_resolution: true } }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: ok }), "GH-003")).toEqual([]);
    const bad = { rules: rulesetRules({ pull_request: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, required_review_thread_resolution: true } }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: bad }), "GH-003")).toEqual([`GH-003 warning ${RS}`]);
  });
});

describe("GH-004 status checks", () => {
  test.each([
    ["no required_status_checks", { required_status_checks: undefined }, ["error"]],
    ["empty contexts", { required_status_checks: { strict: true, contexts: [] } }, ["error"]],
    ["strict false", { required_status_checks: { strict: false, contexts: ["ci"] } }, ["warning"]],
    ["strict omitted", { required_status_checks: { contexts: ["ci"] } }, ["warning"]],
    ["strict \"true\"", { required_status_checks: { strict: "true", contexts: ["ci"] } }, []],
    ["contexts from a variable", { required_status_checks: { strict: true, contexts: "${var.checks}" } }, ["info"]],
  ])("GraphQL: %s", (_label, protection, severities) => {
    expect(ghHits(githubStack({ protection }), "GH-004")).toEqual(severities.map((s) => `GH-004 ${s} ${BP}`));
  });

  test("v3 reads `checks` and the deprecated `contexts`", () => {
    expect(ghHits(githubStack({ mode: "v3", protection: { required_status_checks: { strict: true, contexts: ["ci"] } } }), "GH-004")).toEqual([]);
    expect(ghHits(githubStack({ mode: "v3", protection: { required_status_checks: { strict: true } } }), "GH-004")).toEqual([`GH-004 error ${V3}`]);
  });

  test("ruleset: required_check contexts and strict policy", () => {
    const none = { rules: rulesetRules({ required_status_checks: undefined }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: none }), "GH-004")).toEqual([`GH-004 error ${RS}`]);
    const loose = { rules: rulesetRules({ required_status_checks: { required_check: [{ context: "ci" }] } }) };
    expect(ghHits(githubStack({ mode: "ruleset", protection: loose }), "GH-004")).toEqual([`GH-004 warning ${RS}`]);
    expect(ghMessages(githubStack({ mode: "ruleset", protection: loose }), "GH-004")[0]).toContain("strict_required_status_checks_policy");
  });
});

describe("GH-005 enforced for administrators", () => {
  test.each([
    ["omitted (provider default false)", { enforce_admins: undefined }, "error"],
    ["false", { enforce_admins: false }, "error"],
    ["\"false\"", { enforce_admins: "false" }, "error"],
    ["\"true\"", { enforce_admins: "true" }, null],
    ["a variable", { enforce_admins: "${var.enforce}" }, "info"],
  ])("GraphQL enforce_admins %s", (_label, protection, severity) => {
    expect(ghHits(githubStack({ protection }), "GH-005")).toEqual(severity ? [`GH-005 ${severity} ${BP}`] : []);
  });

  test("v3 enforce_admins false is an error", () => {
    expect(ghHits(githubStack({ mode: "v3", protection: { enforce_admins: false } }), "GH-005")).toEqual([`GH-005 error ${V3}`]);
  });

  test("ruleset with bypass actors warns; without none", () => {
    const bypass = { bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }] };
    expect(ghHits(githubStack({ mode: "ruleset", protection: bypass }), "GH-005")).toEqual([`GH-005 warning ${RS}`]);
    expect(ghMessages(githubStack({ mode: "ruleset", protection: bypass }), "GH-005")[0]).toContain("RepositoryRole");
    expect(ghHits(githubStack({ mode: "ruleset", protection: { bypass_actors: [] } }), "GH-005")).toEqual([]);
  });
});

describe("GH-006 signed commits", () => {
  test("omitted or false is an error; true passes", () => {
    expect(ghHits(githubStack({ protection: { require_signed_commits: undefined } }), "GH-006")).toEqual([`GH-006 error ${BP}`]);
    expect(ghHits(githubStack({ mode: "v3", protection: { require_signed_commits: "false" } }), "GH-006")).toEqual([`GH-006 error ${V3}`]);
    expect(ghHits(githubStack(), "GH-006")).toEqual([]);
  });

  test("ruleset required_signatures", () => {
    expect(ghHits(githubStack({ mode: "ruleset", protection: { rules: rulesetRules({ required_signatures: false }) } }), "GH-006")).toEqual([`GH-006 error ${RS}`]);
  });
});

describe("GH-007 force pushes and deletion", () => {
  test("allowed force pushes and deletion: one error each", () => {
    const json = githubStack({ protection: { allows_force_pushes: true, allows_deletions: "true" } });
    expect(ghHits(json, "GH-007")).toEqual([`GH-007 error ${BP}`, `GH-007 error ${BP}`]);
    const messages = ghMessages(json, "GH-007").join("\n");
    expect(messages).toContain("`allows_force_pushes` is true");
    expect(messages).toContain("`allows_deletions` is \"true\"");
  });

  test("omitted flags are off (provider default)", () => {
    expect(ghHits(githubStack({ protection: { allows_force_pushes: undefined, allows_deletions: undefined } }), "GH-007")).toEqual([]);
  });

  test("v3 cannot allow them", () => {
    expect(ghHits(githubStack({ mode: "v3" }), "GH-007")).toEqual([]);
  });

  test("ruleset needs non_fast_forward and deletion rules", () => {
    expect(ghHits(githubStack({ mode: "ruleset", protection: { rules: rulesetRules({ non_fast_forward: undefined }) } }), "GH-007")).toEqual([`GH-007 error ${RS}`]);
    expect(ghHits(githubStack({ mode: "ruleset", protection: { rules: rulesetRules({ deletion: false, non_fast_forward: false }) } }), "GH-007")).toEqual([`GH-007 error ${RS}`, `GH-007 error ${RS}`]);
  });
});

describe("GH-008 linear history and GH-009 conversation resolution", () => {
  test("GraphQL: omitted flags warn", () => {
    const json = githubStack({ protection: { required_linear_history: undefined, require_conversation_resolution: false } });
    expect(ghHits(json, "GH-008")).toEqual([`GH-008 warning ${BP}`]);
    expect(ghHits(json, "GH-009")).toEqual([`GH-009 warning ${BP}`]);
  });

  test("ruleset: required_linear_history and required_review_thread_resolution", () => {
    const rules = rulesetRules({
      required_linear_history: false,
      pull_request: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, require_code_owner_review: true },
    });
    const json = githubStack({ mode: "ruleset", protection: { rules } });
    expect(ghHits(json, "GH-008")).toEqual([`GH-008 warning ${RS}`]);
    expect(ghHits(json, "GH-009")).toEqual([`GH-009 warning ${RS}`]);
  });

  test("v3 conversation resolution is settable", () => {
    expect(ghHits(githubStack({ mode: "v3", protection: { require_conversation_resolution: undefined } }), "GH-009")).toEqual([`GH-009 warning ${V3}`]);
    expect(ghHits(githubStack({ mode: "v3" }), "GH-009")).toEqual([]);
  });
});

describe("GH-010 CODEOWNERS", () => {
  test.each(["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", "/.github/CODEOWNERS"])("%s counts", (file) => {
    expect(ghHits(githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ file }) } } }), "GH-010")).toEqual([]);
  });

  test.each(["codeowners", "src/CODEOWNERS", "README.md"])("%s does not count", (file) => {
    expect(ghHits(githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ file }) } } }), "GH-010")).toEqual([`GH-010 error ${REPO_ADDRESS}`]);
  });

  test("no file at all is an error on the repository", () => {
    const json = githubStack({ omit: [FILE], protection: { depends_on: [] } });
    expect(ghHits(json, "GH-010")).toEqual([`GH-010 error ${REPO_ADDRESS}`]);
    expect(ghMessages(json, "GH-010")[0]).toContain(".github/CODEOWNERS");
  });

  test("a file of another repository does not count; a literal name of this one does", () => {
    expect(ghHits(githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ repository: "other" }) } } }), "GH-010")).toEqual([`GH-010 error ${REPO_ADDRESS}`]);
    expect(ghHits(githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ repository: "app" }) } } }), "GH-010")).toEqual([]);
  });

  test("a CODEOWNERS only on another branch does not count; on the explicit default branch it does", () => {
    const other = githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ branch: "gh-pages" }) } } });
    expect(ghHits(other, "GH-010")).toEqual([`GH-010 error ${REPO_ADDRESS}`]);
    expect(ghMessages(other, "GH-010")[0]).toContain("branch `gh-pages`");
    expect(ghHits(githubStack({ extra: { github_repository_file: { codeowners: codeownersFile({ branch: "main" }) } } }), "GH-010")).toEqual([]);
  });
});

describe("GH-011 vulnerability alerts and secret scanning", () => {
  test.each([
    ["omitted", undefined, "error"],
    ["false", false, "error"],
    ["\"false\"", "false", "error"],
    ["\"true\"", "true", null],
    ["a variable", "${var.alerts}", "info"],
  ])("vulnerability_alerts %s", (_label, value, severity) => {
    expect(ghHits(githubStack({ repo: { vulnerability_alerts: value } }), "GH-011")).toEqual(severity ? [`GH-011 ${severity} ${REPO_ADDRESS}`] : []);
  });

  test("a public repository without secret scanning: two errors", () => {
    const json = githubStack({ repo: { security_and_analysis: undefined } });
    expect(ghHits(json, "GH-011")).toEqual([`GH-011 error ${REPO_ADDRESS}`, `GH-011 error ${REPO_ADDRESS}`]);
    const messages = ghMessages(json, "GH-011").join("\n");
    expect(messages).toContain("Secret scanning is not enabled for public repository");
    expect(messages).toContain("Secret scanning push protection is not enabled");
  });

  test("omitted visibility and private: the provider creates a public repository", () => {
    expect(ghHits(githubStack({ repo: { visibility: undefined, security_and_analysis: undefined } }), "GH-011")).toEqual([`GH-011 error ${REPO_ADDRESS}`, `GH-011 error ${REPO_ADDRESS}`]);
    expect(ghHits(githubStack({ repo: { visibility: undefined, private: "false", security_and_analysis: undefined } }), "GH-011")).toEqual([`GH-011 error ${REPO_ADDRESS}`, `GH-011 error ${REPO_ADDRESS}`]);
  });

  test.each([
    ["visibility private", { visibility: "private" }],
    ["visibility internal", { visibility: "internal" }],
    ["private = true", { visibility: undefined, private: true }],
  ])("%s: warnings only", (_label, repo) => {
    expect(ghHits(githubStack({ repo: { ...repo, security_and_analysis: undefined } }), "GH-011")).toEqual([`GH-011 warning ${REPO_ADDRESS}`, `GH-011 warning ${REPO_ADDRESS}`]);
  });

  test("push protection disabled on a public repository (blocks as arrays)", () => {
    const security_and_analysis = [{ secret_scanning: [{ status: "enabled" }], secret_scanning_push_protection: [{ status: "disabled" }] }];
    const json = githubStack({ repo: { security_and_analysis } });
    expect(ghHits(json, "GH-011")).toEqual([`GH-011 error ${REPO_ADDRESS}`]);
    expect(ghMessages(json, "GH-011")[0]).toContain('`security_and_analysis.secret_scanning_push_protection.status` is "disabled"');
  });
});

describe("GH-012 Actions permissions", () => {
  const wf = "github_workflow_repository_permissions.app";
  const ap = "github_actions_repository_permissions.app";

  test("no workflow permissions: error on the repository", () => {
    expect(ghHits(githubStack({ omit: [wf] }), "GH-012")).toEqual([`GH-012 error ${REPO_ADDRESS}`]);
  });

  test("no actions permissions: warning on the repository", () => {
    expect(ghHits(githubStack({ omit: [ap] }), "GH-012")).toEqual([`GH-012 warning ${REPO_ADDRESS}`]);
  });

  test.each([
    ["default write", { default_workflow_permissions: "write" }, ["error"]],
    ["default omitted", { default_workflow_permissions: undefined }, ["error"]],
    ["approve true", { can_approve_pull_request_reviews: true }, ["error"]],
    ["approve \"true\"", { can_approve_pull_request_reviews: "true" }, ["error"]],
    ["approve omitted (provider default false)", { can_approve_pull_request_reviews: undefined }, []],
    ["write and approve", { default_workflow_permissions: "write", can_approve_pull_request_reviews: true }, ["error", "error"]],
    ["default from a variable", { default_workflow_permissions: "${var.perms}" }, ["info"]],
  ])("workflow permissions: %s", (_label, overrides, severities) => {
    const json = githubStack({ extra: { github_workflow_repository_permissions: { app: workflowPermissions(overrides) } } });
    expect(ghHits(json, "GH-012")).toEqual(severities.map((s) => `GH-012 ${s} ${wf}`));
  });

  test.each([
    ["all", { allowed_actions: "all" }, "warning"],
    ["omitted (provider default all)", { allowed_actions: undefined }, "warning"],
    ["local_only", { allowed_actions: "local_only" }, null],
    ["Actions disabled", { enabled: false, allowed_actions: "all" }, null],
  ])("allowed actions: %s", (_label, overrides, severity) => {
    const json = githubStack({ extra: { github_actions_repository_permissions: { app: actionsPermissions(overrides) } } });
    expect(ghHits(json, "GH-012")).toEqual(severity ? [`GH-012 ${severity} ${ap}`] : []);
  });

  test("permissions that name the repository literally count; another repository's do not", () => {
    const literal = githubStack({ extra: { github_workflow_repository_permissions: { app: workflowPermissions({ repository: "app" }) } } });
    expect(ghHits(literal, "GH-012")).toEqual([]);
    const other = githubStack({ extra: { github_workflow_repository_permissions: { app: workflowPermissions({ repository: "other" }) } } });
    expect(ghHits(other, "GH-012")).toEqual([`GH-012 error ${REPO_ADDRESS}`]);
  });
});

describe("GH-013 literal plaintext_value", () => {
  const secret = (type: string, body: Record<string, unknown>) => tf({ [type]: { deploy: { repository: "app", secret_name: "DEPLOY_KEY", ...body } } });

  test.each([
    "github_actions_secret",
    "github_dependabot_secret",
    "github_actions_environment_secret",
    "github_codespaces_secret",
    "github_actions_organization_secret",
  ])("%s with a literal is an error that does not repeat the value", (type) => {
    const json = secret(type, { plaintext_value: "hunter2-very-secret" });
    expect(ghHits(json, "GH-013")).toEqual([`GH-013 error ${type}.deploy`]);
    const [message] = ghMessages(json, "GH-013");
    expect(message).not.toContain("hunter2");
    expect(message).toContain("Fix:");
  });

  test.each([
    ["a variable", { plaintext_value: "${var.deploy_key}" }],
    ["an empty string", { plaintext_value: "" }],
    ["encrypted_value", { encrypted_value: "c2VhbGVkIGJveA==" }],
  ])("%s passes", (_label, body) => {
    expect(ghHits(secret("github_actions_secret", body), "GH-013")).toEqual([]);
  });
});

describe("GH-014 files ordered before protection", () => {
  test.each(["graphql", "v3", "ruleset"] as const)("%s without depends_on: warning on the file", (mode) => {
    const json = githubStack({ mode, protection: { depends_on: undefined } });
    expect(ghHits(json, "GH-014")).toEqual([`GH-014 warning ${FILE}`]);
    const [message] = ghMessages(json, "GH-014");
    expect(message).toContain(PROTECTION_ADDRESS[mode]);
    expect(message).toContain("409");
  });

  test("depends_on as a ${} reference, a reference in the body and a transitive dependency all order the file", () => {
    expect(ghHits(githubStack({ protection: { depends_on: ["${github_repository_file.codeowners}"] } }), "GH-014")).toEqual([]);
    const grouped = githubStack({
      protection: { depends_on: ["github_repository_file.readme"] },
      extra: { github_repository_file: { readme: codeownersFile({ file: "README.md", depends_on: [FILE] }) } },
    });
    expect(ghHits(grouped, "GH-014")).toEqual([]);
  });

  test("an explicit default branch is the protected branch", () => {
    const json = githubStack({ protection: { depends_on: [] }, extra: { github_repository_file: { codeowners: codeownersFile({ branch: "main" }) } } });
    expect(ghHits(json, "GH-014")).toEqual([`GH-014 warning ${FILE}`]);
  });

  test("a file on an unprotected branch needs no ordering; on a protected one it does", () => {
    const file = codeownersFile({ file: "docs/index.md", branch: "gh-pages" });
    expect(ghHits(githubStack({ extra: { github_repository_file: { pages: file } } }), "GH-014")).toEqual([]);
    const pagesProtection = branchProtection({ pattern: "gh-pages", depends_on: [] });
    const json = githubStack({ extra: { github_repository_file: { pages: file }, github_branch_protection: { pages: pagesProtection } } });
    expect(ghHits(json, "GH-014")).toEqual(["GH-014 warning github_repository_file.pages"]);
  });

  test("a file of an unprotected repository is GH-001's business only", () => {
    expect(ghHits(githubStack({ mode: null }), "GH-014")).toEqual([]);
  });

  test("every applying protection must be ordered after the file", () => {
    const json = githubStack({ extra: { github_repository_ruleset: { main: ruleset({ depends_on: [] }) } } });
    expect(ghHits(json, "GH-014")).toEqual([`GH-014 warning ${FILE}`]);
    expect(ghMessages(json, "GH-014")[0]).toContain(RS);
    expect(ghMessages(json, "GH-014")[0]).not.toContain(BP);
  });
});

describe("scale", () => {
  test("2,000 repositories with protections and files: each is judged on its own", () => {
    const resources: Record<string, Record<string, unknown>> = {
      github_repository: {},
      github_branch_protection: {},
      github_repository_file: {},
      github_workflow_repository_permissions: {},
      github_actions_repository_permissions: {},
    };
    // Each repository declares its required "ci / test" as produced elsewhere (GH-015).
    const locals: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) {
      const n = `r${i}`;
      resources.github_repository[n] = repository({ name: n });
      resources.github_branch_protection[n] = branchProtection({ repository_id: `\${github_repository.${n}.node_id}`, depends_on: [`github_repository_file.${n}`] });
      resources.github_repository_file[n] = codeownersFile({ repository: `\${github_repository.${n}.name}` });
      resources.github_workflow_repository_permissions[n] = workflowPermissions({ repository: n });
      resources.github_actions_repository_permissions[n] = actionsPermissions({ repository: n });
      locals[`bulwark_produced_checks_${n}`] = producedChecks({ "ci / test": "ci.yml, maintained in the repository" }, `\${github_repository.${n}.name}`);
    }
    // Each repository is matched to its own protection and files (timing belongs in `npm run bench`).
    expect(ghFindings(tf(resources, { locals }))).toEqual([]);
  });
});

describe("protections of a repository not created in the stack (data source, literal name)", () => {
  const PROTECTION_RULES = ["GH-002", "GH-003", "GH-004", "GH-005", "GH-006", "GH-007", "GH-008", "GH-009"];
  const outside = (resource: Record<string, Record<string, unknown>>) => ({
    data: { github_repository: { app: { name: "app" } } },
    resource,
  });
  const hitsOf = (json: Record<string, unknown>) => PROTECTION_RULES.flatMap((id) => ghHits(json, id));

  test("non-compliant: a ruleset on data.github_repository.app.name is judged on its own weaknesses", () => {
    const json = outside({ github_repository_ruleset: { main: ruleset({
      repository: "${data.github_repository.app.name}",
      bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }],
      rules: rulesetRules({ deletion: false, non_fast_forward: false, required_signatures: false }),
      depends_on: undefined,
    }) } });
    expect(hitsOf(json)).toEqual([`GH-005 warning ${RS}`, `GH-006 error ${RS}`, `GH-007 error ${RS}`, `GH-007 error ${RS}`]);
    expect(ghMessages(json, "GH-006")[0]).toMatch(/of repository `app` \(not managed in this stack: the repository's own settings are not judged\)/);
    expect(ghHits(json, "GH-001")).toEqual([]);
  });

  test("non-compliant: a v3 protection of `main` on a literal repository name; a literal name of the stack's repository stays the stack's", () => {
    const json = outside({ github_branch_protection_v3: { main: { repository: "elsewhere", branch: "main", enforce_admins: false } } });
    expect(hitsOf(json)).toEqual(expect.arrayContaining([`GH-002 error ${V3}`, `GH-005 error ${V3}`, `GH-006 error ${V3}`]));
    expect(ghMessages(json, "GH-005")[0]).toContain("of repository `elsewhere` (not managed in this stack");
  });

  test("compliant: a fully configured ruleset and protection on outside repositories raise nothing; other branches and disabled rulesets are not judged", () => {
    expect(hitsOf(outside({ github_repository_ruleset: { main: ruleset({ repository: "${data.github_repository.app.name}", depends_on: undefined }) } }))).toEqual([]);
    expect(hitsOf(outside({ github_branch_protection: { main: branchProtection({ repository_id: "docs", depends_on: undefined }) } }))).toEqual([]);
    expect(hitsOf(outside({ github_branch_protection: { main: { repository_id: "docs", pattern: "release/*" } } }))).toEqual([]);
    expect(hitsOf(outside({ github_repository_ruleset: { main: ruleset({ repository: "docs", enforcement: "disabled", rules: {} }) } }))).toEqual([]);
  });

  test("two protections of the same outside repository are layered: an aspect either satisfies is satisfied", () => {
    const json = outside({
      github_repository_ruleset: { main: ruleset({ repository: "${data.github_repository.app.name}", rules: rulesetRules({ required_signatures: false }), depends_on: undefined }) },
      github_branch_protection: { main: branchProtection({ repository_id: "app", depends_on: undefined }) },
    });
    expect(hitsOf(json)).toEqual([]);
  });
});
