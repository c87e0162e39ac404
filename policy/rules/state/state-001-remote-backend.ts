/**
 * STATE-001: state holds every secret the configuration touches (env values, uploaded files,
 * tokens), so it belongs in a remote, encrypted, locked backend. Fires for the `local` backend and
 * for a stack that declares no backend at all (Terraform then falls back to local); a `cloud`
 * block (HCP Terraform / Terraform Cloud) counts as remote state in every JSON form.
 */
import { defineStackRule } from "../../rule";
import { doc } from "../references";
import { blocks } from "../../stack-index";

/**
 * `terraform { cloud { … } }` in any of Terraform JSON's forms: `terraform` and `cloud` each an
 * object or an array of objects (`"terraform": [{ "cloud": [{ "organization": … }] }]`, as
 * hcl2json and hand conversions write it). The stack index reads only the object form.
 */
function declaresCloud(terraform: unknown): boolean {
  return blocks(terraform).some((tf) => blocks(tf.cloud).length > 0);
}

export const BACKEND_ADDRESS = "terraform.backend";

export const state001 = defineStackRule({
  id: "STATE-001",
  severity: "warning",
  pack: "secrets-state",
  title: "Local state backend",
  description: "The stack uses the `local` backend or declares none (Terraform then keeps state, with every secret it holds, in a local file).",
  fix: "Use a remote, encrypted, locked backend (S3 with encryption and locking, or Terraform Cloud).",
  references: [doc("Terraform documentation: Sensitive data in state", "https://developer.hashicorp.com/terraform/language/state/sensitive-data"), doc("Terraform documentation: Backends", "https://developer.hashicorp.com/terraform/language/backend")],
  check(index) {
    const fix = "Fix: declare a remote, encrypted, locked backend (S3 with `encrypt = true` and locking, or Terraform Cloud/HCP).";
    if (index.backend === null && !declaresCloud(index.json.terraform)) {
      return [{ address: BACKEND_ADDRESS, message: `No backend is declared, so Terraform keeps state (with every secret it holds) in a local terraform.tfstate file. ${fix}` }];
    }
    if (index.backend !== null && index.backend.type.toLowerCase() === "local") {
      const path = typeof index.backend.body.path === "string" ? ` (${JSON.stringify(index.backend.body.path)})` : "";
      return [{ address: BACKEND_ADDRESS, message: `The \`local\` backend keeps state${path}, with every secret it holds, unencrypted on one machine without locking. ${fix}` }];
    }
    return [];
  },
});
