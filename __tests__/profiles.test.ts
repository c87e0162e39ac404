import fc from "fast-check";
import {
  cloudflaredProfile,
  CLOUDFLARED_DEFAULT_IMAGE,
  elasticsearchProfile,
  kohaProfile,
  mariadbBinlogArgs,
  mariadbProfile,
  MARIADB_MAX_BINLOG_EXPIRE_SECONDS,
  MARIADB_MAX_SERVER_ID,
  memcachedProfile,
  postgresDataPath,
  postgresProfile,
  rabbitmqProfile,
  redisProfile,
  SHARED_UID_MAX_PROCESSES,
  webAppProfile,
} from "../constructs/profiles";
import { dockerHealthTest, HealthProbe } from "../constructs/service/health";
import { BACKEND_ROLES, isSecretRef, type SecretRef, type ServiceSpec } from "../constructs/service/spec";
import { isRootUser, looksLikeSecretName } from "../knowledge";

/** A fake sensitive-variable reference, shaped like Secret.fromVariable's output. */
const secret = (name: string): SecretRef => ({ kind: "secret", name, expression: "${var." + name + "}", source: `var.${name}` });
const literal = (value: string): SecretRef => ({ kind: "secret", name: "literal", expression: value, source: "literal" });

const KOHA_IMAGE = { repository: "ghcr.io/example/koha-nonroot", tag: "25.05.04-1" };

const mariadb = () => mariadbProfile({ serverId: 1, rootPassword: secret("db_root_password"), database: "koha_library", user: "koha", password: secret("db_password") });
const postgres = () => postgresProfile({ password: secret("pg_password"), user: "bot", database: "bot" });
const redis = () => redisProfile({ password: secret("redis_password") });
const memcached = () => memcachedProfile();
const rabbitmq = () => rabbitmqProfile({ user: "koha", password: secret("mq_password"), plugins: ["rabbitmq_stomp"] });
const elasticsearch = () => elasticsearchProfile({ password: secret("es_password") });
const cloudflared = () => cloudflaredProfile({ token: secret("tunnel_token") });
const koha = () =>
  kohaProfile({
    image: KOHA_IMAGE,
    database: { host: "mariadb", name: "koha_library", user: "koha", password: secret("db_password") },
    messageBroker: { host: "rabbitmq", user: "koha", password: secret("mq_password") },
    elasticsearchHost: "elasticsearch:9200",
  });
const webapp = () =>
  webAppProfile({ name: "api", image: { repository: "ghcr.io/example/api", tag: "1.4.2" }, user: "10001:10001", port: 8000, probeTool: "wget", secretEnv: { API_TOKEN: secret("api_token") } });

/** Profile, expected role, expected user, the secret env names it must carry. */
const ALL: [string, () => ServiceSpec, ServiceSpec["role"], string, string[]][] = [
  ["mariadb", mariadb, "datastore", "999:999", ["MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"]],
  ["postgres", postgres, "datastore", "999:999", ["POSTGRES_PASSWORD"]],
  ["redis", redis, "cache", "999:999", ["REDISCLI_AUTH", "REDIS_PASSWORD"]],
  ["memcached", memcached, "cache", "11211:11211", []],
  ["rabbitmq", rabbitmq, "broker", "999:999", ["RABBITMQ_DEFAULT_PASS"]],
  ["elasticsearch", elasticsearch, "search", "1000:1000", ["ELASTIC_PASSWORD"]],
  ["cloudflared", cloudflared, "ingress", "65532:65532", ["TUNNEL_TOKEN"]],
  ["koha", koha, "app", "1000:1000", ["MB_PASS", "MYSQL_PASSWORD"]],
  ["webapp", webapp, "app", "10001:10001", ["API_TOKEN"]],
];

