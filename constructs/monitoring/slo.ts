/**
 * SLOs as code: an objective over a window, measured by an SLI, rendered as recording rules (the
 * error ratio over each window the alerts need, and the remaining error budget) and the SRE
 * workbook's multi-window multi-burn-rate alerts:
 * - page:   1 h and 5 min above 14.4x the budget rate (2% of a 30-day budget in an hour);
 * - page:   6 h and 30 min above 6x (5% in six hours);
 * - ticket: 3 d and 6 h above 1x (10% in three days).
 * The short window of each pair stops the alert soon after the problem ends.
 */
import type { AlertDefinition } from "./alert";
import { days, promDuration } from "./render";
import { Duration } from "../service/units";

export type SliSpec =
  /** Availability from a blackbox probe: a failed probe is an error. `probe` is a public probe name or `<service>/<probe>`. */
  | { readonly kind: "probe"; readonly probe: string }
  /** A ratio of two counters (PromQL selectors): errors / total, e.g. 5xx of http_requests_total. */
  | {
      readonly kind: "ratio";
      readonly errors: string;
      readonly total: string;
      /**
       * Two series (name and labels) for the generated promtool tests: one the `errors` selector
       * matches, one only `total` matches, e.g. `http_requests_total{service="api",code="500"}` and
       * `http_requests_total{service="api",code="200"}`.
       */
      readonly testSeries: { readonly errors: string; readonly good: string };
    };

export interface SloSpec {
  /** Short name, `opac-availability`; becomes the `slo` label. */
  readonly name: string;
  /** Target, as a fraction: 0.999 for 99.9%. */
  readonly objective: number;
  /** @default 30 days */
  readonly window?: Duration;
  readonly sli: SliSpec;
  /** What the SLO promises, for people. @default the name */
  readonly description?: string;
}

export const DEFAULT_SLO_WINDOW = days(30);

/** The burn-rate pairs (SRE workbook, table 5-8). */
export const BURN_RATE_PAIRS = [
  { alert: "SloErrorBudgetBurnFast", long: Duration.hours(1), short: Duration.minutes(5), factor: 14.4, for: "2m", severity: "critical" as const },
  { alert: "SloErrorBudgetBurnMedium", long: Duration.hours(6), short: Duration.minutes(30), factor: 6, for: "15m", severity: "critical" as const },
  { alert: "SloErrorBudgetBurnSlow", long: days(3), short: Duration.hours(6), factor: 1, for: "1h", severity: "warning" as const },
];
export const SLO_ALERT_NAMES = BURN_RATE_PAIRS.map((p) => p.alert);

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export interface ResolvedSlo {
  readonly name: string;
  readonly objective: number;
  readonly window: Duration;
  readonly description: string;
  /** PromQL of the error ratio over a window, `[w]` replaced. */
  errorRatio(window: string): string;
  /** A synthetic input series for tests: good then bad. */
  testSeries(values: string): { series: string; values: string }[];
}

/** The probe target labels the scrape configuration gives a probe (see prometheus-config.ts). */
export interface ProbeRef {
  readonly selector: string;
  readonly testSeries: string;
}

export function resolveSlo(where: string, s: SloSpec, probes: ReadonlyMap<string, ProbeRef>): ResolvedSlo {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new Error(`${where}: slos[${JSON.stringify(s?.name)}].${field} ${problem}. Fix: ${fix}`);
  };
  if (typeof s?.name !== "string" || !NAME.test(s.name)) fail("name", "is not a short name", "use lower-case letters, digits and dashes, e.g. \"opac-availability\"");
  if (typeof s.objective !== "number" || !(s.objective > 0.5 && s.objective < 1)) fail("objective", `is ${s.objective}`, "give the target as a fraction between 0.5 and 1, e.g. 0.999 for 99.9%");
  const window = s.window ?? DEFAULT_SLO_WINDOW;
  if (!Duration.isDuration(window) || window.toMilliseconds() < days(1).toMilliseconds() || window.toMilliseconds() > days(90).toMilliseconds()) {
    fail("window", "is not a Duration from 1 to 90 days", "give e.g. Duration.hours(24 * 30)");
  }
  const sli = s.sli;
  if (sli?.kind === "probe") {
    const ref = probes.get(sli.probe);
    if (!ref) fail("sli.probe", `names ${JSON.stringify(sli.probe)}, which no probe of this monitoring declares`, `use one of ${[...probes.keys()].join(", ") || "(none: add publicProbes or a service probe)"}`);
    const r = ref as ProbeRef;
    return {
      name: s.name, objective: s.objective, window, description: s.description ?? s.name,
      errorRatio: (w) => `1 - avg(avg_over_time(${r.selector}[${w}]))`,
      testSeries: (values) => [{ series: r.testSeries, values }],
    };
  }
  if (sli?.kind === "ratio") {
    for (const k of ["errors", "total"] as const) {
      const v = sli[k];
      if (typeof v !== "string" || !/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/.test(v) || v.includes("${")) {
        fail(`sli.${k}`, `${JSON.stringify(v)} is not a counter selector`, "give a metric selector such as http_requests_total{service=\"api\",code=~\"5..\"}");
      }
    }
    const ts = sli.testSeries;
    if (typeof ts?.errors !== "string" || typeof ts?.good !== "string" || ts.errors === ts.good) {
      fail("sli.testSeries", "is missing", "give { errors, good }: one series the errors selector matches and one only total matches");
    }
    return {
      name: s.name, objective: s.objective, window, description: s.description ?? s.name,
      errorRatio: (w) => `sum(rate(${sli.errors}[${w}])) / sum(rate(${sli.total}[${w}]))`,
      // Tests: the caller names one error series and one good series the selectors match.
      testSeries: (values) => [
        { series: sli.testSeries.errors, values },
        { series: sli.testSeries.good, values: "0+100x300" },
      ],
    };
  }
  return fail("sli", "is missing", "give { kind: \"probe\", probe } or { kind: \"ratio\", errors, total }");
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

