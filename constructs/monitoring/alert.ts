/**
 * An alert as code: its rule, its labels and annotations, and the synthetic series that make it
 * fire and keep it silent. The promtool unit tests are generated from the same object as the rule,
 * so an alert without a test cannot be written.
 */

export type AlertSeverity = "critical" | "warning";
export type AlertCategory = "availability" | "latency" | "errors" | "saturation" | "backup" | "certificate" | "security";
export const ALERT_CATEGORIES: readonly AlertCategory[] = ["availability", "latency", "errors", "saturation", "backup", "certificate", "security"];

/** One input series of a promtool test: `up{job="x"}` and its expanding notation (`0x10`, `1+1x5`). */
export interface SeriesInput {
  readonly series: string;
  readonly values: string;
}

/** A scenario: input series, when to evaluate, and the label sets expected to fire (none: silent). */
export interface AlertCase {
  /** Scrape interval of the synthetic series. @default "1m" */
  readonly interval?: string;
  /**
   * Rule evaluation step of the test (scenarios over days use "1h" so promtool stays fast; they
   * go into a test file of their own). @default "1m"
   */
  readonly evaluationInterval?: "1m" | "1h";
  readonly input: readonly SeriesInput[];
  readonly evalTime: string;
  /** Labels of each expected alert as the expression produces them (severity/category are added). */
  readonly fires: readonly Readonly<Record<string, string>>[];
  /** What the scenario shows, for the test's name. */
  readonly what: string;
}

export interface AlertDefinition {
  /** CamelCase alert name; also the runbook page `docs/runbooks/<name>.md`. */
  readonly name: string;
  readonly expr: string;
  /** Prometheus duration (`5m`), `0s` for immediately. */
  readonly for: string;
  readonly severity: AlertSeverity;
  readonly category: AlertCategory;
  /** One line; may use `{{ $labels.<name> }}` (only labels the expression keeps). */
  readonly summary: string;
  readonly description: string;
  /** Extra static labels (an SLO's `slo`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** At least one firing and one silent scenario. */
  readonly cases: readonly AlertCase[];
}

/** The labels every rendered alert carries. */
export function alertLabels(a: AlertDefinition): Record<string, string> {
  return { severity: a.severity, category: a.category, ...(a.labels ?? {}) };
}

/** `{{ $labels.x }}` expanded the way Prometheus does for a known label set (missing labels are empty). */
export function expandTemplate(template: string, labels: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, k: string) => labels[k] ?? "");
}
