/**
 * Shape of the default-branch protection rules GH-002 … GH-009.
 *
 * Each rule is a list of checks (one per aspect: force pushes, deletion, …). GitHub layers every
 * protection that applies to a branch (branch protections and rulesets alike) and the strictest
 * wins, so an aspect is satisfied when ANY applying protection satisfies it; otherwise the finding
 * goes to the protection that comes closest (the first one on a tie). A repository without any
 * applying protection is left to GH-001 alone.
 */
import { defineResourceRule } from "../../rule";
import type { ResourceRule, RuleResult, RuleSpec, Severity } from "../../types";
import { type BranchTarget, type Flag, type Protection, type Repo, REPOSITORY, describeBranch, githubModel } from "./protection";
import { type CheckOutcome, NOT_APPLICABLE, UNKNOWN, outcomeRank } from "./util";

export interface CheckContext {
  readonly repo: Repo;
  readonly branch: BranchTarget;
  /** "branch `main` of repository `app`" */
  readonly where: string;
}

export type ProtectionCheck = (p: Protection, ctx: CheckContext) => CheckOutcome;

/** A rule declared by its metadata and its aspect checks. */
export function protectionRule(spec: RuleSpec, checks: readonly ProtectionCheck[]): ResourceRule {
  return defineResourceRule({
    ...spec,
    types: [REPOSITORY],
    check(res, index) {
      const model = githubModel(index);
      const repo = model.repo(res.address);
      if (!repo) return [];
      const state = model.defaultBranchState(repo);
      if (state.applying.length === 0) return [];
      const ctx: CheckContext = { repo, branch: state.branch, where: describeBranch(repo, state.branch) };
      const out: RuleResult[] = [];
      for (const check of checks) {
        let best: CheckOutcome = NOT_APPLICABLE;
        let bestAt: Protection | null = null;
        for (const p of state.applying) {
          const o = check(p, ctx);
          if (bestAt === null || outcomeRank(o) < outcomeRank(best)) {
            best = o;
            bestAt = p;
          }
          if (o === null) break;
        }
        if (best !== null && best !== NOT_APPLICABLE && bestAt) {
          out.push({ address: bestAt.address, message: best.message, severity: best.severity });
        }
      }
      return out;
    },
  });
}

/**
 * A requirement that must be on. `problem` starts the message ("Signed commits are not
 * required"); `noun` names the requirement in the unverifiable case ("signed commits").
 */
export function requireFlag(flag: Flag, severity: Severity, problem: string, noun: string, ctx: CheckContext): CheckOutcome {
  if (flag.value === true) return null;
  if (flag.value === UNKNOWN) {
    return { severity: "info", message: `Cannot verify before apply that ${ctx.where} requires ${noun}: ${flag.state}. Fix: ${flag.fix} with a literal value.` };
  }
  return { severity, message: `${problem} on ${ctx.where}: ${flag.state}. Fix: ${flag.fix}.` };
}
