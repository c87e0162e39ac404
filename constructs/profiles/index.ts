/**
 * L3 service profiles: functions from typed options to a plain ServiceSpec that knows its
 * image's non-root user, writable paths, data volumes, health probe and ports. Each file's header
 * lists the Dockerfiles/entrypoints read, what was verified and what was not.
 */
export * from "./mariadb";
export * from "./postgres";
export * from "./redis";
export * from "./memcached";
export * from "./rabbitmq";
export * from "./elasticsearch";
export * from "./cloudflared";
export * from "./grafana";
export * from "./koha";
export * from "./webapp";
export { SHARED_UID_MAX_PROCESSES } from "./common";
