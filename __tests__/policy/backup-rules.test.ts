/**
 * BACKUP rules over hand-written Terraform JSON (compliant and non-compliant fixtures), plus the
 * backup plan construct's own output, which must raise no BACKUP finding at all.
 */
import { BackupPlan } from "../../constructs/backup/backup-plan";
import { Secret } from "../../constructs/core/secret";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { mariadbProfile } from "../../constructs/profiles/mariadb";
import { postgresProfile } from "../../constructs/profiles/postgres";
import { synthStackJson } from "../../policy/testing";
import { literalPasswordCommand, walCaptureProblem } from "../../knowledge/backup";
import { containerWith as container, dockerStack } from "../helpers/fixtures";
import { findings, ruleHits as got, type Json } from "../helpers/policy";
import { dockerTestStack } from "../helpers/stack";

const DIGEST = "@sha256:" + "d".repeat(64);
const RESTIC = `restic/restic:0.17.3${DIGEST}`;

function stack(containers: Record<string, Record<string, unknown>>, extra: Json = {}): Json {
  const json = dockerStack(container(), extra) as { resource: Json };
  json.resource.docker_container = Object.fromEntries(Object.entries(containers).map(([name, o]) => [name, container({ name, ...o })]));
  return json;
}

const vol = (name: string, path: string, readOnly = false) => ({ volume_name: `\${docker_volume.${name}.name}`, container_path: path, ...(readOnly ? { read_only: true } : {}) });
const VOLUMES = { docker_volume: { db_data: { name: "db-data" }, mq_data: { name: "mq-data" } } };
const DB = { image: `mariadb:11.4.2${DIGEST}`, volumes: [vol("db_data", "/var/lib/mysql")] };
const SENSITIVE = { variable: { restic_password: { type: "string", sensitive: true }, plain: { type: "string" } } };
type Row = [name: string, containers: Record<string, Record<string, unknown>>, expected: string[], extra?: Json];

function table(ruleId: string, rows: Row[]): void {
  // A rest parameter: jest would take a fourth named parameter for a `done` callback.
  test.each<Row>(rows)("%s", (...[, containers, expected, extra]: Row) => {
    const json = stack(containers, { ...VOLUMES }) as Json & { variable?: Json };
    Object.assign(json, extra ?? {});
    expect(got(json, ruleId)).toEqual(expected);
  });
}

describe("BACKUP-001 datastore outside the backup plan", () => {
  table("BACKUP-001", [
    ["no backup plan: not judged", { db: DB }, []],
    ["a plan that forgets the datastore", { db: DB, files: { image: RESTIC, env: ["RESTIC_PASSWORD=${var.restic_password}"], volumes: [vol("mq_data", "/mnt/mq", true)] } }, ["BACKUP-001 warning docker_container.db"]],
    ["a backup container mounting the volume passes", { db: DB, bk: { image: RESTIC, volumes: [vol("db_data", "/mnt/db", true)] } }, []],
    ["a dump over the network (names the host) passes", { db: DB, bk: { image: `ghcr.io/x/db-backup:1.0.0${DIGEST}`, env: ["DB_HOST=db"] } }, []],
    ["a host directory above the bind mount passes", { db: { ...DB, volumes: [{ host_path: "/srv/db/data", container_path: "/var/lib/mysql" }] }, bk: { image: RESTIC, volumes: [{ host_path: "/srv", container_path: "/mnt/srv", read_only: true }] } }, []],
    ["a datastore without a data volume passes", { cache: { image: `memcached:1.6.29${DIGEST}` }, bk: { image: RESTIC } }, []],
    ["the bulwark.backup label marks a backup container", { db: DB, bk: { labels: [{ label: "bulwark.backup", value: "true" }] } }, ["BACKUP-001 warning docker_container.db"]],
    ["read-only config mounts are no data", { db: { ...DB, volumes: [{ host_path: "/etc/bulwark/my.cnf", container_path: "/etc/mysql/conf.d/x.cnf", read_only: true }] }, bk: { image: RESTIC } }, []],
  ]);
});