describe.each(ALL)("%s profile: shared invariants", (_n, make, role, user, secrets) => {
  const spec = make();

  test("runs as the image's non-root numeric UID:GID", () => {
    expect(spec.user).toBe(user);
    expect(isRootUser(spec.user)).toBe(false);
    expect(spec.user).toMatch(/^\d+:\d+$/);
  });

  test("has the expected role; backends are datastore/broker/cache/search", () => {
    expect(spec.role).toBe(role);
    const backend = ["datastore", "broker", "cache", "search"].includes(role);
    expect(BACKEND_ROLES.has(spec.role)).toBe(backend);
  });

  test("has a non-empty probe", () => {
    const test = dockerHealthTest(spec.health.probe);
    expect(test.length).toBeGreaterThanOrEqual(2);
    expect(test.slice(1).join(" ").trim()).not.toBe("");
  });

  test("carries every required secret as a SecretRef, and only references", () => {
    expect(Object.keys(spec.secretEnv ?? {}).sort()).toEqual(secrets);
    for (const ref of Object.values(spec.secretEnv ?? {})) {
      expect(isSecretRef(ref)).toBe(true);
      expect(ref.expression).toMatch(/^\$\{var\.[a-z_]+\}$/);
    }
  });

  test("plain env holds no secret-looking name and no secret expression", () => {
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      expect(looksLikeSecretName(k)).toBe(false);
      expect(v).not.toContain("${");
    }
  });

  test("no command, entrypoint or probe contains Terraform template syntax", () => {
    const strings = [...(spec.command ?? []), ...(spec.entrypoint ?? []), ...dockerHealthTest(spec.health.probe)];
    for (const s of strings) {
      expect(s).not.toContain("${");
      expect(s).not.toContain("%{");
    }
  });

  test("every writable tmpfs is writable by the non-root user: /tmp sticky 1777, run directories owned by the service user", () => {
    for (const w of spec.writablePaths ?? []) {
      expect(w.path.startsWith("/")).toBe(true);
      // runc < 1.1.8 ignores mode= for directories that exist in the image (runc#3911): only the
      // owner (tmpfs uid/gid) keeps a root-owned 0755 mount point from locking the service out.
      if (w.owner === "service") expect(w.mode).toMatch(/^0?7[0-7][0-7]$/);
      else expect(w.mode).toBe("1777");
    }
  });

  test("image is pinned by tag and has provenance", () => {
    expect(spec.image.tag).not.toBe("latest");
    expect(spec.image.tag.length).toBeGreaterThan(0);
    expect(spec.image.digest).toBeUndefined();
    expect(spec.provenance?.length ?? 0).toBeGreaterThan(40);
  });

  test("adds no capabilities", () => {
    expect(spec.capabilities ?? []).toEqual([]);
  });

  test("profiles sharing a host UID leave nproc room for each other", () => {
    const shared = ALL.filter(([, m]) => m().user === spec.user).length > 1;
    if (shared) expect(spec.resources.maxProcesses ?? 0).toBeGreaterThanOrEqual(SHARED_UID_MAX_PROCESSES);
  });
});

