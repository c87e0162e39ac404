import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS, doc } from "../references";
import { credentialInUrl, literalPasswordFlag } from "../../../knowledge";
import { commandLineCredential, isCredentialName } from "../../../knowledge/monitoring";
import type { RuleResult } from "../../types";
import { hasInterpolation } from "../values";
import { commandLines, envOf } from "./containers";
import { isExporter } from "./components";

/**
 * MON-003: an exporter (image name ending in `exporter`, or the `bulwark.monitoring = exporter`
 * label) is handed its database credential where it shows:
 * - on its command line, literal or not (`--mysqld.password=…`, `--redis.password …`,
 *   `--mongodb.uri=mongodb://u:pw@db`): a `${var.x}` is expanded before the process starts, so the
 *   password is in `ps`, /proc/<pid>/cmdline and `docker inspect` all the same;
 * - as a literal in its environment (`DATA_SOURCE_NAME=postgresql://u:pw@db/x`, `REDIS_PASSWORD=pw`).
 * Exporters read credentials from files (`--config.my-cnf`, `DATA_SOURCE_PASS_FILE`,
 * `REDIS_PASSWORD_FILE`); those names are not credentials. The value is never repeated.
 */
export const mon003 = defineResourceRule({
  id: "MON-003",
  severity: "error",
  pack: "monitoring",
  title: "Exporter credential on the command line",
  description:
    "An exporter gets its credential as a command-line flag or URL (`--mysqld.password=…`, `--redis.password`, `mongodb://u:pw@…`; references included, they are expanded onto the command line) or as a literal in its environment (`DATA_SOURCE_NAME` with a password).",
  fix: "Give the exporter its credential as a file: `--config.my-cnf` for mysqld_exporter, `DATA_SOURCE_PASS_FILE` for postgres_exporter, `REDIS_PASSWORD_FILE` for redis_exporter, with the file's content from a sensitive variable.",
  references: [
    OWASP_SECRETS,
    doc("prometheus/mysqld_exporter: configuration through a my.cnf file", "https://github.com/prometheus/mysqld_exporter#required-grants"),
    doc("prometheus-community/postgres_exporter: DATA_SOURCE_PASS_FILE", "https://github.com/prometheus-community/postgres_exporter#environment-variables"),
  ],
  types: ["docker_container"],
  check(res, index) {
    if (!isExporter(res, index)) return [];
    const out: RuleResult[] = [];
    for (const [attribute, words] of commandLines(res)) {
      const hit = commandLineCredential(words) ?? literalPasswordFlag(words);
      if (hit !== null) {
        out.push({ address: res.address, message: `the exporter's ${attribute} passes its credential with ${hit}: every process on the host reads it (ps, /proc/<pid>/cmdline), and docker inspect and Terraform state keep it, whether it was written as a literal or a reference. Fix: give the exporter a credential file (--config.my-cnf, DATA_SOURCE_PASS_FILE, REDIS_PASSWORD_FILE) whose content comes from a sensitive variable.` });
      }
    }
    for (const [name, value] of envOf(res)) {
      const literal = !hasInterpolation(value) && value.trim() !== "";
      const url = credentialInUrl(value);
      if (url !== null) {
        out.push({ address: res.address, message: `the exporter's environment ${name} holds a ${url}:// URL with a literal password, kept in docker inspect and Terraform state. Fix: leave the password out of the URL and give it as a file (DATA_SOURCE_PASS_FILE, REDIS_PASSWORD_FILE) from a sensitive variable.` });
      } else if (literal && isCredentialName(name)) {
        out.push({ address: res.address, message: `the exporter's environment ${name} is a literal credential, kept in docker inspect and Terraform state. Fix: give it as a file (${name}_FILE where the exporter supports it) whose content comes from a sensitive variable.` });
      }
    }
    return out;
  },
});
