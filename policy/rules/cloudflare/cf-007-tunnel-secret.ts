import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS } from "../references";
import { TUNNEL, isBlank } from "./util";

/**
 * CF-007: `tunnel_secret` written as a literal ends up in the source and the synthesized JSON.
 * A `${…}` expression counts as a literal when it references nothing (`${base64encode("abc")}`).
 */
export const cf007 = defineResourceRule({
  id: "CF-007",
  severity: "error",
  pack: "cloudflare-edge",
  title: "Literal tunnel secret",
  description: "A tunnel's `tunnel_secret` is a literal (or an expression that references nothing).",
  fix: "Take `tunnel_secret` from a sensitive variable, or use `config_src = \"cloudflare\"` without one.",
  references: [OWASP_SECRETS],
  types: [TUNNEL],
  check(res, index) {
    const secret = res.body.tunnel_secret;
    if (isBlank(secret)) return [];
    if (index.isReference(secret) && index.referencesIn(secret).length > 0) return [];
    return [{
      address: res.address,
      message: `Tunnel ${res.address} has a literal tunnel_secret (value withheld): anyone with the code or the JSON can run the tunnel. Fix: rotate it and take it from a sensitive variable (\${var.tunnel_secret}) or random_bytes, or use config_src = "cloudflare" without a secret.`,
    }];
  },
});
