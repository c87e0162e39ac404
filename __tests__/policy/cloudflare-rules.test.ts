import { ADMIN_HOST_LABELS } from "../../knowledge";
import { CATALOG } from "../../policy/catalog";
import { RULES } from "../../policy/rules/cloudflare";
import { findings, type Json } from "../helpers/policy";
import {
  CATCH_ALL, CONFIG, STAFF_APP, STAFF_AUD, TUNNEL, TUNNEL_REF, accessApp, cfStack, cname, config, ingress, ruleset, staffAccess, tunnel,
} from "./cloudflare-fixtures";

type Hit = [string, string, string];

/** [ruleId, severity, address] of one rule's findings. */
function got(json: Json, ruleId: string): Hit[] {
  return findings(json, ruleId).map((f) => [f.ruleId, f.severity, f.address]);
}

function messages(json: Json, ruleId: string): string[] {
  return findings(json, ruleId).map((f) => f.message);
}

const CF_IDS = ["CF-001", "CF-002", "CF-003", "CF-004", "CF-005", "CF-006", "CF-007", "CF-008", "CF-009", "CF-010", "CF-011"];
const RECORD_OPAC = "cloudflare_dns_record.opac";
const RECORD_STAFF = "cloudflare_dns_record.staff";
const UUID = "4a2b7c1e-9f3d-4e5a-8b6c-0d1e2f3a4b5c";

describe("cloudflare rules registry", () => {
  test("registers exactly the CF catalog ids, in id order", () => {
    expect(RULES.map((r) => r.meta.id)).toEqual(CF_IDS);
    expect(CATALOG.filter((m) => m.domain === "CF").map((m) => m.id)).toEqual(CF_IDS);
    expect(new Set(RULES.map((r) => r.meta.pack))).toEqual(new Set(["cloudflare-edge"]));
  });

  test("the compliant fixture passes every CF rule", () => {
    const all = findings(cfStack()).filter((f) => f.ruleId.startsWith("CF-"));
    expect(all.map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
  });
});

describe("CF-001 tunnel config not remotely managed", () => {
  test("compliant: config_src = cloudflare", () => {
    expect(got(cfStack(), "CF-001")).toEqual([]);
  });

  test("non-compliant: config_src omitted (defaults to local)", () => {
    const json = cfStack((r) => { r.tunnels.main = tunnel({ config_src: undefined }); });
    expect(got(json, "CF-001")).toEqual([["CF-001", "error", TUNNEL]]);
    expect(messages(json, "CF-001")[0]).toContain('config_src = "cloudflare"');
    expect(messages(json, "CF-001")[0]).toContain(CONFIG);
  });

  test("non-compliant: config_src = local", () => {
    const json = cfStack((r) => { r.tunnels.main = tunnel({ config_src: "local" }); });
    expect(got(json, "CF-001")).toEqual([["CF-001", "error", TUNNEL]]);
    expect(messages(json, "CF-001")[0]).toContain('"local"');
  });

  test("a locally managed tunnel without a config resource is not judged", () => {
    const json = cfStack((r) => {
      r.tunnels.other = tunnel({ config_src: "local" });
    });
    expect(got(json, "CF-001")).toEqual([]);
  });

  test("only the tunnel named by tunnel_id is judged", () => {
    const json = cfStack((r) => {
      r.tunnels.other = tunnel({ config_src: "local" });
      r.configs.main.tunnel_id = "${cloudflare_zero_trust_tunnel_cloudflared.other.id}";
    });
    expect(got(json, "CF-001")).toEqual([["CF-001", "error", "cloudflare_zero_trust_tunnel_cloudflared.other"]]);
  });

  test("an unresolvable config_src is unknown and not reported", () => {
    const json = cfStack((r) => { r.tunnels.main = tunnel({ config_src: "${var.config_src}" }); });
    expect(got(json, "CF-001")).toEqual([]);
  });
});

describe("CF-002 ingress without catch-all", () => {
  test("compliant: ends with http_status:404", () => {
    expect(got(cfStack(), "CF-002")).toEqual([]);
  });

  test.each<[string, Json]>([
    ["hostname empty", { hostname: "", service: "http_status:404" }],
    ["hostname null", { hostname: null, service: "http_status:503" }],
    ["hostname *", { hostname: "*", service: "http_status:404" }],
    ["path empty", { service: "http_status:410", path: "" }],
  ])("catch-all variant accepted: %s", (_name, last) => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org"), last]); });
    expect(got(json, "CF-002")).toEqual([]);
  });

  test("non-compliant: the last rule has a hostname", () => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org")]); });
    expect(got(json, "CF-002")).toEqual([["CF-002", "error", CONFIG]]);
    expect(messages(json, "CF-002")[0]).toContain('hostname = "opac.example.org"');
  });

  test("non-compliant: the last rule filters on a path", () => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org"), { path: "^/admin", service: "http_status:404" }]); });
    expect(got(json, "CF-002")).toEqual([["CF-002", "error", CONFIG]]);
    expect(messages(json, "CF-002")[0]).toContain("path");
  });

  test("non-compliant: the catch-all forwards to an origin instead of a status", () => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org"), { service: "http://koha:8080" }]); });
    expect(got(json, "CF-002")).toEqual([["CF-002", "error", CONFIG]]);
    expect(messages(json, "CF-002")[0]).toContain('"http://koha:8080"');
  });

  test.each<[string, Json]>([
    ["bad status", { service: "http_status:abc" }],
    ["no service", {}],
  ])("non-compliant catch-all service: %s", (_name, last) => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org"), last]); });
    expect(got(json, "CF-002")).toEqual([["CF-002", "error", CONFIG]]);
  });

  test("non-compliant: no ingress at all", () => {
    const json = cfStack((r) => {
      r.configs.main = { account_id: "x", tunnel_id: TUNNEL_REF, config: {} };
    });
    expect(got(json, "CF-002")).toEqual([["CF-002", "error", CONFIG]]);
  });

  test("an ingress list given as an expression is unknown and not reported", () => {
    const json = cfStack((r) => { r.configs.main = { account_id: "x", tunnel_id: TUNNEL_REF, config: { ingress: "${var.ingress}" } }; });
    expect(got(json, "CF-002")).toEqual([]);
  });
});

