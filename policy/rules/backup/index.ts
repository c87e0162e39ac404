import type { Rule } from "../../types";
import { backup001 } from "./backup-001-datastore-without-backup";
import { backup002 } from "./backup-002-repository-password";
import { backup003 } from "./backup-003-pitr-without-log";

/** Rules of this domain (backups and recovery of a Docker stack), one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [backup001, backup002, backup003];
