import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import type { RuleResult, StackIndex } from "../../types";
import { TUNNEL_CONFIG, blocks, coveringApps, hostKey, isTrue, matchesAllHosts, tunnelConfigView, type Coverage } from "./util";

/**
 * CF-009: behind Access, cloudflared should still validate the Access JWT at the origin
 * (`origin_request.access = { required = true, aud_tag = [<app aud>], team_name }`), so that a
 * request reaching the tunnel without passing Access is refused.
 *
 * The effective `access` is the ingress rule's own, else the config-level default (cloudflared
 * replaces, not merges, the access block). `aud_tag` must reference the `aud` of one of the
 * applications covering the hostname (`${cloudflare_zero_trust_access_application.x.aud}`); a
 * literal aud cannot be matched to an in-stack application and does not count. Values given as
 * unresolvable `${…}` expressions are unknown and not reported; a hostname given as one is covered
 * by an application whose domain is the same expression (util.ts `hostKey`).
 */
export const cf009 = defineResourceRule({
  id: "CF-009",
  severity: "warning",
  pack: "cloudflare-edge",
  title: "Access token not validated at origin",
  description: "An ingress hostname behind Access does not validate the Access token at the origin: `origin_request.access` lacks `required = true` or an `aud_tag` referencing the covering application's `aud`.",
  fix: "Set `origin_request.access = { required = true, aud_tag = [<app aud>], team_name = … }`.",
  references: [doc("Cloudflare documentation: Validate the Access token (JWT)", "https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/")],
  types: [TUNNEL_CONFIG],
  check(res, index) {
    const view = tunnelConfigView(res);
    const fallback = view.originRequest?.access;
    const out: RuleResult[] = [];
    for (const rule of view.ingress ?? []) {
      if (matchesAllHosts(rule.body.hostname)) continue;
      // A hostname not known before apply is matched by expression (an Access domain written the same way covers it).
      const host = hostKey(rule.body.hostname, index);
      if (!host) continue;
      const apps = coveringApps(host, index);
      if (apps.length === 0) continue;
      const own = rule.originRequest?.access;
      const inherited = own === undefined || own === null;
      const raw = inherited ? fallback : own;
      if (typeof raw === "string" && index.isReference(raw)) continue;
      const access = blocks(raw)[0];
      const problem = access === undefined ? "has no origin_request.access" : whatIsWrong(access, inherited, apps, index);
      if (problem === null) continue;
      const app = apps[0].app.address;
      out.push({
        address: res.address,
        message: `Tunnel config ${res.address}: ingress[${rule.position}] "${host}" is protected by Access (${apps.map((a) => a.app.address).join(", ")}) but ${problem}, so requests that bypass Access reach the origin unchecked. Fix: set origin_request.access = { required = true, aud_tag = [\${${app}.aud}], team_name = "<team>" } on the rule.`,
      });
    }
    return out;
  },
});

function whatIsWrong(access: Readonly<Record<string, unknown>>, inherited: boolean, apps: readonly Coverage[], index: StackIndex): string | null {
  const problems: string[] = [];
  const required = access.required;
  if (!isTrue(required) && !(typeof required === "string" && index.isReference(required))) {
    problems.push(`access.required is ${required === undefined ? "not set" : JSON.stringify(required)}`);
  }
  const tags = access.aud_tag;
  if (!(typeof tags === "string" && index.isReference(tags))) {
    const wanted = new Set(apps.map((a) => a.app.address));
    const list = Array.isArray(tags) ? tags : [];
    const matches = list.some((t) => index.referencesIn(t).some((r) => r.attribute === "aud" && wanted.has(r.address)));
    if (!matches) problems.push(list.length === 0 ? "access.aud_tag is empty" : "access.aud_tag does not reference the application's aud");
  }
  if (problems.length === 0) return null;
  return (inherited ? "(inherited from config.origin_request) " : "") + problems.join(" and ");
}
