/**
 * The secrets inventory in the formats of `bulwark secrets` (text, json, markdown), and the
 * rotation runbook (docs/security/ROTATION.md). Deterministic: the same inventory gives the same
 * bytes.
 */
import type { SecretEntry, SecretsInventory } from "./inventory";
import { DEFAULT_ROTATION_DAYS } from "./metadata";

export const SECRETS_FORMATS = ["text", "json", "markdown"] as const;
export type SecretsFormat = (typeof SECRETS_FORMATS)[number];

/** Version of the JSON format (a public contract: fields are only added). */
export const SECRETS_JSON_VERSION = 1;

const cell = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const anchor = (e: SecretEntry): string => `${e.stack}-${e.name}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");

function usedByText(e: SecretEntry): string {
  if (e.usedBy.length === 0) return "nothing in this stack";
  return e.usedBy.map((u) => (u.service ? `${u.service} (${u.address})` : u.address)).join(", ");
}

function rotationText(e: SecretEntry): string {
  return `every ${e.rotationDays} days${e.rotationSource === "default" ? " (default)" : ""}`;
}

function ownerText(e: SecretEntry): string {
  return e.ownerSource === "declared" ? e.owner : `${e.owner} (${e.ownerSource === "default" ? "none declared" : "from the containers' bulwark.owner label"})`;
}

export function renderSecretsText(inv: SecretsInventory): string {
  const lines: string[] = [`bulwark: ${inv.secrets.length} sensitive variable(s) in ${inv.stacks} stack(s)`];
  for (const e of inv.secrets) {
    lines.push("", `${e.stack}  var.${e.name}`);
    lines.push(`  description:  ${e.description || "(none)"}`);
    lines.push(`  owner:        ${ownerText(e)}`);
    lines.push(`  rotation:     ${rotationText(e)}`);
    lines.push(`  used by:      ${usedByText(e)}`);
    lines.push(`  blast radius: ${e.blastRadius[0] ?? ""}`);
    for (const r of e.blastRadius.slice(1)) lines.push(`                ${r}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderSecretsJson(inv: SecretsInventory): string {
  return `${JSON.stringify({ version: SECRETS_JSON_VERSION, stacks: inv.stacks, secrets: inv.secrets }, null, 2)}\n`;
}

export interface MarkdownOptions {
  /** The command that regenerates the page, named in its header. @default none */
  readonly generatedBy?: string;
  /** Link target of the rotation runbook, for the per-secret links. @default "ROTATION.md" */
  readonly rotationPage?: string;
}

export const DEFAULT_ROTATION_PAGE = "ROTATION.md";

function generated(opts: MarkdownOptions): string[] {
  return opts.generatedBy ? [`<!-- Generated from the reference synthesis of the embedded example configuration by \`${opts.generatedBy}\`. Do not edit by hand: declare owner, rotation and blast radius on the secret, then regenerate. -->`, ""] : [];
}