describe("mariadbProfile", () => {
  test("renders the binlog settings for point-in-time recovery", () => {
    const spec = mariadbProfile({ serverId: 7, binlogExpireSeconds: 86400, rootPassword: secret("r"), database: "koha", user: "koha", password: secret("p") });
    expect(spec.command).toEqual([
      "mariadbd",
      "--log-bin=mariadb-bin",
      "--server-id=7",
      "--binlog-expire-logs-seconds=86400",
      "--binlog-format=ROW",
      "--sync-binlog=1",
    ]);
    expect(spec.image).toEqual({ repository: "mariadb", tag: "11.8.9" });
    expect(spec.dataVolumes).toEqual([{ name: "data", path: "/var/lib/mysql" }]);
    expect(spec.writablePaths).toEqual([
      { path: "/tmp", sizeMb: 256, mode: "1777" },
      { path: "/run/mysqld", sizeMb: 1, mode: "0755", owner: "service" },
    ]);
    expect(spec.health.probe).toEqual({ kind: "exec", command: ["healthcheck.sh", "--connect", "--innodb_initialized"] });
    expect(spec.env).toEqual({ MARIADB_DATABASE: "koha", MARIADB_USER: "koha", MARIADB_ROOT_HOST: "localhost", MARIADB_AUTO_UPGRADE: "1" });
    expect(spec.ports).toEqual([{ port: 3306, name: "mysql" }]);
  });

  test("defaults binlog retention to 7 days", () => {
    expect(mariadb().command).toContain("--binlog-expire-logs-seconds=604800");
  });

  test("property: any valid serverId renders --server-id=<n>", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MARIADB_MAX_SERVER_ID }), (n) => {
        const spec = mariadbProfile({ serverId: n, rootPassword: secret("r"), database: "d", user: "u", password: secret("p") });
        return spec.command!.filter((a) => a.startsWith("--server-id=")).join() === `--server-id=${n}`;
      }),
    );
  });

  test("property: any invalid serverId throws naming the profile, the option and the fix", () => {
    const invalid = fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: MARIADB_MAX_SERVER_ID + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 1, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(invalid, (n) => {
        expect(() => mariadbBinlogArgs(n, 604800)).toThrow(/^mariadbProfile(\([a-z-]+\))?: option serverId is .+ Fix: set serverId to a whole number from 1 to 4294967295/);
      }),
    );
  });

  test("bad serverId through the profile gives the same clear error", () => {
    expect(() => mariadbProfile({ serverId: 0, rootPassword: secret("r"), database: "d", user: "u", password: secret("p") })).toThrow(
      "mariadbProfile: option serverId is 0, not a whole number from 1 to 4294967295. Fix: set serverId to a whole number from 1 to 4294967295, unique per MariaDB server",
    );
  });

  test("property: binlogExpireSeconds must be 1..8553600", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: MARIADB_MAX_BINLOG_EXPIRE_SECONDS }), (s) => mariadbBinlogArgs(1, s).includes(`--binlog-expire-logs-seconds=${s}`)));
    for (const bad of [0, -1, 1.5, MARIADB_MAX_BINLOG_EXPIRE_SECONDS + 1]) {
      expect(() => mariadbBinlogArgs(1, bad)).toThrow(/mariadbProfile(\([a-z-]+\))?: option binlogExpireSeconds is .* Fix: keep binlogs between 1 second and 8553600 seconds/);
    }
  });

  test("refuses literal secrets, a shared root/app secret and the root user", () => {
    const base = { serverId: 1, rootPassword: secret("r"), database: "d", user: "u", password: secret("p") };
    expect(() => mariadbProfile({ ...base, rootPassword: literal("hunter2") })).toThrow(/mariadbProfile(\([a-z-]+\))?: option rootPassword \(literal\) holds a literal.*Fix: create it with Secret\.named\(\), Secret\.fromVariable/);
    expect(() => mariadbProfile({ ...base, password: "hunter2" as unknown as SecretRef })).toThrow(/mariadbProfile(\([a-z-]+\))?: option password is missing or not a SecretRef/);
    expect(() => mariadbProfile({ ...base, password: secret("r") })).toThrow(/option password uses the same secret \(var\.r\) as rootPassword/);
    expect(() => mariadbProfile({ ...base, user: "root" })).toThrow(/option user is "root"/);
    expect(() => mariadbProfile({ ...base, database: "koha; DROP" })).toThrow(/option database "koha; DROP" is not a plain identifier/);
  });

  test("optional tuning is validated against the memory limit", () => {
    const base = { serverId: 1, rootPassword: secret("r"), database: "d", user: "u", password: secret("p") };
    const spec = mariadbProfile({ ...base, innodbBufferPoolMb: 512, maxConnections: 300, resources: { memoryMb: 2048 } });
    expect(spec.command).toEqual(expect.arrayContaining(["--innodb-buffer-pool-size=512M", "--max-connections=300"]));
    expect(spec.resources.memoryMb).toBe(2048);
    expect(spec.resources.maxProcesses).toBe(SHARED_UID_MAX_PROCESSES);
    expect(() => mariadbProfile({ ...base, innodbBufferPoolMb: 1000 })).toThrow(/option innodbBufferPoolMb is 1000.*at most 80% of resources.memoryMb \(1024 MB\)/);
  });

  test("image overrides are checked", () => {
    const base = { serverId: 1, rootPassword: secret("r"), database: "d", user: "u", password: secret("p") };
    expect(mariadbProfile({ ...base, image: { tag: "11.4.8" } }).image).toEqual({ repository: "mariadb", tag: "11.4.8" });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(mariadbProfile({ ...base, image: { digest } }).image).toEqual({ repository: "mariadb", tag: "11.8.9", digest });
    expect(() => mariadbProfile({ ...base, image: { tag: "latest" } })).toThrow(/option image.tag "latest" is not a pinned version tag/);
    expect(() => mariadbProfile({ ...base, image: { digest: "sha256:abc" } })).toThrow(/option image.digest "sha256:abc" is not a sha256 digest/);
    expect(() => mariadbProfile({ ...base, image: { repository: "ghcr.io/me/mariadb" } })).toThrow(/option image.tag is missing for repository "ghcr.io\/me\/mariadb"/);
    expect(() => mariadbProfile({ ...base, image: { repository: "mariadb:11" } })).toThrow(/option image.repository "mariadb:11" is not a repository name/);
    expect(() => mariadbProfile({ ...base, name: "My_DB" })).toThrow(/option name "My_DB" is not a DNS-safe service name/);
  });
});

