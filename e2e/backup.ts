/**
 * The backup image on the real engine (issue 13): built from backup/image/Dockerfile the way the
 * stack's docker_image builds it, then run as the BackupPlan construct configures it.
 *
 * Build (started at the beginning of the run, in parallel with the other containers): the stack's
 * `docker_image` build block (dockerfile, build args, labels) with two rows of the substitution table
 * applied, said plainly: BASE_IMAGE debian:bookworm-slim becomes the e2e's debootstrap bookworm
 * minbase (no registry), and the context `${path.module}/../../../backup` becomes the working tree's
 * backup/ (the e2e synthesizes into a private directory). Tagged bulwark-e2e/backup:bookworm.
 *
 * Run (after the first start, once the datastore is healthy), for each row of BACKUP_RUNS
 * (single-server/db_backup on PostgreSQL, koha/mariadb_backup on MariaDB; ENGINES below):
 * 1. the one-time grants an operator runs (constructs/backup/README.md) with the stack's (random,
 *    per run) password: PostgreSQL's backup role and `host replication … samenet scram-sha-256` in
 *    pg_hba.conf; MariaDB's backup user with the README's privileges; 3 rows to find again;
 * 2. an off-site stand-in: `rclone serve restic` from the same image (non-root, read-only root, no
 *    capabilities, a tmpfs as its store) on the backup container's internal network;
 * 3. the backup container exactly as synthesized (user 10001:10001, read-only root, cap_drop ALL,
 *    no-new-privileges, its tmpfs, its state/repo/metrics volumes, the internal network and its own
 *    egress network), its command `schedule` (the image's entrypoint `bulwark-backup`).
 * Asserted: the generic hardening checks; pid 1 is the scheduler; it initialises the restic
 * repository on its repo volume, takes the first full backup (pg_basebackup or mariadb-dump over
 * the network) and copies it off-site, writes the metrics volume (as the volume's owner, from the
 * image directory); the synthesized health probe passes; `bulwark-backup help` and `restore --help`
 * print the usage; after a 4th row, `bulwark-backup ship` ships the captured WAL/binlog;
 * `restore pitr --to … --dry-run` checks the repository and restores nothing; `restore verify`
 * restores the full backup + WAL/binlog into a scratch server inside the read-only container and
 * finds rows 1-4 (the 4th only through the log replay). Files (koha's rabbitmq_backup): `restore
 * verify` restores the snapshot into a scratch directory; `restore full` refuses in place and
 * prints `docker stop && docker run && docker start` with this host's names, which is then run as
 * printed (the image under its local e2e name): the service stopped, its data volume emptied, the
 * files restored, and the service healthy again on them, its private files back with their owner,
 * group, mode and content.
 * Not asserted: the scheduled 30 s ships, the 6-hourly fulls and the drill (their timing is proven
 * by npm run drill on the host); restarts of this container.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import {
  checkMemory, checkNoEgress, checkOwnEgressOnly, checkPrivileges, checkReadOnlyRoot, checkTmpfs, checkUlimits, checkUser, diagnose,
  waitHealthy, type EgressTarget, type Result,
} from "./assertions";
import { createContainer, docker, DOCKER, run as runCmd, type ContainerPlan, type TfStack } from "./harness";
import { BACKUP_IMAGE, BACKUP_RUNS, OFFSITE_ALIAS, PREFIX, PROJECT, PROJECT_LABEL, substitutionsFor } from "./substitutions";

type Json = Record<string, any>;
const REPO_ROOT = join(__dirname, "..");
const STATE = process.env.BULWARK_E2E_STATE ?? "/var/tmp/bulwark-e2e";
const pass = (check: string, detail: string): Result => ({ ok: true, check, detail });
const fail = (check: string, detail: string): Result => ({ ok: false, check, detail });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const oneLine = (s: string, max = 400) => s.replace(/\s+/g, " ").trim().slice(0, max);
const PROBE_TABLE = "bulwark_e2e_probe";

/**
 * What differs per engine: the one-time grants an operator runs on the datastore (the table in
 * constructs/backup/README.md, run with `docker exec` as its admin), the rows written before the
 * full backup (3) and after it (a 4th, which only the shipped WAL/binlog holds), and the table the
 * restore must find them in. The grant scripts read BK_USER/BK_PW (the container's BULWARK_DB_*).
 */
