/**
 * Alertmanager configuration: e-mail and Telegram receivers whose credentials are files, routes by
 * severity, and inhibition of warnings by criticals of the same category and instance.
 */
import type { SecretRef } from "../service/spec";
import { toYaml } from "./render";

export interface EmailReceiver {
  /** `host:port` of the SMTP server (submission, STARTTLS). */
  readonly smarthost: string;
  readonly from: string;
  readonly to: readonly string[];
  /** @default none (no SMTP authentication) */
  readonly username?: string;
  /** Delivered as `smtp_auth_password_file`. Required with `username`. */
  readonly password?: SecretRef;
}

export interface TelegramReceiver {
  /** Numeric chat id (negative for groups). */
  readonly chatId: number;
  /** Delivered as `bot_token_file` (Alertmanager >= 0.26). */
  readonly botToken: SecretRef;
}

export interface AlertingProps {
  /** Warnings and criticals. At least one receiver is required. @default none */
  readonly email?: EmailReceiver;
  /** Criticals (and, with e-mail, also e-mailed). @default none */
  readonly telegram?: TelegramReceiver;
  /** Re-notify an unresolved critical after this many hours. @default 1 */
  readonly criticalRepeatHours?: number;
  /** Re-notify an unresolved warning after this many hours. @default 12 */
  readonly warningRepeatHours?: number;
}

export const ALERTMANAGER_DIR = "/etc/alertmanager";
export const SMTP_PASSWORD_FILE = `${ALERTMANAGER_DIR}/secrets/smtp_password`;
export const TELEGRAM_TOKEN_FILE = `${ALERTMANAGER_DIR}/secrets/telegram_bot_token`;

/** Labels two alerts must share for a critical to silence a warning. */
export const INHIBIT_EQUAL = ["stack", "category", "instance", "slo"];

export function validateAlerting(where: string, a: AlertingProps | undefined): AlertingProps {
  const fail = (prop: string, problem: string, fix: string): never => {
    throw new Error(`${where}: alerting${prop === "" ? "" : `.${prop}`} ${problem}. Fix: ${fix}`);
  };
  if (a === undefined || (a.email === undefined && a.telegram === undefined)) {
    fail("", "has no receiver", "give alerting.email and/or alerting.telegram: alerts nobody receives are not monitoring");
  }
  const al = a as AlertingProps;
  if (al.email) {
    const e = al.email;
    if (typeof e.smarthost !== "string" || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(e.smarthost)) fail("email.smarthost", `is ${JSON.stringify(e.smarthost)}`, "give host:port, e.g. \"smtp.example.org:587\"");
    const mail = /^[^\s@"]+@[A-Za-z0-9.-]+$/;
    if (typeof e.from !== "string" || !mail.test(e.from)) fail("email.from", `is ${JSON.stringify(e.from)}`, "give a plain address");
    if (!Array.isArray(e.to) || e.to.length === 0 || e.to.some((t) => typeof t !== "string" || !mail.test(t))) fail("email.to", "is empty or holds an invalid address", "give one or more plain addresses");
    if ((e.username === undefined) !== (e.password === undefined)) fail("email", "gives only one of username and password", "give both (the password as a SecretRef) or neither");
    if (e.password !== undefined && (e.password as { kind?: string }).kind !== "secret") fail("email.password", "is not a SecretRef", "pass Secret.fromVariable(…), never a string");
  }
  if (al.telegram) {
    const t = al.telegram;
    if (!Number.isSafeInteger(t.chatId) || t.chatId === 0) fail("telegram.chatId", `is ${JSON.stringify(t.chatId)}`, "give the numeric chat id (negative for a group)");
    if ((t.botToken as { kind?: string } | undefined)?.kind !== "secret") fail("telegram.botToken", "is not a SecretRef", "pass Secret.fromVariable(…), never a string");
  }
  for (const k of ["criticalRepeatHours", "warningRepeatHours"] as const) {
    const v = al[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 168)) fail(k, `is ${v}`, "give whole hours from 1 to 168");
  }
  return al;
}

/** Receivers each severity reaches, in route order: what `amtool config routes test` must print. */
export function expectedRoutes(a: AlertingProps): Record<"critical" | "warning", string[]> {
  const critical = [...(a.telegram ? ["telegram"] : []), ...(a.email ? ["email"] : [])];
  const warning = a.email ? ["email"] : ["telegram"];
  return { critical, warning };
}

export function renderAlertmanagerConfig(a: AlertingProps): string {
  const global: Record<string, unknown> = { resolve_timeout: "5m" };
  const receivers: Record<string, unknown>[] = [];
  if (a.email) {
    Object.assign(global, {
      smtp_smarthost: a.email.smarthost,
      smtp_from: a.email.from,
      smtp_require_tls: true,
      ...(a.email.username ? { smtp_auth_username: a.email.username, smtp_auth_password_file: SMTP_PASSWORD_FILE } : {}),
    });
    receivers.push({ name: "email", email_configs: a.email.to.map((to) => ({ to, send_resolved: true })) });
  }
  if (a.telegram) {
    receivers.push({ name: "telegram", telegram_configs: [{ bot_token_file: TELEGRAM_TOKEN_FILE, chat_id: a.telegram.chatId, send_resolved: true }] });
  }
  const critical = `${a.criticalRepeatHours ?? 1}h`;
  const warning = `${a.warningRepeatHours ?? 12}h`;
  const routes: Record<string, unknown>[] = [];
  if (a.telegram) routes.push({ receiver: "telegram", matchers: ['severity="critical"'], repeat_interval: critical, continue: Boolean(a.email) });
  if (a.email) routes.push({ receiver: "email", matchers: ['severity="critical"'], repeat_interval: critical });
  routes.push({ receiver: a.email ? "email" : "telegram", matchers: ['severity="warning"'], repeat_interval: warning });
  return toYaml({
    global,
    route: {
      receiver: a.email ? "email" : "telegram",
      group_by: ["alertname", "stack", "service", "slo"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: warning,
      routes,
    },
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: INHIBIT_EQUAL }],
    receivers,
  });
}
