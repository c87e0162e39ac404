import type { Rule } from "../../types";
import { gh001 } from "./gh-001-default-branch-protected";
import { gh002 } from "./gh-002-pull-request-reviews";
import { gh003 } from "./gh-003-stale-reviews-code-owners";
import { gh004 } from "./gh-004-status-checks";
import { gh005 } from "./gh-005-enforce-admins";
import { gh006 } from "./gh-006-signed-commits";
import { gh007 } from "./gh-007-force-push-deletion";
import { gh008 } from "./gh-008-linear-history";
import { gh009 } from "./gh-009-conversation-resolution";
import { gh010 } from "./gh-010-codeowners";
import { gh011 } from "./gh-011-security-alerts";
import { gh012 } from "./gh-012-actions-permissions";
import { gh013 } from "./gh-013-plaintext-secret";
import { gh014 } from "./gh-014-file-before-protection";
import { gh015 } from "./gh-015-required-check-produced";
import { gh016 } from "./gh-016-workflow-pinning-permissions";

/** Rules of this domain, one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [gh001, gh002, gh003, gh004, gh005, gh006, gh007, gh008, gh009, gh010, gh011, gh012, gh013, gh014, gh015, gh016];