interface Engine {
  readonly name: string;
  readonly full: string;
  /** The change log shipped between full backups; null for files (no point-in-time recovery). */
  readonly log: string | null;
  grant(dataPath: string): string;
  granted(user: string): string;
  readonly insert4: string;
  readonly probe: string;
}

const PSQL = `psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER"`;
const PG_DB = `-d "\${POSTGRES_DB:-$POSTGRES_USER}"`;
/** The stand-in's root over its socket (MARIADB_ROOT_HOST=localhost: root has no network login). */
const MARIADB_ROOT = `mariadb --socket=/run/mysqld/mysqld.sock -uroot -p"$MARIADB_ROOT_PASSWORD" --batch`;
const KOHA_DB = "\\`$MARIADB_DATABASE\\`";

const ENGINES: Readonly<Record<string, Engine>> = {
  postgresql: {
    name: "PostgreSQL", full: "pg_basebackup", log: "WAL", probe: PROBE_TABLE,
    grant: () => [
      `echo "CREATE ROLE \\"$BK_USER\\" LOGIN REPLICATION PASSWORD :'pw'; GRANT pg_read_all_data TO \\"$BK_USER\\";" | ${PSQL} -v pw="$BK_PW" -d postgres`,
      `printf '\\nhost replication %s samenet scram-sha-256\\n' "$BK_USER" >> "$PGDATA/pg_hba.conf"`,
      `${PSQL} -d postgres -c 'SELECT pg_reload_conf()' >/dev/null`,
      `${PSQL} ${PG_DB} -c 'CREATE TABLE ${PROBE_TABLE} (id int PRIMARY KEY); INSERT INTO ${PROBE_TABLE} VALUES (1), (2), (3)'`,
    ].join(" && "),
    granted: (user) => `role ${user} LOGIN REPLICATION + pg_read_all_data, pg_hba host replication samenet scram-sha-256, reloaded; table ${PROBE_TABLE} with rows 1-3`,
    insert4: `${PSQL} ${PG_DB} -c 'INSERT INTO ${PROBE_TABLE} VALUES (4)'`,
  },
  mariadb: {
    // The privileges of constructs/backup/README.md, from any host of the internal network, and the
    // tables the koha plan's smoke queries count (substitutions.ts, harness row: Koha is not run).
    name: "MariaDB", full: "mariadb-dump", log: "binlog", probe: "biblio",
    grant: () => `${MARIADB_ROOT} -e "CREATE USER '$BK_USER'@'%' IDENTIFIED BY '$BK_PW'; ` +
      `GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT, RELOAD, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO '$BK_USER'@'%'; ` +
      `CREATE TABLE ${KOHA_DB}.biblio (id int PRIMARY KEY); INSERT INTO ${KOHA_DB}.biblio VALUES (1), (2), (3); ` +
      `CREATE TABLE ${KOHA_DB}.borrowers (id int PRIMARY KEY); INSERT INTO ${KOHA_DB}.borrowers VALUES (1);"`,
    granted: (user) => `user ${user}@'%' with SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT, RELOAD, BINLOG MONITOR, REPLICATION SLAVE; tables biblio (rows 1-3) and borrowers for the smoke queries`,
    insert4: `${MARIADB_ROOT} -e "INSERT INTO ${KOHA_DB}.biblio VALUES (4)"`,
  },
  files: {
    // No grants: the backup runs as the service's UID (BackupPlan.addFiles). The harness adds one
    // private file as the service writes them (0600, its own UID), next to the service's own
    // (RabbitMQ: a 0400 .erlang.cookie, a 0750 mnesia/), and finds it in the snapshot.
    name: "files", full: "restic backup of the read-only mounted volume", log: null, probe: PROBE_TABLE,
    grant: (dataPath) => `umask 077 && printf 'bulwark e2e\\n' > '${dataPath}/${PROBE_TABLE}'`,
    granted: () => `no grants (the backup runs as the service's UID); private probe file ${PROBE_TABLE} (0600) written as the service`,
    insert4: "true",
  },
};


export const isBackupRun = (stack: string, container: string) => BACKUP_RUNS.some((b) => b.stack === stack && b.container === container);

