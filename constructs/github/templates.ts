/**
 * Contents of the governance files RepositoryGovernance writes into a repository. Pure functions
 * of their inputs (no dates, no randomness) so synthesis stays byte-identical.
 */
import { CRITICAL_PATHS, type DependabotEcosystem } from "./defaults";

/** One CODEOWNERS line: a pattern and its owners (`@user`, `@org/team`, e-mail). */
export interface CodeOwnerEntry {
  readonly pattern: string;
  readonly owners: readonly string[];
}

const HEADER = "# Managed by bulwark (RepositoryGovernance). Change it through a pull request.";

function lines(entries: readonly CodeOwnerEntry[]): string[] {
  const width = Math.max(0, ...entries.map((e) => e.pattern.length));
  return entries.map((e) => `${e.pattern.padEnd(width)}  ${e.owners.join(" ")}`);
}

/**
 * CODEOWNERS: the user's entries first, then the critical paths (DEFAULT_CRITICAL_PATHS). GitHub applies
 * the LAST matching pattern, so the critical paths stay owned whatever the entries above say.
 * A user entry with the same pattern as a critical path replaces the default owners there.
 */
export function renderCodeOwners(entries: readonly CodeOwnerEntry[], criticalPathOwners: readonly string[]): string {
  const critical = new Set(CRITICAL_PATHS.map((p) => p.pattern));
  const own = entries.filter((e) => !critical.has(e.pattern));
  const override = new Map(entries.filter((e) => critical.has(e.pattern)).map((e) => [e.pattern, e.owners]));
  const pinned: CodeOwnerEntry[] = CRITICAL_PATHS.map((p) => ({ pattern: p.pattern, owners: override.get(p.pattern) ?? criticalPathOwners }));
  const out = [HEADER, "# The last matching pattern wins: critical paths come last so nothing above can weaken them.", ""];
  if (own.length > 0) out.push("# Repository owners", ...lines(own), "");
  out.push("# Critical paths (build, CI/CD, runtime topology and the governance files): always need a code-owner review", ...lines(pinned));
  return out.join("\n") + "\n";
}

export const PULL_REQUEST_TEMPLATE = `<!-- Managed by bulwark (RepositoryGovernance). -->
## What and why
<!-- What does this change do and why is it needed? Link the issue. -->

## Risks
<!-- What can break, for whom? Data, availability, security, cost. How large is the blast radius? -->

## Rollback plan
<!-- How is this undone quickly and safely? Previous image digest / tag, migrations, feature flags. -->

## Test plan
<!-- How was it tested, and what should the reviewer verify? Paste commands and results. -->

## Checklist
- [ ] No secrets, tokens or \`.env\` files in the diff
- [ ] New or changed actions are pinned by full commit SHA
- [ ] Images are pinned by version and digest (never \`latest\`)
- [ ] Runbooks and docs updated where behaviour changes
`;

export const BUG_TEMPLATE = `---
name: Bug report
about: Something does not work as documented
title: "[bug] "
labels: ["bug"]
---

## What happened

## What you expected

## How to reproduce
1.

## Environment
<!-- Version, image digest, browser, relevant configuration (never paste secrets). -->
`;

export const SECURITY_TEMPLATE = `---
name: Security hardening
about: A hardening idea or a security-relevant configuration change (NOT a vulnerability report)
title: "[security] "
labels: ["security"]
---

<!--
Do NOT report vulnerabilities or leaked secrets here: issues are visible to everyone who can
read the repository. Follow SECURITY.md and report privately.
-->

## What should be hardened

## Why (threat, benchmark or audit finding)

## Proposed change and its risks
`;

export const OPS_TEMPLATE = `---
name: Operations request
about: Deployment, backup/restore, secret rotation, capacity or incident follow-up
title: "[ops] "
labels: ["ops"]
---

## Request
<!-- What needs to happen, on which environment, by when. -->

## Impact and maintenance window

## Rollback plan

## Runbook
<!-- Link the runbook this follows, or say that one is missing. -->
`;

/** `.github/ISSUE_TEMPLATE/config.yml`: no blank issues; vulnerabilities go to private reporting. */
export function issueTemplateConfig(repositoryUrl: string): string {
  return [
    "# Managed by bulwark (RepositoryGovernance).",
    "blank_issues_enabled: false",
    "contact_links:",
    "  - name: Report a vulnerability privately",
    `    url: ${repositoryUrl}/security/advisories/new`,
    "    about: Never report vulnerabilities or leaked secrets in a public issue; see SECURITY.md.",
    "",
  ].join("\n");
}

/** SECURITY.md. `contact` is an optional e-mail address or URL besides private reporting. */
export function securityPolicy(repositoryUrl: string, contact?: string): string {
  const extra = contact ? `\n- or write to ${contact}.` : "";
  return `<!-- Managed by bulwark (RepositoryGovernance). -->
# Security policy

## Reporting a vulnerability
Please do **not** open a public issue, pull request or discussion. Report privately:
- through GitHub private vulnerability reporting: ${repositoryUrl}/security/advisories/new${extra}

Include the affected component and version (image digest if you have it), how to reproduce it and
the impact you expect. We acknowledge reports within 3 working days and agree a disclosure date
with you.

## Leaked secrets
Report a leaked token, password or key the same way. We revoke and rotate first, then investigate.

## Supported versions
Only the default branch and the latest release receive security fixes.
`;
}

/** `.github/dependabot.yml`: weekly version updates per ecosystem, at the repository root. */
export function dependabotConfig(ecosystems: readonly DependabotEcosystem[]): string {
  const out = ["# Managed by bulwark (RepositoryGovernance).", "version: 2", "updates:"];
  for (const eco of ecosystems) {
    out.push(
      `  - package-ecosystem: "${eco}"`,
      `    directory: "/"`,
      "    schedule:",
      `      interval: "weekly"`,
      "    open-pull-requests-limit: 5",
      "    commit-message:",
      `      prefix: "deps"`,
    );
  }
  return out.join("\n") + "\n";
}
