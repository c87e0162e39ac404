import type { Rule } from "../../types";
import { net001 } from "./net-001";
import { net002 } from "./net-002";

/** Rules of this domain, one per file in this folder. */
export const RULES: readonly Rule[] = [net001, net002];
