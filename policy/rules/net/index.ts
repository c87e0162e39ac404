import type { Rule } from "../../types";
import { net001 } from "./net-001-datastore-internal";
import { net002 } from "./net-002-tier-separation";
import { net003 } from "./net-003-network-name-collision";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [net001, net002, net003];
