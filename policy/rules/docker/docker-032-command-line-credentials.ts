import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS, doc, nist800190 } from "../references";
import { credentialInUrl, literalPasswordFlag } from "../../../knowledge";
import type { IndexedResource, RuleResult } from "../../types";
import { nested, result } from "./util";

const NONE: readonly RuleResult[] = Object.freeze([]);

function words(v: unknown): string[] | null {
  if (Array.isArray(v)) return v.filter((w): w is string => typeof w === "string");
  if (typeof v === "string" && v.trim() !== "") return [v];
  return null;
}

/**
 * DOCKER-032: a literal credential on a command line: `command`, `entrypoint` or the health check's
 * `test` carries a password flag (`--password=…`, `-p<password>` for MySQL/MariaDB clients) or a URL
 * with a password (`postgres://u:pw@db/x`). Command lines are visible to every process on the host
 * (`ps`, /proc/<pid>/cmdline), in `docker inspect`, and in Terraform state. A password part that is
 * a reference (`${var.x}`, `$VAR` expanded by a shell) passes. The value is never repeated.
 */
export const docker032 = defineResourceRule({
  id: "DOCKER-032",
  severity: "error",
  pack: "docker-runtime",
  title: "Credential on a command line",
  description:
    "`command`, `entrypoint` or `healthcheck.test` holds a literal password flag (`--password=…`, `-p<password>` for MySQL/MariaDB clients) or a URL with a literal password.",
  fix: "Read the credential from a file or from an environment variable set from a sensitive Terraform variable (`$VAR` inside a shell command, `--defaults-extra-file`, `PGPASSFILE`).",
  references: [OWASP_SECRETS, nist800190("4.1.4", "Embedded clear text secrets"), doc("MySQL 8.0 Reference Manual: end-user guidelines for password security", "https://dev.mysql.com/doc/refman/8.0/en/password-security-user.html")],
  types: ["docker_container"],
  check(res: IndexedResource) {
    // Plain loops: this runs for every container (array spreads and destructuring cost more here
    // than the detectors, which skip most command lines at once).
    let out: RuleResult[] | null = null;
    const judge = (attribute: string, argv: string[] | null) => {
      if (!argv || argv.length === 0) return;
      // A password that is a reference (`${var.x}`, `$VAR`) is no literal: the detectors skip it.
      const flag = literalPasswordFlag(argv);
      let url: string | null = null;
      for (let i = 0; i < argv.length && url === null; i++) url = credentialInUrl(argv[i]);
      if (flag !== null) {
        (out ??= []).push(result(res, `${attribute} passes a literal password with ${flag}, which every process on the host can read (ps, /proc/<pid>/cmdline) and which is kept in Terraform state. Fix: read it from a file or from an environment variable set from a sensitive Terraform variable.`));
      } else if (url !== null) {
        (out ??= []).push(result(res, `${attribute} holds a ${url}:// URL with a literal password, visible on the command line and kept in Terraform state. Fix: take the password from a sensitive variable or a file, not the URL.`));
      }
    };
    judge("command", words(res.body.command));
    judge("entrypoint", words(res.body.entrypoint));
    if (res.body.healthcheck !== undefined) for (const h of nested(res.body, "healthcheck")) judge("healthcheck.test", words(h.test));
    return out ?? NONE;
  },
});