describe("postgresProfile", () => {
  test("probes over TCP with the configured role and database", () => {
    const spec = postgres();
    expect(spec.health.probe).toEqual({ kind: "exec", command: ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "bot", "-d", "bot"] });
    expect(spec.env).toEqual({ POSTGRES_USER: "bot", POSTGRES_DB: "bot" });
    expect(spec.writablePaths).toEqual([
      { path: "/tmp", sizeMb: 64, mode: "1777" },
      { path: "/var/run/postgresql", sizeMb: 1, mode: "0755", owner: "service" },
    ]);
    expect(spec.command).toEqual(["postgres"]);
  });

  test("uses the 18+ volume path, and the old one for older majors", () => {
    expect(postgres().dataVolumes).toEqual([{ name: "data", path: "/var/lib/postgresql" }]);
    const pg17 = postgresProfile({ password: secret("p"), image: { tag: "17.6-bookworm" } });
    expect(pg17.dataVolumes).toEqual([{ name: "data", path: "/var/lib/postgresql/data" }]);
    expect(postgresDataPath("18.4-trixie")).toBe("/var/lib/postgresql");
    expect(postgresDataPath("9.6")).toBe("/var/lib/postgresql/data");
  });

  test("renders settings as -c and refuses ones that move the listener", () => {
    const spec = postgresProfile({ password: secret("p"), settings: { max_connections: "200", shared_buffers: "256MB" } });
    expect(spec.command).toEqual(["postgres", "-c", "max_connections=200", "-c", "shared_buffers=256MB"]);
    expect(() => postgresProfile({ password: secret("p"), settings: { listen_addresses: "localhost" } })).toThrow(/option settings.listen_addresses would move the server/);
    expect(() => postgresProfile({ password: secret("p"), settings: { "Bad Key": "1" } })).toThrow(/option settings.Bad Key is not a PostgreSQL setting name/);
    expect(() => postgresProfile({ password: undefined as unknown as SecretRef })).toThrow(/postgresProfile(\([a-z-]+\))?: option password is missing or not a SecretRef/);
  });
});

