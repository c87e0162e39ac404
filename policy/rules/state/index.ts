import type { Rule } from "../../types";
import { state001 } from "./state-001-remote-backend";
import { state002 } from "./state-002-not-judged";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [state001, state002];
