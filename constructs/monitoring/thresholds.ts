/**
 * Typed alert thresholds. Every option documents its default, and the default is the exported
 * constant the alert catalog uses: documentation and rules cannot drift.
 */
import { Duration } from "../service/units";

export interface AlertThresholds {
  /** Free space on a host filesystem below this percentage is critical. @default 10 */
  readonly diskFreePercent?: number;
  /** Hours ahead for "disk predicted to fill" (linear prediction over 6 h). @default 24 */
  readonly diskFillHorizonHours?: number;
  /** Host memory available below this percentage is a warning. @default 10 */
  readonly hostMemoryAvailablePercent?: number;
  /** A container's working set above this fraction of its memory limit is a warning. @default 0.9 */
  readonly containerMemoryRatio?: number;
  /** Container starts in 15 minutes above this count is a warning (a restart loop). @default 2 */
  readonly containerRestartsPer15m?: number;
  /** Share of 5xx responses above this fraction is critical. @default 0.05 */
  readonly http5xxRatio?: number;
  /** p95 request latency above this many seconds is a warning. @default 1 */
  readonly latencyP95Seconds?: number;
  /** Average public probe duration (10 min) above this many seconds is a warning. @default 2 */
  readonly probeDurationSeconds?: number;
  /** Certificate expiring within this many days is a warning. @default 30 */
  readonly certificateWarningDays?: number;
  /** Certificate expiring within this many days is critical. @default 7 */
  readonly certificateCriticalDays?: number;
  /** No successful backup for longer than this is critical. @default 26 h (a daily backup plus slack) */
  readonly backupMaxAge?: Duration;
  /** No successful restore test for longer than this is a warning. @default 8 days (a weekly test plus slack) */
  readonly restoreTestMaxAge?: Duration;
  /** Ready messages in RabbitMQ above this count for 15 minutes is a warning. @default 1000 */
  readonly queueBacklogMessages?: number;
  /** Database connections above this fraction of the server's limit is a warning. @default 0.8 */
  readonly connectionsRatio?: number;
  /** How long a target or probe must be down before it alerts. @default 5 min */
  readonly downFor?: Duration;
}

export const DEFAULT_THRESHOLDS = {
  diskFreePercent: 10,
  diskFillHorizonHours: 24,
  hostMemoryAvailablePercent: 10,
  containerMemoryRatio: 0.9,
  containerRestartsPer15m: 2,
  http5xxRatio: 0.05,
  latencyP95Seconds: 1,
  probeDurationSeconds: 2,
  certificateWarningDays: 30,
  certificateCriticalDays: 7,
  backupMaxAge: Duration.hours(26),
  restoreTestMaxAge: Duration.hours(24 * 8),
  queueBacklogMessages: 1000,
  connectionsRatio: 0.8,
  downFor: Duration.minutes(5),
} as const;

export type ResolvedThresholds = { readonly [K in keyof typeof DEFAULT_THRESHOLDS]: K extends "backupMaxAge" | "restoreTestMaxAge" | "downFor" ? Duration : number };

export function resolveThresholds(where: string, t: AlertThresholds | undefined): ResolvedThresholds {
  const r = { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v !== undefined)) } as ResolvedThresholds;
  const fail = (k: string, fix: string): never => {
    throw new Error(`${where}: alerting.thresholds.${k} is ${JSON.stringify((r as Record<string, unknown>)[k])}. Fix: ${fix}`);
  };
  const ratio = (k: "containerMemoryRatio" | "http5xxRatio" | "connectionsRatio") => {
    if (typeof r[k] !== "number" || !(r[k] > 0 && r[k] < 1)) fail(k, "give a fraction between 0 and 1, e.g. 0.8");
  };
  const pct = (k: "diskFreePercent" | "hostMemoryAvailablePercent") => {
    if (typeof r[k] !== "number" || !(r[k] > 0 && r[k] < 100)) fail(k, "give a percentage between 0 and 100");
  };
  const pos = (k: "diskFillHorizonHours" | "latencyP95Seconds" | "probeDurationSeconds" | "certificateWarningDays" | "certificateCriticalDays" | "queueBacklogMessages" | "containerRestartsPer15m") => {
    if (typeof r[k] !== "number" || !(r[k] > 0) || !Number.isFinite(r[k])) fail(k, "give a positive number");
  };
  ratio("containerMemoryRatio"); ratio("http5xxRatio"); ratio("connectionsRatio");
  pct("diskFreePercent"); pct("hostMemoryAvailablePercent");
  pos("diskFillHorizonHours"); pos("latencyP95Seconds"); pos("probeDurationSeconds"); pos("certificateWarningDays");
  pos("certificateCriticalDays"); pos("queueBacklogMessages"); pos("containerRestartsPer15m");
  if (r.certificateCriticalDays >= r.certificateWarningDays) fail("certificateCriticalDays", "make it smaller than certificateWarningDays");
  for (const k of ["backupMaxAge", "restoreTestMaxAge", "downFor"] as const) {
    if (!Duration.isDuration(r[k]) || r[k].toMilliseconds() < 60_000) fail(k, "give a Duration of at least one minute, e.g. Duration.hours(26)");
  }
  return r;
}