describe("redisProfile", () => {
  test("passes the password from the environment, never in the spec", () => {
    const spec = redis();
    expect(spec.command).toEqual([
      "sh",
      "-c",
      'exec docker-entrypoint.sh redis-server --requirepass "$REDIS_PASSWORD" --port 6379 --maxmemory 384mb --maxmemory-policy noeviction --appendonly yes',
    ]);
    expect(spec.secretEnv!.REDISCLI_AUTH).toEqual(secret("redis_password"));
    expect(spec.health.probe).toEqual({ kind: "shell", script: '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = "PONG" ]' });
    expect(spec.dataVolumes).toEqual([{ name: "data", path: "/data" }]);
  });

  test("persistence none is a pure cache on tmpfs", () => {
    const spec = redisProfile({ password: secret("p"), persistence: "none" });
    expect(spec.command![2]).toContain("--maxmemory-policy allkeys-lru --appendonly no --save ''");
    expect(spec.dataVolumes).toEqual([]);
    expect(spec.writablePaths).toContainEqual({ path: "/data", sizeMb: 16, mode: "1777" });
  });

  test("maxmemory must leave room below the container limit", () => {
    expect(() => redisProfile({ password: secret("p"), maxMemoryMb: 500 })).toThrow(/redisProfile(\([a-z-]+\))?: option maxMemoryMb is 500.*Fix: keep maxMemoryMb at least 32 MB below resources.memoryMb \(512\)/);
    expect(() => redisProfile({ password: secret("p"), evictionPolicy: "random" as never })).toThrow(/option evictionPolicy is "random"/);
  });
});

describe("memcachedProfile", () => {
  test("speaks the protocol in its probe and disables UDP", () => {
    const spec = memcached();
    expect(spec.command).toEqual(["memcached", "-m", "204", "-c", "1024", "-t", "4", "-U", "0"]);
    const probe = spec.health.probe;
    expect(probe.kind).toBe("exec");
    if (probe.kind === "exec") {
      expect(probe.command.slice(0, 2)).toEqual(["bash", "-c"]);
      expect(probe.command[2]).toContain("/dev/tcp/127.0.0.1/11211");
      expect(probe.command[2]).toContain("VERSION*");
    }
    expect(spec.secretEnv).toBeUndefined();
    expect(spec.writablePaths).toEqual([]);
  });

  test("cache size and connections are checked against the limits", () => {
    expect(() => memcachedProfile({ cacheMb: 250 })).toThrow(/memcachedProfile(\([a-z-]+\))?: option cacheMb is 250.*at most 90% of resources.memoryMb \(256\)/);
    expect(() => memcachedProfile({ maxConnections: 4090 })).toThrow(/option maxConnections is 4090.*at least 64 below resources.maxOpenFiles \(4096\)/);
    expect(memcachedProfile({ maxConnections: 4090, resources: { maxOpenFiles: 8192 } }).command).toContain("4090");
  });
});

describe("rabbitmqProfile", () => {
  test("seeds its own user, pins the node name and enables plugins by env", () => {
    const spec = rabbitmq();
    expect(spec.env).toEqual({
      RABBITMQ_DEFAULT_USER: "koha",
      RABBITMQ_DEFAULT_VHOST: "/",
      RABBITMQ_NODENAME: "rabbit@localhost",
      RABBITMQ_ENABLED_PLUGINS: "rabbitmq_prometheus,rabbitmq_stomp",
      // RabbitMQ rewrites the plugins file at boot: on the data volume, not the read-only root.
      RABBITMQ_ENABLED_PLUGINS_FILE: "/var/lib/rabbitmq/enabled_plugins",
    });
    expect(spec.ports).toEqual([
      { port: 5672, name: "amqp" },
      { port: 15692, name: "metrics" },
      { port: 61613, name: "stomp" },
    ]);
    expect(spec.health.probe).toEqual({ kind: "exec", command: ["rabbitmq-diagnostics", "-q", "ping"] });
    expect(spec.dataVolumes).toEqual([{ name: "data", path: "/var/lib/rabbitmq" }]);
    expect(spec.command).toBeUndefined();
  });

  test("the Erlang cookie is an optional, separate secret", () => {
    expect(rabbitmq().secretEnv!.RABBITMQ_ERLANG_COOKIE).toBeUndefined();
    const spec = rabbitmqProfile({ user: "koha", password: secret("mq"), erlangCookie: secret("cookie") });
    expect(spec.secretEnv).toEqual({ RABBITMQ_DEFAULT_PASS: secret("mq"), RABBITMQ_ERLANG_COOKIE: secret("cookie") });
    expect(spec.env!.RABBITMQ_ENABLED_PLUGINS).toBeUndefined();
    expect(() => rabbitmqProfile({ user: "koha", password: secret("mq"), erlangCookie: secret("mq") })).toThrow(/option erlangCookie is the same secret as password/);
    expect(() => rabbitmqProfile({ user: "koha", password: secret("mq"), erlangCookie: literal("cookie") })).toThrow(/option erlangCookie \(literal\) holds a literal/);
  });

  test("refuses guest and odd plugin names", () => {
    expect(() => rabbitmqProfile({ user: "guest", password: secret("mq") })).toThrow(/rabbitmqProfile(\([a-z-]+\))?: option user is "guest"/);
    expect(() => rabbitmqProfile({ user: "koha", password: secret("mq"), plugins: ["stomp; rm -rf"] })).toThrow(/option plugins holds "stomp; rm -rf"/);
  });
});

