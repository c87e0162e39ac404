import { defineResourceRule } from "../../rule";
import type { RuleResult } from "../../types";
import { doc, scorecard } from "../references";
import { BRANCH_PROTECTION, BRANCH_PROTECTION_V3, RULESET, githubModel } from "./protection";
import { UNKNOWN } from "./util";
import { checksProducedFor, externalChecksOf, triggersOf, unreadableWorkflowsOf } from "./workflow-files";

/**
 * GH-015: every status check a protection of the stack requires is reported by something: a job
 * of a workflow file the stack writes into that repository (the check-run name is the job's
 * `name:`, or its id) in a workflow that runs on pull requests, or a check the stack declares as
 * produced elsewhere (local `bulwark_produced_checks_*`, written by RepositoryGovernance's
 * `externalChecks` / `addRequiredCheck(name, { producedBy })`). Otherwise every pull request
 * waits for the check forever ([roadmap koha.1.3]). A matrix job or a reusable-workflow call reports decorated names
 * (`name (…)`, `name / job`), never the plain name, so it does not count.
 */
export const gh015 = defineResourceRule({
  id: "GH-015",
  severity: "error",
  pack: "github-governance",
  title: "Required check that nothing produces",
  description:
    "A protection requires a status check that no workflow file of the stack reports on pull requests (no job named so) and that the stack does not declare as produced elsewhere, so every pull request waits for it forever.",
  fix: "Write the workflow whose job is named after the check (RepositoryGovernance writes the managed ones), or declare what reports it (`externalChecks` / `addRequiredCheck(name, { producedBy })`).",
  references: [
    scorecard("CI-Tests"),
    scorecard("Branch-Protection"),
    doc("GitHub documentation: Troubleshooting required status checks", "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/troubleshooting-required-status-checks"),
  ],
  types: [BRANCH_PROTECTION, BRANCH_PROTECTION_V3, RULESET],
  check(res, index) {
    const model = githubModel(index);
    const key = res.type === BRANCH_PROTECTION ? "repository_id" : "repository";
    const repo = model.repoOf(res.body[key]);
    if (!repo) return [];
    const candidate = model.defaultBranchState(repo).candidates.find((c) => c.protection.address === res.address);
    if (!candidate) return [];
    const contexts = candidate.protection.statusChecks.contexts;
    if (contexts === UNKNOWN) return [];
    // github_branch_protection_v3 `checks` are `context:app_id` (the app id optional).
    const required = contexts.filter((c): c is string => typeof c === "string").map((c) => (res.type === BRANCH_PROTECTION_V3 ? c.replace(/:-?\d+$/, "") : c));
    if (required.length === 0) return [];

    const produced = checksProducedFor(index, repo);
    const external = externalChecksOf(index, repo);
    const unreadable = unreadableWorkflowsOf(index, repo);
    const out: RuleResult[] = [];
    for (const check of [...new Set(required)]) {
      if (external.has(check)) continue;
      const named = produced.filter((p) => p.name === check);
      if (named.some((p) => p.onPullRequests && !p.matrix && !p.reusable)) continue;
      const where = `\`${res.address}\` requires status check "${check}" on repository \`${repo.label}\``;
      const fix =
        `Fix: write a workflow into the repository whose job is named "${check}" and runs on pull_request (RepositoryGovernance writes one for each managed check), ` +
        `or declare what reports it: RepositoryGovernance externalChecks: { "${check}": "<workflow, CI system or app>" } (a local \`bulwark_produced_checks_<repo>\` = { repository, checks = { "${check}" = "…" } }).`;
      if (named.length > 0) {
        const p = named[0];
        const why = !p.onPullRequests
          ? `its job in \`${p.file.path}\` (${p.file.resource.address}) runs only on ${[...triggersOf(p.file.document)].join(", ") || "no event"} (not pull_request), so a pull request never gets it`
          : p.matrix
            ? `its job in \`${p.file.path}\` is a matrix job, which reports "${check} (<combination>)", never "${check}"`
            : `its job in \`${p.file.path}\` calls a reusable workflow, which reports "${check} / <job>", never "${check}"`;
        out.push({ address: res.address, subject: check, message: `${where}, but ${why}. ${fix}` });
        continue;
      }
      if (unreadable.length > 0) {
        const files = unreadable.map((f) => `\`${f.path}\` (${f.resource.address}: ${f.unreadable})`).join(", ");
        out.push({
          address: res.address,
          subject: check,
          severity: "info",
          message: `Cannot verify before apply that anything reports status check "${check}" required by \`${res.address}\`: no readable workflow of repository \`${repo.label}\` has a job of that name, and ${files} cannot be read. Fix: write the workflow content literally, or declare the check's producer (externalChecks).`,
        });
        continue;
      }
      out.push({ address: res.address, subject: check, message: `${where}, but no workflow file of the stack has a job of that name and no producer is declared, so every pull request waits for it forever. ${fix}` });
    }
    return out;
  },
});
