import type { Rule } from "../../types";
import { state001 } from "./state-001-remote-backend";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [state001];
