/**
 * EdgeProtection: the zone's WAF and rate limits (OWASP API Security Top 10 API4:2023, unrestricted
 * resource consumption), as Cloudflare's entrypoint
 * rulesets. The provider allows ONE entrypoint ruleset per zone and phase, so this construct owns
 * both phases of its zone and refuses a second EdgeProtection for the same zone in a stack; add
 * further rules with `addRateLimit` instead.
 *
 * - `http_request_firewall_managed`: executes the Cloudflare Managed Ruleset (or the Free Managed
 *   Ruleset on Free plans) and the Cloudflare OWASP Core Ruleset with a paranoia level, an anomaly
 *   score threshold and an action.
 * - `http_ratelimit`: by default 100 requests per minute per client (IP, per Cloudflare colo)
 *   on API paths (`/api/`), then blocked for a minute.
 *
 * Plans: the Cloudflare Managed and OWASP rulesets and a 60-second counting period need the Pro
 * plan or higher. On Free, use `waf: { managedRuleset: "free", owasp: false }` and
 * `rateLimit: { periodSeconds: 10, mitigationTimeoutSeconds: 10 }`.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Ruleset, type RulesetRules } from "@cdktf/provider-cloudflare/lib/ruleset";
import { RATE_LIMIT_PHASE, WAF_MANAGED_PHASE } from "../../knowledge";
import { claim, failer, isDnsName, logicalName } from "./common";

/** Managed rulesets published by Cloudflare (ids from the WAF managed-rules reference). */
export const MANAGED_RULESET_IDS = {
  /** Cloudflare Managed Ruleset (Pro and higher). */
  managed: "efb7b8c949ac4650a09736fc376e9aee",
  /** Cloudflare Free Managed Ruleset (every plan). */
  free: "77454fe2d30c4220b5701f6fdfb893ba",
  /** Cloudflare OWASP Core Ruleset (Pro and higher). */
  owasp: "4814384a9e5d4991b9815dcfc25d2f1f",
} as const;

/** The OWASP ruleset's last rule, "949110: Inbound Anomaly Score Exceeded", which carries threshold and action. */
export const OWASP_ANOMALY_RULE_ID = "6179ae15870a4bb7b2d480d4843b323c";

/** Cloudflare's named OWASP score thresholds. */
const OWASP_THRESHOLDS = { low: 60, medium: 40, high: 25 } as const;

export type WafAction = "block" | "managed_challenge" | "js_challenge" | "log";
export type RateLimitAction = "block" | "managed_challenge" | "js_challenge" | "log";
/** Counting periods Cloudflare accepts (plans limit which: Free 10 s, Pro up to 60 s). */
export type RateLimitPeriod = 10 | 60 | 120 | 300 | 600 | 3600;
const PERIODS: readonly number[] = [10, 60, 120, 300, 600, 3600];
const MITIGATION_TIMEOUTS: readonly number[] = [0, 10, 60, 120, 300, 600, 3600, 86400];

export interface OwaspOptions {
  /** Rules up to this paranoia level run; higher levels catch more and misfire more. @default 1 */
  readonly paranoiaLevel?: 1 | 2 | 3 | 4;
  /** Anomaly score at which the action applies: low = 60, medium = 40, high = 25. @default "medium" */
  readonly sensitivity?: "low" | "medium" | "high";
  /** @default "block" */
  readonly action?: WafAction;
}

export interface WafOptions {
  /**
   * Which Cloudflare managed ruleset to execute.
   * @default "managed" (Cloudflare Managed Ruleset; use "free" on the Free plan)
   */
  readonly managedRuleset?: "managed" | "free";
  /** The OWASP Core Ruleset, or `false` to leave it out. @default {} (PL1, medium, block) */
  readonly owasp?: OwaspOptions | false;
  /** Expression selecting the requests the WAF inspects. @default "true" (every request of the zone) */
  readonly expression?: string;
}

export interface ApiRateLimitOptions {
  /** Requests per minute one client may send to the API paths. @default 100 */
  readonly requestsPerMinute?: number;
  /** Path prefixes counted as API. @default ["/api/"] */
  readonly pathPrefixes?: readonly string[];
  /** Limit only these hostnames (needs Pro: `http.host`). @default every hostname of the zone */
  readonly hostnames?: readonly string[];
  /** Counting period; requests per period = ceil(requestsPerMinute × period / 60). @default 60 */
  readonly periodSeconds?: RateLimitPeriod;
  /**
   * How long a client stays blocked once over the rate.
   * @default the period (60) for block/log; 0 (and only 0) for challenge actions
   */
  readonly mitigationTimeoutSeconds?: number;
  /** @default "block" (HTTP 429) */
  readonly action?: RateLimitAction;
}

