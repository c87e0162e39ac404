import type { Rule } from "../../types";
import { k8s001 } from "./k8s-001-privileged";
import { k8s002 } from "./k8s-002-host-namespaces";
import { k8s003 } from "./k8s-003-host-path";
import { k8s004 } from "./k8s-004-run-as-non-root";
import { k8s005 } from "./k8s-005-read-only-root";
import { k8s006 } from "./k8s-006-privilege-escalation";
import { k8s007 } from "./k8s-007-capabilities";
import { k8s008 } from "./k8s-008-resource-limits";
import { k8s009 } from "./k8s-009-probes";
import { k8s010 } from "./k8s-010-image-pinning";
import { k8s011 } from "./k8s-011-secret-literals";
import { k8s012 } from "./k8s-012-default-deny";
import { k8s013 } from "./k8s-013-datastore-reachable";
import { k8s014 } from "./k8s-014-single-replica";
import { k8s015 } from "./k8s-015-key-material-on-disk";
import { k8s016 } from "./k8s-016-seccomp";
import { k8s017 } from "./k8s-017-service-account-token";
import { k8s018 } from "./k8s-018-ingress-tls";
import { k8s019 } from "./k8s-019-ingress-rate-limit";
import { k8s020 } from "./k8s-020-ingress-admin-auth";

/** Rules of this domain (Kubernetes workloads, namespaces and network policies), one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [
  k8s001, k8s002, k8s003, k8s004, k8s005, k8s006, k8s007, k8s008, k8s009,
  k8s010, k8s011, k8s012, k8s013, k8s014, k8s015, k8s016, k8s017, k8s018, k8s019, k8s020,
];