/** Build the backup image from the first selected stack that has a backup run. Never throws. */
export async function buildBackupImage(stacks: readonly TfStack[]): Promise<Result> {
  const check = `image ${BACKUP_IMAGE} built from backup/image/Dockerfile as the stack's docker_image builds it`;
  try {
    const run = BACKUP_RUNS.find((r) => stacks.some((s) => s.name === r.stack));
    if (!run) return pass(check, "no selected stack has a backup run: not built");
    const stack = stacks.find((s) => s.name === run.stack) as TfStack;
    const raw = stack.resource.docker_container?.[run.container];
    if (!raw) return fail(check, `${run.stack} has no docker_container.${run.container}`);
    const m = /^\$\{docker_image\.([A-Za-z0-9_-]+)\.image_id\}$/.exec(String(raw.image));
    const img = m ? stack.resource.docker_image?.[m[1]] : undefined;
    const build = img?.build as Json | undefined;
    if (!build) return fail(check, `docker_container.${run.container}.image (${String(raw.image)}) names no docker_image with a build block`);
    const subs = substitutionsFor(run.stack, run.container);
    const base = subs.get("docker_image.build.build_args.BASE_IMAGE");
    const ctx = subs.get("docker_image.build.context");
    if (!base || !ctx) return fail(check, "e2e/substitutions.ts lacks the BASE_IMAGE or context row");
    const args: Record<string, string> = { ...(build.build_args as Record<string, string>) };
    if (args.BASE_IMAGE !== base.synthesized) return fail(check, `stale substitution: the JSON builds on ${args.BASE_IMAGE}, e2e/substitutions.ts expects ${String(base.synthesized)}`);
    if (build.context !== ctx.synthesized) return fail(check, `stale substitution: the JSON's context is ${String(build.context)}, e2e/substitutions.ts expects ${String(ctx.synthesized)}`);
    args.BASE_IMAGE = String(base.substitute);
    const context = join(REPO_ROOT, "backup");
    const cmd = ["build", "-q", "-f", join(context, String(build.dockerfile)), "-t", BACKUP_IMAGE,
      ...Object.entries(args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
      ...Object.entries((build.label as Record<string, string> | undefined) ?? {}).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
      context];
    const t = Date.now();
    const r = await docker(cmd, 900_000);
    const log = join(STATE, "build-bulwark-e2e_backup_bookworm.log");
    writeFileSync(log, `docker ${cmd.join(" ")}\n${r.stdout}${r.stderr}`);
    if (r.code !== 0) return fail(check, `docker build failed (log ${log}): ${oneLine(r.stderr.split("\n").slice(-12).join(" "), 700)}`);
    const v = await docker(["run", "--rm", "--network", "none", "--entrypoint", "cat", BACKUP_IMAGE, "/etc/bulwark-backup-versions"]);
    return pass(check, `built in ${((Date.now() - t) / 1000).toFixed(0)} s from ${String(build.dockerfile)}, BASE_IMAGE ${args.BASE_IMAGE}, ` +
      `pins ${Object.entries(args).filter(([k]) => k !== "BASE_IMAGE").map(([k, val]) => `${k}=${val}`).join(" ")}; installed: ${oneLine(v.stdout.replace(/\n/g, ", "), 500)}`);
  } catch (e) {
    return fail(check, `harness error: ${(e as Error).message}`);
  }
}

async function sh(name: string, script: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const r = await docker(["exec", ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), name, "sh", "-c", script], timeoutMs);
  return { code: r.code, out: (r.stdout + r.stderr).trim() };
}

/** Poll `script` until it exits 0; returns its output and the seconds waited, or null. */
async function waitFor(name: string, script: string, timeoutS: number): Promise<{ out: string; s: number } | null> {
  const t = Date.now();
  while ((Date.now() - t) / 1000 < timeoutS) {
    const r = await sh(name, script);
    if (r.code === 0) return { out: r.out, s: (Date.now() - t) / 1000 };
    await sleep(1000);
  }
  return null;
}

/** `volume:/path[:ro]` binds of a container plan as container path → volume name. */
function bindsOf(p: ContainerPlan): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of ((p.createBody.HostConfig as Json | undefined)?.Binds ?? []) as string[]) {
    const [vol, dest] = b.split(":");
    if (vol && dest) out.set(dest, vol);
  }
  return out;
}

