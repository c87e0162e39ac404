import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { REPOSITORY_FILE, describeBranch, githubModel } from "./protection";

/**
 * GH-014: a `github_repository_file` commits straight to its branch; once a protection of that
 * branch exists (reviews, signatures, …) the commit is refused with 409. Every protection that
 * applies to the file's branch must therefore be ordered after the file (`depends_on`, directly,
 * through a reference, or transitively).
 */
export const gh014 = defineResourceRule({
  id: "GH-014",
  severity: "warning",
  pack: "github-governance",
  title: "Managed file written after protection",
  description: "A `github_repository_file` commits to a protected branch, but a protection of that branch is not ordered after it (`depends_on`), so the write fails with 409 once protection exists.",
  fix: "Make the protection `depends_on` the `github_repository_file` so it is written first.",
  references: [doc("Terraform registry: integrations/github github_repository_file", "https://registry.terraform.io/providers/integrations/github/latest/docs/resources/repository_file")],
  types: [REPOSITORY_FILE],
  check(res, index) {
    const model = githubModel(index);
    const repo = model.repoOf(res.body.repository);
    if (!repo) return [];
    const branch = model.branchOf(repo, res.body.branch);
    const state = branch === repo.defaultBranch ? model.defaultBranchState(repo) : model.protectionOf(repo, branch);
    if (!state.definite) return [];
    const unordered = state.applying.filter((p) => !model.dependenciesOf(p.address).has(res.address)).map((p) => p.address);
    if (unordered.length === 0) return [];
    const file = typeof res.body.file === "string" ? `\`${res.body.file}\`` : "its file";
    const list = unordered.map((a) => `\`${a}\``).join(", ");
    return [{
      address: res.address,
      message:
        `\`${res.address}\` commits ${file} straight to protected ${describeBranch(repo, branch)}, but ${list} ${unordered.length === 1 ? "is" : "are"} not ordered after it, so the write fails with 409 once protection exists. ` +
        `Fix: add "${res.address}" to \`depends_on\` of ${list} (cdktf: \`dependsOn: [file]\`).`,
    }];
  },
});
