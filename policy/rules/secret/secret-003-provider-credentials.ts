/**
 * SECRET-003: a provider block holding a literal credential: github `token`, cloudflare
 * `api_token`/`api_key`, docker `registry_auth.password` (one block or an array of them). A
 * reference (`${var.x}`, `${data.…}`) or an empty string is fine.
 *
 * The provider kind comes from `required_providers` when the local name is mapped there (a
 * provider named `gh` with source `integrations/github` is a github provider), else from the
 * local name itself.
 */
import { defineStackRule } from "../../rule";
import { OWASP_SECRETS } from "../references";
import { blocks } from "../../stack-index";
import type { ProviderBlock, RuleResult, StackIndex } from "../../types";

/** Credential attributes per provider type (the last segment of its source). */
const CREDENTIAL_ATTRIBUTES: Readonly<Record<string, (body: ProviderBlock["body"]) => Array<[path: string, value: unknown]>>> = {
  github: (b) => [["token", b.token]],
  cloudflare: (b) => [["api_token", b.api_token], ["api_key", b.api_key]],
  docker: (b) => {
    const auths = blocks(b.registry_auth);
    return auths.map((a, i): [string, unknown] => [auths.length > 1 || Array.isArray(b.registry_auth) ? `registry_auth[${i}].password` : "registry_auth.password", a.password]);
  },
};

const ENV_HINT: Readonly<Record<string, string>> = {
  github: "GITHUB_TOKEN",
  cloudflare: "CLOUDFLARE_API_TOKEN",
  docker: "a sensitive variable (`password = \"${var.registry_password}\"`)",
};

function providerType(p: ProviderBlock, index: StackIndex): string {
  const source = index.requiredProviders.get(p.name)?.source ?? p.name;
  const last = source.split("/").pop() ?? source;
  return last.toLowerCase();
}

function isLiteral(value: unknown, index: StackIndex): boolean {
  if (typeof value !== "string") return value !== undefined && value !== null && typeof value !== "boolean";
  return value.trim() !== "" && !index.isReference(value);
}

export const secret003 = defineStackRule({
  id: "SECRET-003",
  severity: "error",
  pack: "secrets-state",
  title: "Literal credential in a provider block",
  description: "A provider block holds a literal credential: github `token`, cloudflare `api_token`/`api_key`, docker `registry_auth.password`.",
  fix: "Let the provider read its credential from the environment (GITHUB_TOKEN, CLOUDFLARE_API_TOKEN) or a sensitive variable.",
  references: [OWASP_SECRETS],
  check(index) {
    const results: RuleResult[] = [];
    for (const p of index.providers) {
      const type = providerType(p, index);
      const attributes = CREDENTIAL_ATTRIBUTES[type];
      if (!attributes) continue;
      const literal = attributes(p.body).filter(([, v]) => isLiteral(v, index)).map(([path]) => `\`${path}\``);
      if (literal.length === 0) continue;
      results.push({
        address: p.address,
        message: `The ${type} provider block holds a literal credential in ${literal.join(", ")} (value not shown). Fix: remove it, rotate it, and let the provider read it from ${ENV_HINT[type]} or a sensitive variable.`,
      });
    }
    return results;
  },
});
