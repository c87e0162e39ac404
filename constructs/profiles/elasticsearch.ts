/**
 * Elasticsearch profile (Koha's search engine, [roadmap koha.3.5]), single node.
 *
 * Image: docker.io/library/elasticsearch:8.19.21 (Ubuntu 24.04 base; the 8.x line, which Koha
 * supports; 9.x images are UBI-based and were not checked for curl).
 *
 * Sources read:
 * - elastic/dockerfiles elasticsearch/Dockerfile (8.15.5 generation) and docker-library/repo-info
 *   repos/elasticsearch (elasticsearch:8.19.21 layer history, built 2026-09-09)
 * - elastic/elasticsearch distribution/docker/src/docker/bin/docker-entrypoint.sh (7.x copy) and an
 *   8.x copy of the same entrypoint (keystore handling, ELASTIC_PASSWORD)
 * - elastic.co "Configure Elasticsearch with Docker" (ES_SETTING_* environment names) and
 *   "Bootstrap checks" (single-node discovery runs them as warnings unless enforced)
 *
 * Verified in those files:
 * - `groupadd -g 1000 elasticsearch; useradd --uid 1000 --gid 1000 ... elasticsearch`, USER 1000:0;
 *   bin, config, data, logs, plugins are owned by uid 1000. We run as 1000:1000 (same owner, no
 *   root primary group; files the image gives to group 0 are world-readable).
 * - The 8.x entrypoint has no root step; with ELASTIC_PASSWORD set it creates
 *   config/elasticsearch.keystore and adds bootstrap.password, so config/ must be writable: it is
 *   a named volume (Docker copies the image's config files into an empty named volume on first
 *   mount; after an image upgrade the volume keeps the old jvm.options/log4j2 files).
 * - curl is installed (apt-get install ... curl netcat-openbsd), /bin/sh is bash, EXPOSE 9200 9300.
 * - Dotted settings may be given as ES_SETTING_<UPPER, '.'->'_', '_'->'__'> (the renderer only
 *   allows plain variable names).
 *
 * Host requirement (cannot be set from a container): vm.max_map_count >= 262144. Until the host
 * has it, this profile sets node.store.allow_mmap=false (slower, but no mmap failures); set
 * `allowMmap: true` once `sysctl vm.max_map_count` says 262144 or more.
 *
 * Not verified:
 * - `-Xlog:disable -Xlog:all=warning:stderr` (GC logs to stderr instead of logs/gc.log) is from the
 *   ES JVM-options documentation as remembered; logs/ is also a tmpfs so either way works.
 * - Whether the transport-TLS bootstrap check passes under `enforceBootstrapChecks` with transport
 *   bound to loopback: that option is off by default for this reason.
 * - No digest: pin it in your deployment config. HTTP is plain inside the internal network; put
 *   TLS in front if anything outside that network must reach it.
 */
import type { ImageSpec, ResourceSpec, SecretRef, ServiceSpec } from "../service/spec";
import { HealthProbe } from "../service/health";
import {
  assertNoTemplateSyntax,
  checkPlainEnv,
  fail,
  positiveInt,
  requireSecret,
  resolveImage,
  resolveResources,
  runDir,
  serviceName,
  tmp,
  named,
  finish,
} from "./common";
import { Duration } from "../service/units";

const PROFILE = "elasticsearchProfile";

export const ELASTICSEARCH_DEFAULT_IMAGE: ImageSpec = { repository: "elasticsearch", tag: "8.19.21" };
export const ELASTICSEARCH_USER = "1000:1000";
export const ELASTICSEARCH_HTTP_PORT = 9200;
/** Compressed object pointers stop working above ~32 GB of heap. */
export const ELASTICSEARCH_MAX_HEAP_MB = 31_744;

export const ELASTICSEARCH_PROVENANCE =
  "elasticsearch:8.19.21 (repo-info, built 2026-09-09). Read: elastic/dockerfiles elasticsearch/Dockerfile, " +
  "8.x docker-entrypoint.sh, elastic.co Docker configuration and bootstrap-check docs. Verified: uid 1000, " +
  "curl present, no root step, ELASTIC_PASSWORD writes the keystore under config/, ES_SETTING_* names. " +
  "Unverified: GC log flags; transport-TLS check under enforced bootstrap checks.";

const DEFAULT_RESOURCES: ResourceSpec = {
  memoryMb: 2048,
  cpuShares: 1024,
  // Bootstrap checks ask for >= 4096 threads and >= 65535 open files.
  maxProcesses: 4096,
  maxOpenFiles: 65535,
};

export interface ElasticsearchProfileOptions {
  /** @default "elasticsearch" */
  readonly name?: string;
  /** @default ELASTICSEARCH_DEFAULT_IMAGE (elasticsearch:8.19.21) */
  readonly image?: Partial<ImageSpec>;
  /** Bootstrap password of the `elastic` superuser (`ELASTIC_PASSWORD`); security is always on. */
  readonly password: SecretRef;
  /** JVM heap (-Xms = -Xmx) in MB. @default half of resources.memoryMb, at most 31744 */
  readonly heapMb?: number;
  /** @default "bulwark" */
  readonly clusterName?: string;
  /**
   * Use memory-mapped index files (faster). Needs vm.max_map_count >= 262144 on the host.
   * @default false
   */
  readonly allowMmap?: boolean;
  /** Refuse to start when a bootstrap check fails (-Des.enforce.bootstrap.checks=true). @default false */
  readonly enforceBootstrapChecks?: boolean;
  /** Machine learning (not used by Koha; costs memory and a native process). @default false */
  readonly machineLearning?: boolean;
  /** @default { memoryMb: 2048, cpuShares: 1024, maxProcesses: 4096, maxOpenFiles: 65535 } */
  readonly resources?: Partial<ResourceSpec>;
}

