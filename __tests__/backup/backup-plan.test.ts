import { App, TerraformStack } from "cdktf";
import { BackupPlan, BACKUP_METRICS_PATH, BACKUP_REPOSITORY_PATH, DEFAULT_BACKUP_CONTEXT, defaultBackupContext, filesBackupUser } from "../../constructs/backup/backup-plan";
import { Secret } from "../../constructs/core/secret";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { mariadbProfile } from "../../constructs/profiles/mariadb";
import { postgresProfile } from "../../constructs/profiles/postgres";
import { Duration } from "../../constructs/service/units";
import { synthStackJson } from "../../policy/testing";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { dockerTestStack } from "../helpers/stack";

type Json = Record<string, any>;

function mariadb(stack: ReturnType<typeof dockerTestStack>, overrides: Partial<Parameters<typeof mariadbProfile>[0]> = {}) {
  const spec = mariadbProfile({
    serverId: 1, database: "koha", user: "koha",
    rootPassword: Secret.named("db_root_password", "MariaDB root"), password: Secret.named("db_password", "Koha's DB user"), ...overrides,
  });
  return new HardenedContainer(stack.stack, "mariadb", { service: spec, networks: [stack.topology.back], owner: "ops" });
}

let planId = 0;
function plan(s: ReturnType<typeof dockerTestStack>, extra: Partial<ConstructorParameters<typeof BackupPlan>[2]> = {}) {
  return new BackupPlan(s.stack, planId++ === 0 ? "backup" : `backup${planId}`, {
    network: s.topology.back, owner: "ops",
    repositoryPassword: Secret.named("backup_repository_password", "restic repository password; ops rotates it"),
    offsite: { repository: "s3:https://s3.example.net/bulwark-backups/koha", credentials: {
      AWS_ACCESS_KEY_ID: Secret.named("backup_offsite_key_id", "off-site S3 key id"),
      AWS_SECRET_ACCESS_KEY: Secret.named("backup_offsite_secret_key", "off-site S3 secret key"),
    } },
    ...extra,
  });
}

