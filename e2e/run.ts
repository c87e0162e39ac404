/**
 * The e2e runner: creates the synthesized koha and single-server stacks on the local Docker engine
 * (with the stand-in images of e2e/images/), asserts the hardening of every container that can run
 * here, restarts each container and then the daemon, and removes what it created.
 *
 *   node --require tsx/cjs e2e/run.ts [--outdir DIR] [--stacks koha,single-server] [--keep]
 *        [--no-daemon-restart] [--margin SECONDS] [--table]
 *
 * Prints one line per container and check (PASS/FAIL), SKIP lines for containers that cannot run
 * here, and last a line `N passed, M failed`; exits 1 on any failure, 2 on a setup error.
 */
import { execFileSync } from "child_process";
import { join } from "path";
import {
  checkMemory, checkNoEgress, checkPorts, checkPrivileges, checkReadOnlyRoot, checkTmpfs, checkUlimits, checkUser,
  hostPortInUse, inspect, waitHealthy, type EgressTarget, type Result,
} from "./assertions";
import { cleanup, createContainer, createNetwork, createVolume, docker, dockerOk, planContainer, readStack, References, run, type ContainerPlan } from "./harness";
import { backupPhase, buildBackupImage, isBackupRun } from "./backup";
import { uploadsPhase } from "./uploads";
import { PREFIX, PROJECT, PROJECT_LABEL, SKIPPED, substitutionTable } from "./substitutions";

const BASE_IMAGE = "bulwark-e2e/debian:bookworm-minbase";
const PROBE_IMAGE = "bulwark-e2e/webapp:api-8000";

/**
 * What this engine's runc does with tmpfs `mode=` (runc#3911, fixed in 1.1.8), printed as facts, not
 * counted: a path the image lacks gets mode= on the first start and comes back 0755 root-owned after
 * a restart; a path the image has gets the image directory's mode, whatever mode= says.
 */
async function probeRuncTmpfs(runId: string): Promise<void> {
  const name = `${PREFIX}runc-tmpfs-probe`;
  const r = await docker(["run", "-d", "--name", name, "--label", `${PROJECT_LABEL}=${PROJECT}`, "--label", `bulwark.e2e.run=${runId}`,
    "--read-only", "--user", "65534:65534", "--cap-drop", "ALL", "--network", "none",
    "--tmpfs", "/bwe2e-absent:noexec,nosuid,nodev,size=1m,mode=1777", "--tmpfs", "/tmp:noexec,nosuid,nodev,size=1m,mode=0700",
    BASE_IMAGE, "sleep", "300"]);
  if (r.code !== 0) { process.stdout.write(`engine: runc tmpfs probe could not run: ${r.stderr.trim()}\n`); return; }
  const stat = async () => (await docker(["exec", name, "stat", "-c", "%a %u:%g", "/bwe2e-absent", "/tmp"])).stdout.trim().split("\n");
  const [absent1, tmp1] = await stat();
  await docker(["restart", "-t", "1", name]);
  const [absent2] = await stat();
  await docker(["rm", "-f", name]);
  process.stdout.write(`engine: runc tmpfs mode= (fact, not counted): path absent from the image, mode=1777 -> first start ${absent1}, after docker restart ${absent2}` +
    `${absent2.startsWith("1777") ? "" : " (runc#3911: a non-root service cannot write there after a restart)"}; ` +
    `/tmp present in the image (1777), mode=0700 -> ${tmp1}${tmp1.startsWith("700") ? "" : " (mode= ignored when the directory exists in the image)"}\n`);
}

/** A listener on its own non-internal network: internal-only containers must not reach it. */
async function startEgressTarget(runId: string): Promise<EgressTarget> {
  const network = `${PREFIX}egress-target`;
  const labels = ["--label", `${PROJECT_LABEL}=${PROJECT}`, "--label", `bulwark.e2e.run=${runId}`];
  await dockerOk(["network", "create", ...labels, network]);
  const name = `${PREFIX}egress-target`;
  await dockerOk(["run", "-d", "--name", name, ...labels, "--network", network, "--read-only", "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges:true", PROBE_IMAGE]);
  const ip = (await dockerOk(["inspect", "-f", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name])).trim();
  return { ip, port: 8000, network };
}

interface Options {
  outdir: string;
  stacks: string[];
  keep: boolean;
  daemonRestart: boolean;
  marginS: number;
}