describe("elasticsearchProfile", () => {
  test("single node, security on, heap from the memory limit, transport on loopback", () => {
    const spec = elasticsearch();
    expect(spec.env).toEqual({
      ES_JAVA_OPTS: "-Xms1024m -Xmx1024m -Xlog:disable -Xlog:all=warning:stderr:utctime,level,tags",
      ES_SETTING_CLUSTER_NAME: "bulwark",
      ES_SETTING_DISCOVERY_TYPE: "single-node",
      ES_SETTING_TRANSPORT_HOST: "127.0.0.1",
      ES_SETTING_XPACK_SECURITY_ENABLED: "true",
      ES_SETTING_XPACK_SECURITY_HTTP_SSL_ENABLED: "false",
      ES_SETTING_XPACK_SECURITY_TRANSPORT_SSL_ENABLED: "false",
      ES_SETTING_XPACK_ML_ENABLED: "false",
      ES_SETTING_NODE_STORE_ALLOW__MMAP: "false",
    });
    expect(spec.resources).toEqual({ memoryMb: 2048, cpuShares: 1024, maxProcesses: 4096, maxOpenFiles: 65535 });
    expect(spec.dataVolumes).toEqual([
      { name: "data", path: "/usr/share/elasticsearch/data" },
      { name: "config", path: "/usr/share/elasticsearch/config" },
    ]);
    expect(spec.writablePaths).toContainEqual({ path: "/tmp", sizeMb: 256, mode: "1777", exec: true });
  });

  test("the probe checks cluster health with curl and keeps the password off the command line", () => {
    const probe = elasticsearch().health.probe;
    expect(probe.kind).toBe("shell");
    if (probe.kind === "shell") {
      expect(probe.script).toContain("curl -K - -fsS");
      expect(probe.script).toContain("http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow");
      expect(probe.script).toContain('"$ELASTIC_PASSWORD"');
      expect(probe.script).not.toMatch(/curl[^|]*ELASTIC_PASSWORD/);
    }
  });

  test("heap and bootstrap-check options are validated", () => {
    const big = elasticsearchProfile({ password: secret("e"), heapMb: 3072, allowMmap: true, enforceBootstrapChecks: true, resources: { memoryMb: 4096 } });
    expect(big.env!.ES_JAVA_OPTS).toBe("-Xms3072m -Xmx3072m -Xlog:disable -Xlog:all=warning:stderr:utctime,level,tags -Des.enforce.bootstrap.checks=true");
    expect(big.env!.ES_SETTING_NODE_STORE_ALLOW__MMAP).toBeUndefined();
    expect(() => elasticsearchProfile({ password: secret("e"), heapMb: 1600 })).toThrow(/elasticsearchProfile(\([a-z-]+\))?: option heapMb is 1600.*between 256 MB and 1536 MB/);
    expect(() => elasticsearchProfile({ password: secret("e"), resources: { memoryMb: 256 } })).toThrow(/option resources.memoryMb is 256 MB, too little/);
    expect(() => elasticsearchProfile({ password: secret("e"), enforceBootstrapChecks: true, resources: { maxOpenFiles: 4096 } })).toThrow(/option enforceBootstrapChecks is on but resources allow 4096 open files/);
  });
});