/** A further rate-limiting rule (`addRateLimit`). */
export interface RateLimitRule {
  /** Stable rule reference, unique in the ruleset (`koha_login`). */
  readonly ref: string;
  readonly description: string;
  /** Rules-language expression of the requests counted. */
  readonly expression: string;
  readonly requestsPerPeriod: number;
  /** @default 60 */
  readonly periodSeconds?: RateLimitPeriod;
  /** @default the period for block/log; 0 (and only 0) for challenge actions */
  readonly mitigationTimeoutSeconds?: number;
  /** What a counter is kept per. @default ["cf.colo.id", "ip.src"] (per client IP) */
  readonly characteristics?: readonly string[];
  /** @default "block" */
  readonly action?: RateLimitAction;
}

export interface EdgeProtectionProps {
  /** Zone id (deployment config cloudflare.zoneId). */
  readonly zoneId: string;
  /** Managed WAF settings. @default {} (Cloudflare Managed Ruleset + OWASP PL1, medium, block) */
  readonly waf?: WafOptions;
  /** The API rate limit. @default {} (100 requests per minute per client on /api/) */
  readonly rateLimit?: ApiRateLimitOptions;
}

const REF = /^[a-z][a-z0-9_]{0,63}$/;
const zonePhases = new WeakMap<TerraformStack, Map<string, string>>();

export class EdgeProtection extends Construct {
  /** Entrypoint ruleset of phase `http_request_firewall_managed`. */
  readonly managedWaf: Ruleset;
  /** Entrypoint ruleset of phase `http_ratelimit`. */
  readonly rateLimits: Ruleset;

  private readonly fail: (prop: string, problem: string, fix: string) => never;
  private readonly rateRules: RulesetRules[] = [];

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    const fail = failer("EdgeProtection", this);
    this.fail = fail;
    if (!props.zoneId || props.zoneId.trim() === "") fail("zoneId", "is empty", "give the zone id (deployment config cloudflare.zoneId)");
    for (const phase of [WAF_MANAGED_PHASE, RATE_LIMIT_PHASE]) {
      const other = claim(zonePhases, this, `${props.zoneId}|${phase}`, this.node.path);
      if (other !== undefined) {
        fail("zoneId", `"${props.zoneId}" already has its ${phase} entrypoint ruleset in ${other}; Cloudflare allows one per zone and phase`, "use one EdgeProtection per zone and add rules to it (addRateLimit)");
      }
    }
    const name = logicalName(id);

    // --- managed WAF --------------------------------------------------------------------
    const waf = props.waf ?? {};
    const managed = waf.managedRuleset ?? "managed";
    if (managed !== "managed" && managed !== "free") fail("waf.managedRuleset", `is "${String(managed)}"`, "use \"managed\" (Pro and higher) or \"free\"");
    const expression = waf.expression ?? "true";
    if (expression.trim() === "") fail("waf.expression", "is empty", "leave it out to inspect every request, or give a rules-language expression");
    const wafRules: RulesetRules[] = [
      {
        ref: `bulwark_${managed === "managed" ? "cloudflare_managed" : "cloudflare_free_managed"}`,
        description: managed === "managed" ? "Cloudflare Managed Ruleset" : "Cloudflare Free Managed Ruleset",
        expression,
        action: "execute",
        actionParameters: { id: MANAGED_RULESET_IDS[managed] },
        enabled: true,
      },
    ];
    if (waf.owasp !== false) {
      const o = waf.owasp ?? {};
      const level = o.paranoiaLevel ?? 1;
      if (![1, 2, 3, 4].includes(level)) fail("waf.owasp.paranoiaLevel", `is ${level}`, "use 1, 2, 3 or 4");
      const sensitivity = o.sensitivity ?? "medium";
      if (!(sensitivity in OWASP_THRESHOLDS)) fail("waf.owasp.sensitivity", `is "${String(sensitivity)}"`, "use \"low\" (60), \"medium\" (40) or \"high\" (25)");
      const action = checkAction(fail, "waf.owasp.action", o.action ?? "block");
      const disabledLevels = [2, 3, 4].filter((l) => l > level).map((l) => ({ category: `paranoia-level-${l}`, enabled: false }));
      wafRules.push({
        ref: "bulwark_owasp_core",
        description: `Cloudflare OWASP Core Ruleset (PL${level}, ${sensitivity} sensitivity, ${action})`,
        expression,
        action: "execute",
        actionParameters: {
          id: MANAGED_RULESET_IDS.owasp,
          overrides: {
            categories: disabledLevels.length > 0 ? disabledLevels : undefined,
            rules: [{ id: OWASP_ANOMALY_RULE_ID, action, scoreThreshold: OWASP_THRESHOLDS[sensitivity], enabled: true }],
          },
        },
        enabled: true,
      });
    }
    this.managedWaf = new Ruleset(this, "managed-waf", {
      zoneId: props.zoneId,
      kind: "zone",
      phase: WAF_MANAGED_PHASE,
      name: "bulwark managed WAF",
      description: `Managed WAF entrypoint of the zone (EdgeProtection ${this.node.path})`,
      rules: wafRules,
    });
    this.managedWaf.overrideLogicalId(`${name}_managed_waf`);

