/**
 * Scores the roadmaps against what the stacks really enforce: the engine's findings (the same
 * `checkStacks` run as `bulwark check`), construct presence in the stacks' Terraform JSON, drill
 * results and the deployment's manual sign-offs. Nothing is assumed: a drill without a result is
 * "unknown", a manual item without a recorded status is "manual" (pending), and neither counts as met.
 *
 * Item status, in this order:
 * - manual items: the recorded status (met / not-met / not-applicable), else `manual`;
 * - `appliesTo` given and nothing in scope matches: `not-applicable` (when something matches, only
 *   the findings on the matching resources count for the item's rules);
 * - a rule with an unsuppressed finding, a construct missing, a drill failed: `not-met`;
 * - every rule not applicable (no resource of its kind in scope) and no construct or drill: `not-applicable`;
 * - a drill without a result: `unknown`;
 * - otherwise `met`.
 * A suppressed finding does not fail its rule (the gate treats it so; its reason is in the stack),
 * but it is listed with the item.
 *
 * Phase score: met items / applicable items (all but not-applicable), in whole percent; null when
 * nothing in the phase applies.
 */
import { ruleMeta } from "../catalog";
import { checkStacks, type StackInput } from "../engine";
import { ALL_RULES } from "../rules";
import { buildStackIndex } from "../stack-index";
import type { Finding, Rule, RuleDomain, StackIndex } from "../types";
import type { DrillResults, ManualStatuses } from "./inputs";
import type { LoadedRoadmap, RoadmapSet } from "./roadmaps";
import { select, type Match } from "./select";
import { DEFAULT_CONSTRUCT_MIN, type ManualEntry } from "./schema";