describe("BACKUP-002 repository password not a secret", () => {
  table("BACKUP-002", [
    ["RESTIC_PASSWORD from a sensitive variable passes", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD=${var.restic_password}"] } }, [], SENSITIVE],
    ["RESTIC_PASSWORD literal", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD=hunter2"] } }, ["BACKUP-002 error docker_container.bk"]],
    ["RESTIC_PASSWORD literal in any container", { app: { env: ["RESTIC_PASSWORD=hunter2"] } }, ["BACKUP-002 error docker_container.app"]],
    ["a variable not marked sensitive", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD=${var.plain}"] } }, ["BACKUP-002 error docker_container.bk"], SENSITIVE],
    ["RESTIC_PASSWORD_FILE passes", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD_FILE=/run/secrets/restic"] } }, []],
    ["RESTIC_PASSWORD_COMMAND echoing a literal", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD_COMMAND=echo hunter2"] } }, ["BACKUP-002 error docker_container.bk"]],
    ["RESTIC_PASSWORD_COMMAND reading a file passes", { bk: { image: RESTIC, env: ["RESTIC_PASSWORD_COMMAND=cat /run/secrets/restic"] } }, []],
    ["an off-site key literal in a backup container", { bk: { image: RESTIC, env: ["AWS_SECRET_ACCESS_KEY=abcdEFGHijkl1234"] } }, ["BACKUP-002 error docker_container.bk"]],
    ["a repository URL with a password", { bk: { image: RESTIC, env: ["RESTIC_REPOSITORY=rest:https://backup:hunter2@backup.example.net/koha"] } }, ["BACKUP-002 error docker_container.bk"]],
    ["restic -p with a password instead of a file", { bk: { image: RESTIC, command: ["restic", "-p", "hunter2", "backup", "/data"] } }, ["BACKUP-002 error docker_container.bk"]],
    ["restic -p with a file passes", { bk: { image: RESTIC, command: ["restic", "-p", "/run/secrets/restic", "backup", "/data"] } }, []],
    ["restic --password-command echoing a literal", { bk: { image: RESTIC, command: ["restic", "--password-command", "echo hunter2", "snapshots"] } }, ["BACKUP-002 error docker_container.bk"]],
  ]);
  test("the value is never repeated", () => {
    for (const f of findings(stack({ bk: { image: RESTIC, env: ["RESTIC_PASSWORD=hunter2", "RESTIC_PASSWORD_COMMAND=echo hunter2"] } }), "BACKUP-002")) expect(f.message).not.toContain("hunter2");
  });
  test("knowledge: password commands", () => {
    expect(["echo hunter2", "echo -n 'hunter2'", "printf '%s' hunter2"].map(literalPasswordCommand)).toEqual([true, true, true]);
    expect(["cat /run/secrets/x", "echo $RESTIC_PW", "echo ${var.x}"].map(literalPasswordCommand)).toEqual([false, false, false]);
  });
});

describe("BACKUP-003 point-in-time recovery without a change log", () => {
  const pitrBackup = (host: string) => ({ image: `bulwark/backup:0123456789ab`, env: ["BULWARK_PITR=1", `BULWARK_DB_HOST=${host}`] });
  const pg = (command?: string[]) => ({ image: `postgres:16.4${DIGEST}`, ...(command ? { command } : {}) });
  table("BACKUP-003", [
    ["MariaDB with --log-bin passes", { db: { ...DB, command: ["mariadbd", "--log-bin=mariadb-bin", "--server-id=1"] }, bk: pitrBackup("db") }, []],
    ["MariaDB without --log-bin", { db: DB, bk: pitrBackup("db") }, ["BACKUP-003 error docker_container.db"]],
    ["MariaDB with log_bin in an uploaded option file passes", { db: { ...DB, upload: [{ file: "/etc/mysql/conf.d/binlog.cnf", content: "[mariadbd]\nlog_bin = mariadb-bin\n" }] }, bk: pitrBackup("db") }, []],
    ["MariaDB with a mounted config directory is not judged", { db: { ...DB, volumes: [...DB.volumes, { host_path: "/srv/mysql-conf", container_path: "/etc/mysql/conf.d", read_only: true }] }, bk: pitrBackup("db") }, []],
    ["no PITR asked: not judged", { db: DB, bk: { ...pitrBackup("db"), env: ["BULWARK_PITR=0", "BULWARK_DB_HOST=db"] } }, []],
    ["PITR by label", { db: DB, bk: { image: RESTIC, env: ["DB_HOST=db"], labels: [{ label: "bulwark.backup.pitr", value: "true" }] } }, ["BACKUP-003 error docker_container.db"]],
    ["a PITR backup of another host does not judge this one", { db: DB, bk: pitrBackup("other") }, []],
    ["MySQL 8 logs binlogs by default", { db: { ...DB, image: `mysql:8.4.2${DIGEST}` }, bk: pitrBackup("db") }, []],
    ["MySQL with --skip-log-bin", { db: { ...DB, image: `mysql:8.4.2${DIGEST}`, command: ["mysqld", "--skip-log-bin"] }, bk: pitrBackup("db") }, ["BACKUP-003 error docker_container.db"]],
    ["PostgreSQL defaults pass", { db: pg(), bk: pitrBackup("db") }, []],
    ["PostgreSQL with wal_level=minimal", { db: pg(["postgres", "-c", "wal_level=minimal", "-c", "max_wal_senders=0"]), bk: pitrBackup("db") }, ["BACKUP-003 error docker_container.db"]],
    ["PostgreSQL with max_wal_senders=0", { db: pg(["postgres", "-c", "max_wal_senders=0"]), bk: pitrBackup("db") }, ["BACKUP-003 error docker_container.db"]],
    ["PostgreSQL with wal_level=minimal in postgresql.conf", { db: { ...pg(), upload: [{ file: "/etc/postgresql/postgresql.conf", content: "wal_level = minimal\n" }] }, bk: pitrBackup("db") }, ["BACKUP-003 error docker_container.db"]],
  ]);
  test("knowledge: WAL settings", () => {
    expect([walCaptureProblem("wal-level", "'minimal'"), walCaptureProblem("max_wal_senders", "0"), walCaptureProblem("wal_level", "replica")]).toEqual(["wal_level=minimal", "max_wal_senders=0", null]);
  });
});

describe("the backup plan construct's own output", () => {
  test("MariaDB and PostgreSQL plans raise no BACKUP finding", () => {
    const s = dockerTestStack();
    const db = new HardenedContainer(s.stack, "mariadb", {
      service: mariadbProfile({ serverId: 1, database: "koha", user: "koha", rootPassword: Secret.named("db_root_password", "MariaDB root"), password: Secret.named("db_password", "Koha's DB user") }),
      networks: [s.topology.back], owner: "ops",
    });
    const pg = new HardenedContainer(s.stack, "postgres", { service: postgresProfile({ password: Secret.named("pg_password", "superuser") }), networks: [s.topology.back], owner: "ops" });
    const plan = new BackupPlan(s.stack, "backup", {
      network: s.topology.back, owner: "ops",
      repositoryPassword: Secret.named("backup_repository_password", "restic repository password"),
      offsite: { repository: "s3:https://s3.example.net/b", credentials: { AWS_SECRET_ACCESS_KEY: Secret.named("backup_offsite_secret_key", "off-site S3 secret key") } },
    });
    plan.addDatastore(db, { user: "bulwark_backup", password: Secret.named("db_backup_password", "backup user") });
    plan.addDatastore(pg, { user: "bulwark_backup", password: Secret.named("pg_backup_password", "backup user") });
    const json = synthStackJson(s.stack) as Json;
    expect(findings(json).filter((f) => f.ruleId.startsWith("BACKUP-")).map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });
});
