import { defineResourceRule } from "../../rule";
import { scorecard, doc } from "../references";
import type { RuleResult } from "../../types";
import { REPOSITORY, githubModel } from "./protection";
import { UNKNOWN, readBool, readString, show } from "./util";

const WORKFLOW_PERMISSIONS = "github_workflow_repository_permissions";
const ACTIONS_PERMISSIONS = "github_actions_repository_permissions";

/**
 * GH-012: the GITHUB_TOKEN is read-only by default and Actions may not approve pull requests (E,
 * also when no `github_workflow_repository_permissions` manages the repository); allowed actions
 * are restricted (W, also when no `github_actions_repository_permissions` manages it). Missing
 * resources are reported on the repository, wrong values on the permissions resource.
 */
export const gh012 = defineResourceRule({
  id: "GH-012",
  severity: "error",
  pack: "github-governance",
  title: "Actions permissions too broad",
  description: "The default GITHUB_TOKEN is not read-only or Actions may approve pull requests (error, also when no `github_workflow_repository_permissions` manages the repository); any action from any owner is allowed (warning).",
  fix: "Default workflow permissions `read`, Actions may not approve PRs, allowed actions restricted.",
  references: [scorecard("Token-Permissions"), doc("GitHub documentation: Managing GitHub Actions settings for a repository", "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository")],
  types: [REPOSITORY],
  check(res, index) {
    const model = githubModel(index);
    const repo = model.repo(res.address);
    if (!repo) return [];
    const out: RuleResult[] = [];
    const label = `repository \`${repo.label}\``;

    const workflow = model.attached(WORKFLOW_PERMISSIONS).get(repo) ?? [];
    if (workflow.length === 0) {
      out.push({
        address: res.address,
        message: `No \`${WORKFLOW_PERMISSIONS}\` manages ${label}, so its GITHUB_TOKEN keeps the owner's default (possibly \`write\`) and Actions may be allowed to approve pull requests. Fix: add \`${WORKFLOW_PERMISSIONS}\` with \`default_workflow_permissions = "read"\` and \`can_approve_pull_request_reviews = false\`.`,
      });
    }
    for (const wf of workflow) {
      const raw = wf.body.default_workflow_permissions;
      const perms = readString(raw, index);
      if (perms === UNKNOWN) {
        out.push({ address: wf.address, severity: "info", message: `Cannot verify before apply that the default GITHUB_TOKEN of ${label} is read-only: \`default_workflow_permissions\` is ${show(raw)}. Fix: set \`default_workflow_permissions = "read"\`.` });
      } else if (perms !== "read") {
        const state = perms === undefined ? "unset (the owner's default applies, possibly `write`)" : show(raw);
        out.push({ address: wf.address, message: `The default GITHUB_TOKEN of ${label} is not read-only: \`default_workflow_permissions\` is ${state}. Fix: set \`default_workflow_permissions = "read"\` and grant more per job with \`permissions:\`.` });
      }
      const approveRaw = wf.body.can_approve_pull_request_reviews;
      const approve = readBool(approveRaw, index);
      if (approve === UNKNOWN) {
        out.push({ address: wf.address, severity: "info", message: `Cannot verify before apply that Actions of ${label} cannot approve pull requests: \`can_approve_pull_request_reviews\` is ${show(approveRaw)}. Fix: set \`can_approve_pull_request_reviews = false\`.` });
      } else if (approve === true) {
        out.push({ address: wf.address, message: `Actions of ${label} may approve pull requests (\`can_approve_pull_request_reviews\` is ${show(approveRaw)}), so a workflow can satisfy required reviews on its own. Fix: set \`can_approve_pull_request_reviews = false\`.` });
      }
    }

    const actions = model.attached(ACTIONS_PERMISSIONS).get(repo) ?? [];
    if (actions.length === 0) {
      out.push({
        address: res.address,
        severity: "warning",
        message: `No \`${ACTIONS_PERMISSIONS}\` manages ${label}, so workflows may use any action from any owner. Fix: add \`${ACTIONS_PERMISSIONS}\` with \`allowed_actions = "selected"\` (and an \`allowed_actions_config\`) or \`"local_only"\`.`,
      });
    }
    for (const a of actions) {
      if (readBool(a.body.enabled, index) === false) continue; // Actions switched off: nothing runs.
      const raw = a.body.allowed_actions;
      const allowed = readString(raw, index);
      if (allowed === UNKNOWN) {
        out.push({ address: a.address, severity: "info", message: `Cannot verify before apply which actions ${label} allows: \`allowed_actions\` is ${show(raw)}. Fix: set \`allowed_actions = "selected"\` or \`"local_only"\`.` });
      } else if (allowed === undefined || allowed === "all") {
        const state = allowed === undefined ? "unset (provider default `all`)" : show(raw);
        out.push({ address: a.address, severity: "warning", message: `Workflows of ${label} may use any action from any owner: \`allowed_actions\` is ${state}. Fix: set \`allowed_actions = "selected"\` with an \`allowed_actions_config\` (GitHub-owned, verified, pinned patterns) or \`"local_only"\`.` });
      }
    }
    return out;
  },
});
