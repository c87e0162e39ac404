/**
 * The suppression format, shared by the constructs that write suppressions and the engine that
 * honours them. Suppressions travel inside the synthesized JSON (Terraform ignores every "//" key):
 * - on a resource, data source or variable: `"//": { "bulwark": { "suppressions": [{ "rule", "reason" }] } }`;
 * - at the top level, for any address: `[{ "rule", "address", "reason" }]`.
 *
 * Constructs check the format early; whether the rule id exists is checked by the engine (the
 * synth gate runs on every synth), so constructs never load the rules.
 */
export const MIN_REASON_LENGTH = 10;

/** Rule ids look like `DOCKER-004`, `GH-012`, `HOST-001`. */
export const RULE_ID_FORMAT = /^[A-Z][A-Z0-9]*-\d{3}$/;

/** The problem with a suppression's id and reason, in words, or null when the format is valid. */
export function suppressionFormatProblem(rule: unknown, reason: unknown): string | null {
  if (typeof rule !== "string" || !RULE_ID_FORMAT.test(rule)) {
    return `rule id ${JSON.stringify(rule)} is not a rule id such as "DOCKER-004" (run \`bulwark rules\` for the list)`;
  }
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
    return `suppression of ${rule} needs a reason of at least ${MIN_REASON_LENGTH} characters`;
  }
  return null;
}