describe("CF-003 origin TLS verification disabled", () => {
  test("compliant: no_tls_verify absent or false", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org", { origin_request: { no_tls_verify: false } }), { ...CATCH_ALL }], { origin_request: { no_tls_verify: "false" } });
    });
    expect(got(json, "CF-003")).toEqual([]);
    expect(got(cfStack(), "CF-003")).toEqual([]);
  });

  test("non-compliant: global no_tls_verify", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org"), { ...CATCH_ALL }], { origin_request: { no_tls_verify: true } });
    });
    expect(got(json, "CF-003")).toEqual([["CF-003", "error", CONFIG]]);
    expect(messages(json, "CF-003")[0]).toContain("config.origin_request.no_tls_verify");
  });

  test("non-compliant: per-rule no_tls_verify as the string \"true\"", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org"), ingress("koha.example.org", { origin_request: { no_tls_verify: "true" } }), { ...CATCH_ALL }]);
    });
    expect(got(json, "CF-003")).toEqual([["CF-003", "error", CONFIG]]);
    expect(messages(json, "CF-003")[0]).toContain("ingress[1] (koha.example.org)");
  });

  test("global and per-rule are reported separately", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("opac.example.org", { origin_request: { no_tls_verify: true } }), { ...CATCH_ALL }], { origin_request: { no_tls_verify: true } });
    });
    expect(got(json, "CF-003")).toEqual([["CF-003", "error", CONFIG], ["CF-003", "error", CONFIG]]);
  });
});

