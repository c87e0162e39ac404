/**
 * Facts of the monitoring components and exporters: image, non-root user, port, health probe.
 *
 * Sources: the projects' Dockerfiles as remembered (prometheus/prometheus, prometheus/alertmanager,
 * prometheus/node_exporter, prometheus/blackbox_exporter, prometheus/mysqld_exporter,
 * prometheus/memcached_exporter, prometheus-community/postgres_exporter: `FROM
 * quay.io/prometheus/busybox`, `USER nobody` (65534) or no USER; oliver006/redis_exporter's
 * `-alpine` variant; google/cadvisor's alpine image).
 * Verified here: the configuration these images read is checked by the same-generation Debian
 * promtool/amtool, and node_exporter/blackbox_exporter run against it end to end.
 * Not verified (no registry here): the tags exist as written, the images' UIDs, that busybox `wget`
 * is in each image. Pin digests of the images you tested in your deployment config.
 */
import type { ImageSpec } from "../service/spec";
import type { ExporterKind } from "../service/observability";

export interface ComponentFacts {
  readonly image: ImageSpec;
  readonly user: string;
  readonly port: number;
  /** Path the health probe GETs. */
  readonly healthPath: string;
}

export const NOBODY = "65534:65534";

export const PROMETHEUS: ComponentFacts = { image: { repository: "prom/prometheus", tag: "v2.55.1" }, user: NOBODY, port: 9090, healthPath: "/-/ready" };
export const ALERTMANAGER: ComponentFacts = { image: { repository: "prom/alertmanager", tag: "v0.28.1" }, user: NOBODY, port: 9093, healthPath: "/-/ready" };
export const NODE_EXPORTER: ComponentFacts = { image: { repository: "prom/node-exporter", tag: "v1.9.1" }, user: NOBODY, port: 9100, healthPath: "/" };
export const BLACKBOX_EXPORTER: ComponentFacts = { image: { repository: "prom/blackbox-exporter", tag: "v0.27.0" }, user: NOBODY, port: 9115, healthPath: "/-/healthy" };
export const CADVISOR: ComponentFacts = { image: { repository: "gcr.io/cadvisor/cadvisor", tag: "v0.52.1" }, user: NOBODY, port: 8080, healthPath: "/healthz" };

export const EXPORTERS: Readonly<Record<ExporterKind, ComponentFacts & { readonly job: string }>> = {
  mysqld: { image: { repository: "prom/mysqld-exporter", tag: "v0.17.2" }, user: NOBODY, port: 9104, healthPath: "/", job: "mysqld" },
  postgres: { image: { repository: "quay.io/prometheuscommunity/postgres-exporter", tag: "v0.17.1" }, user: NOBODY, port: 9187, healthPath: "/", job: "postgres" },
  redis: { image: { repository: "oliver006/redis_exporter", tag: "v1.74.0-alpine" }, user: "59000:59000", port: 9121, healthPath: "/", job: "redis" },
  memcached: { image: { repository: "prom/memcached-exporter", tag: "v0.15.3" }, user: NOBODY, port: 9150, healthPath: "/", job: "memcached" },
};

/**
 * Docker names of the components one Monitoring runs (container, DNS name on the monitoring
 * network, and the prefix of their volumes). Exporters of services are named `<service>-exporter`
 * and take no prefix: a service's name is already unique on its Docker host (claimHostName).
 */
export interface ComponentNames {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly blackbox: string;
  readonly nodeExporter: string;
  readonly cadvisor: string;
  readonly grafana: string;
}

/** Lower-case letters, digits and dashes, starting with a letter (as NetworkTopology's prefix). */
export const NAME_PREFIX = /^[a-z][a-z0-9-]{0,30}$/;

/** `prefix-<component>` as NetworkTopology names networks (`koha-frontnet`); no prefix: the bare names. */
export function componentNames(prefix: string): ComponentNames {
  const n = (c: string) => (prefix === "" ? c : `${prefix}-${c}`);
  return { prometheus: n("prometheus"), alertmanager: n("alertmanager"), blackbox: n("blackbox-exporter"), nodeExporter: n("node-exporter"), cadvisor: n("cadvisor"), grafana: n("grafana") };
}

/** Alertmanager's telegram `bot_token_file` exists from 0.26 on; Debian bookworm ships 0.25. */
export const ALERTMANAGER_MIN_VERSION_FOR_TELEGRAM_TOKEN_FILE = "0.26.0";
