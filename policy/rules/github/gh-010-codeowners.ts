import { defineResourceRule } from "../../rule";
import { scorecard, doc } from "../references";
import { REPOSITORY, REPOSITORY_FILE, githubModel } from "./protection";
import { readString } from "./util";

/** Where GitHub looks for CODEOWNERS (https://docs.github.com/…/about-code-owners). */
const CODEOWNERS_PATHS: ReadonlySet<string> = new Set(["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"]);
const LEADING_DOT_SLASH = /^\.?\/+/;

/**
 * GH-010: the repository manages a CODEOWNERS file with `github_repository_file`. GitHub reads it
 * from the base branch of a pull request, so a copy only on another branch does not count; a file
 * whose branch cannot be resolved gets the benefit of the doubt.
 */
export const gh010 = defineResourceRule({
  id: "GH-010",
  severity: "error",
  pack: "github-governance",
  title: "No CODEOWNERS file",
  description: "The repository manages no CODEOWNERS file (`CODEOWNERS`, `.github/CODEOWNERS` or `docs/CODEOWNERS`) on its default branch with `github_repository_file`.",
  fix: "Manage `.github/CODEOWNERS` with `github_repository_file`.",
  references: [doc("GitHub documentation: About code owners", "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners"), scorecard("Branch-Protection")],
  types: [REPOSITORY],
  check(res, index) {
    const model = githubModel(index);
    const repo = model.repo(res.address);
    if (!repo) return [];
    const elsewhere: string[] = [];
    for (const file of model.attached(REPOSITORY_FILE).get(repo) ?? []) {
      const path = readString(file.body.file, index);
      if (typeof path !== "string" || !CODEOWNERS_PATHS.has(path.trim().replace(LEADING_DOT_SLASH, ""))) continue;
      const branch = model.branchOf(repo, file.body.branch);
      if (branch.isDefault || branch.name === null) return [];
      elsewhere.push(`${file.address} writes it to branch \`${branch.label}\``);
    }
    const note = elsewhere.length > 0 ? ` (${elsewhere.join("; ")}, not the default branch)` : "";
    return [{
      address: res.address,
      message:
        `Repository \`${repo.label}\` has no CODEOWNERS file on its default branch \`${repo.defaultBranch.label}\`${note}, so no one owns review of sensitive paths. ` +
        `Fix: add a \`github_repository_file\` with \`file = ".github/CODEOWNERS"\` for this repository (and require code-owner review).`,
    }];
  },
});