/**
 * Owner, mode, size and sha256 of the named files under the volume, one line each, read as root
 * from a one-off container (the volume mounted read-only). A directory is its owner and mode only:
 * the service may have added files since the backup, and a directory's size never shrinks.
 */
async function statFiles(volume: string, names: readonly string[]): Promise<{ code: number; out: string }> {
  const script = names.map((n) => `f="/d/${n}"; if [ -d "$f" ]; then printf '%s %s dir\\n' "${n}" "$(stat -c '%u:%g %a' "$f")"; else printf '%s %s %s\\n' "${n}" "$(stat -c '%u:%g %a %s' "$f")" "$(sha256sum < "$f" | cut -c1-16)"; fi`).join("; ");
  const r = await docker(["run", "--rm", "--label", `${PROJECT_LABEL}=${PROJECT}`, "--network", "none", "--user", "0:0", "-v", `${volume}:/d:ro`, "--entrypoint", "sh", BACKUP_IMAGE, "-c", `set -e; ${script}`]);
  return { code: r.code, out: (r.stdout + r.stderr).trim() };
}

/**
 * The files restore as `restore full` prints it, run for real: `docker stop <service> && docker run
 * … && docker start <service>`, with the names the plan gave the backup container
 * (BULWARK_RESTORE_*). The names are asserted first: the printed service is the datastore's
 * container, the volumes are the ones its data and the backup container's repository live on
 * (e2e names: the harness prefixes containers and volumes with bwe2e-, and runs the backup image
 * under its local name). Then the restore: stop the service, empty its data volume, run the
 * printed `docker run` (RESTIC_PASSWORD from the backup container's environment, as the
 * operator's shell would hold it), start the service. Asserted: the command exits 0, the
 * volume's root, the probe file, `.erlang.cookie` and `mnesia/` are back with their owner, group,
 * mode and content (sha256; directories: owner, group and mode), and the service becomes
 * healthy on the restored data (RabbitMQ refuses an `.erlang.cookie` that is not private).
 */