describe("cloudflaredProfile", () => {
  test("token in env, metrics on loopback, egress only", () => {
    const spec = cloudflared();
    expect(spec.image).toEqual(CLOUDFLARED_DEFAULT_IMAGE);
    expect(spec.command).toEqual(["tunnel", "--no-autoupdate", "--metrics", "127.0.0.1:2000", "run"]);
    expect(spec.health.probe).toEqual({ kind: "exec", command: ["cloudflared", "tunnel", "--metrics", "127.0.0.1:2000", "ready"] });
    expect(spec.ports).toEqual([]);
    expect(spec.writablePaths).toEqual([]);
    expect(spec.command!.join(" ")).not.toContain("token");
    expect(() => cloudflaredProfile({ token: literal("eyJhIjoi") })).toThrow(/cloudflaredProfile(\([a-z-]+\))?: option token \(literal\) holds a literal/);
    expect(() => cloudflaredProfile({ token: secret("t"), metricsPort: 80 })).toThrow(/option metricsPort is 80/);
  });
});

describe("kohaProfile", () => {
  test("probes OPAC and staff through Apache, Plack and the database", () => {
    const spec = koha();
    expect(spec.health.probe).toEqual({
      kind: "shell",
      script:
        "wget -q -T 4 -O /dev/null http://127.0.0.1:8080/cgi-bin/koha/opac-main.pl && " +
        "wget -q -T 4 -O /dev/null http://127.0.0.1:8081/cgi-bin/koha/mainpage.pl",
    });
    expect(spec.ports).toEqual([
      { port: 8080, name: "opac" },
      { port: 8081, name: "staff" },
    ]);
    expect(spec.env).toEqual({
      KOHA_INSTANCE: "library",
      KOHA_OPAC_PORT: "8080",
      KOHA_INTRANET_PORT: "8081",
      MYSQL_SERVER: "mariadb",
      DB_NAME: "koha_library",
      MYSQL_USER: "koha",
      MB_HOST: "rabbitmq",
      MB_PORT: "61613",
      MB_USER: "koha",
      MEMCACHED_SERVERS: "memcached:11211",
      USE_ELASTICSEARCH: "true",
      ELASTICSEARCH_HOST: "elasticsearch:9200",
      TZ: "UTC",
    });
    expect(spec.dataVolumes).toEqual([{ name: "data", path: "/var/lib/koha" }]);
    expect(spec.writablePaths!.map((w) => w.path)).toEqual([
      "/tmp", "/var/run/koha", "/var/run/apache2", "/var/lock/apache2", "/var/log/koha", "/var/log/apache2", "/var/cache/koha",
    ]);
  });

  test("requires a user-supplied non-root image", () => {
    const base = {
      database: { host: "mariadb", name: "koha", user: "koha", password: secret("db") },
      messageBroker: { host: "rabbitmq", user: "koha", password: secret("mq") },
    };
    expect(() => kohaProfile({ ...base } as never)).toThrow(/kohaProfile(\([a-z-]+\))?: option image is missing\. Fix: build a Koha image that runs non-root/);
    expect(() => kohaProfile({ ...base, image: { repository: "teogramm/koha", tag: "latest" } })).toThrow(/option image.tag "latest" is not a pinned version tag/);
    expect(() => kohaProfile({ ...base, image: KOHA_IMAGE, user: "0:0" })).toThrow(/kohaProfile(\([a-z-]+\))?: option user "0:0" is root or empty/);
    expect(() => kohaProfile({ ...base, image: KOHA_IMAGE, user: "www-data" })).toThrow(/option user "www-data" is not a numeric UID:GID/);
    expect(() => kohaProfile({ ...base, image: KOHA_IMAGE, opacPort: 80 })).toThrow(/option opacPort is 80.*unprivileged port/);
    expect(() => kohaProfile({ ...base, image: KOHA_IMAGE, staffPort: 8080 })).toThrow(/option staffPort equals opacPort/);
    expect(() => kohaProfile({ ...base, image: KOHA_IMAGE, memcachedServers: "memcached" })).toThrow(/option memcachedServers "memcached" is not a host:port/);
    const zebra = kohaProfile({ ...base, image: KOHA_IMAGE, probeTool: "curl" });
    expect(zebra.env!.USE_ELASTICSEARCH).toBe("false");
    expect(zebra.env!.ELASTICSEARCH_HOST).toBeUndefined();
    expect(dockerHealthTest(zebra.health.probe)[1]).toContain("curl -fsS -o /dev/null --max-time 4 http://127.0.0.1:8080/");
  });
});

