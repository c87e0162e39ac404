import { EdgeProtection } from "../../constructs/cloudflare/edge-protection";
import { synthStackJson } from "../../policy/testing";
import { ACCOUNT, ZONE, edgeTestStack, newGate, newTunnel } from "./edge-stack";

type Json = Record<string, any>;

function strip(body: Json): Json {
  const { ["//"]: _meta, ...rest } = body;
  return rest;
}

describe("AccessGate", () => {
  test("reusable allow policy from identities, IP ranges as a required list, break-glass policy and token", () => {
    const t = edgeTestStack();
    const gate = newGate(t, {
      allowedEmailDomains: ["example.org"],
      allowedEmails: ["oncall@partner.example"],
      identityProviderGroups: [
        { identityProviderId: "entra-idp", groups: ["3f1c0a52-5b1e-4c2f-9a51-0c1b2d3e4f50"] },
        { identityProviderId: "oidc-idp", groups: ["koha-staff"], kind: "oidc" },
      ],
      ipRanges: ["203.0.113.0/24", "2001:db8::/48"],
      sessionDuration: "4h",
      allowedIdentityProviders: ["entra-idp"],
    });
    newTunnel(t).addPublicService({ hostname: "staff.example.org", container: t.web, port: 8081, access: gate });
    new EdgeProtection(t.stack, "zone", { zoneId: ZONE });
    expect(t.stack).toPassPolicy();
    const res = synthStackJson(t.stack).resource as Json;

    expect(strip(res.cloudflare_zero_trust_access_policy.staff_access_allow)).toEqual({
      account_id: ACCOUNT,
      name: "staff-access: named identities",
      decision: "allow",
      include: [
        { email_domain: { domain: "example.org" } },
        { email: { email: "oncall@partner.example" } },
        { azure_ad: { id: "3f1c0a52-5b1e-4c2f-9a51-0c1b2d3e4f50", identity_provider_id: "entra-idp" } },
        { oidc: { claim_name: "groups", claim_value: "koha-staff", identity_provider_id: "oidc-idp" } },
      ],
      require: [{ ip_list: { id: "${cloudflare_zero_trust_list.staff_access_ip_ranges.id}" } }],
    });
    expect(strip(res.cloudflare_zero_trust_list.staff_access_ip_ranges)).toEqual({
      account_id: ACCOUNT,
      name: "staff-access allowed source ranges",
      description: "Source ranges required by Access gate staff-access (bulwark)",
      type: "IP",
      items: [{ value: "2001:db8::/48" }, { value: "203.0.113.0/24" }],
    });
    expect(strip(res.cloudflare_zero_trust_access_policy.staff_access_break_glass)).toEqual({
      account_id: ACCOUNT,
      name: "staff-access: break-glass service token",
      decision: "non_identity",
      include: [{ service_token: { token_id: "${cloudflare_zero_trust_access_service_token.staff_access_break_glass.id}" } }],
    });
    expect(strip(res.cloudflare_zero_trust_access_service_token.staff_access_break_glass)).toEqual({
      account_id: ACCOUNT,
      name: "staff-access break-glass (emergency only)",
      duration: "8760h",
    });
    expect(strip(res.cloudflare_zero_trust_access_application.staff_example_org)).toEqual({
      account_id: ACCOUNT,
      name: "staff.example.org",
      type: "self_hosted",
      domain: "staff.example.org",
      destinations: [{ type: "public", uri: "staff.example.org" }],
      session_duration: "4h",
      policies: [
        { id: "${cloudflare_zero_trust_access_policy.staff_access_allow.id}", precedence: 1 },
        { id: "${cloudflare_zero_trust_access_policy.staff_access_break_glass.id}", precedence: 2 },
      ],
      allowed_idps: ["entra-idp"],
      auto_redirect_to_identity: true,
      app_launcher_visible: true,
      http_only_cookie_attribute: true,
      same_site_cookie_attribute: "lax",
      service_auth_401_redirect: true,
    });
  });

  test("the break-glass credentials are sensitive outputs, and the secret is only referenced", () => {
    const t = edgeTestStack();
    newGate(t);
    const json: Json = synthStackJson(t.stack);
    expect(json.output.staff_access_break_glass_client_id).toMatchObject({
      value: "${cloudflare_zero_trust_access_service_token.staff_access_break_glass.client_id}",
      sensitive: true,
    });
    expect(json.output.staff_access_break_glass_client_secret).toMatchObject({
      value: "${cloudflare_zero_trust_access_service_token.staff_access_break_glass.client_secret}",
      sensitive: true,
    });
  });

  test("breakGlass: false leaves out token, policy and outputs; the application keeps the allow policy", () => {
    const t = edgeTestStack();
    const gate = newGate(t, { breakGlass: false });
    gate.protect("staff.example.org");
    const json: Json = synthStackJson(t.stack);
    expect(json.resource.cloudflare_zero_trust_access_service_token).toBeUndefined();
    expect(Object.keys(json.resource.cloudflare_zero_trust_access_policy)).toEqual(["staff_access_allow"]);
    expect(json.output).toBeUndefined();
    expect(json.resource.cloudflare_zero_trust_access_application.staff_example_org.policies).toEqual([
      { id: "${cloudflare_zero_trust_access_policy.staff_access_allow.id}", precedence: 1 },
    ]);
    expect(t.stack).toPassPolicy();
  });

  test("protect is idempotent per hostname and lists what it protects", () => {
    const t = edgeTestStack();
    const gate = newGate(t);
    const a = gate.protect("staff.example.org");
    expect(gate.protect("staff.example.org")).toBe(a);
    gate.protect("grafana.example.org");
    expect(gate.hostnames).toEqual(["staff.example.org", "grafana.example.org"]);
    expect(gate.applicationFor("staff.example.org")).toBe(a);
    expect(gate.applicationFor("opac.example.org")).toBeUndefined();
  });

  describe("synth-time errors", () => {
    const where = "AccessGate edge/staff-access";

    test("nobody named: Access must never allow everyone", () => {
      expect(() => newGate(edgeTestStack(), { allowedEmailDomains: [], ipRanges: ["203.0.113.0/24"] })).toThrow(
        `${where}: allowedEmailDomains/allowedEmails/identityProviderGroups are all empty, so nobody could sign in (and Access must never allow everyone). Fix: name who may pass: e-mail domains, addresses or identity-provider groups (deployment config cloudflare.access)`,
      );
    });

    test("malformed identities, ranges and durations", () => {
      expect(() => newGate(edgeTestStack(), { allowedEmailDomains: ["@example.org"] })).toThrow(
        `${where}: allowedEmailDomains holds "@example.org", which is not a lower-case domain. Fix: write domains like "example.org" (no @)`,
      );
      expect(() => newGate(edgeTestStack(), { allowedEmails: ["ops"] })).toThrow(`${where}: allowedEmails holds "ops", which is not an e-mail address`);
      expect(() => newGate(edgeTestStack(), { allowedEmails: ["a@example.org", "A@example.org"] })).toThrow(`${where}: allowedEmails lists "a@example.org" twice`);
      expect(() => newGate(edgeTestStack(), { ipRanges: ["203.0.113.0"] })).toThrow(
        `${where}: ipRanges holds "203.0.113.0", which is not a CIDR range. Fix: write ranges like "203.0.113.0/24" or "2001:db8::/48"`,
      );
      expect(() => newGate(edgeTestStack(), { ipRanges: ["203.0.113.0/33"] })).toThrow("is not a CIDR range");
      expect(() => newGate(edgeTestStack(), { ipRanges: ["300.0.113.0/24"] })).toThrow("is not a CIDR range");
      expect(() => newGate(edgeTestStack(), { sessionDuration: "8 hours" })).toThrow(`${where}: sessionDuration "8 hours" is not a duration`);
      expect(() => newGate(edgeTestStack(), { identityProviderGroups: [{ identityProviderId: "idp", groups: [] }] })).toThrow(
        `${where}: identityProviderGroups[0].groups is empty. Fix: name at least one group, or remove the entry`,
      );
      expect(() => newGate(edgeTestStack(), { teamName: "Example Team" })).toThrow(`${where}: teamName "Example Team" is not a Zero Trust team name`);
      expect(() => newGate(edgeTestStack(), { breakGlass: { duration: "1y" } })).toThrow(`${where}: breakGlass.duration "1y" is not a duration in hours`);
    });

    test("a protected hostname outside the domain, or protected by two gates", () => {
      const t = edgeTestStack();
      const gate = newGate(t);
      expect(() => gate.protect("staff.example.net")).toThrow(`${where}: protect("staff.example.net"): hostname "staff.example.net" is outside the zone's domain "example.org"`);
      gate.protect("staff.example.org");
      const other = newGate(t, {}, "ops-access");
      expect(() => other.protect("staff.example.org")).toThrow(
        'AccessGate edge/ops-access: protect("staff.example.org"): hostname "staff.example.org" is already protected by edge/staff-access. Fix: protect each hostname with one AccessGate (one Access application per hostname)',
      );
    });
  });
});