export function elasticsearchProfile(opts: ElasticsearchProfileOptions): ServiceSpec {
  const name = serviceName(PROFILE, opts.name, "elasticsearch");
  const P = named(PROFILE, name);
  const image = resolveImage(P, opts.image, ELASTICSEARCH_DEFAULT_IMAGE);
  const resources = resolveResources(P, opts.resources, DEFAULT_RESOURCES);
  const password = requireSecret(P, "password", opts.password);
  const maxHeap = Math.min(ELASTICSEARCH_MAX_HEAP_MB, Math.floor(resources.memoryMb * 0.75));
  if (maxHeap < 256) {
    fail(P, "resources.memoryMb", `is ${resources.memoryMb} MB, too little for a 256 MB heap plus off-heap memory`, "give Elasticsearch at least 1024 MB (2048 MB or more in production)");
  }
  const heapMb = positiveInt(P, "heapMb", opts.heapMb ?? Math.min(ELASTICSEARCH_MAX_HEAP_MB, Math.floor(resources.memoryMb / 2)), 256, maxHeap,
    `keep the heap between 256 MB and ${maxHeap} MB (75% of resources.memoryMb, at most 31744): Lucene needs the rest as file cache`);
  const clusterName = opts.clusterName ?? "bulwark";
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(clusterName)) {
    fail(P, "clusterName", `"${clusterName}" is not a plain cluster name`, "use lower-case letters, digits, dash and underscore");
  }
  const nofile = resources.maxOpenFiles ?? 0;
  const nproc = resources.maxProcesses ?? 0;
  if (opts.enforceBootstrapChecks && (nofile < 65535 || nproc < 4096)) {
    fail(P, "enforceBootstrapChecks", `is on but resources allow ${nofile} open files and ${nproc} processes`, "keep maxOpenFiles >= 65535 and maxProcesses >= 4096, or leave enforceBootstrapChecks off");
  }

  const javaOpts = [`-Xms${heapMb}m`, `-Xmx${heapMb}m`, "-Xlog:disable", "-Xlog:all=warning:stderr:utctime,level,tags"];
  if (opts.enforceBootstrapChecks) javaOpts.push("-Des.enforce.bootstrap.checks=true");
  const env: Record<string, string> = {
    ES_JAVA_OPTS: javaOpts.join(" "),
    ES_SETTING_CLUSTER_NAME: clusterName,
    ES_SETTING_DISCOVERY_TYPE: "single-node",
    // Single node: nobody needs the transport port; keep it off the network.
    ES_SETTING_TRANSPORT_HOST: "127.0.0.1",
    ES_SETTING_XPACK_SECURITY_ENABLED: "true",
    // Explicit security settings are meant to keep the 8.x first-start auto-configuration
    // (certificates written into config/, enrolment) from running; not verified here.
    ES_SETTING_XPACK_SECURITY_HTTP_SSL_ENABLED: "false",
    ES_SETTING_XPACK_SECURITY_TRANSPORT_SSL_ENABLED: "false",
    ES_SETTING_XPACK_ML_ENABLED: opts.machineLearning ? "true" : "false",
  };
  if (!(opts.allowMmap ?? false)) env.ES_SETTING_NODE_STORE_ALLOW__MMAP = "false";
  checkPlainEnv(P, "env", env);

  // Basic auth header built inside the container: the password goes through printf (a shell
  // builtin) and curl's config on stdin, never onto a command line.
  const url = `http://127.0.0.1:${ELASTICSEARCH_HTTP_PORT}/_cluster/health?wait_for_status=yellow&timeout=5s`;
  const probe = assertNoTemplateSyntax(P, "health",
    `printf 'header = "Authorization: Basic %s"\\n' "$(printf 'elastic:%s' "$ELASTIC_PASSWORD" | base64 -w0)" ` +
    `| curl -K - -fsS -o /dev/null --max-time 8 '${url}'`);

  return finish(P, {
    name,
    image,
    role: "search",
    user: ELASTICSEARCH_USER,
    ports: [{ port: ELASTICSEARCH_HTTP_PORT, name: "http" }],
    env,
    secretEnv: { ELASTIC_PASSWORD: password },
    health: { probe: HealthProbe.shell(probe), interval: Duration.seconds(30), timeout: Duration.seconds(10), retries: 5, startPeriod: Duration.seconds(120) },
    resources,
    writablePaths: [
      // ES_TMPDIR lives under /tmp and native libraries are loaded from it: exec is required.
      tmp(256, true),
      runDir("/usr/share/elasticsearch/logs", 64),
    ],
    dataVolumes: [
      { name: "data", path: "/usr/share/elasticsearch/data" },
      { name: "config", path: "/usr/share/elasticsearch/config" },
    ],
    capabilities: [],
    // Cluster health through the blackbox exporter: "up" accepts yellow (a single node has
    // unassigned replicas), "green" is the stricter saturation signal.
    observability: {
      probes: [
        { kind: "http", name: "cluster-up", port: ELASTICSEARCH_HTTP_PORT, path: "/_cluster/health", bodyMatches: "\"status\":\"(green|yellow)\"", basicAuth: { username: "elastic", password } },
        { kind: "http", name: "cluster-green", port: ELASTICSEARCH_HTTP_PORT, path: "/_cluster/health", bodyMatches: "\"status\":\"green\"", basicAuth: { username: "elastic", password }, category: "saturation" },
      ],
    },
    provenance: ELASTICSEARCH_PROVENANCE,
  });
}