describe("CF-004 tunnel hostname without proxied CNAME", () => {
  test("compliant: reference-based tunnel id in tunnel_id and CNAME content", () => {
    expect(got(cfStack(), "CF-004")).toEqual([]);
  });

  test("non-compliant: no record for a hostname", () => {
    const json = cfStack((r) => { delete r.records.opac; });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(messages(json, "CF-004")[0]).toContain('"opac.example.org" has no cloudflare_dns_record');
  });

  test("non-compliant: record not proxied", () => {
    const json = cfStack((r) => { r.records.opac = cname("opac.example.org", { proxied: false }); });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(messages(json, "CF-004")[0]).toContain("not proxied");
  });

  test("proxied as the string \"true\" counts", () => {
    const json = cfStack((r) => { r.records.opac = cname("opac.example.org", { proxied: "true" }); });
    expect(got(json, "CF-004")).toEqual([]);
  });

  test("non-compliant: short record name instead of the full hostname", () => {
    const json = cfStack((r) => { r.records.opac = cname("opac"); });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(messages(json, "CF-004")[0]).toContain("must be the full hostname");
  });

  test("non-compliant: an A record instead of a CNAME", () => {
    const json = cfStack((r) => { r.records.opac = cname("opac.example.org", { type: "A", content: "192.0.2.10" }); });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(messages(json, "CF-004")[0]).toContain("not a CNAME");
  });

  test("non-compliant: CNAME points at another tunnel", () => {
    const json = cfStack((r) => {
      r.tunnels.old = tunnel({ name: "old" });
      r.records.opac = cname("opac.example.org", { content: "${cloudflare_zero_trust_tunnel_cloudflared.old.id}.cfargotunnel.com" });
    });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(messages(json, "CF-004")[0]).toContain("not at this config's tunnel");
  });

  test("literal UUID tunnel ids compare literally (case-insensitive)", () => {
    const ok = cfStack((r) => {
      r.configs.main.tunnel_id = UUID;
      r.records.opac = cname("opac.example.org", { content: `${UUID.toUpperCase()}.cfargotunnel.com` });
      r.records.staff = cname("staff.example.org", { content: `${UUID}.cfargotunnel.com` });
    });
    expect(got(ok, "CF-004")).toEqual([]);
    const bad = cfStack((r) => {
      r.configs.main.tunnel_id = UUID;
      r.records.opac = cname("opac.example.org", { content: "00000000-0000-0000-0000-000000000000.cfargotunnel.com" });
      r.records.staff = cname("staff.example.org", { content: `${UUID}.cfargotunnel.com` });
    });
    expect(got(bad, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
  });

  test("a record name must equal the hostname string exactly", () => {
    const json = cfStack((r) => { r.records.opac = cname("opac.example.org."); });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
  });

  test("a hostname used on several path rules is reported once", () => {
    const json = cfStack((r) => {
      delete r.records.opac;
      r.configs.main = config([ingress("opac.example.org", { path: "^/api" }), ingress("opac.example.org"), { ...CATCH_ALL }]);
      delete r.records.staff;
    });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
  });

  test("reference hostname: matched by the same expression as the record name", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("${var.opac_host}"), { ...CATCH_ALL }]);
      r.records.opac = cname("${var.opac_host}");
    });
    expect(got(json, "CF-004")).toEqual([]);
  });

  test("reference hostname with no record of the same expression: info (cannot be checked before apply), never a warning", () => {
    const json = cfStack((r) => { r.configs.main = config([ingress("${var.opac_host}"), { ...CATCH_ALL }]); });
    expect(got(json, "CF-004")).toEqual([["CF-004", "info", CONFIG]]);
  });

  test("a hostname under an unknown zone with only a CNAME named relative to the zone: error (v5 drift), not 'cannot be checked'", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("http_app.${var.zone}"), { ...CATCH_ALL }]);
      r.records.http_app = cname("http_app");
    });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
    expect(findings(json, "CF-004")[0].message).toMatch(/named "http_app", relative to the zone: provider v5 stores the full name, so the record drifts on every plan\. Fix: set name = "http_app\.\$\{var\.zone\}"/);
    // Control: the record named with the same expression as the hostname satisfies CF-004.
    const good = cfStack((r) => {
      r.configs.main = config([ingress("http_app.${var.zone}"), { ...CATCH_ALL }]);
      r.records.http_app = cname("http_app.${var.zone}");
    });
    expect(got(good, "CF-004")).toEqual([]);
  });

  test("a reference hostname that resolves in the stack is checked as a literal", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("${cloudflare_dns_record.opac.name}"), { ...CATCH_ALL }]);
      r.records.opac = cname("opac.example.org", { proxied: false });
    });
    expect(got(json, "CF-004")).toEqual([["CF-004", "error", CONFIG]]);
  });
});

