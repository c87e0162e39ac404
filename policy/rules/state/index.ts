import type { Rule } from "../../types";
import { state001 } from "./state-001";

/** Rules of this domain, one per file in this folder. */
export const RULES: readonly Rule[] = [state001];
