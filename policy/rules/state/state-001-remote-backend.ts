/**
 * STATE-001: state holds every secret the configuration touches (env values, uploaded files,
 * tokens), so it belongs in a remote, encrypted, locked backend. Fires for the `local` backend and
 * for a stack that declares no backend at all (Terraform then falls back to local).
 */
import { ruleMeta } from "../../catalog";
import type { StackRule } from "../../types";

export const BACKEND_ADDRESS = "terraform.backend";

export const state001: StackRule = {
  kind: "stack",
  meta: ruleMeta("STATE-001"),
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
};
