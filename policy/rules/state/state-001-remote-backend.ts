/**
 * STATE-001: state holds every secret the configuration touches (env values, uploaded files,
 * tokens), so it belongs in a remote, encrypted, locked backend. Fires for the `local` backend and
 * for a stack that declares no backend at all (Terraform then falls back to local).
 */
import { defineStackRule } from "../../rule";
import { doc } from "../references";

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
    if (index.backend === null) {
      return [{ address: BACKEND_ADDRESS, message: `No backend is declared, so Terraform keeps state (with every secret it holds) in a local terraform.tfstate file. ${fix}` }];
    }
    if (index.backend.type.toLowerCase() === "local") {
      const path = typeof index.backend.body.path === "string" ? ` (${JSON.stringify(index.backend.body.path)})` : "";
      return [{ address: BACKEND_ADDRESS, message: `The \`local\` backend keeps state${path}, with every secret it holds, unencrypted on one machine without locking. ${fix}` }];
    }
    return [];
  },
});
