import { EdgeProtection, MANAGED_RULESET_IDS, OWASP_ANOMALY_RULE_ID } from "../../constructs/cloudflare/edge-protection";
import { synthStackJson } from "../../policy/testing";
import { ZONE, edgeTestStack, newTunnel } from "./edge-stack";

type Json = Record<string, any>;

function rulesets(protection: (stack: ReturnType<typeof edgeTestStack>["stack"]) => void): Json {
  const t = edgeTestStack();
  protection(t.stack);
  return (synthStackJson(t.stack) as Json).resource.cloudflare_ruleset;
}

describe("EdgeProtection", () => {
  test("managed ruleset ids are Cloudflare's published ids", () => {
    expect(MANAGED_RULESET_IDS).toEqual({
      managed: "efb7b8c949ac4650a09736fc376e9aee",
      free: "77454fe2d30c4220b5701f6fdfb893ba",
      owasp: "4814384a9e5d4991b9815dcfc25d2f1f",
    });
    expect(OWASP_ANOMALY_RULE_ID).toBe("6179ae15870a4bb7b2d480d4843b323c");
  });

  test("defaults: one managed-WAF and one rate-limit entrypoint for the zone; 100/min per client on /api/", () => {
    const rs = rulesets((s) => new EdgeProtection(s, "zone", { zoneId: ZONE }));
    expect(Object.keys(rs)).toEqual(["zone_managed_waf", "zone_rate_limit"]);
    expect(rs.zone_managed_waf).toMatchObject({ zone_id: ZONE, kind: "zone", phase: "http_request_firewall_managed" });
    expect(rs.zone_managed_waf.rules).toEqual([
      {
        ref: "bulwark_cloudflare_managed",
        description: "Cloudflare Managed Ruleset",
        expression: "true",
        action: "execute",
        action_parameters: { id: "efb7b8c949ac4650a09736fc376e9aee" },
        enabled: true,
      },
      {
        ref: "bulwark_owasp_core",
        description: "Cloudflare OWASP Core Ruleset (PL1, medium sensitivity, block)",
        expression: "true",
        action: "execute",
        action_parameters: {
          id: "4814384a9e5d4991b9815dcfc25d2f1f",
          overrides: {
            categories: [
              { category: "paranoia-level-2", enabled: false },
              { category: "paranoia-level-3", enabled: false },
              { category: "paranoia-level-4", enabled: false },
            ],
            rules: [{ id: "6179ae15870a4bb7b2d480d4843b323c", action: "block", score_threshold: 40, enabled: true }],
          },
        },
        enabled: true,
      },
    ]);
    expect(rs.zone_rate_limit).toMatchObject({ zone_id: ZONE, kind: "zone", phase: "http_ratelimit" });
    expect(rs.zone_rate_limit.rules).toEqual([
      {
        ref: "bulwark_api",
        description: "API: 100 requests per minute per client",
        expression: '(starts_with(http.request.uri.path, "/api/"))',
        action: "block",
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 60, requests_per_period: 100, mitigation_timeout: 60 },
        enabled: true,
      },
    ]);
  });

  test("Free plan settings: free managed ruleset, no OWASP, 10-second period scaled from the per-minute rate", () => {
    const rs = rulesets((s) =>
      new EdgeProtection(s, "zone", {
        zoneId: ZONE,
        waf: { managedRuleset: "free", owasp: false },
        rateLimit: { requestsPerMinute: 100, periodSeconds: 10, mitigationTimeoutSeconds: 10 },
      }),
    );
    expect(rs.zone_managed_waf.rules).toEqual([
      {
        ref: "bulwark_cloudflare_free_managed",
        description: "Cloudflare Free Managed Ruleset",
        expression: "true",
        action: "execute",
        action_parameters: { id: "77454fe2d30c4220b5701f6fdfb893ba" },
        enabled: true,
      },
    ]);
    expect(rs.zone_rate_limit.rules[0].ratelimit).toEqual({ characteristics: ["cf.colo.id", "ip.src"], period: 10, requests_per_period: 17, mitigation_timeout: 10 });
  });

  test("configurable: OWASP level and sensitivity, API prefixes and hosts, a challenge action, an added rule", () => {
    const rs = rulesets((s) =>
      new EdgeProtection(s, "zone", {
        zoneId: ZONE,
        waf: { owasp: { paranoiaLevel: 3, sensitivity: "high", action: "managed_challenge" } },
        rateLimit: { requestsPerMinute: 30, pathPrefixes: ["/api/", "/cgi-bin/koha/svc/"], hostnames: ["opac.example.org", "staff.example.org"], action: "managed_challenge" },
      }).addRateLimit({
        ref: "koha_opac_login",
        description: "OPAC login: 10 per minute per client",
        expression: 'http.request.uri.path eq "/cgi-bin/koha/opac-user.pl"',
        requestsPerPeriod: 10,
      }),
    );
    expect(rs.zone_managed_waf.rules[1].action_parameters.overrides).toEqual({
      categories: [{ category: "paranoia-level-4", enabled: false }],
      rules: [{ id: OWASP_ANOMALY_RULE_ID, action: "managed_challenge", score_threshold: 25, enabled: true }],
    });
    expect(rs.zone_rate_limit.rules).toEqual([
      {
        ref: "bulwark_api",
        description: "API: 30 requests per minute per client",
        expression: 'http.host in {"opac.example.org" "staff.example.org"} and (starts_with(http.request.uri.path, "/api/") or starts_with(http.request.uri.path, "/cgi-bin/koha/svc/"))',
        action: "managed_challenge",
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 60, requests_per_period: 30, mitigation_timeout: 0 },
        enabled: true,
      },
      {
        ref: "koha_opac_login",
        description: "OPAC login: 10 per minute per client",
        expression: 'http.request.uri.path eq "/cgi-bin/koha/opac-user.pl"',
        action: "block",
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 60, requests_per_period: 10, mitigation_timeout: 60 },
        enabled: true,
      },
    ]);
  });

  test("with a tunnel in the zone and no EdgeProtection, CF-008 warns; with it, nothing", () => {
    const t = edgeTestStack();
    newTunnel(t).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 });
    expect(t.stack).toViolate("CF-008", "cloudflare_dns_record.opac_example_org");
    const u = edgeTestStack();
    newTunnel(u).addPublicService({ hostname: "opac.example.org", container: u.web, port: 8080 });
    new EdgeProtection(u.stack, "zone", { zoneId: ZONE });
    expect(u.stack).not.toViolate("CF-008");
    expect(u.stack).toPassPolicy();
  });

  describe("synth-time errors", () => {
    const where = "EdgeProtection edge/zone";

    test("a second EdgeProtection for the same zone (one entrypoint ruleset per zone and phase)", () => {
      const t = edgeTestStack();
      new EdgeProtection(t.stack, "zone", { zoneId: ZONE });
      expect(() => new EdgeProtection(t.stack, "zone-again", { zoneId: ZONE })).toThrow(
        `EdgeProtection edge/zone-again: zoneId "${ZONE}" already has its http_request_firewall_managed entrypoint ruleset in edge/zone; Cloudflare allows one per zone and phase. Fix: use one EdgeProtection per zone and add rules to it (addRateLimit)`,
      );
    });

    test("bad rate-limit settings", () => {
      const build = (rateLimit: Json) => () => new EdgeProtection(edgeTestStack().stack, "zone", { zoneId: ZONE, rateLimit });
      expect(build({ requestsPerMinute: 0 })).toThrow(`${where}: rateLimit.requestsPerMinute is 0. Fix: give a whole number of requests per minute >= 1 (default 100)`);
      expect(build({ periodSeconds: 30 })).toThrow(`${where}: rateLimit.periodSeconds is 30. Fix: use one of 10, 60, 120, 300, 600, 3600 seconds (Free: 10; Pro: up to 60)`);
      expect(build({ pathPrefixes: ["api"] })).toThrow(`${where}: rateLimit.pathPrefixes holds "api"`);
      expect(build({ pathPrefixes: [] })).toThrow(`${where}: rateLimit.pathPrefixes is empty`);
      expect(build({ hostnames: ["Opac.example.org"] })).toThrow(`${where}: rateLimit.hostnames holds "Opac.example.org", which is not a lower-case DNS name`);
      expect(build({ mitigationTimeoutSeconds: 45 })).toThrow(`${where}: rateLimit.mitigationTimeoutSeconds is 45`);
      expect(build({ action: "js_challenge", mitigationTimeoutSeconds: 60 })).toThrow(
        `${where}: rateLimit.mitigationTimeoutSeconds is 60 with action "js_challenge". Fix: leave it out (0) for challenge actions, or use action "block"`,
      );
      expect(build({ action: "allow" })).toThrow(`${where}: rateLimit.action is "allow"`);
    });

    test("bad WAF settings and added rules", () => {
      const t = edgeTestStack();
      expect(() => new EdgeProtection(t.stack, "zone", { zoneId: ZONE, waf: { owasp: { paranoiaLevel: 5 as 1 } } })).toThrow(`${where}: waf.owasp.paranoiaLevel is 5. Fix: use 1, 2, 3 or 4`);
      const p = new EdgeProtection(edgeTestStack().stack, "zone", { zoneId: ZONE });
      expect(() => p.addRateLimit({ ref: "bulwark_api", description: "x", expression: "true", requestsPerPeriod: 5 })).toThrow(`${where}: addRateLimit.ref "bulwark_api" is used twice`);
      expect(() => p.addRateLimit({ ref: "login", description: "x", expression: "true", requestsPerPeriod: 5, characteristics: ["ip.src"] })).toThrow(
        `${where}: addRateLimit.characteristics lacks "cf.colo.id"`,
      );
      expect(() => p.addRateLimit({ ref: "Login", description: "x", expression: "true", requestsPerPeriod: 5 })).toThrow(`${where}: addRateLimit.ref "Login" is not a rule reference`);
      expect(() => new EdgeProtection(edgeTestStack().stack, "zone", { zoneId: "" })).toThrow(`${where}: zoneId is empty`);
    });
  });
});
