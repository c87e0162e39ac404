/**
 * What a secret's Terraform variable says about it for the inventory: its description, and the
 * owner, rotation period and blast radius declared in a suffix of that description.
 *
 *   description = "MariaDB root password [bulwark: owner=dba-team; rotation=30d; blast-radius=all library data]"
 *
 * `Secret.named`/`Secret.fromVariable(…, { owner, rotationDays, blastRadius })` write the suffix
 * (constructs/core/secret.ts, `describeSecret`); HCL and Terraform JSON users write the same text.
 * Keys: `owner`, `rotation` (`<days>d`), `blast-radius`; values contain no `;`, `[` or `]`. A
 * suffix that does not parse is an input error naming the variable, never ignored.
 */

/** Days between rotations of a secret that declares none. */
export const DEFAULT_ROTATION_DAYS = 90;

export interface SecretMetadata {
  /** The description without the suffix. */
  readonly description: string;
  readonly owner?: string;
  readonly rotationDays?: number;
  readonly blastRadius?: string;
}

const SUFFIX = /\s*\[bulwark:([^\]]*)\]\s*$/;
const KEYS = new Set(["owner", "rotation", "blast-radius"]);

export class SecretMetadataError extends Error {}

/** Parse a variable description; throws SecretMetadataError saying what is wrong and how to fix it. */
export function parseSecretDescription(description: string, where: string): SecretMetadata {
  const m = SUFFIX.exec(description);
  if (!m) {
    if (/\[bulwark:/.test(description)) throw new SecretMetadataError(`${where}: the description has "[bulwark:" but no closing "]" at its end. Fix: end it with [bulwark: owner=<team>; rotation=<days>d; blast-radius=<text>]`);
    return { description: description.trim() };
  }
  const out: { description: string; owner?: string; rotationDays?: number; blastRadius?: string } = { description: description.slice(0, m.index).trim() };
  for (const part of m[1].split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (!KEYS.has(key)) throw new SecretMetadataError(`${where}: unknown key ${JSON.stringify(key)} in the [bulwark: …] suffix of the description. Fix: use owner=, rotation=<days>d and blast-radius=`);
    if (value === "") throw new SecretMetadataError(`${where}: ${key} has no value in the [bulwark: …] suffix of the description. Fix: write ${key}=<value>`);
    if (key === "owner") out.owner = value;
    else if (key === "blast-radius") out.blastRadius = value;
    else {
      const d = /^(\d{1,4})d$/.exec(value);
      const days = d ? Number(d[1]) : NaN;
      if (!(days >= 1 && days <= 3650)) throw new SecretMetadataError(`${where}: rotation=${value} in the [bulwark: …] suffix must be a number of days from 1 to 3650 followed by d, e.g. rotation=90d`);
      out.rotationDays = days;
    }
  }
  return out;
}
