import { defineResourceRule } from "../../rule";
import { OWASP_SECRETS, doc } from "../references";
import { credentialInUrl, literalPasswordFlag } from "../../../knowledge";
import {
  OFFSITE_CREDENTIAL_ENV, REPOSITORY_PASSWORD_COMMAND_ENV, REPOSITORY_PASSWORD_ENV, REPOSITORY_URL_ENV, literalPasswordCommand,
} from "../../../knowledge/backup";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { hasInterpolation } from "../values";
import { commandLines, envOf, flagValue } from "../monitoring/containers";
import { isBackupContainer } from "./plans";

/** Why a value is not a sensitive reference, or null when it is one (or cannot be told). */
function notSensitive(value: string, index: StackIndex): string | null {
  if (value.trim() === "") return null;
  if (!hasInterpolation(value)) return "a literal";
  if (index.resolveString(value) !== null) return "a reference to a literal in this stack";
  const refs = index.referencesIn(value);
  if (refs.length === 1 && refs[0].address.startsWith("var.")) {
    const v = index.variables.get(refs[0].address.slice(4));
    if (v && v.body.sensitive !== true && v.body.sensitive !== "true") return `a variable (${refs[0].address}) not marked sensitive`;
  }
  return null;
}

const TOOLS = /(^|\/)(restic|borg|kopia|rustic)$/;

/**
 * BACKUP-002: a backup repository's password (RESTIC_PASSWORD, BORG_PASSPHRASE, KOPIA_PASSWORD, …)
 * is a literal, a reference to a literal, or a variable not marked sensitive; a password command
 * (RESTIC_PASSWORD_COMMAND, `--password-command`) only echoes a literal; a restic command line
 * carries the password (`-p`/`--password-file` given a value that is no path, `--password=`); or,
 * in a backup container, an off-site credential (AWS_SECRET_ACCESS_KEY, B2_ACCOUNT_KEY, …) or a
 * repository URL with a password is not a sensitive reference. Whoever reads the configuration,
 * the state or `docker inspect` can then decrypt every backup, off-site copies included.
 */
export const backup002 = defineResourceRule({
  id: "BACKUP-002",
  severity: "error",
  pack: "backup-recovery",
  title: "Backup repository password not a secret",
  description:
    "A backup repository password (RESTIC_PASSWORD, BORG_PASSPHRASE, …), a password command, a restic command-line password or a backup container's off-site credential is a literal or a non-sensitive variable instead of a sensitive reference.",
  fix: "Set the password (and every off-site credential) from a sensitive Terraform variable (`sensitive = true`), or point restic at a password file (`RESTIC_PASSWORD_FILE`) whose content is one; never a literal or a command that echoes one.",
  references: [
    OWASP_SECRETS,
    doc("restic documentation: preparing a new repository (password, RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND)", "https://restic.readthedocs.io/en/stable/030_preparing_a_new_repo.html"),
  ],
  types: ["docker_container"],
  check(res: IndexedResource, index: StackIndex) {
    const out: RuleResult[] = [];
    const backup = isBackupContainer(res, index);
    for (const [name, value] of envOf(res)) {
      if (REPOSITORY_PASSWORD_ENV.has(name) || (backup && OFFSITE_CREDENTIAL_ENV.has(name))) {
        const why = notSensitive(value, index);
        if (why !== null) {
          const what = REPOSITORY_PASSWORD_ENV.has(name) ? "the backup repository password" : "an off-site storage credential";
          out.push({ address: res.address, message: `environment ${name} (${what}) is ${why}: anyone who reads the configuration, the state or docker inspect can decrypt or delete every backup. Fix: set it from a sensitive Terraform variable, or use RESTIC_PASSWORD_FILE with a file whose content is one.` });
        }
      } else if (REPOSITORY_PASSWORD_COMMAND_ENV.has(name) && !hasInterpolation(value) && literalPasswordCommand(value)) {
        out.push({ address: res.address, message: `environment ${name} only prints a literal password: it is the repository password, written in the configuration. Fix: read it from a file (RESTIC_PASSWORD_FILE) whose content comes from a sensitive variable.` });
      } else if (backup && REPOSITORY_URL_ENV.has(name)) {
        const url = credentialInUrl(value);
        if (url !== null) out.push({ address: res.address, message: `environment ${name} is a ${url}:// repository URL with a literal password. Fix: take the credential out of the URL and pass it as its own variable from a sensitive Terraform variable.` });
      }
    }
    for (const [attribute, words] of commandLines(res)) {
      if (!backup && !words.some((w) => TOOLS.test(w))) continue;
      const command = flagValue(words, "--password-command");
      if (command !== null && literalPasswordCommand(command)) {
        out.push({ address: res.address, message: `${attribute} passes --password-command that only prints a literal: the repository password is on the command line and in the configuration. Fix: use --password-file with a file from a sensitive variable.` });
      }
      const file = flagValue(words, "-p") ?? flagValue(words, "--password-file");
      if (words.some((w) => TOOLS.test(w)) && file !== null && !hasInterpolation(file) && !/[/.]/.test(file) && !file.startsWith("$")) {
        out.push({ address: res.address, message: `${attribute} gives restic -p/--password-file a value that is no path: it looks like the repository password itself on the command line. Fix: pass a file path (-p /run/secrets/restic) whose content comes from a sensitive variable.` });
      }
      const flag = literalPasswordFlag(words);
      if (flag !== null) out.push({ address: res.address, message: `${attribute} passes a literal password with ${flag}. Fix: read the password from a file whose content comes from a sensitive variable.` });
    }
    return out;
  },
});