export const ITEM_STATUSES = ["met", "not-met", "unknown", "manual", "not-applicable"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface FindingRef {
  readonly stack: string;
  readonly address: string;
  readonly severity: string;
  readonly message: string;
  readonly suppressionReason?: string;
}

export interface RuleOutcome {
  readonly id: string;
  readonly title: string;
  /** `pass`: no unsuppressed finding; `fail`; `not-applicable`: nothing in scope the rule judges. */
  readonly status: "pass" | "fail" | "not-applicable";
  readonly fix: string;
  readonly findings: readonly FindingRef[];
  readonly suppressed: readonly FindingRef[];
}

export interface ConstructOutcome {
  readonly description: string;
  readonly type: string;
  readonly status: "present" | "missing";
  readonly found: number;
  readonly min: number;
  readonly matches: readonly Match[];
}

export interface DrillOutcome {
  readonly id: string;
  readonly file: string;
  readonly run: string;
  readonly status: "passed" | "failed" | "unknown";
  readonly at?: string;
}

export interface ItemResult {
  readonly id: string;
  readonly phase: string;
  readonly text: string;
  readonly status: ItemStatus;
  readonly rules: readonly RuleOutcome[];
  readonly constructs: readonly ConstructOutcome[];
  readonly drills: readonly DrillOutcome[];
  /** Manual items: the owner the roadmap names, and what the deployment recorded (if anything). */
  readonly manual?: { readonly owner: string; readonly recorded?: ManualEntry };
  /** Why the item is not met (or unknown, or not applicable), one line each, ending with the fix. */
  readonly reasons: readonly string[];
}

export interface PhaseCounts {
  readonly met: number;
  readonly notMet: number;
  readonly unknown: number;
  readonly manual: number;
  readonly notApplicable: number;
  readonly total: number;
}

export interface PhaseResult {
  readonly id: string;
  readonly title: string;
  readonly done?: string;
  readonly counts: PhaseCounts;
  /** Met / applicable in whole percent; null when nothing applies. */
  readonly score: number | null;
  readonly items: readonly ItemResult[];
}

export interface RoadmapResult {
  readonly roadmap: string;
  readonly title: string;
  readonly source: string;
  readonly file: string;
  /** The stacks judged for this roadmap. */
  readonly stacks: readonly string[];
  readonly counts: PhaseCounts;
  readonly score: number | null;
  readonly phases: readonly PhaseResult[];
}

export interface ReadinessReport {
  /** Every stack of the input, in input order. */
  readonly stacks: readonly string[];
  readonly roadmaps: readonly RoadmapResult[];
  /** Whether drill results and manual statuses were given (reports say so). */
  readonly inputs: { readonly drillResults: boolean; readonly manualStatuses: number };
}

export interface EvaluateOptions {
  /** Drill results. @default none: every drill is unknown */
  readonly drills?: DrillResults;
  /** Recorded manual statuses. @default none: every manual item is pending */
  readonly manual?: ManualStatuses;
  /** Only these roadmaps. @default every roadmap of the set */
  readonly only?: readonly string[];
  /** The engine's findings over the same stacks, when already computed. @default checkStacks(stacks) */
  readonly findings?: readonly Finding[];
  /** The rule catalog the findings come from. @default ALL_RULES */
  readonly rules?: readonly Rule[];
}

/** Resource type prefixes a stack or app rule's domain judges (resource rules name their types). */
const DOMAIN_PREFIXES: Readonly<Record<RuleDomain, readonly string[] | null>> = {
  DOCKER: ["docker_"],
  NET: ["docker_"],
  MON: ["docker_container"],
  BACKUP: ["docker_container"],
  GH: ["github_"],
  CF: ["cloudflare_"],
  K8S: ["kubernetes_"],
  // Secrets and state concern any configuration: always applicable.
  SECRET: null,
  STATE: null,
};

function ruleApplies(rule: Rule | undefined, indexes: readonly StackIndex[]): boolean {
  if (!rule) return true;
  if (rule.kind === "resource") return indexes.some((ix) => rule.types.some((t) => ix.byType(t).length > 0));
  const prefixes = DOMAIN_PREFIXES[rule.meta.domain];
  if (prefixes === null) return indexes.length > 0;
  return indexes.some((ix) => ix.resources.some((r) => r.mode === "resource" && prefixes.some((p) => r.type.startsWith(p))));
}

const ref = (f: Finding): FindingRef => ({
  stack: f.stack,
  address: f.address,
  severity: f.severity,
  message: f.message,
  ...(f.suppressionReason ? { suppressionReason: f.suppressionReason } : {}),
});

function percent(counts: PhaseCounts): number | null {
  const applicable = counts.total - counts.notApplicable;
  return applicable === 0 ? null : Math.round((100 * counts.met) / applicable);
}

function count(items: readonly ItemResult[]): PhaseCounts {
  const by = (s: ItemStatus) => items.filter((i) => i.status === s).length;
  return { met: by("met"), notMet: by("not-met"), unknown: by("unknown"), manual: by("manual"), notApplicable: by("not-applicable"), total: items.length };
}

export function sumCounts(list: readonly PhaseCounts[]): PhaseCounts {
  const z: PhaseCounts = { met: 0, notMet: 0, unknown: 0, manual: 0, notApplicable: 0, total: 0 };
  return list.reduce((a, c) => ({ met: a.met + c.met, notMet: a.notMet + c.notMet, unknown: a.unknown + c.unknown, manual: a.manual + c.manual, notApplicable: a.notApplicable + c.notApplicable, total: a.total + c.total }), z);
}

/** The stacks a roadmap judges: those it names that are in the input, else every input stack. */
export function scopeOf(roadmap: LoadedRoadmap, stacks: readonly string[]): string[] {
  const named = (roadmap.stacks ?? []).filter((s) => stacks.includes(s));
  return named.length > 0 ? named : [...stacks];
}

/** Score every roadmap of the set against the stacks. */
export function evaluateReadiness(stacks: readonly StackInput[], set: RoadmapSet, options: EvaluateOptions = {}): ReadinessReport {
  const rules = options.rules ?? ALL_RULES;
  const findings = options.findings ?? checkStacks(stacks, rules).findings;
  const ruleById = new Map(rules.map((r) => [r.meta.id, r]));
  const indexes = new Map<string, StackIndex>();
  for (const s of stacks) if (!indexes.has(s.stack)) indexes.set(s.stack, buildStackIndex(s.stack, s.file, s.json));
  const names = [...indexes.keys()];
  const unknownRoadmaps = (options.only ?? []).filter((r) => !set.roadmaps.some((m) => m.roadmap === r));
  if (unknownRoadmaps.length > 0) throw new Error(`unknown roadmap(s) ${unknownRoadmaps.join(", ")}: the roadmaps are ${set.roadmaps.map((r) => r.roadmap).join(", ")}`);
  const roadmaps = set.roadmaps.filter((r) => !options.only || options.only.includes(r.roadmap));

  const results = roadmaps.map((roadmap): RoadmapResult => {
    const scope = scopeOf(roadmap, names);
    const scoped = scope.map((s) => indexes.get(s)!);
    const scopedFindings = findings.filter((f) => scope.includes(f.stack));
    const phases = roadmap.phases.map((phase): PhaseResult => {
      const items = phase.items.map((item): ItemResult => {
        const e = item.evidence;
        const base = { id: item.id, phase: phase.id, text: item.text };
        if (e.manual) {
          const recorded = options.manual?.get(item.id);
          const status: ItemStatus = recorded ? recorded.status : "manual";
          const reasons =
            status === "manual" ? [`no sign-off recorded: the owner (${e.manual.owner}) records it under readiness.manual.${item.id} in the deployment configuration`]
            : status === "not-met" ? [`recorded as not met by ${recorded!.owner}${recorded!.evidence ? ` (${recorded!.evidence})` : ""}`]
            : [];
          return { ...base, status, rules: [], constructs: [], drills: [], manual: { owner: e.manual.owner, ...(recorded ? { recorded } : {}) }, reasons };
        }
        // With appliesTo, the item is about those resources: only their findings count.
        const subjects = e.appliesTo ? new Set(e.appliesTo.flatMap((sel) => select(scoped, sel)).map((m) => `${m.stack}\u0000${m.address}`)) : null;
        if (subjects !== null && subjects.size === 0) {
          return { ...base, status: "not-applicable", rules: [], constructs: [], drills: [], reasons: [`not applicable: nothing in ${scope.join(", ") || "the input"} matches ${(e.appliesTo ?? []).map(selectorText).join(" or ")}`] };
        }
        const ruleOutcomes = (e.rules ?? []).map((id): RuleOutcome => {
          const meta = ruleMeta(id);
          const mine = scopedFindings.filter((f) => f.ruleId === id && (subjects === null || subjects.has(`${f.stack}\u0000${f.address}`)));
          const open = mine.filter((f) => !f.suppressed).map(ref);
          const status = open.length > 0 ? "fail" : ruleApplies(ruleById.get(id), scoped) ? "pass" : "not-applicable";
          return { id, title: meta.title, status, fix: meta.fix, findings: open, suppressed: mine.filter((f) => f.suppressed).map(ref) };
        });
        const constructOutcomes = (e.constructs ?? []).map((c): ConstructOutcome => {
          const found = select(scoped, c);
          const min = c.min ?? DEFAULT_CONSTRUCT_MIN;
          return { description: c.description, type: c.type, status: found.length >= min ? "present" : "missing", found: found.length, min, matches: found };
        });
        const drillOutcomes = (e.drills ?? []).map((id): DrillOutcome => {
          const d = set.drills.get(id)!;
          const r = options.drills?.get(id);
          return { id, file: d.file, run: d.run, status: r ? r.status : "unknown", ...(r?.at ? { at: r.at } : {}) };
        });
        const reasons: string[] = [];
        for (const r of ruleOutcomes) {
          for (const f of r.findings) reasons.push(`${r.id} ${f.stack}/${f.address}: ${f.message}`);
        }
        for (const c of constructOutcomes) {
          if (c.status === "missing") reasons.push(`missing: ${c.description} (${c.type}; found ${c.found}, need ${c.min}). Fix: ${e.fix}`);
        }
        for (const d of drillOutcomes) {
          if (d.status === "failed") reasons.push(`drill ${d.id} (${d.file}) failed. Fix: ${e.fix}`);
          if (d.status === "unknown") reasons.push(`drill ${d.id} (${d.file}): no result recorded, so it is not known to have passed. Fix: ${e.fix}`);
        }
        const failed = ruleOutcomes.some((r) => r.status === "fail") || constructOutcomes.some((c) => c.status === "missing") || drillOutcomes.some((d) => d.status === "failed");
        const allRulesNa = ruleOutcomes.length > 0 && ruleOutcomes.every((r) => r.status === "not-applicable");
        let status: ItemStatus;
        if (failed) status = "not-met";
        else if (allRulesNa && constructOutcomes.length === 0 && drillOutcomes.length === 0) {
          status = "not-applicable";
          reasons.push(`not applicable: ${scope.join(", ") || "the input"} has nothing that ${ruleOutcomes.map((r) => r.id).join(", ")} judge${ruleOutcomes.length === 1 ? "s" : ""}`);
        } else if (drillOutcomes.some((d) => d.status === "unknown")) status = "unknown";
        else status = "met";
        // A met item keeps no reasons (the drill notes only matter when something is open).
        return { ...base, status, rules: ruleOutcomes, constructs: constructOutcomes, drills: drillOutcomes, reasons: status === "met" ? [] : reasons };
      });
      const counts = count(items);
      return { id: phase.id, title: phase.title, ...(phase.done ? { done: phase.done } : {}), counts, score: percent(counts), items };
    });
    const counts = sumCounts(phases.map((p) => p.counts));
    return { roadmap: roadmap.roadmap, title: roadmap.title, source: roadmap.source, file: roadmap.file, stacks: scope, counts, score: percent(counts), phases };
  });
  return { stacks: names, roadmaps: results, inputs: { drillResults: options.drills !== undefined, manualStatuses: options.manual?.size ?? 0 } };
}

export function selectorText(s: { type: string; name?: string; labels?: Record<string, string>; attributes?: Record<string, string> }): string {
  const parts = [s.type];
  if (s.name) parts.push(`name ~ /${s.name}/`);
  for (const [k, v] of Object.entries(s.labels ?? {})) parts.push(`label ${k} ~ /${v}/`);
  for (const [k, v] of Object.entries(s.attributes ?? {})) parts.push(`${k} ~ /${v}/`);
  return parts.join(", ");
}

/** Every item that is not met, unknown or pending sign-off, with its roadmap (for reports). */
export function openItems(report: ReadinessReport): Array<{ roadmap: string; item: ItemResult }> {
  return report.roadmaps.flatMap((r) => r.phases.flatMap((p) => p.items.filter((i) => i.status === "not-met" || i.status === "unknown").map((item) => ({ roadmap: r.roadmap, item }))));
}
