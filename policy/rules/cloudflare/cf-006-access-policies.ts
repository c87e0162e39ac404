import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import type { RuleResult } from "../../types";
import { ACCESS_APP, ACCESS_POLICY, blocks, hasCondition, type Json } from "./util";

// Application types that carry no policies of their own (a bookmark is only a launcher tile).
const POLICY_LESS_TYPES = new Set(["bookmark"]);

/**
 * CF-006: an Access application must have at least one policy, and no `allow` policy may include
 * `everyone` (that lets any identity with a one-time PIN in). A `non_identity` or `bypass` policy
 * that includes `everyone` is worse: it lets every request through without any login (Cloudflare
 * documents `bypass` as turning Access off for the matching requests, and `non_identity` as
 * deciding on non-identity attributes only, which `everyone` always satisfies). Policies are read both as reusable
 * `cloudflare_zero_trust_access_policy` resources referenced from `policies[].id` and inline in
 * `policies[]`. A `require` list does not excuse it: login-method or MFA requirements still admit
 * any identity. Policies referenced by a literal id (managed
 * outside the stack) and a `policies` list given as a `${…}` expression are unknown and not judged.
 */
export const cf006 = defineResourceRule({
  id: "CF-006",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Access application open to everyone",
  description: "An Access application has no policy, or an `allow`, `non_identity` or `bypass` policy that includes `everyone`.",
  fix: "Attach policies that allow only named identities, groups or ranges.",
  references: [doc("Cloudflare documentation: Access policies", "https://developers.cloudflare.com/cloudflare-one/policies/access/")],
  types: [ACCESS_APP],
  check(res, index) {
    const policies = res.body.policies;
    if (typeof policies === "string" && index.isReference(policies)) return [];
    const type = typeof res.body.type === "string" ? res.body.type.trim().toLowerCase() : "self_hosted";
    const entries = blocks(policies);
    if (entries.length === 0) {
      if (POLICY_LESS_TYPES.has(type)) return [];
      return [{
        address: res.address,
        message: `Access application ${res.address} has no policies, so it protects nothing as intended. Fix: attach policies = [{ id = cloudflare_zero_trust_access_policy.<name>.id, precedence = 1 }] that allow only named identities, groups or ranges.`,
      }];
    }
    const out: RuleResult[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const ref = index.referencesIn(entry.id).find((r) => r.address.startsWith(`${ACCESS_POLICY}.`));
      const target = ref ? index.byAddress(ref.address) : undefined;
      const [policy, name] = target ? [target.body as Json, target.address] : [entry, "an inline policy"];
      if (seen.has(name) && target) continue;
      seen.add(name);
      const decision = everyoneDecision(policy);
      if (decision === "allow") {
        out.push({
          address: res.address,
          message: `Access application ${res.address} is attached to ${name}, which has decision "allow" and includes everyone: any person who can receive a login code gets in. Fix: replace the everyone include with email, email_domain, group or ip conditions.`,
        });
      } else if (decision !== null) {
        out.push({
          address: res.address,
          message: `Access application ${res.address} is attached to ${name}, which has decision "${decision}" and includes everyone: every request gets through without any login (${decision === "bypass" ? "bypass turns Access off for the requests it matches" : "non_identity decides without identity, and everyone always matches"}). Fix: include only service tokens or ip ranges you trust in the ${decision} policy, or make it an allow policy for named identities.`,
        });
      }
    }
    return out;
  },
});

/** Decisions that let the requests a policy includes through. */
const ADMITTING = new Set(["allow", "non_identity", "bypass"]);

/** The policy's decision when it admits requests and includes everyone, else null. */
function everyoneDecision(policy: Json): string | null {
  const decision = typeof policy.decision === "string" ? policy.decision.trim().toLowerCase() : "";
  if (!ADMITTING.has(decision)) return null;
  return hasCondition(policy.include, "everyone") ? decision : null;
}