describe("CF-005 admin hostname without Access", () => {
  test("an admin-like first label with a variable domain is still admin-like (error without Access)", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("grafana.${var.domain}"), { ...CATCH_ALL }]);
      r.records.grafana = cname("grafana.${var.domain}");
    });
    expect(got(json, "CF-005")).toEqual([["CF-005", "error", CONFIG]]);
    expect(messages(json, "CF-005")[0]).toContain('Admin-like hostname "grafana.${var.domain}"');
  });

  test("an Access application whose domain is the same expression (or *.<same parent>) covers it", () => {
    for (const domain of ["grafana.${var.domain}", "*.${var.domain}"]) {
      const json = cfStack((r) => {
        r.configs.main = config([ingress("grafana.${var.domain}"), { ...CATCH_ALL }]);
        r.records.grafana = cname("grafana.${var.domain}");
        r.apps.grafana = accessApp(domain);
      });
      expect(got(json, "CF-005")).toEqual([]);
    }
  });

  test("compliant: staff is covered by an application destination; opac is not admin-like", () => {
    expect(got(cfStack(), "CF-005")).toEqual([]);
  });

  test("non-compliant: staff hostname with no Access application", () => {
    const json = cfStack((r) => { delete r.apps.staff; });
    // Served by the tunnel: reported once, on the config, not again on its DNS record.
    expect(got(json, "CF-005")).toEqual([["CF-005", "error", CONFIG]]);
    expect(messages(json, "CF-005")[0]).toContain('"staff.example.org"');
  });

  test("opac is not admin-like; matching is on the exact first label", () => {
    const json = cfStack((r) => {
      delete r.apps.staff;
      delete r.records.staff;
      r.configs.main = config([
        ingress("opac.example.org"), ingress("administrator.example.org"), ingress("staff-portal.example.org"),
        ingress("docs.admin.example.org"), { ...CATCH_ALL },
      ]);
    });
    expect(got(json, "CF-005")).toEqual([]);
  });

  test("every admin label of knowledge.ts is admin-like, case-insensitively", () => {
    for (const label of ADMIN_HOST_LABELS) {
      const json = cfStack((r) => {
        delete r.apps.staff;
        delete r.records.staff;
        r.configs.main = config([ingress(`${label.toUpperCase()}.example.org`), { ...CATCH_ALL }]);
      });
      expect(got(json, "CF-005")).toEqual([["CF-005", "error", CONFIG]]);
    }
  });

  test("wildcard application *.example.org covers staff.example.org", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("*.example.org"); });
    expect(got(json, "CF-005")).toEqual([]);
  });

  test("a wildcard covers only the parent domain's direct children", () => {
    const json = cfStack((r) => {
      r.apps.staff = accessApp("*.org");
      r.configs.main = config([ingress("grafana.ops.example.org"), ingress("staff.example.org"), { ...CATCH_ALL }]);
      r.apps.ops = accessApp("*.example.org");
    });
    // *.example.org covers staff.example.org but not grafana.ops.example.org; *.org covers neither.
    expect(got(json, "CF-005")).toEqual([["CF-005", "error", CONFIG]]);
    expect(messages(json, "CF-005")[0]).toContain("grafana.ops.example.org");
  });

  test("coverage through domain and self_hosted_domains", () => {
    const viaDomain = cfStack((r) => { r.apps.staff = accessApp("x", { destinations: undefined, domain: "staff.example.org" }); });
    expect(got(viaDomain, "CF-005")).toEqual([]);
    const viaSelfHosted = cfStack((r) => {
      r.apps.staff = accessApp("x", { destinations: undefined, self_hosted_domains: ["intranet.example.org", "STAFF.example.org"] });
    });
    expect(got(viaSelfHosted, "CF-005")).toEqual([]);
  });

  test("a destination of another application does not cover", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("opac.example.org"); });
    expect(got(json, "CF-005")).toEqual([["CF-005", "error", CONFIG]]);
  });

  test("a path-scoped application covers the host only partly: warning", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("staff.example.org/cgi-bin/koha/admin"); });
    expect(got(json, "CF-005")).toEqual([["CF-005", "warning", CONFIG]]);
    expect(messages(json, "CF-005")[0]).toContain("staff.example.org/cgi-bin/koha/admin");
  });

  test("a whole-host path (/*) counts as the host", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("staff.example.org/*"); });
    expect(got(json, "CF-005")).toEqual([]);
  });

  test("a DNS record with an admin-like name not served by a tunnel is reported on the record", () => {
    const json = cfStack((r) => {
      r.records.grafana = { zone_id: "${var.zone_id}", name: "grafana.example.org", type: "A", content: "192.0.2.10", proxied: true, ttl: 1 };
      r.records.txt = { zone_id: "${var.zone_id}", name: "admin.example.org", type: "TXT", content: "v=spf1 -all", ttl: 1 };
    });
    expect(got(json, "CF-005")).toEqual([["CF-005", "error", "cloudflare_dns_record.grafana"]]);
  });

  test("a short record name is qualified with its in-stack zone", () => {
    const record = { zone_id: "${cloudflare_zone.main.id}", name: "admin", type: "CNAME", content: "lb.example.net", proxied: true, ttl: 1 };
    const zone = { main: { account: { id: "${var.account_id}" }, name: "example.org" } };
    const covered = cfStack((r) => { r.records.admin = record; r.apps.admin = accessApp("admin.example.org"); });
    (covered.resource as Json).cloudflare_zone = zone;
    expect(got(covered, "CF-005")).toEqual([]);
    const open = cfStack((r) => { r.records.admin = record; });
    (open.resource as Json).cloudflare_zone = zone;
    expect(got(open, "CF-005")).toEqual([["CF-005", "error", "cloudflare_dns_record.admin"]]);
    expect(messages(open, "CF-005")[0]).toContain('"admin.example.org"');
  });

  test("hostnames that are unresolvable references are not classified", () => {
    const json = cfStack((r) => {
      delete r.apps.staff;
      r.configs.main = config([ingress("${var.staff_host}"), { ...CATCH_ALL }]);
      delete r.records.staff;
    });
    expect(got(json, "CF-005")).toEqual([]);
  });
});

