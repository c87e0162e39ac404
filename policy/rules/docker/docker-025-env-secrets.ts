import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS, nist800190 } from "../references";
import { isObject } from "../../stack-index";
import { credentialInUrl, literalAuthorization, looksLikeSecretName } from "../../../knowledge";
import type { IndexedResource, RuleResult } from "../../types";
import { hasInterpolation, result } from "./util";

const FILE_REFERENCE_SUFFIX = /_(?:FILE|PATH)$/i;

function judge(res: IndexedResource, name: string, value: string, out: RuleResult[]): void {
  if (value === "" || hasInterpolation(name)) return;
  // Whatever the name: a URL with a literal password, or an Authorization value with a literal
  // credential (`Basic …`, `Bearer …`). A password part that is a reference passes.
  const scheme = credentialInUrl(value);
  if (scheme !== null) {
    out.push(result(res, `env ${name} holds a ${scheme}:// URL with a literal password, which lands in the configuration, version control and state in plain text. Fix: build the URL from a sensitive Terraform variable ("${name}=${scheme}://user:\${var.${name.toLowerCase()}_password}@…"), or pass the password separately from a secret.`));
    return;
  }
  const auth = literalAuthorization(value);
  if (auth !== null) {
    out.push(result(res, `env ${name} holds a literal ${auth} credential. Fix: pass the whole value from a sensitive Terraform variable ("${name}=\${var.${name.toLowerCase()}}").`));
    return;
  }
  if (hasInterpolation(value)) return;
  if (!looksLikeSecretName(name)) return;
  // The official images' *_FILE convention: the value is a path to a mounted secret file.
  if (FILE_REFERENCE_SUFFIX.test(name) && value.trim().startsWith("/")) return;
  // Never echo the value: it is the secret.
  out.push(result(res, `env ${name} holds a literal secret value (${value.length} characters), which lands in the configuration, version control and state in plain text. Fix: pass it from a sensitive Terraform variable ("${name}=\${var.${name.toLowerCase()}}"), or point ${name}_FILE at a mounted secret file.`));
}

/**
 * DOCKER-025: an `env` entry NAME=value whose NAME looks like a secret (knowledge.looksLikeSecretName,
 * by words) has a non-empty literal value. Values with `${…}` pass; `*_FILE`/`*_PATH`
 * names whose value is an absolute path pass. An entry that is wholly a reference has no literal
 * and passes. One finding per entry; the value is never repeated in the message.
 */
export const docker025 = defineResourceRule({
  id: "DOCKER-025",
  severity: "error",
  pack: "docker-runtime",
  title: "Secret as a literal environment value",
  description: "An `env` entry whose name looks like a secret (PASSWORD, TOKEN, API_KEY, glued names such as PGPASSWORD, MYSQL_PWD, REDIS_AUTH) has a non-empty literal value; or any entry holds a URL with a literal password (`postgres://u:pw@db`, `redis://:pw@cache`) or a literal `Basic …`/`Bearer …` credential. References and `*_FILE` paths pass.",
  fix: "Pass the value from a sensitive Terraform variable (`${var.x}`) or a `*_FILE` path.",
  references: [OWASP_SECRETS, nist800190("4.1.4", "Embedded clear text secrets")],
  types: ["docker_container"],
  check(res) {
    const out: RuleResult[] = [];
    const env = res.body.env;
    if (Array.isArray(env)) {
      for (const e of env) {
        if (typeof e !== "string") continue;
        const eq = e.indexOf("=");
        if (eq <= 0) continue;
        judge(res, e.slice(0, eq).trim(), e.slice(eq + 1), out);
      }
    } else if (isObject(env)) {
      // Not the provider's shape (a set of strings), but seen in hand-written JSON: accept a map.
      for (const [name, value] of Object.entries(env)) {
        if (typeof value === "string" || typeof value === "number") judge(res, name, String(value), out);
      }
    }
    return out;
  },
});
