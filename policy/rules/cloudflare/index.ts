import type { Rule } from "../../types";
import { cf001 } from "./cf-001-remote-config";
import { cf002 } from "./cf-002-catch-all";
import { cf003 } from "./cf-003-origin-tls-verify";
import { cf004 } from "./cf-004-tunnel-cname";
import { cf005 } from "./cf-005-admin-access";
import { cf006 } from "./cf-006-access-policies";
import { cf007 } from "./cf-007-tunnel-secret";
import { cf008 } from "./cf-008-waf-rate-limit";
import { cf009 } from "./cf-009-origin-access-token";
import { cf010 } from "./cf-010-entrypoint-ruleset-collision";
import { cf011 } from "./cf-011-tunnel-hostname-collision";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [cf001, cf002, cf003, cf004, cf005, cf006, cf007, cf008, cf009, cf010, cf011];
