/**
 * Small rendering helpers shared by the configuration renderers: deterministic YAML, Prometheus
 * durations, and the escaping Terraform JSON needs for strings that are not templates.
 */
import { stringify } from "yaml";
import { Duration } from "../service/units";

/** Deterministic YAML (key order as built, no line folding, no anchors). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
}

/** Prometheus duration syntax: the largest unit that divides (`30d`, `6h`, `5m`, `30s`). */
export function promDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]];
  for (const [u, n] of units) if (ms >= n && ms % n === 0) return `${ms / n}${u}`;
  if (ms === 0) return "0s";
  return `${ms}ms`;
}

/**
 * Terraform JSON reads `${` and `%{` in every string as template syntax. A configuration file we
 * render (PromQL, alert templates, YAML) is data, so both are escaped (`$${`, `%%{`) before it goes
 * into an `upload` block; Terraform writes the original text into the file. The renderer's own
 * (HardenedContainer.addFile escapes with it).
 */
export { escapeTerraformTemplate } from "../docker/hardened-container";

/** The inverse, for tests that read a file back out of synthesized JSON. */
export function unescapeTerraformTemplate(s: string): string {
  return s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** `Duration.hours(720)` from a number of days (Duration has no days unit). */
export function days(n: number): Duration {
  return Duration.hours(24 * n);
}
