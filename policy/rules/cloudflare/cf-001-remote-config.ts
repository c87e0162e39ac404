import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { TUNNEL, TUNNEL_CONFIG, show } from "./util";

/**
 * CF-001: a tunnel whose ingress is managed by a `cloudflare_zero_trust_tunnel_cloudflared_config`
 * must be created with `config_src = "cloudflare"`; 5.14 defaults to "local", where the remote
 * config is ignored by cloudflared, and switching later replaces the tunnel.
 *
 * Only tunnels referenced from a config's `tunnel_id` are judged. A `config_src` that is an
 * unresolvable reference (`${var.x}`) is unknown and not reported.
 */
export const cf001 = defineResourceRule({
  id: "CF-001",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Tunnel config not remotely managed",
  description: "A tunnel whose ingress is managed by a `cloudflare_zero_trust_tunnel_cloudflared_config` is not created with `config_src = \"cloudflare\"`, so cloudflared ignores the remote configuration.",
  fix: "Set `config_src = \"cloudflare\"` on the tunnel (at creation).",
  references: [doc("Terraform registry: cloudflare/cloudflare zero_trust_tunnel_cloudflared (config_src)", "https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs/resources/zero_trust_tunnel_cloudflared")],
  types: [TUNNEL],
  check(res, index) {
    // Scanning the (few) configs directly is cheaper than building the stack's reverse index.
    const configs = index
      .byType(TUNNEL_CONFIG)
      .filter((c) => index.referencesIn(c.body.tunnel_id).some((r) => r.address === res.address));
    if (configs.length === 0) return [];
    const raw = res.body.config_src;
    if (raw === undefined || raw === null) {
      return [{
        address: res.address,
        message: `Tunnel ${res.address} is configured by ${configs[0].address} but omits config_src, which defaults to "local": cloudflared ignores the remote ingress. Fix: set config_src = "cloudflare" (changing it later replaces the tunnel).`,
      }];
    }
    const value = index.resolveString(raw);
    if (value === null || value.trim().toLowerCase() === "cloudflare") return [];
    return [{
      address: res.address,
      message: `Tunnel ${res.address} is configured by ${configs[0].address} but has config_src = ${show(raw)}: cloudflared ignores the remote ingress. Fix: set config_src = "cloudflare" (changing it later replaces the tunnel).`,
    }];
  },
});
