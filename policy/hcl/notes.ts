/**
 * What the HCL reader (policy/hcl.ts) could not resolve statically, carried inside the document it
 * produces under Terraform JSON's comment key, so that the engine reports it (STATE-002) like any
 * finding: `"//": { "bulwark": { "unknown": [{ "address", "message" }] } }`. Other input has none.
 */
type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Top-level key (Terraform JSON's comment key) under which the reader lists what it could not know. */
export const NOTES_KEY = "//";

/** One part of a configuration the reader could not resolve statically (STATE-002 reports it). */
export interface UnknownNote {
  /** Address as shown (`module.vpc`, `docker_container.app`). */
  readonly address: string;
  readonly message: string;
}

/** The reader's notes in a document (`json["//"].bulwark.unknown`), empty for other input. */
export function unknownNotes(json: Readonly<Record<string, unknown>>): UnknownNote[] {
  const meta = json[NOTES_KEY];
  if (!isObject(meta) || !isObject(meta.bulwark) || !Array.isArray(meta.bulwark.unknown)) return [];
  return meta.bulwark.unknown.filter((n): n is UnknownNote => isObject(n) && typeof n.address === "string" && typeof n.message === "string");
}


/**
 * A suppression written for an HCL module, where it was written: a `# bulwark:ignore` comment or
 * a `.bulwark.yaml` entry. The reader lists them (`json["//"].bulwark.declared`) so that the CLI
 * can report those that matched no finding, and those that expired.
 */
export interface DeclaredSuppression {
  readonly kind: "inline" | "file";
  readonly rule: string;
  /** The address as reports show it (a `.bulwark.yaml` entry: possibly a pattern with `*`). */
  readonly address: string;
  /** The `.tf` or `.bulwark.yaml` file as shown, and the line of the comment or entry. */
  readonly file: string;
  readonly line: number;
  /** The `expires` date of an entry that has expired (it applies to nothing). @default absent */
  readonly expired?: string;
  readonly owner?: string;
}

/** The suppressions the HCL reader listed in a document; empty for other input. */
export function declaredSuppressions(json: Readonly<Record<string, unknown>>): DeclaredSuppression[] {
  const meta = json[NOTES_KEY];
  if (!isObject(meta) || !isObject(meta.bulwark) || !Array.isArray(meta.bulwark.declared)) return [];
  return meta.bulwark.declared.filter((d): d is DeclaredSuppression => isObject(d) && typeof d.rule === "string" && typeof d.address === "string" && typeof d.file === "string" && typeof d.line === "number");
}
