/**
 * The policy engine: index each stack once, run every rule as a pure function, attach stack,
 * file, construct path and suppressions to each result. App rules (collisions between stacks that
 * share a Docker host or a zone) see every stack of a run: `checkStacks` and `PolicyRun`.
 */
import { ruleMeta } from "./catalog";
import { ALL_RULES } from "./rules";
import { buildStackIndex } from "./stack-index";
import { withEnvironment, type DeploymentEnvironment } from "./environment";
import { collectSuppressions, suppressionFor, type SuppressionMap } from "./suppressions";
import type { AppRule, Finding, ResourceRule, Rule, RuleResult, Severity, StackFacts, StackIndex, StackRule } from "./types";

export interface StackInput {
  /** Stack name (the cdktf stack, or the file's base name for plain Terraform JSON). */
  readonly stack: string;
  /** Path shown in reports (relative where possible). */
  readonly file: string;
  readonly json: Record<string, unknown>;
  /**
   * Judge the stack as this deployment environment, whatever its `local.bulwark_environment` says
   * (`bulwark check --environment`, the gate's `environment`). @default the stack's own marker
   */
  readonly environment?: DeploymentEnvironment;
}

export interface Summary {
  readonly stacks: number;
  readonly resources: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
  /** Findings of the baseline found again (`--baseline`): reported, not counted above. @default absent: no baseline */
  readonly baselined?: number;
  /** Findings of the baseline no longer found (reported as fixed, info). @default absent: no baseline */
  readonly fixed?: number;
}

export interface Report {
  readonly findings: readonly Finding[];
  readonly summary: Summary;
}

/**
 * Rules build messages with template literals, which V8 keeps as trees of concatenation nodes
 * (about ten per message, each holding its parts alive). Reading a character flattens the tree
 * into one sequential string in place, and the next garbage collection drops the nodes: measured
 * at 50k containers, the findings take about a third less memory.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER[s];
}

export interface StackCheck {
  findings: Finding[];
  /** Resources (not data sources) of the stack. */
  resources: number;
}

/** What a run keeps of a stack for the app rules: its facts are kept by each rule. */
interface StackContext {
  readonly stack: string;
  readonly file: string;
  readonly suppressions: SuppressionMap;
}

const contextKey = (stack: string, file: string) => `${stack}\u0000${file}`;

/**
 * One check over several stacks. `add` judges a stack with the resource and stack rules at once
 * (its findings come back right away, so the caller can let the stack's tree go) and lets each
 * app rule collect what it needs; `finish` runs the app rules over everything added.
 */
export class PolicyRun {
  private readonly resourceRules = new Map<string, ResourceRule[]>();
  private readonly stackRules: StackRule[] = [];
  private readonly appRules: Array<{ rule: AppRule; facts: StackFacts<unknown>[] }> = [];
  private readonly contexts = new Map<string, StackContext>();
  private finished = false;

  constructor(rules: readonly Rule[] = ALL_RULES) {
    // Resource rules by type, so each resource is visited once per applicable rule.
    for (const rule of rules) {
      if (rule.kind === "resource") {
        for (const t of rule.types) {
          let list = this.resourceRules.get(t);
          if (!list) this.resourceRules.set(t, (list = []));
          list.push(rule);
        }
      } else if (rule.kind === "stack") {
        this.stackRules.push(rule);
      } else {
        this.appRules.push({ rule, facts: [] });
      }
    }
  }

  /** Judge one stack with the resource and stack rules; the app rules collect their facts. */
  add(input: StackInput): StackCheck {
    if (this.finished) throw new Error("PolicyRun.add after finish");
    const json = input.environment ? withEnvironment(input.json, input.environment) : input.json;
    const index: StackIndex = buildStackIndex(input.stack, input.file, json);
    const suppressions = collectSuppressions(input.json, index);
    const findings: Finding[] = [];
    const emit = (ruleId: string, defaultSeverity: Severity, r: RuleResult) => {
      findings.push(finding(ruleId, r.severity ?? defaultSeverity, input.stack, input.file, r.address, index.byAddress(r.address)?.constructPath ?? null, r.message, suppressions, r.subject));
    };
    // Resource by resource, every rule of its type in turn: a body is read by all its rules while it
    // is in the CPU cache (rule by rule, each rule walked every body again; measured slower).
    for (const [type, typeRules] of this.resourceRules) {
      const resources = index.byType(type);
      for (const res of resources) {
        for (const rule of typeRules) {
          for (const r of rule.check(res, index)) emit(rule.meta.id, rule.meta.severity, r);
        }
      }
    }
    for (const rule of this.stackRules) {
      for (const r of rule.check(index)) emit(rule.meta.id, rule.meta.severity, r);
    }
    for (const app of this.appRules) app.facts.push({ stack: input.stack, file: input.file, facts: app.rule.collect(index) });
    if (this.appRules.length > 0) this.contexts.set(contextKey(input.stack, input.file), { stack: input.stack, file: input.file, suppressions });
    findings.sort(compareFindings);
    const resources = index.resources.filter((r) => r.mode === "resource").length;
    return { findings, resources };
  }

