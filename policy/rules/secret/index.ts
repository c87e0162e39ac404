import type { Rule } from "../../types";
import { secret001 } from "./secret-001-credential-literal";
import { secret002 } from "./secret-002-sensitive-variables";
import { secret003 } from "./secret-003-provider-credentials";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [secret001, secret002, secret003];