describe("CF-006 Access application open to everyone", () => {
  test("compliant: an allow policy for an email domain", () => {
    expect(got(cfStack(), "CF-006")).toEqual([]);
  });

  test.each(["non_identity", "bypass"])("non-compliant: a %s policy that includes everyone lets every request through (error)", (decision) => {
    const json = cfStack((r) => { r.policies.staff = { ...r.policies.staff, decision, include: [{ everyone: {} }] }; });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
    expect(messages(json, "CF-006")[0]).toMatch(new RegExp(`decision "${decision}" and includes everyone: every request gets through without any login.*Fix: `));
  });

  test.each(["non_identity", "bypass"])("compliant: a %s policy limited to an ip range; a deny policy including everyone", (decision) => {
    expect(got(cfStack((r) => { r.policies.staff = { ...r.policies.staff, decision, include: [{ ip: { ip: "192.0.2.0/24" } }] }; }), "CF-006")).toEqual([]);
    expect(got(cfStack((r) => { r.policies.staff = { ...r.policies.staff, decision: "deny", include: [{ everyone: {} }] }; }), "CF-006")).toEqual([]);
  });

  test("non-compliant: no policies attribute", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("staff.example.org", { policies: undefined }); });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
    expect(messages(json, "CF-006")[0]).toContain("no policies");
  });

  test("non-compliant: empty policies list", () => {
    const json = cfStack((r) => { r.apps.staff = accessApp("staff.example.org", { policies: [] }); });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
  });

  test("non-compliant: referenced allow policy includes everyone", () => {
    const json = cfStack((r) => {
      r.policies.staff.include = [{ email_domain: { domain: "example.org" } }, { everyone: {} }];
    });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
    expect(messages(json, "CF-006")[0]).toContain("cloudflare_zero_trust_access_policy.staff");
  });

  test("non-compliant: inline allow policy with everyone (include as a single object)", () => {
    const json = cfStack((r) => {
      r.apps.staff = accessApp("staff.example.org", { policies: [{ name: "all", decision: "allow", include: { everyone: {} }, precedence: 1 }] });
    });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
  });

  test("a require list does not excuse an allow-everyone policy", () => {
    const json = cfStack((r) => {
      r.policies.staff.include = [{ everyone: {} }];
      r.policies.staff.require = [{ login_method: { id: "otp" } }];
    });
    expect(got(json, "CF-006")).toEqual([["CF-006", "error", STAFF_APP]]);
  });

  test("deny/bypass decisions with everyone are not allow policies", () => {
    const json = cfStack((r) => {
      r.policies.block = { account_id: "x", name: "block", decision: "deny", include: [{ everyone: {} }] };
      r.apps.staff.policies = [
        { id: "${cloudflare_zero_trust_access_policy.staff.id}", precedence: 1 },
        { id: "${cloudflare_zero_trust_access_policy.block.id}", precedence: 2 },
      ];
    });
    expect(got(json, "CF-006")).toEqual([]);
  });

  test("bookmark applications carry no policies", () => {
    const json = cfStack((r) => { r.apps.link = { account_id: "x", name: "docs", type: "bookmark", domain: "docs.example.org" }; });
    expect(got(json, "CF-006")).toEqual([]);
  });

  test("policies by literal id or as an expression are not judged", () => {
    const json = cfStack((r) => {
      r.apps.ext = accessApp("ext.example.org", { policies: [{ id: "f0e1d2c3-0000-4000-8000-000000000000", precedence: 1 }] });
      r.apps.expr = accessApp("expr.example.org", { policies: "${var.policies}" });
    });
    expect(got(json, "CF-006")).toEqual([]);
  });
});

