import { RATE_LIMIT_PHASE, WAF_MANAGED_PHASE } from "../../../knowledge";
import { defineCollisionRule, describeClaim, stackScope } from "../collisions";
import { doc } from "../references";
import { RULESET, zoneKey, zoneLabel } from "./util";

/**
 * CF-010: Cloudflare keeps one entrypoint ruleset per zone and phase. A second
 * `cloudflare_ruleset` of kind "zone" for the same zone and phase, in the same stack or another,
 * fails to create, or (after an import) the two overwrite each other's rules on every apply.
 */
export const cf010 = defineCollisionRule({
  id: "CF-010",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Two entrypoint rulesets for one zone and phase",
  description: `Two \`cloudflare_ruleset\`s of kind "zone" of the run (in one stack or in several) are the entrypoint of the same zone and phase (\`${WAF_MANAGED_PHASE}\`, \`${RATE_LIMIT_PHASE}\`, …). Zones and phases that are unknown before apply are not compared; a variable zone id is compared within its stack only.`,
  fix: "Merge the rules into one `cloudflare_ruleset` per zone and phase, managed by one stack.",
  references: [doc("Cloudflare documentation: Ruleset Engine, entry point rulesets", "https://developers.cloudflare.com/ruleset-engine/about/rulesets/#entry-point-ruleset")],
  types: [RULESET],
  claims(res, index) {
    const kind = index.resolveString(res.body.kind);
    if (kind === null || kind.trim().toLowerCase() !== "zone") return null;
    const phase = index.resolveString(res.body.phase)?.trim().toLowerCase();
    const zone = phase ? zoneKey(res.body.zone_id, index, stackScope(index)) : null;
    if (!phase || zone === null) return null;
    return { space: zone.key, name: phase, address: res.address, constructPath: res.constructPath };
  },
  message(later, first) {
    return `${describeClaim(later)} and ${describeClaim(first)} are both the entrypoint ruleset of ${zoneLabel(later.space)} in phase ${later.name}, and Cloudflare keeps one entrypoint ruleset per zone and phase: one fails to create or they overwrite each other's rules. Fix: merge their rules into one cloudflare_ruleset for this zone and phase, managed by one stack.`;
  },
});