export function renderSecretsMarkdown(inv: SecretsInventory, opts: MarkdownOptions = {}): string {
  const rotation = opts.rotationPage ?? DEFAULT_ROTATION_PAGE;
  const lines: string[] = [
    "# Secrets inventory",
    "",
    ...generated(opts),
    `${inv.secrets.length} sensitive variables in ${inv.stacks} stacks. Each is supplied as \`TF_VAR_<name>\` (or a \`*.tfvars\` file kept out of git) and ends up in the Terraform state, which is why the state lives in an encrypted, access-controlled backend.`,
    "",
    `Owner, rotation period (default ${DEFAULT_ROTATION_DAYS} days) and a blast radius of your own are declared on the secret: \`Secret.fromVariable(scope, name, description, { owner, rotationDays, blastRadius })\`, or in HCL/JSON as a suffix of the variable's description: \`[bulwark: owner=<team>; rotation=<days>d; blast-radius=<text>]\`. The rest of the blast radius is derived from where the secret is used. How to rotate each one: [${rotation}](${rotation}).`,
    "",
    "Provider credentials read from the environment (`CLOUDFLARE_API_TOKEN`, `GITHUB_TOKEN`) and values Terraform computes (the tunnel token) are not variables and are not listed.",
    "",
    "| Stack | Secret | Owner | Rotation | Used by |",
    "| --- | --- | --- | --- | --- |",
    ...inv.secrets.map((e) => `| ${cell(e.stack)} | [${code(e.name)}](#${anchor(e)}) | ${cell(ownerText(e))} | ${cell(rotationText(e))} | ${cell(e.usedBy.map((u) => u.service ?? u.address).join(", ") || "nothing")} |`),
    "",
  ];
  for (const e of inv.secrets) {
    lines.push(`<a id="${anchor(e)}"></a>`, `## ${e.stack}: ${code(e.name)}`, "");
    lines.push(`- **Description:** ${cell(e.description || "(none)")}`);
    lines.push(`- **Owner:** ${cell(ownerText(e))}`);
    lines.push(`- **Rotation:** ${rotationText(e)}; runbook: [${rotation}#${anchor(e)}](${rotation}#${anchor(e)})`);
    lines.push(`- **Used by:** ${cell(usedByText(e))}`);
    lines.push("- **Blast radius:**");
    for (const r of e.blastRadius) lines.push(`  - ${cell(r)}`);
    lines.push("");
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

/** The rotation runbook: per secret, how to rotate it with TF_VAR_… and `cdktf deploy`. */
export function renderRotationMarkdown(inv: SecretsInventory, opts: MarkdownOptions = {}): string {
  const lines: string[] = [
    "# Rotating secrets",
    "",
    ...generated(opts),
    "Every secret is a sensitive Terraform variable. Rotating one is: make a new value, put it where the service keeps the credential (when it keeps one), give it to Terraform as `TF_VAR_<name>`, review the plan, deploy, check, and revoke the old value. The Docker provider replaces every container whose environment or uploaded files carry the value, so the containers listed under *Restarts* are recreated (with a short outage each).",
    "",
    "General steps, with the secret's own values below:",
    "",
    "1. Generate a value, e.g. `openssl rand -base64 32 | tr -d '\\n'` (or take the one the issuing service gives you).",
    "2. Where the value is also kept inside a service's data (a database or broker user, a restic key), change it there first, while the old value still works; the official MariaDB, PostgreSQL and RabbitMQ images read their password variables only when they initialize an empty data directory, so a new value in the environment alone changes nothing inside them.",
    "3. `export TF_VAR_<name>='<new value>'` in the shell (or your CI secret store) that runs Terraform; never write it to a file in the repository.",
    "4. `cdktf diff <stack>`: only the containers listed under *Restarts* should be replaced.",
    "5. `cdktf deploy <stack>`, then check that the containers are healthy (`docker ps --filter health=unhealthy` prints none).",
    "6. Revoke the old value where it was issued, and record the date: the next rotation is due after the rotation period.",
    "",
  ];
  for (const e of inv.secrets) {
    const restarts = e.restarts.length > 0 ? e.restarts.join(", ") : "none (no container uses it)";
    lines.push(`<a id="${anchor(e)}"></a>`, `## ${e.stack}: ${code(e.name)}`, "");
    lines.push(`${cell(e.description || "(no description)")}. Owner: ${cell(ownerText(e))}; ${rotationText(e)}.`, "");
    let step = 1;
    lines.push(`${step++}. Generate the new value, or have it issued anew where it comes from (a cloud access key, an API or bot token).`);
    if (e.setInsideFirst.length > 0) {
      const who = e.setInsideFirst.length === 1 ? `${e.setInsideFirst[0]} keeps` : `${e.setInsideFirst.slice(0, -1).join(", ")} and ${e.setInsideFirst[e.setInsideFirst.length - 1]} keep`;
      lines.push(`${step++}. ${who} data that may hold this credential (a database or broker user, a restic repository key): if so, change it there first, while the old value still works.`);
    }
    lines.push(`${step++}. \`export TF_VAR_${e.name}='<new value>'\``);
    lines.push(`${step++}. \`cdktf diff ${e.stack}\`: expect ${e.usedBy.length > 0 ? e.usedBy.map((u) => code(u.address)).join(", ") + " to change" : "no change"}.`);
    lines.push(`${step++}. \`cdktf deploy ${e.stack}\``);
    lines.push(`${step++}. Check the services are healthy, then revoke the old value.`);
    lines.push("", `Restarts: ${restarts}.`, "");
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

export function renderSecrets(inv: SecretsInventory, format: SecretsFormat): string {
  switch (format) {
    case "json": return renderSecretsJson(inv);
    case "markdown": return renderSecretsMarkdown(inv);
    default: return renderSecretsText(inv);
  }
}