async function restoreFilesInPlace(
  p: ContainerPlan, db: ContainerPlan, printed: string, dataPath: string, env: ReadonlyMap<string, string>, marginS: number,
): Promise<Result[]> {
  const check = "the printed one-off docker run restores the files in place: the service healthy again on them";
  const m = /docker stop (\S+) && docker run (.*?) && docker start (\S+) \(RESTIC_PASSWORD set/.exec(printed);
  const repoDir = env.get("RESTIC_REPOSITORY") ?? "";
  const mine = bindsOf(p);
  const repoMount = [...mine.keys()].filter((d) => repoDir === d || repoDir.startsWith(`${d}/`)).sort((a, b) => b.length - a.length)[0];
  const filesPath = env.get("BULWARK_FILES_PATH") ?? "";
  const dataVolume = bindsOf(db).get(dataPath);
  if (!m || !repoMount || !dataVolume || mine.get(filesPath) !== dataVolume) {
    return [fail(check, `cannot read the command: printed ${m ? "docker stop/run/start" : "no docker stop && docker run && docker start"}; repository mount ${repoMount ?? "none"}; data volume at ${dataPath}: ${dataVolume ?? "none"}, mounted in the backup container at ${filesPath}: ${mine.get(filesPath) ?? "none"}`)];
  }
  const repoVolume = mine.get(repoMount) as string;
  // The repository volume holds the repository at its mount path; the command mounts it at RESTIC_REPOSITORY.
  if (repoMount !== repoDir) return [fail(check, `the repository ${repoDir} is below its volume's mount ${repoMount}: the printed -v <repo volume>:${repoDir} would not find it`)];
  const [, stopName, runArgs, startName] = m;
  const synthesizedImage = env.get("BULWARK_RESTORE_IMAGE") ?? "";
  const named = [
    [`the service container (docker stop and start)`, `${PREFIX}${stopName} and ${PREFIX}${startName}`, `${db.name} and ${db.name}`],
    [`the repository volume`, runArgs.includes(`-v ${repoVolume}:${repoDir}:ro `) ? repoVolume : `not -v ${repoVolume}:${repoDir}:ro`, repoVolume],
    [`the data volume`, runArgs.includes(`-v ${dataVolume}:/restore${filesPath} `) ? dataVolume : `not -v ${dataVolume}:/restore${filesPath}`, dataVolume],
    [`the backup image`, synthesizedImage !== "" && runArgs.includes(` ${synthesizedImage} `) ? synthesizedImage : `not ${synthesizedImage || "(no BULWARK_RESTORE_IMAGE)"}`, p.applied.find((a) => a.startsWith("image "))?.split(" ")[1] ?? "?"],
  ] as const;
  const wrong = named.filter(([, got, want]) => got !== want);
  const out: Result[] = [wrong.length === 0
    ? pass("the printed command names this host's service, volumes and image", named.map(([what, got]) => `${what}: ${got}`).join("; "))
    : fail("the printed command names this host's service, volumes and image", wrong.map(([what, got, want]) => `${what}: ${got}, want ${want}`).join("; "))];
  if (wrong.length > 0) return out;
  // The image under its local e2e name (the substitution every container gets).
  const args = runArgs.replace(` ${synthesizedImage} `, ` ${BACKUP_IMAGE} `).split(/\s+/);
  const probes = [".", PROBE_TABLE, ".erlang.cookie", "mnesia"];
  const before = await statFiles(dataVolume, probes);
  if (before.code !== 0) return [...out, fail(check, `the private files before the restore: ${oneLine(before.out)}`)];
  const stop = await docker(["stop", "-t", "30", db.name], 60_000);
  if (stop.code !== 0) return [...out, fail(check, `docker stop ${db.name}: ${oneLine(stop.stderr)}`)];
  try {
    const wipe = await docker(["run", "--rm", "--label", `${PROJECT_LABEL}=${PROJECT}`, "--network", "none", "--user", "0:0", "-v", `${dataVolume}:/d`, "--entrypoint", "sh", BACKUP_IMAGE, "-c", "find /d -mindepth 1 -delete && find /d -mindepth 1 | wc -l"]);
    if (wipe.code !== 0 || wipe.stdout.trim() !== "0") {
      out.push(fail(check, `emptying ${dataVolume}: exit ${wipe.code}, ${oneLine(wipe.stdout + wipe.stderr)}`));
      return out; // the finally block still starts the service and reports it
    }
    const t = Date.now();
    const r = await runCmd(DOCKER, ["run", ...args], { timeoutMs: 300_000, env: { RESTIC_PASSWORD: env.get("RESTIC_PASSWORD") ?? "" } });
    const restoredIn = ((Date.now() - t) / 1000).toFixed(0);
    const after = await statFiles(dataVolume, probes);
    // restore.sh promises the files as they were backed up: owner, group, mode and content.
    out.push(r.code === 0 && after.code === 0 && after.out === before.out
      ? pass("the printed docker run restores the emptied data volume: the private files back with their owner, group, mode and content", `docker run ${oneLine(args.join(" "), 300)}: exit 0 in ${restoredIn} s; ${oneLine(after.out, 300)} (uid:gid mode size sha256, as before)`)
      : fail("the printed docker run restores the emptied data volume", `exit ${r.code}: ${oneLine(r.stderr + r.stdout, 400)}; before: ${oneLine(before.out, 200)}; after: ${oneLine(after.out, 200)}`));
  } finally {
    const since = Date.now();
    const start = await docker(["start", db.name]);
    out.push(start.code === 0 ? await waitHealthy(db, since, marginS, `${check.split(":")[0]}: ${db.name} restarted on the restored files`) : fail(check, `docker start ${db.name}: ${oneLine(start.stderr)}`));
  }
  return out;
}

export async function backupPhase(
  plans: readonly ContainerPlan[], running: readonly ContainerPlan[], target: EgressTarget | undefined,
  build: Promise<Result>, report: (subject: string, r: Result) => void, marginS: number,
): Promise<void> {
  const standIns: string[] = [];
  for (const p of plans) {
    const subject = `${p.stack}/${p.id}`;
    const b = await build;
    report(subject, b);
    if (!b.ok) continue;
    const run = BACKUP_RUNS.find((r) => r.stack === p.stack && r.container === p.id);
    const db = running.find((r) => r.stack === p.stack && r.id === run?.datastore);
    if (!run || !db) { report(subject, fail("datastore running", `${run?.datastore ?? "?"} of ${p.stack} is not running: nothing to back up`)); continue; }
    const env = new Map((p.createBody.Env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as [string, string]));
    const svc = env.get("BULWARK_SERVICE") ?? "?";
    const stateDir = env.get("BULWARK_STATE_DIR") ?? "/var/lib/bulwark-backup";
    const metricsDir = env.get("BULWARK_METRICS_DIR") ?? `${stateDir}/metrics`;
    const repoDir = env.get("RESTIC_REPOSITORY") ?? "";
    const t0 = Date.now();

    // 1. The one-time grants (README: "Both need the one-time grants") and the rows to find again.
    const eng = ENGINES[env.get("BULWARK_ENGINE") ?? "postgresql"];
    if (!eng) { report(subject, fail("engine", `BULWARK_ENGINE=${env.get("BULWARK_ENGINE")}: the e2e knows mariadb and postgresql`)); continue; }
    const grant = await sh(db.name, eng.grant(run.dataPath ?? ""), 60_000, { BK_USER: env.get("BULWARK_DB_USER") ?? "", BK_PW: env.get("BULWARK_DB_PASSWORD") ?? "" });
    report(subject, grant.code === 0 ? pass("one-time grants on the datastore", eng.granted(env.get("BULWARK_DB_USER") ?? "?")) : fail("one-time grants on the datastore", oneLine(grant.out)));
    if (grant.code !== 0) continue;

    // 2. The off-site stand-in, on the backup container's (internal) network. The previous backup
    // container's stand-in goes first: two containers with the alias on one network (koha's two
    // backup containers share backnet) split the alias's DNS answers, and a copy then met the other
    // stand-in's repository (the off-site copy failed in some runs).
    for (const old of standIns.splice(0)) await docker(["rm", "-f", old]);
    const offsite = `${PREFIX}offsite-stand-in-${p.id}`;
    standIns.push(offsite);
    const net = p.networks.find((n) => !n.name.endsWith("-egress"))?.name;
    const o = await docker(["run", "-d", "--name", offsite, "--label", `${PROJECT_LABEL}=${PROJECT}`, "--user", "10001:10001", "--read-only",
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--network", String(net), "--network-alias", OFFSITE_ALIAS,
      "--tmpfs", `${stateDir}:rw,noexec,nosuid,nodev,size=256m,uid=10001,gid=10001,mode=0700`,
      "--entrypoint", "rclone", BACKUP_IMAGE, "serve", "restic", "--addr", ":8000", `${stateDir}/offsite`]);
    report(subject, o.code === 0
      ? pass("off-site stand-in started", `rclone serve restic as ${offsite} (alias ${OFFSITE_ALIAS}) on ${net}, non-root, read-only root, no capabilities`)
      : fail("off-site stand-in started", oneLine(o.stderr)));
    if (o.code !== 0) continue;

    // 3. The backup container, as synthesized.
    try { await createContainer(p); } catch (e) {
      report(subject, fail("created and started as provider 3.6.2 would", (e as Error).message)); continue;
    }
    report(subject, pass("created and started as provider 3.6.2 would", `${p.name} from ${p.image} (${p.applied.join("; ")})`));
    const results: Result[] = [await checkUser(p), await checkPrivileges(p), await checkReadOnlyRoot(p)];
    results.push(...await checkTmpfs(p, "backup container"), await checkMemory(p), await checkUlimits(p), p.networks.some((n) => n.name.endsWith("-egress")) ? await checkOwnEgressOnly(p, target) : await checkNoEgress(p, target));
    results.forEach((r) => report(subject, r));

    const cmdline = await sh(p.name, "tr '\\0' ' ' < /proc/1/cmdline");
    report(subject, /schedule\.sh/.test(cmdline.out)
      ? pass("pid 1 is bulwark-backup schedule (the image's entrypoint and the synthesized command)", cmdline.out)
      : fail("pid 1 is bulwark-backup schedule", cmdline.out));

    const repo = await waitFor(p.name, `test -f '${repoDir}/config' && stat -c '%U %u:%g %a' '${repoDir}' && ls '${repoDir}' | tr '\\n' ' '`, 120);
    report(subject, repo
      ? pass("initialises the restic repository on its repo volume", `${repoDir} after ${repo.s.toFixed(0)} s: ${oneLine(repo.out)}`)
      : fail("initialises the restic repository on its repo volume", `no ${repoDir}/config after 120 s: ${await diagnose(p.name)}`));

    const full = await waitFor(p.name, `test -s '${stateDir}/state/${svc}.full_last_success' && grep -h . '${metricsDir}/bulwark_backup_full_${svc}.prom'`, 240);
    if (!full) {
      report(subject, fail(`first full backup (${eng.full} over the internal network) and its metrics`, `none after 240 s: ${await diagnose(p.name)}`));
      continue;
    }
    const ok1 = new RegExp(`^bulwark_backup_last_run_success\\{service="${svc}",kind="full"\\} 1$`, "m").test(full.out);
    const off = new RegExp(`^bulwark_backup_offsite_last_success_timestamp_seconds\\{service="${svc}"\\} [1-9]`, "m").test(full.out);
    const size = new RegExp(`^bulwark_backup_size_bytes\\{service="${svc}",kind="full"\\} (\\d+)$`, "m").exec(full.out)?.[1];
    const owner = await sh(p.name, `stat -c '%U %a' '${metricsDir}' '${stateDir}' && touch '${metricsDir}/.e2e-write-probe' && rm '${metricsDir}/.e2e-write-probe'`);
    report(subject, ok1 && off && owner.code === 0
      ? pass("first full backup, off-site copy and metrics on the metrics volume", `after ${((Date.now() - t0) / 1000).toFixed(0)} s: last_run_success 1, size ${size} bytes, off-site copy timestamp set; owners ${oneLine(owner.out)}`)
      : fail("first full backup, off-site copy and metrics on the metrics volume", `${oneLine(full.out, 600)}; ${oneLine(owner.out)}`));

    const hc = (p.createBody.Healthcheck as Json | undefined)?.Test as string[] | undefined;
    if (hc && hc[0] === "CMD-SHELL") {
      const h = await sh(p.name, hc[1]);
      report(subject, h.code === 0 ? pass("the synthesized health probe passes once a full backup exists", hc[1]) : fail("the synthesized health probe passes", `exit ${h.code}: ${h.out}`));
    }

    const help = await sh(p.name, "bulwark-backup help");
    const rhelp = await sh(p.name, "bulwark-backup restore --help");
    report(subject, help.code === 0 && /restore verify/.test(help.out) && rhelp.code === 2 && /restore\.sh pitr --to TIME/.test(rhelp.out)
      ? pass("bulwark-backup help and restore --help print the usage", `help exit 0, restore --help exit 2 (usage): ${oneLine(rhelp.out, 120)}…`)
      : fail("bulwark-backup help and restore --help print the usage", `help exit ${help.code}: ${oneLine(help.out, 200)}; restore --help exit ${rhelp.code}: ${oneLine(rhelp.out, 200)}`));

    if (eng.log !== null) {
      // A row after the full backup: only the shipped WAL/binlog holds it.
      const row4 = await sh(db.name, eng.insert4);
      if (row4.code !== 0) report(subject, fail("a row written after the full backup", oneLine(row4.out)));
      await sleep(2500); // one capture heartbeat (2 s): the shipped point then covers the write
      const ship = await sh(p.name, "bulwark-backup ship", 120_000);
      report(subject, ship.code === 0 ? pass(`bulwark-backup ship: captured ${eng.log} to the local and off-site repositories`, oneLine(ship.out, 300) || "exit 0")
        : fail("bulwark-backup ship", `exit ${ship.code}: ${oneLine(ship.out, 600)}`));

      const dry = await sh(p.name, `to="$(date -u -d "@$(cat '${stateDir}/state/${svc}.log_restorable')" +%Y-%m-%dT%H:%M:%SZ)" && bulwark-backup restore pitr --to "$to" --dry-run --json /tmp/dry.json >/dev/null 2>&1; rc=$?; cat /tmp/dry.json; exit $rc`, 120_000);
      let dj: Json = {};
      try { dj = JSON.parse(dry.out) as Json; } catch { /* reported below */ }
      report(subject, dry.code === 0 && dj.dry_run === true && dj.verified === true
        ? pass("restore pitr --to <newest shipped point> --dry-run checks the repository, restores nothing", oneLine(String(dj.plan), 300))
        : fail("restore pitr --dry-run", `exit ${dry.code}: ${oneLine(dry.out, 600)}`));
    }

    const t = Date.now();
    const ver = await sh(p.name, "bulwark-backup restore verify --json /tmp/verify.json >/tmp/verify.log 2>&1; rc=$?; cat /tmp/verify.json; [ $rc = 0 ] || tail -n 5 /tmp/verify.log; exit $rc", 600_000);
    let vj: Json = {};
    try { vj = JSON.parse(ver.out) as Json; } catch { /* reported below */ }
    if (eng.log === null) {
      // Files: what restic restored, and the snapshot holds the service's private files.
      const n = Number(/^(\d+) file/.exec(String((vj.checksums ?? {}).files ?? ""))?.[1] ?? 0);
      const dir = env.get("BULWARK_FILES_PATH") ?? "";
      // Retried while the scheduler holds the repository's exclusive lock (restic 0.14 has no --retry-lock).
      const ls = await sh(p.name, `for i in $(seq 30); do out="$(restic --no-cache -q ls latest --tag 'service=${svc}')" && break; sleep 2; done; printf '%s\\n' "$out" | grep -E '^${dir}/(${PROBE_TABLE}|\\.erlang\\.cookie|mnesia)$' | sort | tr '\\n' ' '`);
      const hasProbe = ls.out.includes(`${dir}/${PROBE_TABLE}`);
      report(subject, ver.code === 0 && vj.verified === true && n >= 2 && hasProbe
        ? pass("restore verify inside the container: the files snapshot restored into a scratch directory, verified", `${((Date.now() - t) / 1000).toFixed(0)} s: ${n} file(s) restored; the snapshot holds ${oneLine(ls.out, 300)} (private to the service's UID)`)
        : fail("restore verify inside the container (files)", `exit ${ver.code}, ${n} file(s), the 0600 probe in the snapshot: ${hasProbe} (${oneLine(ls.out, 200)}): ${oneLine(ver.out, 600)}`));
      // In place, files go back from a one-off container (the volume is read-only here): the
      // refusal names it (service stopped, then restic as root with three capabilities, restoring
      // below a tmpfs, then the service started).
      const full = await sh(p.name, "bulwark-backup restore full", 120_000);
      report(subject, full.code !== 0 && full.out.includes("docker run --rm --user 0:0 --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER ") && new RegExp(`-v \\S+:/restore${dir} `).test(full.out) && new RegExp(`--no-lock --no-cache restore \\w+ --target /restore --include ${dir}`).test(full.out)
        ? pass("restore full (files) refuses in place and names the one-off docker run that restores the volume", oneLine(full.out.slice(full.out.indexOf("Stop the service")), 300))
        : fail("restore full (files) names the one-off docker run", `exit ${full.code}: ${oneLine(full.out, 600)}`));
      for (const r of await restoreFilesInPlace(p, db, full.out, run.dataPath ?? "", env, marginS)) report(subject, r);
      continue;
    }
    // Table keys: `schema.table` (PostgreSQL), `` `db`.`table` `` (MariaDB).
    const probe = Object.entries((vj.tables ?? {}) as Record<string, { rows: number }>).find(([k]) => k.replace(/`/g, "").endsWith(`.${eng.probe}`))?.[1];
    const smoke = Array.isArray(vj.smoke) ? (vj.smoke as unknown[]).length : 0;
    report(subject, ver.code === 0 && vj.verified === true && probe?.rows === 4
      ? pass(`restore verify inside the container: ${eng.full} + ${eng.log} into a scratch ${eng.name}, verified`, `${((Date.now() - t) / 1000).toFixed(0)} s, kind ${vj.kind}, checks ${Object.keys(vj.checksums ?? {}).join(", ")}; ${eng.probe} has rows 1-4 (3 from the full backup, 1 from ${eng.log} replay); ${smoke} smoke queries run`)
      : fail("restore verify inside the container", `exit ${ver.code}, ${eng.probe} rows ${probe?.rows ?? "missing"} (want 4): ${oneLine(ver.out, 800)}`));
  }
}