describe("CF-007 literal tunnel secret", () => {
  test("compliant: no secret (remotely managed) or a variable", () => {
    expect(got(cfStack(), "CF-007")).toEqual([]);
    const json = cfStack((r) => { r.tunnels.main = tunnel({ tunnel_secret: "${var.tunnel_secret}" }); });
    expect(got(json, "CF-007")).toEqual([]);
    const random = cfStack((r) => { r.tunnels.main = tunnel({ tunnel_secret: "${random_bytes.tunnel.base64}" }); });
    expect(got(random, "CF-007")).toEqual([]);
  });

  test("non-compliant: literal secret, value not echoed", () => {
    const secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
    const json = cfStack((r) => { r.tunnels.main = tunnel({ tunnel_secret: secret }); });
    expect(got(json, "CF-007")).toEqual([["CF-007", "error", TUNNEL]]);
    expect(messages(json, "CF-007")[0]).not.toContain(secret);
  });

  test("non-compliant: an expression over literals only", () => {
    const json = cfStack((r) => { r.tunnels.main = tunnel({ tunnel_secret: '${base64encode("hunter2hunter2hunter2hunter2hunter2")}' }); });
    expect(got(json, "CF-007")).toEqual([["CF-007", "error", TUNNEL]]);
  });

  test("an empty secret is not a literal secret", () => {
    const json = cfStack((r) => { r.tunnels.main = tunnel({ tunnel_secret: "" }); });
    expect(got(json, "CF-007")).toEqual([]);
  });
});

