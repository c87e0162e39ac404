/**
 * Rule files and their promtool unit tests, rendered from alert definitions and SLOs.
 */
import { alertLabels, expandTemplate, type AlertDefinition } from "./alert";
import type { RecordingRule } from "./slo";
import { toYaml } from "./render";

export interface RuleGroup {
  readonly name: string;
  readonly alerts: readonly AlertDefinition[];
  readonly records?: readonly RecordingRule[];
}

export interface AnnotationContext {
  /** Base of runbook links: `<base>/<alert>.md`. */
  readonly runbookBaseUrl: string;
}

function annotations(a: AlertDefinition, ctx: AnnotationContext): Record<string, string> {
  return { summary: a.summary, description: a.description, runbook_url: `${ctx.runbookBaseUrl}/${a.name}.md` };
}

/** The Prometheus rule file (one group per family, recording rules first within a group). */
export function renderRuleFile(groups: readonly RuleGroup[], ctx: AnnotationContext): string {
  return toYaml({
    groups: groups.map((g) => ({
      name: g.name,
      rules: [
        ...(g.records ?? []).map((r) => ({ record: r.record, expr: r.expr, labels: { ...r.labels } })),
        ...g.alerts.map((a) => ({ alert: a.name, expr: a.expr, for: a.for, labels: alertLabels(a), annotations: annotations(a, ctx) })),
      ],
    })),
  });
}

/**
 * promtool unit tests: one test group per scenario of every alert, in one file per evaluation step. A firing scenario lists the
 * exact labels and expanded annotations; a silent one expects no alert of that name.
 */
export function renderRuleTests(ruleFile: string, groups: readonly RuleGroup[], ctx: AnnotationContext): RuleTestFile[] {
  const byStep = new Map<string, unknown[]>([["1m", []], ["1h", []]]);
  for (const g of groups) {
    for (const a of g.alerts) {
      for (const c of a.cases) {
        (byStep.get(c.evaluationInterval ?? "1m") as unknown[]).push({
          name: `${a.name}${a.labels?.slo ? ` (${a.labels.slo})` : ""}: ${c.what}`,
          interval: c.interval ?? "1m",
          input_series: c.input.map((s) => ({ series: s.series, values: s.values })),
          alert_rule_test: [
            {
              eval_time: c.evalTime,
              alertname: a.name,
              exp_alerts: c.fires.map((l) => {
                const labels = { ...l, ...alertLabels(a) };
                const ann = annotations(a, ctx);
                return { exp_labels: labels, exp_annotations: Object.fromEntries(Object.entries(ann).map(([k, v]) => [k, expandTemplate(v, labels)])) };
              }),
            },
          ],
        });
      }
    }
  }
  return [...byStep]
    .filter(([, tests]) => tests.length > 0)
    .map(([step, tests]) => ({
      name: ruleFile.replace(/\.ya?ml$/, step === "1m" ? ".test.yml" : `.test-${step}.yml`),
      content: toYaml({ rule_files: [ruleFile], evaluation_interval: step, tests }),
    }));
}

/** A promtool test file: its name (next to the rule file) and content. */
export interface RuleTestFile {
  readonly name: string;
  readonly content: string;
}
