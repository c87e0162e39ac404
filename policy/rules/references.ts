/**
 * Public documents the rules cite, so that a reference in a report is something a user can open.
 */
import type { RuleReference } from "../types";

const CIS_DOCKER_URL = "https://www.cisecurity.org/benchmark/docker";
const OWASP_DOCKER_URL = "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html";
const OWASP_SECRETS_URL = "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html";
const NIST_800_190_URL = "https://csrc.nist.gov/pubs/sp/800/190/final";
const SCORECARD_URL = "https://github.com/ossf/scorecard/blob/main/docs/checks.md";

/** CIS Docker Benchmark v1.6.0 recommendation(s): `cisDocker("5.10", "5.16")`. */
export function cisDocker(...sections: string[]): RuleReference {
  return { title: `CIS Docker Benchmark 1.6 ${sections.map((s) => `§${s}`).join(", ")}`, url: CIS_DOCKER_URL };
}

/** A rule of the OWASP Docker Security Cheat Sheet (`#3 Limit capabilities`). */
export function owaspDocker(rule: number, name: string): RuleReference {
  return { title: `OWASP Docker Security Cheat Sheet rule #${rule} (${name})`, url: OWASP_DOCKER_URL };
}

export const OWASP_SECRETS: RuleReference = { title: "OWASP Secrets Management Cheat Sheet", url: OWASP_SECRETS_URL };

/** A section of NIST SP 800-190, Application Container Security Guide. */
export function nist800190(section: string, name: string): RuleReference {
  return { title: `NIST SP 800-190 §${section} (${name})`, url: NIST_800_190_URL };
}

/** An OpenSSF Scorecard check (`Branch-Protection`). */
export function scorecard(check: string): RuleReference {
  return { title: `OpenSSF Scorecard ${check}`, url: `${SCORECARD_URL}#${check.toLowerCase()}` };
}

/** Any other public page (vendor documentation, a provider issue). */
export function doc(title: string, url: string): RuleReference {
  return { title, url };
}