describe("CF-008 zone without WAF or rate limiting", () => {
  test("compliant: both phases present for the tunnel zone", () => {
    expect(got(cfStack(), "CF-008")).toEqual([]);
  });

  test("non-compliant: no managed WAF ruleset (address: first tunnel CNAME of the zone)", () => {
    const json = cfStack((r) => { delete r.rulesets.waf; });
    expect(got(json, "CF-008")).toEqual([["CF-008", "warning", RECORD_OPAC]]);
    expect(messages(json, "CF-008")[0]).toContain("http_request_firewall_managed");
    expect(messages(json, "CF-008")[0]).toContain("opac.example.org, staff.example.org");
  });

  test("non-compliant: neither phase", () => {
    const json = cfStack((r) => { r.rulesets = {}; });
    expect(got(json, "CF-008")).toEqual([["CF-008", "warning", RECORD_OPAC], ["CF-008", "warning", RECORD_OPAC]]);
  });

  test("rulesets of another zone do not count", () => {
    const json = cfStack((r) => {
      r.rulesets = { waf: ruleset("http_request_firewall_managed", "${var.other_zone}"), ratelimit: ruleset("http_ratelimit") };
    });
    expect(got(json, "CF-008")).toEqual([["CF-008", "warning", RECORD_OPAC]]);
  });

  test("a ruleset with no rules does not count", () => {
    const json = cfStack((r) => { r.rulesets.ratelimit = ruleset("http_ratelimit", undefined, { rules: [] }); });
    expect(got(json, "CF-008")).toEqual([["CF-008", "warning", RECORD_OPAC]]);
    expect(messages(json, "CF-008")[0]).toContain("http_ratelimit");
  });

  test("literal zone ids, one finding set per zone", () => {
    const json = cfStack((r) => {
      r.records.opac = cname("opac.example.org", { zone_id: "zone-a" });
      r.records.staff = cname("staff.example.net", { zone_id: "zone-b" });
      r.configs.main = config([ingress("opac.example.org"), ingress("staff.example.net", { origin_request: { access: staffAccess() } }), { ...CATCH_ALL }]);
      r.apps.staff = accessApp("staff.example.net");
      r.rulesets = { waf: ruleset("http_request_firewall_managed", "zone-a"), rl: ruleset("http_ratelimit", "zone-a"), waf2: ruleset("http_request_firewall_managed", "zone-b") };
    });
    expect(got(json, "CF-008")).toEqual([["CF-008", "warning", RECORD_STAFF]]);
  });

  test("zones without tunnel hostnames are not judged", () => {
    const json = cfStack((r) => {
      r.records = { www: { zone_id: "${var.zone_id}", name: "www.example.org", type: "A", content: "192.0.2.1", proxied: true, ttl: 1 } };
      r.rulesets = {};
    });
    expect(got(json, "CF-008")).toEqual([]);
  });
});