function parseArgs(argv: string[]): Options | "table" {
  const o: Options = { outdir: process.env.BULWARK_E2E_OUTDIR ?? "cdktf.out", stacks: ["koha", "single-server"], keep: false, daemonRestart: true, marginS: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--outdir") o.outdir = argv[++i];
    else if (a === "--stacks") o.stacks = argv[++i].split(",").filter(Boolean);
    else if (a === "--keep") o.keep = true;
    else if (a === "--no-daemon-restart") o.daemonRestart = false;
    else if (a === "--margin") o.marginS = Number(argv[++i]);
    else if (a === "--table") return "table";
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

let passed = 0;
let failed = 0;
const t0 = Date.now();
const secs = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

function report(subject: string, r: Result): void {
  if (r.ok) passed++; else failed++;
  process.stdout.write(`${r.ok ? "PASS" : "FAIL"} ${subject} ${r.check}: ${r.detail}\n`);
}

const label = (p: ContainerPlan) => `${p.stack}/${p.id}`;

const pendingNotes = new Map<string, string[]>();
/** Facts about a container that are printed but not counted. */
function notes(p: ContainerPlan): string[] {
  let n = pendingNotes.get(label(p));
  if (!n) { n = []; pendingNotes.set(label(p), n); }
  return n;
}

/** Run `f` for every plan in parallel; print each container's results together, in plan order. */
async function phase(title: string, plans: ContainerPlan[], f: (p: ContainerPlan) => Promise<Result[]>): Promise<void> {
  const start = Date.now();
  process.stdout.write(`--- ${title}\n`);
  const results = await Promise.all(plans.map(async (p) => {
    try { return await f(p); } catch (e) { return [{ ok: false, check: title, detail: `harness error: ${(e as Error).message}` }]; }
  }));
  plans.forEach((p, i) => {
    results[i].forEach((r) => report(label(p), r));
    for (const n of pendingNotes.get(label(p)) ?? []) process.stdout.write(`note ${label(p)} ${n}\n`);
    pendingNotes.delete(label(p));
  });
  process.stdout.write(`--- ${title}: ${secs(start)} s\n`);
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts === "table") { process.stdout.write(`${substitutionTable()}\n`); return 0; }
  const runId = `${Date.now().toString(36)}`;

  const server = (await docker(["version", "-f", "{{.Server.Version}} (API {{.Server.APIVersion}}, {{.Server.Os}}/{{.Server.Arch}})"])).stdout.trim();
  const runc = (await run("runc", ["--version"])).stdout.split("\n")[0];
  const cgroup = (await docker(["info", "-f", "cgroup {{.CgroupVersion}} ({{.CgroupDriver}}), storage {{.Driver}}"])).stdout.trim();
  process.stdout.write(`engine: Docker ${server}; ${runc}; ${cgroup}\n`);

  const leftovers = await cleanup();
  process.stdout.write(`cleanup: removed ${leftovers} leftover object(s) of an earlier run\n`);
  await probeRuncTmpfs(runId);
  // Files into read-only containers: the seeder path of HardenedContainer.addFile (e2e/uploads.ts).
  await uploadsPhase(report);

  // --- plan -----------------------------------------------------------------------------------
  const plans: ContainerPlan[] = [];
  const backupPlans: ContainerPlan[] = [];
  const stacks = opts.stacks.map((s) => readStack(opts.outdir, s));
  // The backup image builds while the other containers start (e2e/backup.ts); never rejects.
  const backupBuild = buildBackupImage(stacks);
  for (const stack of stacks) {
    const refs = new References(stack);
    for (const id of Object.keys(stack.resource.docker_container ?? {}).sort()) {
      const skip = SKIPPED.find((s) => s.stack === stack.name && s.container === id);
      if (skip) { process.stdout.write(`SKIP ${stack.name}/${id}: ${skip.reason}\n`); continue; }
      try {
        const p = planContainer(stack, refs, id, runId);
        // Backup containers run in their own phase, after the first start (e2e/backup.ts).
        (isBackupRun(stack.name, id) ? backupPlans : plans).push(p);
        process.stdout.write(`plan ${label(p)}: ${p.name} (${p.applied.join("; ")})\n`);
      } catch (e) {
        report(`${stack.name}/${id}`, { ok: false, check: "plan", detail: (e as Error).message });
      }
    }
  }
  const names = plans.map((p) => p.name);
  if (new Set(names).size !== names.length) throw new Error(`two containers share a name: ${names.join(", ")}`);

  // A published port someone else already listens on would make the connection check meaningless.
  for (const p of plans) for (const port of p.ports) {
    if (await hostPortInUse(port.ip, port.external)) {
      report(label(p), { ok: false, check: `host port ${port.ip}:${port.external} free before the run`, detail: "another process listens there; the port check would prove nothing" });
    }
  }

  // --- create ---------------------------------------------------------------------------------
  let start = Date.now();
  const internal = new Map<string, boolean>();
  let volumes = 0;
  for (const stack of stacks) {
    for (const id of Object.keys(stack.resource.docker_network ?? {}).sort()) {
      const n = await createNetwork(stack, id, runId);
      internal.set(n.name, n.internal);
    }
    const ids = Object.keys(stack.resource.docker_volume ?? {}).sort();
    await Promise.all(ids.map((id) => createVolume(stack, id, runId)));
    volumes += ids.length;
  }
  process.stdout.write(`created ${internal.size} networks and ${volumes} volumes in ${secs(start)} s\n`);

  start = Date.now();
  const running: ContainerPlan[] = [];
  const created = await Promise.all(plans.map(async (p) => {
    try { await createContainer(p); return null; } catch (e) { return (e as Error).message; }
  }));
  plans.forEach((p, i) => {
    const err = created[i];
    report(label(p), err ? { ok: false, check: "created and started as provider 3.6.2 would", detail: err } : { ok: true, check: "created and started as provider 3.6.2 would", detail: `${p.name} from ${p.image}` });
    if (!err) running.push(p);
  });
  const startedAt = Date.now();
  process.stdout.write(`started ${running.length} container(s) in ${secs(start)} s\n`);

  const internalOnly = (p: ContainerPlan) => p.networks.length > 0 && p.networks.every((n) => internal.get(n.name) === true);
  let target: EgressTarget | undefined;
  try { target = await startEgressTarget(runId); } catch (e) { process.stdout.write(`note: egress probe listener not started (${(e as Error).message}); the active probe is skipped\n`); }

  // --- first start ----------------------------------------------------------------------------
  await phase("first start", running, async (p) => {
    const out: Result[] = [await waitHealthy(p, startedAt, opts.marginS, "first start")];
    out.push(await checkUser(p), await checkPrivileges(p), await checkReadOnlyRoot(p));
    out.push(...await checkTmpfs(p, "first start", notes(p)));
    out.push(await checkMemory(p), await checkUlimits(p));
    if (internalOnly(p)) out.push(await checkNoEgress(p, target));
    else process.stdout.write(`note ${label(p)}: attached to non-internal network(s) ${p.networks.filter((n) => !internal.get(n.name)).map((n) => n.name).join(", ")}: it has egress (not asserted)\n`);
    out.push(...await checkPorts(p, "first start"));
    return out;
  });

  // --- the backup image (e2e/backup.ts) ------------------------------------------------------
  if (backupPlans.length > 0) {
    const bstart = Date.now();
    process.stdout.write("--- backup image\n");
    try {
      await backupPhase(backupPlans, running, target, backupBuild, report, opts.marginS);
    } catch (e) {
      report("backup", { ok: false, check: "backup image phase", detail: `harness error: ${(e as Error).message}` });
    }
    process.stdout.write(`--- backup image: ${secs(bstart)} s\n`);
  } else {
    await backupBuild;
  }

  // --- docker restart -------------------------------------------------------------------------
  await phase("docker restart", running, async (p) => {
    const before = await inspect(p.name);
    const r = await docker(["restart", p.name], 180_000);
    const since = Date.now();
    if (r.code !== 0) return [{ ok: false, check: "docker restart", detail: r.stderr.trim() }];
    const out = [await waitHealthy(p, since, opts.marginS, "after docker restart")];
    out.push(...await checkTmpfs(p, "after docker restart", notes(p)), ...await checkPorts(p, "after docker restart"));
    const after = await inspect(p.name);
    if (after.Id !== before.Id) out.push({ ok: false, check: "after docker restart: same container", detail: "the container was replaced" });
    return out;
  });

  // --- dockerd restart ------------------------------------------------------------------------
  if (opts.daemonRestart) {
    const ids = new Map<string, string>();
    for (const p of running) ids.set(p.name, (await inspect(p.name)).Id);
    start = Date.now();
    process.stdout.write("--- restarting dockerd (every container at once; restart policy brings them back)\n");
    try {
      execFileSync("bash", [join(__dirname, "engine.sh"), "restart"], { stdio: ["ignore", "inherit", "inherit"], timeout: 300_000 });
    } catch (e) {
      report("engine", { ok: false, check: "dockerd restart", detail: (e as Error).message });
      return finish(opts);
    }
    const since = Date.now();
    process.stdout.write(`dockerd back in ${secs(start)} s\n`);
    await phase("dockerd restart", running, async (p) => {
      const i = await inspect(p.name);
      const out: Result[] = [];
      const check = `after dockerd restart: back by restart policy "${p.restart}"`;
      out.push(i.Id === ids.get(p.name) && i.HostConfig?.RestartPolicy?.Name === p.restart
        ? { ok: true, check, detail: `state ${i.State?.Status}, same container` }
        : { ok: false, check, detail: `state ${i.State?.Status}, policy ${i.HostConfig?.RestartPolicy?.Name}` });
      out.push(await waitHealthy(p, since, opts.marginS, "after dockerd restart"));
      out.push(...await checkTmpfs(p, "after dockerd restart", notes(p)), ...await checkPorts(p, "after dockerd restart"));
      return out;
    });
  }
  return finish(opts);
}

async function finish(opts: Options): Promise<number> {
  if (opts.keep) {
    process.stdout.write("keep: containers, networks and volumes left in place (remove with the next run, or docker rm -f $(docker ps -aq --filter label=bulwark.e2e.project=bwe2e))\n");
  } else {
    const start = Date.now();
    const n = await cleanup();
    process.stdout.write(`cleanup: removed ${n} object(s) in ${secs(start)} s\n`);
  }
  process.stdout.write(`harness: ${secs(t0)} s\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stdout.write(`FAIL harness: ${(e as Error).message}\n${passed} passed, ${failed + 1} failed\n`);
    process.exitCode = 2;
  },
);