  /** The app rules' findings over every stack added, sorted (compareFindings). Call once. */
  finish(): Finding[] {
    if (this.finished) throw new Error("PolicyRun.finish called twice");
    this.finished = true;
    const out: Finding[] = [];
    for (const { rule, facts } of this.appRules) {
      for (const r of rule.check(facts)) {
        const ctx = this.contexts.get(contextKey(r.stack, r.file));
        if (!ctx) throw new Error(`${rule.meta.id} reported stack ${JSON.stringify(r.stack)} (${r.file}), which was not checked`);
        out.push(finding(rule.meta.id, r.severity ?? rule.meta.severity, ctx.stack, ctx.file, r.address, r.constructPath ?? null, r.message, ctx.suppressions, r.subject));
      }
      facts.length = 0;
    }
    this.contexts.clear();
    return out.sort(compareFindings);
  }

  /**
   * `findings` (stack by stack, in the order the stacks were added, as `add` returned them) with
   * the app rules' findings merged in at their stacks' places.
   */
  finishInto(findings: Finding[]): Finding[] {
    const order = new Map<string, number>();
    for (const key of this.contexts.keys()) order.set(key, order.size);
    const app = this.finish();
    if (app.length === 0) return findings;
    const rank = (f: Finding) => order.get(contextKey(f.stack, f.file)) ?? order.size;
    // Already sorted runs plus a few insertions: the (stable) sort is close to linear.
    return findings.concat(app).sort((a, b) => rank(a) - rank(b) || compareFindings(a, b));
  }
}

function finding(
  ruleId: string, severity: Severity, stack: string, file: string, address: string, constructPath: string | null, message: string,
  suppressions: SuppressionMap, subject?: string,
): Finding {
  const reason = suppressionFor(suppressions, address, ruleId, subject);
  // `subject` is always set (undefined when absent), so every finding has one shape.
  return { ruleId, severity, stack, address, constructPath, file, message: flat(message), suppressed: reason !== null, suppressionReason: reason, subject };
}

/** Run every rule over one stack (app rules included: duplicates within the stack count). */
export function checkStack(input: StackInput, rules: readonly Rule[] = ALL_RULES): StackCheck {
  const run = new PolicyRun(rules);
  const result = run.add(input);
  return { findings: run.finishInto(result.findings), resources: result.resources };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `DOCKER-9` before `DOCKER-10`: compare the domain, then the number. */
function compareRuleIds(a: string, b: string): number {
  const da = a.slice(0, a.lastIndexOf("-"));
  const db = b.slice(0, b.lastIndexOf("-"));
  return cmp(da, db) || Number(a.slice(da.length + 1)) - Number(b.slice(db.length + 1));
}

/** Stable report order: stack, address, severity, rule, message (plain code-unit order, fast). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.stack, b.stack) ||
    cmp(a.address, b.address) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    compareRuleIds(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message)
  );
}

/** Check several stacks and summarize. */
export function checkStacks(inputs: readonly StackInput[], rules: readonly Rule[] = ALL_RULES): Report {
  const run = new PolicyRun(rules);
  let findings: Finding[] = [];
  let resources = 0;
  for (const input of inputs) {
    const r = run.add(input);
    for (const f of r.findings) findings.push(f);
    resources += r.resources;
  }
  findings = run.finishInto(findings);
  return { findings, summary: summarize(findings, inputs.length, resources) };
}

export function summarize(findings: readonly Finding[], stacks: number, resources: number): Summary {
  let errors = 0, warnings = 0, infos = 0, suppressed = 0, baselined = 0, fixed = 0;
  let againstBaseline = false;
  for (const f of findings) {
    if (f.suppressed) { suppressed++; continue; }
    if (f.baselineState !== undefined) {
      againstBaseline = true;
      if (f.baselineState === "unchanged") { baselined++; continue; }
      if (f.baselineState === "absent") { fixed++; continue; }
    }
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
    else infos++;
  }
  return againstBaseline ? { stacks, resources, errors, warnings, infos, suppressed, baselined, fixed } : { stacks, resources, errors, warnings, infos, suppressed };
}

/** True when a finding counts: not suppressed, and not one of the baseline (found again or fixed). */
export function isOpen(f: Finding): boolean {
  return !f.suppressed && (f.baselineState === undefined || f.baselineState === "new");
}

export type FailOn = Severity | "never";

/** True when an open finding (unsuppressed, not in the baseline) is at or above the threshold. */
export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === "never") return false;
  const limit = severityRank(failOn);
  return findings.some((f) => isOpen(f) && severityRank(f.severity) <= limit);
}

export { ruleMeta };