const env = (c: Json): Record<string, string> => Object.fromEntries((c.env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

describe("BackupPlan", () => {
  test("without an off-site repository the backup container joins only the internal network: no egress network", () => {
    const s = dockerTestStack();
    const db = mariadb(s);
    plan(s, { offsite: undefined }).addDatastore(db, { user: "bulwark_backup", password: Secret.named("db_backup_password", "backup user") });
    const json: Json = synthStackJson(s.stack);
    expect(json.resource.docker_container.mariadb_backup.networks_advanced).toEqual([{ name: "${docker_network.backnet.name}", aliases: ["mariadb-backup"] }]);
    expect(json.resource.docker_network.mariadb_backup_egress).toBeUndefined();
  });

  test("MariaDB with PITR: a hardened backup container built from backup/image/Dockerfile", () => {
    const s = dockerTestStack();
    const db = mariadb(s);
    plan(s).addDatastore(db, { user: "bulwark_backup", password: Secret.named("db_backup_password", "backup user"), smokeQueries: ["SELECT COUNT(*) FROM koha.biblio"] });
    const json: Json = synthStackJson(s.stack);
    const c = json.resource.docker_container.mariadb_backup;
    expect(c.user).toBe("10001:10001");
    expect(c.read_only).toBe(true);
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    // The off-site copy leaves through a bridge of its own: nobody else on it, inter-container traffic off.
    expect(c.networks_advanced).toEqual([{ name: "${docker_network.backnet.name}", aliases: ["mariadb-backup"] }, { name: "${docker_network.mariadb_backup_egress.name}", aliases: ["mariadb-backup"] }]);
    expect(json.resource.docker_network.mariadb_backup_egress).toMatchObject({ name: "mariadb-backup-egress", internal: false, options: { "com.docker.network.bridge.enable_icc": "false" } });
    expect(JSON.stringify(c["//"])).toContain("the off-site copy (3-2-1) reaches s3.example.net from mariadb-backup only");
    expect(c.ports).toBeUndefined();
    const e = env(c);
    expect(e).toMatchObject({
      BULWARK_SERVICE: "mariadb", BULWARK_ENGINE: "mariadb", BULWARK_PITR: "1", BULWARK_DB_HOST: "mariadb", BULWARK_DB_PORT: "3306",
      BULWARK_FULL_INTERVAL_SECONDS: "21600", BULWARK_KEEP_WITHIN: "720h", BULWARK_KEEP_DAILY: "30", BULWARK_KEEP_MONTHLY: "12",
      BULWARK_RPO_TARGET_SECONDS: "3600", BULWARK_RTO_TARGET_SECONDS: "14400", RESTIC_REPOSITORY: BACKUP_REPOSITORY_PATH,
      BULWARK_OFFSITE_REPOSITORY: "s3:https://s3.example.net/bulwark-backups/koha",
      RESTIC_PASSWORD: "${var.backup_repository_password}", AWS_SECRET_ACCESS_KEY: "${var.backup_offsite_secret_key}", BULWARK_DB_PASSWORD: "${var.db_backup_password}",
    });
    expect(json.variable.backup_repository_password).toMatchObject({ sensitive: true });
    const img = json.resource.docker_image.mariadb_backup;
    expect(img.build.context).toBe("${path.module}/../../../backup");
    expect(img.build.dockerfile).toBe("image/Dockerfile");
    expect(img.build.build_args.MARIADB_VERSION).toMatch(/^1:10\.11\./);
    expect(img.triggers.context_sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(img.name).toMatch(/^bulwark\/backup:[a-f0-9]{12}$/);
    expect(json.resource.docker_volume.mariadb_backup_repo.name).toBe("mariadb-backup-repo");
    expect(s.stack).toPassPolicy();
  });

  test("PostgreSQL: PITR by default, dumps when asked; synth is deterministic", () => {
    const build = () => {
      planId = 0;
      const s = dockerTestStack();
      const pg = new HardenedContainer(s.stack, "postgres", { service: postgresProfile({ password: Secret.named("pg_password", "superuser") }), networks: [s.topology.back], owner: "ops" });
      plan(s, { shipEvery: undefined }).addDatastore(pg, { user: "bulwark_backup", password: Secret.named("pg_backup_password", "replication role") });
      return synthStackJson(s.stack);
    };
    const a: Json = build();
    expect(env(a.resource.docker_container.postgres_backup)).toMatchObject({ BULWARK_ENGINE: "postgresql", BULWARK_PITR: "1", BULWARK_DB_PORT: "5432" });
    expect(JSON.stringify(build())).toBe(JSON.stringify(a));
    const s = dockerTestStack();
    const pg = new HardenedContainer(s.stack, "postgres", { service: postgresProfile({ password: Secret.named("pg_password", "superuser"), settings: { wal_level: "minimal", max_wal_senders: "0" } }), networks: [s.topology.back], owner: "ops" });
    expect(() => plan(s).addDatastore(pg, { user: "b", password: Secret.named("b_pw", "x"), pointInTime: true })).toThrow(/pointInTime is true, but the service records no change log \(settings wal_level=minimal/);
  });

  test("refuses a PITR plan for a MariaDB whose binlogs are off, with the fix", () => {
    const s = dockerTestStack();
    const spec = mariadbProfile({ serverId: 1, database: "koha", user: "koha", rootPassword: Secret.named("r", "root"), password: Secret.named("p", "user") });
    const noBinlog = { ...spec, command: spec.command!.filter((a) => !a.startsWith("--log-bin")) };
    const db = new HardenedContainer(s.stack, "mariadb", { service: noBinlog, networks: [s.topology.back], owner: "ops" });
    expect(() => plan(s).addDatastore(db, { user: "bulwark_backup", password: Secret.named("bp", "backup") }))
      .toThrow(/BackupPlan test\/backup\d*: addDatastore\(mariadb\)\.pointInTime is true, but the service's command does not pass --log-bin.*Fix: build the service with mariadbProfile/);
    const none = { ...spec, backup: { ...spec.backup!, changeLog: { kind: "none" as const, why: "binlogs disabled by the operator" } } };
    const s2 = dockerTestStack("t2");
    const db2 = new HardenedContainer(s2.stack, "mariadb", { service: none, networks: [s2.topology.back], owner: "ops" });
    expect(() => plan(s2).addDatastore(db2, { user: "bulwark_backup", password: Secret.named("bp", "backup"), pointInTime: true })).toThrow(/records no change log \(binlogs disabled by the operator\)/);
    // Full backups only is allowed, and says so in the environment.
  });

  test("clear errors: public network, literal-looking off-site credentials, RPO shorter than the ship interval, no facts", () => {
    const s = dockerTestStack();
    expect(() => plan(s, { network: s.topology.front })).toThrow(/network "frontnet" is not internal/);
    expect(() => plan(s, { offsite: { repository: "rest:https://user:pw@backup.example.net/koha" } })).toThrow(/carries credentials in the URL.*offsite.credentials/);
    expect(() => plan(s, { repositoryPassword: "hunter2" as any })).toThrow(/repositoryPassword is not a secret reference/);
    const db = mariadb(s);
    expect(() => plan(s, { shipEvery: Duration.minutes(30), objectives: { rpo: Duration.minutes(5) } }).addDatastore(db, { user: "bulwark_backup", password: Secret.named("bp", "b") }))
      .toThrow(/shipEvery \(1800 s\) is longer than objectives.rpo \(300 s\)/);
  });

  /** A plan with one files backup of MariaDB's `data` volume: the stack's JSON and its backup container. */
  const filesBackup = () => {
    const s = dockerTestStack();
    plan(s).addFiles(mariadb(s), "data");
    const json: Json = synthStackJson(s.stack);
    return { json, c: json.resource.docker_container.mariadb_backup };
  };

  test("files volumes are mounted read-only", () => {
    const { c } = filesBackup();
    expect(c.volumes).toContainEqual({ volume_name: "${docker_volume.mariadb_data.name}", container_path: "/mnt/data/data", read_only: true });
  });

  test("a files backup runs as the service's UID with the backup group: it can read the service's private files", () => {
    const { c } = filesBackup(); // mariadbProfile runs as 999:999
    expect(c.user).toBe("999:10001");
    expect(filesBackupUser("999:999")).toBe("999:10001");
    expect(filesBackupUser("1000:1000")).toBe("1000:10001");
  });

  test("a files backup container knows the names its restore needs on the host: service container, data and repository volumes, image", () => {
    const { json, c } = filesBackup();
    const env = (c.env as string[]).filter((e) => e.startsWith("BULWARK_RESTORE_"));
    expect(env).toEqual([
      "BULWARK_RESTORE_DATA_VOLUME=${docker_volume.mariadb_data.name}",
      `BULWARK_RESTORE_IMAGE=${json.resource.docker_image.mariadb_backup.name}`,
      "BULWARK_RESTORE_REPO_VOLUME=${docker_volume.mariadb_backup_repo.name}",
      "BULWARK_RESTORE_SERVICE_CONTAINER=mariadb",
    ]);
    expect(json.resource.docker_container.mariadb.name).toBe("mariadb");
    expect(json.resource.docker_image.mariadb_backup.name).toMatch(/^bulwark\/backup:[0-9a-f]{12}$/);
    expect(c.volumes).toContainEqual({ volume_name: "${docker_volume.mariadb_backup_repo.name}", container_path: "/var/lib/bulwark-backup-repo" });
  });

  test("a datastore backup restores through the engine's own commands: no files restore names", () => {
    const s = dockerTestStack();
    plan(s).addDatastore(mariadb(s), { user: "bulwark_backup", password: Secret.named("db_backup_password", "backup user") });
    const c = (synthStackJson(s.stack) as Json).resource.docker_container.mariadb_backup;
    expect((c.env as string[]).filter((e) => e.startsWith("BULWARK_RESTORE_"))).toEqual([]);
  });

  test("the image's state, repo and metrics directories are group-writable for the backup group (a files backup writes them as another UID)", () => {
    const dockerfile = readFileSync(join(__dirname, "../../backup/image/Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/chmod 2770 \/var\/lib\/bulwark-backup \/var\/lib\/bulwark-backup-repo/);
    expect(dockerfile).toMatch(/chmod 2775 \/var\/lib\/bulwark-metrics/);
    expect(dockerfile).toMatch(/groupadd -r -g 10001 bulwark-backup/);
  });

  test("metrics: one volume per plan, owned by the first backup container, written by every one, created before the others mount it", () => {
    const s = dockerTestStack();
    const db = mariadb(s);
    const p = plan(s);
    expect(p.metricsVolume).toBeUndefined();
    p.addDatastore(db, { user: "bulwark_backup", password: Secret.named("db_backup_password", "backup user") });
    const pg = new HardenedContainer(s.stack, "postgres", { service: postgresProfile({ password: Secret.named("pg_password", "superuser") }), networks: [s.topology.back], owner: "ops" });
    p.addDatastore(pg, { user: "bulwark_backup", password: Secret.named("pg_backup_password", "replication role") });
    expect(p.metricsVolume?.ownerService).toBe("mariadb-backup");
    const json: Json = synthStackJson(s.stack);
    const first = json.resource.docker_container.mariadb_backup;
    const second = json.resource.docker_container.postgres_backup;
    expect(first.depends_on).toBeUndefined();
    expect(json.resource.docker_volume.postgres_backup_metrics).toBeUndefined();
    expect(json.resource.docker_volume.mariadb_backup_metrics.name).toBe("mariadb-backup-metrics");
    expect(first.volumes).toContainEqual({ volume_name: "${docker_volume.mariadb_backup_metrics.name}", container_path: BACKUP_METRICS_PATH });
    expect(second.volumes).toContainEqual({ volume_name: "${docker_volume.mariadb_backup_metrics.name}", container_path: BACKUP_METRICS_PATH, read_only: false });
    expect(second.depends_on).toContain("docker_container.mariadb_backup");
    for (const c of [first, second]) expect(env(c).BULWARK_METRICS_DIR).toBe(BACKUP_METRICS_PATH);
    expect(s.stack).toPassPolicy();
  });

  test("the image has every volume mount point, owned by the backup user (an empty named volume takes the owner of the image directory)", () => {
    const dockerfile = readFileSync(join(__dirname, "../../backup/image/Dockerfile"), "utf8");
    for (const dir of ["/var/lib/bulwark-backup", BACKUP_REPOSITORY_PATH, BACKUP_METRICS_PATH]) {
      expect([dir, new RegExp(`mkdir -p [^\n]*${dir}( |$)`, "m").test(dockerfile)]).toEqual([dir, true]);
      expect([dir, new RegExp(`chown 10001:10001 [^\n]*${dir}( |$)`, "m").test(dockerfile)]).toEqual([dir, true]);
    }
  });
});

describe("defaultBackupContext: the package's backup/ as Terraform sees it from the stack's directory", () => {
  let project = "";
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "bulwark-context-"));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const contextFor = (outdir: string, backupDir: string, stackId = "koha") => {
    mkdirSync(dirname(outdir), { recursive: true }); // App creates its outdir, not the parents
    const app = new App({ outdir });
    return defaultBackupContext(new TerraformStack(app, stackId), backupDir);
  };

  test("an app in a project that installed bulwark: the path into node_modules, the same on every machine", () => {
    const backupDir = join(project, "node_modules", "bulwark", "backup");
    expect(contextFor(join(project, "cdktf.out"), backupDir)).toBe("${path.module}/../../../node_modules/bulwark/backup");
    expect(contextFor(join(project, "infra", "cdktf.out"), backupDir, "db")).toBe("${path.module}/../../../../node_modules/bulwark/backup");
  });

  test("this repository: its cdktf.out gives DEFAULT_BACKUP_CONTEXT, examples/web-api's own outdir the longer way up", () => {
    const backupDir = join(project, "backup");
    expect(contextFor(join(project, "cdktf.out"), backupDir)).toBe(DEFAULT_BACKUP_CONTEXT);
    expect(DEFAULT_BACKUP_CONTEXT).toBe("${path.module}/../../../backup");
    expect(contextFor(join(project, "examples", "web-api", "cdktf.out"), backupDir, "web-api")).toBe("${path.module}/../../../../../backup");
  });

  test("an outdir outside the project (a test's temporary directory) keeps DEFAULT_BACKUP_CONTEXT", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "bulwark-context-elsewhere-"));
    try {
      expect(contextFor(join(elsewhere, "cdktf.out"), join(project, "node_modules", "bulwark", "backup"))).toBe(DEFAULT_BACKUP_CONTEXT);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