describe("webAppProfile", () => {
  const base = { name: "api", image: { repository: "ghcr.io/example/api", tag: "1.4.2" }, user: "10001:10001", port: 8000 };

  test("builds an HTTP probe from port, path and tool", () => {
    const spec = webAppProfile({ ...base, probeTool: "curl", healthPath: "/ready", env: { LOG_LEVEL: "info" } });
    expect(spec.health.probe).toEqual(HealthProbe.http({ port: 8000, path: "/ready", tool: "curl" }));
    expect(spec.ports).toEqual([{ port: 8000, name: "http" }]);
    expect(spec.writablePaths).toEqual([{ path: "/tmp", sizeMb: 64, mode: "1777" }]);
    expect(spec.env).toEqual({ LOG_LEVEL: "info" });
  });

  test("accepts a custom probe for images without an HTTP client", () => {
    const probe = HealthProbe.exec("/app/healthcheck");
    expect(webAppProfile({ ...base, probe, role: "worker" }).health.probe).toBe(probe);
  });

  test("refuses root, missing probe tool, secret literals and privileged ports", () => {
    expect(() => webAppProfile({ ...base, user: "root", probeTool: "wget" })).toThrow(/webAppProfile(\([a-z-]+\))?: option user "root" is root or empty/);
    expect(() => webAppProfile({ ...base, user: "0:1000", probeTool: "wget" })).toThrow(/option user "0:1000" is root/);
    expect(() => webAppProfile({ ...base })).toThrow(/option probeTool is missing\. Fix: say which HTTP client the image ships/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", env: { API_TOKEN: "abc123" } })).toThrow(/option env.API_TOKEN looks like a secret but holds a literal\. Fix: move it to secretEnv/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", secretEnv: { API_TOKEN: literal("abc123") } })).toThrow(/option secretEnv.API_TOKEN \(literal\) holds a literal/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", port: 80 })).toThrow(/option port is 80.*unprivileged port/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", healthPath: "health" })).toThrow(/option healthPath "health" is not a plain absolute path/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", capabilities: [{ capability: "NET_BIND_SERVICE", reason: "port" }] })).toThrow(/option capabilities\[NET_BIND_SERVICE\].reason is missing or shorter than 10 characters/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", capabilities: [{ capability: "SYS_ADMIN" as never, reason: "because I want to" }] })).toThrow(/holds "SYS_ADMIN", which is not an allowed capability/);
    expect(() => webAppProfile({ ...base, probeTool: "wget", env: { X: "1" }, secretEnv: { X: secret("x") } })).toThrow(/option secretEnv.X is also set in env/);
  });

  test("property: any secret passed in reaches secretEnv unchanged", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), (variable, envName) => {
        const spec = webAppProfile({ ...base, probeTool: "wget", secretEnv: { [envName]: secret(variable) } });
        expect(spec.secretEnv![envName]).toEqual(secret(variable));
        expect(Object.values(spec.env ?? {})).not.toContain("${var." + variable + "}");
      }),
    );
  });
});
