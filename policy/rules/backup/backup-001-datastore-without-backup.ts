import { defineStackRule } from "../../rule";
import { doc, nist800190 } from "../references";
import type { RuleResult } from "../../types";
import { isDatastore, listSome } from "../monitoring/containers";
import { backupContainers, isBackupContainer, mountsOf, firstBackupOf } from "./plans";

/**
 * BACKUP-001: the stack has a backup plan (a backup container: a backup image, the bulwark plan's
 * environment or image label, or `bulwark.backup = true`), but a datastore (knowledge's datastore
 * images or a backend `bulwark.role`) with a writable data volume is backed up by none: no backup
 * container mounts that volume (or a host directory above it) and none reaches the datastore over
 * the network (names its host in its command, environment or configuration, as a dump or WAL
 * stream does). A plan that covers some datastores and forgets one is worse than none: everyone
 * believes the data is safe. A datastore rebuilt from another (a search index) is suppressed
 * with its reason.
 */
export const backup001 = defineStackRule({
  id: "BACKUP-001",
  severity: "warning",
  pack: "backup-recovery",
  title: "Datastore outside the backup plan",
  description:
    "The stack has a backup container, but a datastore with a data volume is backed up by none: no backup container mounts the volume or reaches the datastore by its host name.",
  fix: "Attach the datastore to the backup plan (BackupPlan.addDatastore for MariaDB/PostgreSQL, addFiles for a volume of files), or suppress the finding with the reason the data can be rebuilt.",
  references: [
    nist800190("4.5.3", "Data at rest"),
    doc("NIST SP 800-34 Rev. 1: Contingency Planning Guide (backup and recovery)", "https://csrc.nist.gov/pubs/sp/800/34/r1/upd1/final"),
  ],
  check(index) {
    const backups = backupContainers(index);
    if (backups.length === 0) return [];
    const out: RuleResult[] = [];
    // Named once per stack (a stack may have thousands): the first few, then a count.
    const plan = listSome(backups.map((b) => b.address));
    for (const c of index.byType("docker_container")) {
      if (isBackupContainer(c, index) || !isDatastore(c, index)) continue;
      const data = mountsOf(c, index).filter((m) => !m.readOnly);
      if (data.length === 0) continue;
      // Covered by name or by any mount: then nothing is missed (backsUp, asked per datastore).
      if (firstBackupOf(c, index) !== null) continue;
      const missed = data;
      out.push({
        address: c.address,
        message: `the stack has a backup plan (${plan}), but no backup container covers this datastore's data (${missed.map((m) => `${m.label}${m.containerPath ? ` at ${m.containerPath}` : ""}`).join(", ")}): it would be lost with the host. Fix: add it to the plan (BackupPlan.addDatastore or addFiles), or suppress this finding with the reason its data can be rebuilt.`,
      });
    }
    return out;
  },
});
