import type { Rule } from "../../types";
import { mon001 } from "./mon-001-alertmanager-receiver";
import { mon002 } from "./mon-002-ui-without-access";
import { mon003 } from "./mon-003-exporter-credential";
import { mon004 } from "./mon-004-datastore-unmonitored";

/** Rules of this domain (monitoring of a Docker stack), one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [mon001, mon002, mon003, mon004];