const WINDOWS = (slo: ResolvedSlo): string[] => {
  const ws = new Set<string>();
  for (const p of BURN_RATE_PAIRS) ws.add(promDuration(p.long)).add(promDuration(p.short));
  ws.add(promDuration(slo.window));
  return [...ws];
};

export function sloRecordingRules(slo: ResolvedSlo): RecordingRule[] {
  const rules: RecordingRule[] = WINDOWS(slo).map((w) => ({ record: `slo:sli_error:ratio_rate${w}`, expr: slo.errorRatio(w), labels: { slo: slo.name } }));
  const budget = 1 - slo.objective;
  rules.push({ record: "slo:objective:ratio", expr: `vector(${slo.objective})`, labels: { slo: slo.name } });
  rules.push({
    record: "slo:error_budget_remaining:ratio",
    expr: `1 - slo:sli_error:ratio_rate${promDuration(slo.window)}{slo="${slo.name}"} / ${fmt(budget)}`,
    labels: { slo: slo.name },
  });
  return rules;
}

const fmt = (n: number): string => String(Number(n.toPrecision(12)));

/**
 * The burn-rate alerts of one SLO, each with scenarios: a sustained outage fires every pair; a
 * healthy SLI and (for the fast pair) an outage that already ended stay silent.
 */
export function sloAlerts(slo: ResolvedSlo): AlertDefinition[] {
  const budget = 1 - slo.objective;
  // Probe SLIs: 1 = good. Ratio SLIs: errors counter increments.
  const isProbe = slo.testSeries("x")[0].series.startsWith("probe_success");
  const good = (n: number) => (isProbe ? `1x${n}` : `0x${n}`);
  const outage = isProbe ? "1x60 0x90" : "0x60 0+100x90";
  const recovered = isProbe ? "1x60 0x10 1x30" : "0x60 0+100x10 1000x30";
  return BURN_RATE_PAIRS.map((p) => {
    const threshold = fmt(p.factor * budget);
    const long = promDuration(p.long);
    const short = promDuration(p.short);
    const cases: AlertDefinition["cases"][number][] = [
      { what: "fires during a sustained outage", input: slo.testSeries(outage), evalTime: "150m", fires: [{ slo: slo.name }] },
      { what: "silent while the SLI is healthy", input: slo.testSeries(good(160)), evalTime: "150m", fires: [] },
    ];
    if (p.alert === "SloErrorBudgetBurnFast") cases.push({ what: "silent once a short outage has ended (the 5m window recovered)", input: slo.testSeries(recovered), evalTime: "100m", fires: [] });
    return {
      name: p.alert,
      expr: `slo:sli_error:ratio_rate${long}{slo="${slo.name}"} > ${threshold} and slo:sli_error:ratio_rate${short}{slo="${slo.name}"} > ${threshold}`,
      for: p.for,
      severity: p.severity,
      category: "availability",
      labels: { slo: slo.name },
      summary: `SLO {{ $labels.slo }} burns its error budget ${p.factor}x too fast (${long} and ${short})`,
      description: `${slo.description}: objective ${fmt(slo.objective * 100)}% over ${promDuration(slo.window)}. At this rate ${fmt((p.factor * p.long.toMilliseconds()) / slo.window.toMilliseconds() * 100)}% of the budget is spent in ${long}.`,
      cases,
    };
  });
}
