import type { Rule } from "../../types";
import { docker001 } from "./docker-001-privileged";
import { docker002 } from "./docker-002-cap-drop";
import { docker003 } from "./docker-003-dangerous-caps";
import { docker004 } from "./docker-004-read-only";
import { docker005 } from "./docker-005-no-new-privileges";
import { docker006 } from "./docker-006-root-user";
import { docker007 } from "./docker-007-memory";
import { docker008 } from "./docker-008-swap";
import { docker009 } from "./docker-009-cpu-limit";
import { docker010 } from "./docker-010-cpus-provider";
import { docker011 } from "./docker-011-nproc";
import { docker012 } from "./docker-012-healthcheck";
import { docker013 } from "./docker-013-restart";
import { docker014 } from "./docker-014-log-rotation";
import { docker015 } from "./docker-015-host-namespaces";
import { docker016 } from "./docker-016-sensitive-mounts";
import { docker017 } from "./docker-017-writable-binds";
import { docker018 } from "./docker-018-all-interfaces";
import { docker019 } from "./docker-019-publish-all";
import { docker020 } from "./docker-020-datastore-ports";
import { docker021 } from "./docker-021-privileged-ports";
import { docker022 } from "./docker-022-image-pinning";
import { docker023 } from "./docker-023-confinement";
import { docker024 } from "./docker-024-default-bridge";
import { docker025 } from "./docker-025-env-secrets";
import { docker026 } from "./docker-026-devices";
import { docker027 } from "./docker-027-propagation";
import { docker028 } from "./docker-028-cgroup-parent";
import { docker029 } from "./docker-029-container-name-collision";
import { docker030 } from "./docker-030-volume-name-collision";
import { docker031 } from "./docker-031-publish-internal-only";
import { docker032 } from "./docker-032-command-line-credentials";
import { docker033 } from "./docker-033-upload-read-only";

/** Rules of this domain (containers; DOCKER-029/030 also volumes, across stacks), one per file in this folder, in id order. */
export const RULES: readonly Rule[] = [
  docker001, docker002, docker003, docker004, docker005, docker006, docker007, docker008,
  docker009, docker010, docker011, docker012, docker013, docker014, docker015, docker016,
  docker017, docker018, docker019, docker020, docker021, docker022, docker023, docker024,
  docker025, docker026, docker027, docker028, docker029, docker030, docker031, docker032,
  docker033,
];
