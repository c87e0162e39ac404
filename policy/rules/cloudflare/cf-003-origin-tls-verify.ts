import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import type { RuleResult } from "../../types";
import { TUNNEL_CONFIG, isTrue, tunnelConfigView } from "./util";

const FIX = "Fix: remove no_tls_verify and give the origin a certificate cloudflared trusts (origin_request.ca_pool / origin_server_name).";

/**
 * CF-003: `origin_request.no_tls_verify = true` turns off certificate checks between cloudflared
 * and the origin. Reported once per place it is set (config-level default and each ingress rule),
 * all on the config resource. String "true" counts; references are unknown and not reported.
 */
export const cf003 = defineResourceRule({
  id: "CF-003",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Origin TLS verification disabled",
  description: "`origin_request.no_tls_verify = true` on the config or an ingress rule turns off certificate checks between cloudflared and the origin.",
  fix: "Remove `no_tls_verify`; give the origin a certificate cloudflared trusts.",
  references: [doc("Cloudflare documentation: Tunnel origin parameters (noTLSVerify)", "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/origin-parameters/")],
  types: [TUNNEL_CONFIG],
  check(res) {
    const view = tunnelConfigView(res);
    const out: RuleResult[] = [];
    if (view.originRequest && isTrue(view.originRequest.no_tls_verify)) {
      out.push({
        address: res.address,
        message: `Tunnel config ${res.address} sets config.origin_request.no_tls_verify = true, disabling origin TLS verification for every ingress rule. ${FIX}`,
      });
    }
    for (const rule of view.ingress ?? []) {
      if (rule.originRequest && isTrue(rule.originRequest.no_tls_verify)) {
        const host = typeof rule.body.hostname === "string" && rule.body.hostname ? ` (${rule.body.hostname})` : "";
        out.push({
          address: res.address,
          message: `Tunnel config ${res.address} sets no_tls_verify = true on ingress[${rule.position}]${host}, disabling origin TLS verification. ${FIX}`,
        });
      }
    }
    return out;
  },
});
