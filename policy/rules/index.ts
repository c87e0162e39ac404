import type { Rule } from "../types";
import { RULES as DOCKER } from "./docker";
import { RULES as NET } from "./net";
import { RULES as GH } from "./github";
import { RULES as CF } from "./cloudflare";
import { RULES as SECRET } from "./secret";
import { RULES as STATE } from "./state";
import { RULES as K8S } from "./k8s";
import { RULES as MON } from "./monitoring";
import { RULES as BACKUP } from "./backup";

/** Every rule, in catalog order (domain by domain, in id order): the catalog is derived from it. */
export const ALL_RULES: readonly Rule[] = [...DOCKER, ...NET, ...GH, ...CF, ...SECRET, ...STATE, ...K8S, ...MON, ...BACKUP];
