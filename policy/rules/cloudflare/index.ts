import type { Rule } from "../../types";
import { cf001 } from "./cf-001";
import { cf002 } from "./cf-002";
import { cf003 } from "./cf-003";
import { cf004 } from "./cf-004";
import { cf005 } from "./cf-005";
import { cf006 } from "./cf-006";
import { cf007 } from "./cf-007";
import { cf008 } from "./cf-008";
import { cf009 } from "./cf-009";

/** Rules of this domain, one per file in this folder, in catalog order. */
export const RULES: readonly Rule[] = [cf001, cf002, cf003, cf004, cf005, cf006, cf007, cf008, cf009];
