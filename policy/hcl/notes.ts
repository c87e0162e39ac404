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