    // --- API rate limit -----------------------------------------------------------------
    const rl = props.rateLimit ?? {};
    const rpm = rl.requestsPerMinute ?? 100;
    if (!Number.isInteger(rpm) || rpm < 1) fail("rateLimit.requestsPerMinute", `is ${rpm}`, "give a whole number of requests per minute >= 1 (default 100)");
    const prefixes = rl.pathPrefixes ?? ["/api/"];
    if (prefixes.length === 0) fail("rateLimit.pathPrefixes", "is empty", "give at least one path prefix such as \"/api/\"");
    for (const p of prefixes) {
      if (!p.startsWith("/") || /["\\\s]/.test(p)) fail("rateLimit.pathPrefixes", `holds "${p}"`, "write prefixes like \"/api/\" (leading slash, no quotes or spaces)");
    }
    for (const h of rl.hostnames ?? []) {
      if (!isDnsName(h)) fail("rateLimit.hostnames", `holds "${h}", which is not a lower-case DNS name`, "write hostnames like \"opac.example.org\"");
    }
    const period = rl.periodSeconds ?? 60;
    const paths = prefixes.map((p) => `starts_with(http.request.uri.path, "${p}")`).join(" or ");
    const hosts = rl.hostnames && rl.hostnames.length > 0 ? `http.host in {${rl.hostnames.map((h) => `"${h}"`).join(" ")}} and ` : "";
    this.rateLimits = new Ruleset(this, "rate-limit", {
      zoneId: props.zoneId,
      kind: "zone",
      phase: RATE_LIMIT_PHASE,
      name: "bulwark rate limits",
      description: `Rate-limiting entrypoint of the zone (EdgeProtection ${this.node.path})`,
      rules: [],
    });
    this.rateLimits.overrideLogicalId(`${name}_rate_limit`);
    this.addRateLimit({
      ref: "bulwark_api",
      description: `API: ${rpm} requests per minute per client`,
      expression: `${hosts}(${paths})`,
      requestsPerPeriod: Math.ceil((rpm * period) / 60),
      periodSeconds: period,
      mitigationTimeoutSeconds: rl.mitigationTimeoutSeconds,
      action: rl.action,
    }, "rateLimit");
  }

  /** Add a rate-limiting rule to the zone's single `http_ratelimit` ruleset. */
  addRateLimit(rule: RateLimitRule, propName = "addRateLimit"): this {
    const fail = (prop: string, problem: string, fix: string): never => this.fail(`${propName}${prop}`, problem, fix);
    if (!REF.test(rule.ref)) fail(".ref", `"${rule.ref}" is not a rule reference`, "use lower-case letters, digits and underscores, starting with a letter");
    if (this.rateRules.some((r) => r.ref === rule.ref)) fail(".ref", `"${rule.ref}" is used twice`, "give every rule its own ref");
    if (rule.expression.trim() === "") fail(".expression", "is empty", "give the rules-language expression of the requests to count");
    if (!Number.isInteger(rule.requestsPerPeriod) || rule.requestsPerPeriod < 1) {
      fail(".requestsPerPeriod", `is ${rule.requestsPerPeriod}`, "give a whole number >= 1");
    }
    const period = rule.periodSeconds ?? 60;
    if (!PERIODS.includes(period)) fail(".periodSeconds", `is ${period}`, `use one of ${PERIODS.join(", ")} seconds (Free: 10; Pro: up to 60)`);
    const action = checkAction(fail, ".action", rule.action ?? "block");
    // Challenges apply per request; Cloudflare wants no mitigation timeout for them.
    const challenge = action === "managed_challenge" || action === "js_challenge";
    const timeout = rule.mitigationTimeoutSeconds ?? (challenge ? 0 : period);
    if (challenge && timeout !== 0) fail(".mitigationTimeoutSeconds", `is ${timeout} with action "${action}"`, "leave it out (0) for challenge actions, or use action \"block\"");
    if (!challenge && (!MITIGATION_TIMEOUTS.includes(timeout) || timeout === 0)) {
      fail(".mitigationTimeoutSeconds", `is ${timeout}`, `use one of ${MITIGATION_TIMEOUTS.filter((t) => t > 0).join(", ")} seconds`);
    }
    const characteristics = [...(rule.characteristics ?? ["cf.colo.id", "ip.src"])];
    if (!characteristics.includes("cf.colo.id")) fail(".characteristics", "lacks \"cf.colo.id\"", "include \"cf.colo.id\" (Cloudflare requires it) plus what identifies a client, e.g. \"ip.src\"");
    this.rateRules.push({
      ref: rule.ref,
      description: rule.description,
      expression: rule.expression,
      action,
      ratelimit: {
        characteristics,
        period,
        requestsPerPeriod: rule.requestsPerPeriod,
        mitigationTimeout: timeout,
      },
      enabled: true,
    });
    this.rateLimits.putRules([...this.rateRules]);
    return this;
  }
}

function checkAction<A extends string>(fail: (prop: string, problem: string, fix: string) => never, prop: string, action: A): A {
  if (!["block", "managed_challenge", "js_challenge", "log"].includes(action)) {
    fail(prop, `is "${action}"`, "use \"block\", \"managed_challenge\", \"js_challenge\" or \"log\"");
  }
  return action;
}
