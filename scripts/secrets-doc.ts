/**
 * docs/security/SECRETS_INVENTORY.md and docs/security/ROTATION.md, generated from the reference
 * synthesis of the embedded example configuration (config/deployment.example.yaml):
 * `node --require tsx/cjs scripts/secrets-doc.ts` (npm run docs:secrets) writes both. A test
 * fails when the files in the repository differ from what this script would write.
 *
 * The stacks are built in memory (nothing is synthesized to disk); the inventory reads their
 * Terraform JSON exactly as `bulwark secrets cdktf.out` reads the synthesized files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDeploymentConfig } from "../config/load";
import { buildApp } from "../main";
import { secretsInventory, type SecretsInventory } from "../policy/secrets/inventory";
import { renderRotationMarkdown, renderSecretsMarkdown } from "../policy/secrets/render";

export const SECURITY_DOCS_DIR = join(__dirname, "..", "docs", "security");
export const SECRETS_INVENTORY_PATH = join(SECURITY_DOCS_DIR, "SECRETS_INVENTORY.md");
export const ROTATION_PATH = join(SECURITY_DOCS_DIR, "ROTATION.md");
export const SECRETS_DOC_COMMAND = "node --require tsx/cjs scripts/secrets-doc.ts";

/** The inventory of the reference stacks of the embedded example (BULWARK_* overrides ignored). */
export function referenceInventory(): SecretsInventory {
  const { stacks } = buildApp(loadDeploymentConfig({}));
  return secretsInventory(
    stacks.map((s) => ({ stack: s.node.id, file: `cdktf.out/stacks/${s.node.id}/cdk.tf.json`, json: s.toTerraform() as Record<string, unknown> })),
  );
}

/** Both pages, by path. */
export function renderSecurityDocs(inventory: SecretsInventory = referenceInventory()): ReadonlyMap<string, string> {
  const opts = { generatedBy: "npm run docs:secrets", rotationPage: "ROTATION.md" };
  return new Map([
    [SECRETS_INVENTORY_PATH, renderSecretsMarkdown(inventory, opts)],
    [ROTATION_PATH, renderRotationMarkdown(inventory, opts)],
  ]);
}

if (require.main === module) {
  mkdirSync(SECURITY_DOCS_DIR, { recursive: true });
  for (const [file, text] of renderSecurityDocs()) {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
