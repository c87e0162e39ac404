import type { Rule } from "../../types";
import { secret001 } from "./secret-001";
import { secret002 } from "./secret-002";
import { secret003 } from "./secret-003";

/** Rules of this domain, one per file in this folder. */
export const RULES: readonly Rule[] = [secret001, secret002, secret003];
