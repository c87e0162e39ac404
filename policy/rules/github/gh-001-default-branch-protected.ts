import { defineResourceRule } from "../../rule";
import { scorecard, doc } from "../references";
import { REPOSITORY, githubModel } from "./protection";

/**
 * GH-001: the default branch must be protected by a `github_branch_protection`, a
 * `github_branch_protection_v3` or an active `github_repository_ruleset`. When a protection only
 * may apply (a branch name or pattern that is a reference), the finding is an `info`.
 */
export const gh001 = defineResourceRule({
  id: "GH-001",
  severity: "error",
  pack: "github-governance",
  title: "Default branch is not protected",
  description: "The repository's default branch is not protected by a `github_branch_protection`, a `github_branch_protection_v3` or an active `github_repository_ruleset` (an info when a protection only may apply).",
  fix: "Add a `github_branch_protection` or an active `github_repository_ruleset` for the default branch.",
  references: [scorecard("Branch-Protection"), doc("GitHub documentation: About protected branches", "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches")],
  types: [REPOSITORY],
  check(res, index) {
    const model = githubModel(index);
    const repo = model.repo(res.address);
    if (!repo) return [];
    const state = model.defaultBranchState(repo);
    if (state.definite) return [];
    const b = repo.defaultBranch;
    const where = `default branch \`${b.label}\` (${b.source === "provider default" ? "provider default" : `from \`${b.source}\``}) of repository \`${repo.label}\``;
    if (state.applying.length > 0) {
      const why = state.candidates.filter((c) => c.match === "maybe").map((c) => `${c.protection.address}: ${c.reason}`).join("; ");
      return [{
        address: res.address,
        severity: "info",
        message: `Cannot verify before apply that ${where} is protected (${why}). Fix: use literal branch names and patterns, or \`~DEFAULT_BRANCH\` in a ruleset.`,
      }];
    }
    const rejected = state.candidates.map((c) => `${c.protection.address}: ${c.reason}`);
    const notes = rejected.length > 0 ? ` Present but not applying: ${rejected.join("; ")}.` : "";
    const pattern = b.name ?? "main";
    return [{
      address: res.address,
      message:
        `${where[0].toUpperCase()}${where.slice(1)} is not protected: no \`github_branch_protection\`/\`github_branch_protection_v3\` matches it and no active \`github_repository_ruleset\` targets it.${notes} ` +
        `Fix: add a \`github_branch_protection\` with \`repository_id = github_repository.${res.name}.node_id\` and \`pattern = "${pattern}"\`, or a \`github_repository_ruleset\` with \`enforcement = "active"\`, \`target = "branch"\` and \`conditions.ref_name.include = ["~DEFAULT_BRANCH"]\`.`,
    }];
  },
});
