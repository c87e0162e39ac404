import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS, doc } from "../references";
import { hasInterpolation } from "./util";

/** Every secret resource of integrations/github 6.9.0 with a `plaintext_value` argument. */
const SECRET_TYPES: readonly string[] = [
  "github_actions_secret",
  "github_actions_environment_secret",
  "github_actions_organization_secret",
  "github_dependabot_secret",
  "github_dependabot_organization_secret",
  "github_codespaces_secret",
  "github_codespaces_organization_secret",
  "github_codespaces_user_secret",
];

/**
 * GH-013: a secret's `plaintext_value` is a literal, so the secret sits in the synthesized JSON
 * and in version control. The message never repeats the value.
 */
export const gh013 = defineResourceRule({
  id: "GH-013",
  severity: "error",
  pack: "github-governance",
  title: "Secret with a literal plaintext_value",
  description: "A GitHub Actions, Dependabot or Codespaces secret has a literal `plaintext_value`.",
  fix: "Take `plaintext_value` from a sensitive variable (`${var.x}`).",
  references: [doc("Checkov CKV_GIT_4", "https://www.checkov.io/5.Policy%20Index/terraform.html"), OWASP_SECRETS],
  types: SECRET_TYPES,
  check(res) {
    const raw = res.body.plaintext_value;
    if (typeof raw !== "string" || raw.trim() === "" || hasInterpolation(raw)) return [];
    return [{
      address: res.address,
      message: `\`${res.address}\` sets \`plaintext_value\` to a literal (${raw.length} characters, not shown), so the secret is in the synthesized JSON and in version control. Fix: pass it from a sensitive variable (\`plaintext_value = var.<name>\`, \`sensitive = true\`), or set \`encrypted_value\` sealed with the repository public key.`,
    }];
  },
});
