/**
 * Explicit state backends. cdktf writes an ABSOLUTE local path when no backend is declared, so
 * every stack declares one: local with a relative path by default (identical output on every
 * machine), or S3 (always encrypted, always locked) or Terraform Cloud by configuration.
 */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";

/** Where state lives. The deployment configuration's `backend` section has this shape (config/schema.ts). */
export type BackendConfig =
  | { readonly type: "local"; /** relative to the project */ readonly directory: string }
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly region: string;
      readonly keyPrefix: string;
      readonly kmsKeyId?: string;
      readonly dynamodbTable?: string;
    }
  | { readonly type: "cloud"; readonly organization: string; readonly workspacePrefix: string; readonly hostname: string };

/** Declare the configured backend on a stack; state files are keyed by the stack name. */
export function applyBackend(stack: TerraformStack, backend: BackendConfig, stackName: string): void {
  switch (backend.type) {
    case "local":
      // Terraform runs in cdktf.out/stacks/<stack>/: climb back to the project directory so the
      // state survives re-synthesis and stays out of the generated tree.
      new LocalBackend(stack, { path: `../../../${backend.directory}/${stackName}.tfstate` });
      return;
    case "s3": {
      const be = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
        region: backend.region,
        encrypt: true,
        kmsKeyId: backend.kmsKeyId,
        dynamodbTable: backend.dynamodbTable,
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21 has no typed prop for it.
      if (!backend.dynamodbTable) be.addOverride("use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(`${backend.workspacePrefix}-${stackName}`),
      });
      return;
  }
}
