/**
 * Hand-written cloudflare/cloudflare 5.14 Terraform JSON for the CF rule tests, shaped as cdktf
 * synthesizes it (snake_case, nested settings as plain objects/lists, references as `${…}`).
 *
 * `cfStack()` is a stack that passes every CF rule: a remotely managed tunnel serving a public
 * catalogue (`opac.example.org`) and an Access-protected staff interface (`staff.example.org`),
 * proxied CNAMEs, an allow policy for one email domain, and WAF + rate-limit rulesets. Each call
 * returns fresh objects, so a test may mutate what it gets through `cf` accessors.
 */
import type { Json } from "../helpers/policy";

export const TUNNEL_REF = "${cloudflare_zero_trust_tunnel_cloudflared.main.id}";
export const TUNNEL_TARGET = `${TUNNEL_REF}.cfargotunnel.com`;
export const ZONE = "${var.zone_id}";
export const STAFF_AUD = "${cloudflare_zero_trust_access_application.staff.aud}";

export const TUNNEL = "cloudflare_zero_trust_tunnel_cloudflared.main";
export const CONFIG = "cloudflare_zero_trust_tunnel_cloudflared_config.main";
export const STAFF_APP = "cloudflare_zero_trust_access_application.staff";

export interface CfResources {
  tunnels: Record<string, Json>;
  configs: Record<string, Json>;
  records: Record<string, Json>;
  apps: Record<string, Json>;
  policies: Record<string, Json>;
  rulesets: Record<string, Json>;
}

export function tunnel(overrides: Json = {}): Json {
  return { account_id: "${var.account_id}", name: "koha", config_src: "cloudflare", ...overrides };
}

export function cname(name: string, overrides: Json = {}): Json {
  return { zone_id: ZONE, name, type: "CNAME", content: TUNNEL_TARGET, proxied: true, ttl: 1, ...overrides };
}

export function staffAccess(overrides: Json = {}): Json {
  return { required: true, aud_tag: [STAFF_AUD], team_name: "library", ...overrides };
}

export function ingress(hostname: string, overrides: Json = {}): Json {
  return { hostname, service: "http://koha:8080", ...overrides };
}

export const CATCH_ALL: Readonly<Json> = { service: "http_status:404" };

/** A tunnel config body whose ingress is the given rules. */
export function config(rules: Json[], extra: Json = {}): Json {
  return { account_id: "${var.account_id}", tunnel_id: TUNNEL_REF, config: { ingress: rules, ...extra } };
}

export function accessApp(uri: string, overrides: Json = {}): Json {
  return {
    account_id: "${var.account_id}",
    name: uri,
    type: "self_hosted",
    destinations: [{ type: "public", uri }],
    policies: [{ id: "${cloudflare_zero_trust_access_policy.staff.id}", precedence: 1 }],
    ...overrides,
  };
}

export function ruleset(phase: string, zone = ZONE, overrides: Json = {}): Json {
  return {
    zone_id: zone,
    name: phase,
    kind: "zone",
    phase,
    rules: [{ action: phase === "http_ratelimit" ? "block" : "execute", expression: "true", enabled: true }],
    ...overrides,
  };
}

/** The parts of the compliant stack, fresh on every call. */
export function cfResources(): CfResources {
  return {
    tunnels: { main: tunnel() },
    configs: {
      main: config([
        ingress("opac.example.org"),
        ingress("staff.example.org", { service: "http://koha:8081", origin_request: { access: staffAccess() } }),
        { ...CATCH_ALL },
      ]),
    },
    records: { opac: cname("opac.example.org"), staff: cname("staff.example.org") },
    apps: { staff: accessApp("staff.example.org") },
    policies: {
      staff: {
        account_id: "${var.account_id}",
        name: "library staff",
        decision: "allow",
        include: [{ email_domain: { domain: "example.org" } }],
      },
    },
    rulesets: {
      waf: ruleset("http_request_firewall_managed"),
      ratelimit: ruleset("http_ratelimit"),
    },
  };
}

/** Terraform JSON of the resources (empty groups left out), with the cloudflare 5.14.0 pin. */
export function cfJson(r: CfResources): Json {
  const resource: Json = {};
  const put = (type: string, group: Record<string, Json>) => {
    if (Object.keys(group).length > 0) resource[type] = group;
  };
  put("cloudflare_zero_trust_tunnel_cloudflared", r.tunnels);
  put("cloudflare_zero_trust_tunnel_cloudflared_config", r.configs);
  put("cloudflare_dns_record", r.records);
  put("cloudflare_zero_trust_access_application", r.apps);
  put("cloudflare_zero_trust_access_policy", r.policies);
  put("cloudflare_ruleset", r.rulesets);
  return {
    terraform: { required_providers: { cloudflare: { source: "cloudflare/cloudflare", version: "5.14.0" } } },
    variable: {
      account_id: { type: "string" },
      zone_id: { type: "string" },
    },
    resource,
  };
}

/** The compliant stack, after an optional change to its parts. */
export function cfStack(change: (r: CfResources) => void = () => undefined): Json {
  const r = cfResources();
  change(r);
  return cfJson(r);
}
