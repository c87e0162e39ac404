/**
 * Cloudflare provider v4 resources read as their v5 equivalents, in one place, so that every CF
 * rule (written against cloudflare/cloudflare 5.x) judges configurations still on v4:
 *
 * | v4 | v5 | body |
 * |---|---|---|
 * | `cloudflare_tunnel` | `cloudflare_zero_trust_tunnel_cloudflared` | `secret` → `tunnel_secret` |
 * | `cloudflare_tunnel_config` | `cloudflare_zero_trust_tunnel_cloudflared_config` | `config { ingress_rule { … } }` → `config.ingress[…]` (`origin_request` blocks kept; the rules read both forms) |
 * | `cloudflare_record` | `cloudflare_dns_record` | `value` → `content` |
 * | `cloudflare_access_application` | `cloudflare_zero_trust_access_application` | unchanged, plus `policies` (below) |
 * | `cloudflare_access_policy` | `cloudflare_zero_trust_access_policy` | unchanged (`include { everyone = true }` reads as the v5 condition) |
 *
 * A v4 Access policy names its application (`application_id`); a v5 application lists its
 * policies. `linkV4AccessPolicies` adds to each application the v4 policies that name it, so
 * CF-006 sees them. The field names are those of the v4 provider documentation (4.x registry
 * docs, as read from memory of the schema; no provider can be downloaded here to check them).
 * The HCL reader (policy/hcl.ts) applies this mapping; reports keep the v4 addresses.
 */
import { blocks } from "../../stack-index";
import { ACCESS_APP, ACCESS_POLICY, DNS_RECORD, TUNNEL, TUNNEL_CONFIG } from "./util";

type Json = Record<string, unknown>;

/** v4 resource type → the v5 type the rules read. */
export const V4_TO_V5_TYPES: Readonly<Record<string, string>> = {
  cloudflare_tunnel: TUNNEL,
  cloudflare_tunnel_config: TUNNEL_CONFIG,
  cloudflare_record: DNS_RECORD,
  cloudflare_access_application: ACCESS_APP,
  cloudflare_access_policy: ACCESS_POLICY,
};

/** The v5 type of a resource type (itself when it is not a v4 name). */
export function v5Type(type: string): string {
  return Object.prototype.hasOwnProperty.call(V4_TO_V5_TYPES, type) ? V4_TO_V5_TYPES[type] : type;
}

/** A v4 body in the v5 shape (`type` is the v4 type); other types are returned as they are. */
export function v4BodyToV5(type: string, body: Json): Json {
  switch (type) {
    case "cloudflare_tunnel": {
      const { secret, ...rest } = body;
      return secret === undefined || "tunnel_secret" in rest ? body : { ...rest, tunnel_secret: secret };
    }
    case "cloudflare_tunnel_config": {
      if (body.config === undefined || typeof body.config === "string") return body;
      const config = blocks(body.config).map((c) => {
        const { ingress_rule, ...rest } = c;
        return ingress_rule === undefined ? c : { ...rest, ingress: blocks(ingress_rule) };
      });
      return { ...body, config: config[0] ?? {} };
    }
    case "cloudflare_record": {
      const { value, ...rest } = body;
      return value === undefined || "content" in rest ? body : { ...rest, content: value };
    }
    default:
      return body;
  }
}

/**
 * Add `policies = [{ id, precedence }]` to each Access application that v4 policies name by
 * `application_id` (`resource`: the document's resource section, already in v5 types; `v4Policies`:
 * the names, in that section, of the policies that were v4).
 */
export function linkV4AccessPolicies(resource: Json, v4Policies: ReadonlySet<string>): void {
  const policies = (resource[ACCESS_POLICY] ?? {}) as Json;
  const apps = (resource[ACCESS_APP] ?? {}) as Json;
  for (const name of v4Policies) {
    const body = policies[name] as Json | undefined;
    const appId = body?.application_id;
    if (typeof appId !== "string") continue;
    const m = new RegExp(`^\\$\\{\\s*${ACCESS_APP}\\.([\\w-]+)\\.id\\s*\\}$`).exec(appId);
    const app = m ? (apps[m[1]] as Json | undefined) : undefined;
    if (!app || typeof app.policies === "string") continue;
    const entry = { id: `\${${ACCESS_POLICY}.${name}.id}`, precedence: body!.precedence ?? 1 };
    app.policies = [...blocks(app.policies), entry];
  }
}
