import { isPinnedUses, isWorkflowPath, usesOf, WRITE_ALL_PERMISSIONS } from "../../../knowledge/github";
import { defineResourceRule } from "../../rule";
import { isObject } from "../../stack-index";
import type { RuleResult } from "../../types";
import { doc, scorecard } from "../references";
import { REPOSITORY_FILE } from "./protection";
import { readWorkflow } from "./workflow-files";

function writeAll(value: unknown): boolean {
  return typeof value === "string" && WRITE_ALL_PERMISSIONS.includes(value.trim());
}

/**
 * GH-016: a workflow file the stack writes (`github_repository_file` at
 * `.github/workflows/*.yml|yaml`) pins every action by full commit SHA (a tag or branch can be
 * moved to other code after review) and does not hand its jobs a write-all token: top-level
 * `permissions` must be present (otherwise the repository default applies, which may be write)
 * and neither it nor a job's may be `write-all` ([roadmap koha.2.2]).
 */
export const gh016 = defineResourceRule({
  id: "GH-016",
  severity: "warning",
  pack: "github-governance",
  title: "Workflow with unpinned actions or write-all token",
  description:
    "A workflow file of the stack uses an action not pinned by full commit SHA, or its token permissions are write-all or not set at the top level (so the repository default, possibly write, applies).",
  fix: "Pin every `uses:` to a 40-hex commit SHA with the version in a comment, set top-level `permissions: {}` (or read) and grant each job only what it needs.",
  references: [
    scorecard("Pinned-Dependencies"),
    scorecard("Token-Permissions"),
    doc("GitHub documentation: Security hardening for GitHub Actions (pin actions to a full-length commit SHA)", "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions"),
  ],
  types: [REPOSITORY_FILE],
  check(res, index) {
    const path = index.resolveString(res.body.file);
    if (path === null || !isWorkflowPath(path)) return [];
    const wf = readWorkflow(res, path, undefined);
    if (wf.document === undefined) {
      return [{
        address: res.address,
        severity: "info",
        message: `Cannot verify before apply that workflow \`${path}\` (\`${res.address}\`) pins its actions and limits its token: ${wf.unreadable}. Fix: write the workflow content literally (valid YAML) in the stack.`,
      }];
    }
    const workflow = wf.document as Record<string, unknown>;
    const out: RuleResult[] = [];
    const seen = new Set<string>();
    for (const { jobId, uses } of usesOf(workflow)) {
      if (isPinnedUses(uses) || seen.has(uses)) continue;
      seen.add(uses);
      const name = uses.split("@")[0];
      out.push({
        address: res.address,
        subject: uses,
        message: `Workflow \`${path}\` (\`${res.address}\`), job \`${jobId}\`, uses \`${uses}\`, which is not pinned by a full commit SHA: the tag or branch can be moved to other code after review. Fix: pin it as \`uses: ${name}@<40-hex commit SHA> # <version>\` (the commit the release tag points to), and let Dependabot's github-actions ecosystem update the pin.`,
      });
    }
    if (!("permissions" in workflow) || workflow.permissions === null || workflow.permissions === undefined) {
      out.push({
        address: res.address,
        subject: "permissions",
        message: `Workflow \`${path}\` (\`${res.address}\`) sets no top-level \`permissions\`, so every job without its own gets the repository's default token, which may grant write to everything. Fix: add top-level \`permissions: {}\` (or \`contents: read\`) and grant each job only the scopes it needs.`,
      });
    } else if (writeAll(workflow.permissions)) {
      out.push({
        address: res.address,
        subject: "permissions",
        message: `Workflow \`${path}\` (\`${res.address}\`) sets top-level \`permissions: write-all\`: every job's token may push code, publish packages and change settings. Fix: set top-level \`permissions: {}\` (or \`contents: read\`) and grant each job only the scopes it needs.`,
      });
    }
    const jobs = isObject(workflow.jobs) ? workflow.jobs : {};
    for (const [jobId, job] of Object.entries(jobs)) {
      if (isObject(job) && writeAll(job.permissions)) {
        out.push({
          address: res.address,
          subject: `jobs.${jobId}.permissions`,
          message: `Workflow \`${path}\` (\`${res.address}\`), job \`${jobId}\`, sets \`permissions: write-all\`. Fix: list only the scopes the job needs (e.g. \`contents: read\`, \`packages: write\`).`,
        });
      }
    }
    return out;
  },
});
