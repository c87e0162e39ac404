import type { Rule } from "../types";
import { RULES as DOCKER } from "./docker";
import { RULES as NET } from "./net";
import { RULES as GH } from "./github";
import { RULES as CF } from "./cloudflare";
import { RULES as SECRET } from "./secret";
import { RULES as STATE } from "./state";

/** Every rule, in catalog order (domain by domain, in id order): the catalog is derived from it. */
export const ALL_RULES: readonly Rule[] = [...DOCKER, ...NET, ...GH, ...CF, ...SECRET, ...STATE];