describe("CF-009 Access token not validated at origin", () => {
  test("compliant: required with the application's aud", () => {
    expect(got(cfStack(), "CF-009")).toEqual([]);
  });

  test("a hostname given as an expression is covered by an application whose domain is the same expression", () => {
    const open = cfStack((r) => {
      r.configs.main = config([ingress("${var.staff_host}"), { ...CATCH_ALL }]);
      r.apps.staff = accessApp("${var.staff_host}");
    });
    expect(got(open, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
    expect(messages(open, "CF-009")[0]).toContain('"${var.staff_host}" is protected by Access (cloudflare_zero_trust_access_application.staff) but has no origin_request.access');
    const validated = cfStack((r) => {
      r.configs.main = config([ingress("${var.staff_host}", { origin_request: { access: staffAccess() } }), { ...CATCH_ALL }]);
      r.apps.staff = accessApp("${var.staff_host}");
    });
    expect(got(validated, "CF-009")).toEqual([]);
  });

  test("non-compliant: Access-protected rule without origin_request.access", () => {
    const json = cfStack((r) => { r.configs.main = config([ingress("opac.example.org"), ingress("staff.example.org"), { ...CATCH_ALL }]); });
    expect(got(json, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
    expect(messages(json, "CF-009")[0]).toContain("has no origin_request.access");
  });

  test("non-compliant: required false", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("staff.example.org", { origin_request: { access: staffAccess({ required: false }) } }), { ...CATCH_ALL }]);
    });
    expect(got(json, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
    expect(messages(json, "CF-009")[0]).toContain("access.required is false");
  });

  test("required as the string \"true\" counts", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("staff.example.org", { origin_request: { access: staffAccess({ required: "true" }) } }), { ...CATCH_ALL }]);
    });
    expect(got(json, "CF-009")).toEqual([]);
  });

  test("non-compliant: aud_tag of another application or a literal", () => {
    const other = cfStack((r) => {
      r.apps.opac = accessApp("opac.example.org");
      r.configs.main = config([ingress("staff.example.org", { origin_request: { access: staffAccess({ aud_tag: ["${cloudflare_zero_trust_access_application.opac.aud}"] }) } }), { ...CATCH_ALL }]);
    });
    expect(got(other, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
    expect(messages(other, "CF-009")[0]).toContain("does not reference the application's aud");
    const literal = cfStack((r) => {
      r.configs.main = config([ingress("staff.example.org", { origin_request: { access: staffAccess({ aud_tag: ["abc123"] }) } }), { ...CATCH_ALL }]);
    });
    expect(got(literal, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
  });

  test("config-level access is inherited by rules that set none", () => {
    const json = cfStack((r) => {
      r.configs.main = config([ingress("staff.example.org"), { ...CATCH_ALL }], { origin_request: { access: staffAccess() } });
    });
    expect(got(json, "CF-009")).toEqual([]);
  });

  test("a rule-level access replaces the config-level one", () => {
    const json = cfStack((r) => {
      r.configs.main = config(
        [ingress("staff.example.org", { origin_request: { access: { required: true, aud_tag: [], team_name: "library" } } }), { ...CATCH_ALL }],
        { origin_request: { access: staffAccess() } },
      );
    });
    expect(got(json, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
    expect(messages(json, "CF-009")[0]).toContain("aud_tag is empty");
  });

  test("wildcard coverage: the wildcard application's aud is expected", () => {
    const ok = cfStack((r) => {
      r.apps = { all: accessApp("*.example.org") };
      r.configs.main = config([
        ingress("staff.example.org", { origin_request: { access: staffAccess({ aud_tag: ["${cloudflare_zero_trust_access_application.all.aud}"] }) } }),
        { ...CATCH_ALL },
      ]);
    });
    expect(got(ok, "CF-009")).toEqual([]);
    const bad = cfStack((r) => {
      r.apps = { all: accessApp("*.example.org") };
      r.configs.main = config([ingress("staff.example.org", { origin_request: { access: staffAccess({ aud_tag: [STAFF_AUD] }) } }), { ...CATCH_ALL }]);
    });
    expect(got(bad, "CF-009")).toEqual([["CF-009", "warning", CONFIG]]);
  });

  test("hostnames not covered by Access are not judged", () => {
    const json = cfStack((r) => { delete r.apps.staff; r.configs.main = config([ingress("opac.example.org"), { ...CATCH_ALL }]); });
    expect(got(json, "CF-009")).toEqual([]);
  });
});
