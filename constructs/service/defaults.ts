/**
 * Defaults of the service model. The `@default` of every optional ServiceSpec field names one of
 * these constants, and `resolveDefaults` uses exactly these: documentation and code cannot drift.
 */
import { Duration } from "./units";

export const DEFAULT_HEALTH_INTERVAL = Duration.seconds(30);
export const DEFAULT_HEALTH_TIMEOUT = Duration.seconds(5);
export const DEFAULT_HEALTH_RETRIES = 3;
export const DEFAULT_HEALTH_START_PERIOD = Duration.seconds(30);

/** Docker's own default CPU weight. */
export const DEFAULT_CPU_SHARES = 1024;
/** ulimit nproc: stops a fork bomb, leaves room for threaded servers. */
export const DEFAULT_MAX_PROCESSES = 512;
/** ulimit nofile. */
export const DEFAULT_MAX_OPEN_FILES = 8192;

export const DEFAULT_WRITABLE_PATH_SIZE_MB = 64;
export const DEFAULT_WRITABLE_PATH_MODE = "0755";
export const DEFAULT_WRITABLE_PATH_OWNER = "root" as const;

/** Docker's own default stop timeout. */
export const DEFAULT_STOP_GRACE_PERIOD = Duration.seconds(10);

/** Smallest memory limit accepted (Docker refuses less than 6 MB). */
export const MIN_MEMORY_MB = 6;
/** Shortest reason accepted for a capability grant or an escape hatch (the suppression minimum). */
export { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
