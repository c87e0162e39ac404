/**
 * What the e2e checks inside and around each running container. Every check returns a Result; the
 * runner prints one line per container and check.
 */
import * as net from "net";
import { docker, dockerOk, run, type ContainerPlan } from "./harness";

export interface Result {
  readonly ok: boolean;
  readonly check: string;
  readonly detail: string;
}

const pass = (check: string, detail: string): Result => ({ ok: true, check, detail });
const fail = (check: string, detail: string): Result => ({ ok: false, check, detail });

/** The container is not running (crash loop, exited): checks inside it are impossible. */
class NotRunning extends Error {}

/** `docker exec` as the container's own user (no flags: exactly what an operator would get). */
async function exec(name: string, script: string): Promise<{ code: number; out: string }> {
  const r = await docker(["exec", name, "sh", "-c", script], 30_000);
  if (r.code !== 0 && /Error response from daemon: .*(is restarting|is not running|No such container)/.test(r.stderr)) {
    const st = (await docker(["inspect", "-f", "state={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}", name])).stdout.trim();
    throw new NotRunning(`${st} (the healthy line has its logs)`);
  }
  return { code: r.code, out: (r.stdout + r.stderr).trim() };
}

/** Run one check; a container that is not running fails it with its state instead of noise. */
async function attempt(check: string, f: () => Promise<Result>): Promise<Result> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NotRunning) return fail(check, `container not running, cannot look inside: ${e.message}`);
    throw e;
  }
}

export async function inspect(name: string): Promise<Record<string, any>> {
  const out = await dockerOk(["inspect", name]);
  return (JSON.parse(out) as Record<string, any>[])[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const oneLine = (s: string, max = 400) => s.replace(/\s+/g, " ").trim().slice(0, max);

/** Why a container is not healthy: state, restarts, the last probe output and log lines. */
export async function diagnose(name: string): Promise<string> {
  try {
    const i = await inspect(name);
    const st = i.State ?? {};
    const probe = (st.Health?.Log ?? []).slice(-1)[0];
    const logs = await docker(["logs", "--tail", "6", name]);
    return oneLine(`state=${st.Status} exit=${st.ExitCode} restarts=${i.RestartCount} health=${st.Health?.Status ?? "none"}` +
      (st.Error ? ` error="${st.Error}"` : "") +
      (probe ? ` last-probe(exit ${probe.ExitCode}): "${oneLine(String(probe.Output), 160)}"` : "") +
      ` logs: "${oneLine(logs.stdout + logs.stderr, 500)}"`, 900);
  } catch (e) {
    return `cannot inspect: ${(e as Error).message}`;
  }
}

/**
 * Healthy before start period + one interval (the first probe after the start period) + margin.
 * Docker 20.10 runs the first probe one interval after start, so a probe interval longer than the
 * start period is allowed for too.
 */
export async function waitHealthy(plan: ContainerPlan, since: number, marginS: number, phase: string): Promise<Result> {
  const deadlineS = plan.health.startPeriodS + plan.health.intervalS + marginS;
  const check = `${phase}: healthy within ${deadlineS} s (start_period ${plan.health.startPeriodS} s + interval ${plan.health.intervalS} s + ${marginS} s margin)`;
  for (;;) {
    const elapsed = (Date.now() - since) / 1000;
    const r = await docker(["inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}", plan.name]);
    const [health] = r.stdout.trim().split(" ");
    if (health === "healthy") return pass(check, `healthy after ${elapsed.toFixed(0)} s`);
    if (elapsed > deadlineS) return fail(check, `not healthy after ${elapsed.toFixed(0)} s: ${await diagnose(plan.name)}`);
    await sleep(1000);
  }
}

export async function checkUser(plan: ContainerPlan): Promise<Result> {
  const check = `runs as the declared non-root user ${plan.user}`;
  return attempt(check, async () => {
  const r = await exec(plan.name, "echo $(id -u):$(id -g)");
  const [uid, gid] = plan.user.split(":");
  if (r.code !== 0) return fail(check, `id failed: ${r.out}`);
  if (r.out !== `${uid}:${gid}` || uid === "0") return fail(check, `id -u:id -g is ${r.out}`);
  // The service itself (pid 1), not only the exec'd shell.
  const s = await exec(plan.name, "grep -E '^(Uid|Gid):' /proc/1/status");
  const ids = [...s.out.matchAll(/^(Uid|Gid):\s+(\d+)\s+(\d+)/gm)].map((m) => `${m[1]}=${m[2]}/${m[3]}`);
  if (ids.join(" ") !== `Uid=${uid}/${uid} Gid=${gid}/${gid}`) return fail(check, `pid 1 has ${ids.join(" ")}`);
  return pass(check, `id ${r.out}; pid 1 ${ids.join(" ")}`);
  });
}

export async function checkPrivileges(plan: ContainerPlan): Promise<Result> {
  const check = "pid 1 has CapEff 0000000000000000 and NoNewPrivs 1";
  return attempt(check, async () => {
  const r = await exec(plan.name, "grep -E '^(CapEff|NoNewPrivs):' /proc/1/status");
  const cap = /CapEff:\s+([0-9a-f]+)/.exec(r.out)?.[1];
  const nnp = /NoNewPrivs:\s+(\d)/.exec(r.out)?.[1];
  const detail = `CapEff ${cap} NoNewPrivs ${nnp}`;
  return cap === "0000000000000000" && nnp === "1" ? pass(check, detail) : fail(check, detail);
  });
}

export async function checkReadOnlyRoot(plan: ContainerPlan): Promise<Result> {
  const check = "root filesystem is read-only (a write to / fails with EROFS)";
  if (!plan.readOnly) return fail(check, "the JSON does not set read_only");
  return attempt(check, async () => {
  const m = await exec(plan.name, "awk '$2 == \"/\" {print $4}' /proc/mounts");
  // overlay's lowerdir/upperdir paths are noise: keep the generic options.
  const rootOpts = (m.out.split("\n").pop() ?? "").split(",").filter((o) => !o.includes("=")).join(",");
  const w = await exec(plan.name, "touch /.bulwark-e2e-write-probe");
  const rofs = /read-only file system/i.test(w.out);
  const detail = `/ mounted ${rootOpts}; touch: ${w.code === 0 ? "succeeded" : oneLine(w.out, 120)}`;
  return w.code !== 0 && rofs && rootOpts.split(",").includes("ro") ? pass(check, detail) : fail(check, detail);
  });
}

/**
 * Each declared tmpfs is a tmpfs with noexec,nosuid,nodev and is writable by the service user
 * (runc < 1.1.8 re-creates a mount point the image lacks root-owned 0755 on restart). A mode other
 * than the declared one goes to `notes`.
 */
export async function checkTmpfs(plan: ContainerPlan, phase: string, notes: string[] = []): Promise<Result[]> {
  const out: Result[] = [];
  let mounts: string[][];
  try {
    mounts = (await exec(plan.name, "cat /proc/mounts")).out.split("\n").map((l) => l.split(" "));
  } catch (e) {
    if (!(e instanceof NotRunning)) throw e;
    return Object.entries(plan.tmpfs).map(([path, opts]) => fail(`${phase}: tmpfs ${path} (${opts})`, `container not running, cannot look inside: ${e.message}`));
  }
  for (const [path, opts] of Object.entries(plan.tmpfs)) {
    const check = `${phase}: tmpfs ${path} (${opts})`;
    // /var/run is a symlink to /run: the kernel lists the mount under the resolved path.
    const real = (await exec(plan.name, `readlink -f ${path}`)).out || path;
    const m = mounts.filter((f) => f[1] === real).pop();
    if (!m) { out.push(fail(check, `not mounted (/proc/mounts has no ${real})`)); continue; }
    const problems: string[] = [];
    const have = m[3].split(",");
    if (m[2] !== "tmpfs") problems.push(`type ${m[2]}`);
    for (const o of ["noexec", "nosuid", "nodev"]) if (!have.includes(o)) problems.push(`missing ${o}`);
    const wantMode = /mode=([0-7]+)/.exec(opts)?.[1]?.replace(/^0+(?=\d{3})/, "");
    const st = await exec(plan.name, `stat -c '%a %u:%g' ${path} && { t=${path}/.bulwark-e2e-probe.$$; touch "$t" && rm -f "$t" && echo writable; } || echo not-writable`);
    const [statLine, writable] = st.out.split("\n");
    const [mode, owner] = (statLine ?? "").split(" ");
    // runc < 1.1.8 gives an existing mount point the image directory's mode whatever mode= says
    // (runc#3911): reported, not counted, as long as the service user can write there.
    if (wantMode && mode !== wantMode) notes.push(`${phase}: tmpfs ${path} has mode ${mode} (owner ${owner}), declared ${wantMode}: runc#3911 (the image directory's mode wins on runc < 1.1.8)`);
    if (writable !== "writable") problems.push(`not writable by ${plan.user} (mode ${mode}, owner ${owner})`);
    const detail = `${real === path ? "" : `at ${real}: `}${m[2]} ${m[3]}; mode ${mode} owner ${owner}${writable === "writable" ? ", writable by the service user" : ""}`;
    out.push(problems.length ? fail(check, `${problems.join("; ")} — ${detail}`) : pass(check, detail));
  }
  return out;
}

export async function checkMemory(plan: ContainerPlan): Promise<Result> {
  const check = `memory ${plan.memoryMb} MB with memory_swap == memory (no swap)`;
  return attempt(check, async () => {
  const bytes = plan.memoryMb * 1024 * 1024;
  const i = await inspect(plan.name);
  const hc = i.HostConfig;
  const problems: string[] = [];
  if (plan.memorySwapMb !== plan.memoryMb) problems.push(`the JSON has memory_swap ${plan.memorySwapMb} != memory ${plan.memoryMb}`);
  if (hc.Memory !== bytes) problems.push(`HostConfig.Memory ${hc.Memory}`);
  if (hc.MemorySwap !== bytes) problems.push(`HostConfig.MemorySwap ${hc.MemorySwap}`);
  // cgroup v1 (this machine) or v2.
  const cg = await exec(plan.name,
    "if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then echo v1 $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) $(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo none); " +
    "else echo v2 $(cat /sys/fs/cgroup/memory.max) $(cat /sys/fs/cgroup/memory.swap.max 2>/dev/null || echo none); fi");
  const [ver, limit, swap] = cg.out.split(/\s+/);
  if (Number(limit) !== bytes) problems.push(`cgroup ${ver} memory limit ${limit}`);
  let swapNote: string;
  if (ver === "v1") {
    if (swap === "none") swapNote = "memsw not available (swap accounting off; no swap on this host)";
    else { swapNote = `memsw ${swap}`; if (Number(swap) !== bytes) problems.push(`cgroup v1 memsw limit ${swap}`); }
  } else {
    swapNote = `swap.max ${swap}`;
    if (swap !== "0" && swap !== "none") problems.push(`cgroup v2 memory.swap.max ${swap}`);
  }
  const detail = `HostConfig Memory ${hc.Memory} MemorySwap ${hc.MemorySwap}; cgroup ${ver} limit ${limit}, ${swapNote}`;
  return problems.length ? fail(check, `${problems.join("; ")} — ${detail}`) : pass(check, detail);
  });
}

/**
 * The container's ulimits apply to every process started in it: a fresh `docker exec` shows them
 * exactly. Pid 1 may lower its own limits (memcached sets nofile to its -c value), never raise them.
 */
export async function checkUlimits(plan: ContainerPlan): Promise<Result> {
  const want = [...plan.ulimits].map(([n, u]) => `${n} ${u.soft}:${u.hard}`).join(", ");
  const check = `ulimits in effect (${want})`;
  return attempt(check, async () => {
    const i = await inspect(plan.name);
    const hc = ((i.HostConfig?.Ulimits ?? []) as { Name: string; Soft: number; Hard: number }[]).map((u) => `${u.Name} ${u.Soft}:${u.Hard}`).sort().join(", ");
    const r = await exec(plan.name, "cat /proc/self/limits; echo ---; cat /proc/1/limits");
    const [self, pid1 = ""] = r.out.split("---");
    const row = (text: string, label: string) => {
      const m = new RegExp(`^${label}\\s+(\\S+)\\s+(\\S+)`, "m").exec(text);
      return m ? `${m[1]}:${m[2]}` : "?";
    };
    const labels: Record<string, string> = { nproc: "Max processes", nofile: "Max open files" };
    const problems: string[] = [];
    const notes: string[] = [];
    for (const [n, u] of plan.ulimits) {
      const have = row(self, labels[n] ?? n);
      if (have !== `${u.soft}:${u.hard}`) problems.push(`${n} is ${have} in a new process`);
      const p1 = row(pid1, labels[n] ?? n);
      const [s1, h1] = p1.split(":").map(Number);
      if (!(s1 <= u.soft && h1 <= u.hard)) problems.push(`pid 1 ${n} ${p1} above the limit`);
      else if (p1 !== `${u.soft}:${u.hard}`) notes.push(`pid 1 lowered its own ${n} to ${p1}`);
    }
    if (hc !== [...plan.ulimits].map(([n, u]) => `${n} ${u.soft}:${u.hard}`).sort().join(", ")) problems.push(`HostConfig.Ulimits ${hc}`);
    const detail = `HostConfig ${hc}; new process nproc ${row(self, labels.nproc)} nofile ${row(self, labels.nofile)}${notes.length ? `; note: ${notes.join(", ")}` : ""}`;
    return problems.length ? fail(check, `${problems.join("; ")} — ${detail}`) : pass(check, detail);
  });
}

/** A listener on a separate, non-internal network the e2e creates: the target of the egress probe. */
export interface EgressTarget {
  readonly ip: string;
  readonly port: number;
  readonly network: string;
}

/**
 * Attached only to internal networks means no egress. Without sending traffic off this machine:
 * - every attached network is Internal in `docker network inspect`, and nothing else is attached;
 * - any default route goes only to an internal network's own gateway (Docker 20.10 installs one
 *   on internal networks too: it is the host's bridge address, where the DROP rules apply);
 * - the engine's isolation rules drop forwarding out of each internal bridge (iptables, host side);
 * - a TCP connection from inside to a listener on another (non-internal) e2e network fails, while
 *   the host reaches that listener (control).
 */
export async function checkNoEgress(plan: ContainerPlan, target: EgressTarget | undefined): Promise<Result> {
  const check = `no egress: only internal networks (${plan.networks.map((n) => n.name).join(", ")})`;
  return attempt(check, async () => {
    const problems: string[] = [];
    const facts: string[] = [];
    const gateways = new Set<string>();
    for (const n of plan.networks) {
      const ni = JSON.parse(await dockerOk(["network", "inspect", n.name]))[0];
      if (ni.Internal !== true) problems.push(`${n.name} Internal=${ni.Internal}`);
      for (const c of ni.IPAM?.Config ?? []) if (c.Gateway) gateways.add(c.Gateway);
      const bridge = `br-${String(ni.Id).slice(0, 12)}`;
      const rules = (await run("iptables", ["-S", "DOCKER-ISOLATION-STAGE-1"])).stdout;
      // Docker's rule for an internal network: drop what leaves the bridge for another subnet.
      const drop = new RegExp(`^-A DOCKER-ISOLATION-STAGE-1 ! -d (\\S+) -i ${bridge} -j DROP$`, "m").exec(rules);
      if (!drop) problems.push(`no iptables DROP of forwarding out of ${bridge}`);
      else facts.push(`iptables drops ${bridge} -> not ${drop[1]}`);
    }
    const i = await inspect(plan.name);
    const attached = Object.keys(i.NetworkSettings?.Networks ?? {}).sort();
    const declared = plan.networks.map((n) => n.name).sort();
    if (JSON.stringify(attached) !== JSON.stringify(declared)) problems.push(`attached to ${attached.join(", ")}`);
    const r = await exec(plan.name, "cat /proc/net/route");
    const hex = (h: string) => h.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join(".");
    const defaults = r.out.split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === "00000000").map((f) => hex(f[2]));
    for (const gw of defaults) {
      if (!gateways.has(gw)) problems.push(`default route via ${gw}, not an internal network's gateway`);
    }
    facts.push(defaults.length ? `default route via ${defaults.join(",")} (the internal bridge's gateway, i.e. the host)` : "no default route");
    if (target) {
      const control = await connect(target.ip, target.port);
      const probe = await exec(plan.name, `timeout 4 bash -c 'exec 3<>/dev/tcp/${target.ip}/${target.port}' 2>&1 && echo CONNECTED || echo BLOCKED`);
      if (control !== null) problems.push(`control: the host cannot reach the probe listener ${target.ip}:${target.port} (${control})`);
      else if (!/BLOCKED/.test(probe.out)) problems.push(`reached ${target.ip}:${target.port} on ${target.network}: ${probe.out}`);
      else facts.push(`connection to ${target.ip}:${target.port} on ${target.network} blocked (the host reaches it)`);
    }
    return problems.length ? fail(check, `${problems.join("; ")} — ${facts.join("; ")}`) : pass(check, facts.join("; "));
  });
}

/**
 * A backup container with an off-site repository: its internal networks as in checkNoEgress, plus
 * one bridge of its own (`<name>-egress`) for the off-site copy. Asserted: every other network is
 * internal; the egress network is not internal, has inter-container traffic off and no member but
 * this container; and the container still cannot reach the e2e listener on another network (the
 * engine isolates bridges from each other). Traffic off the machine is never sent.
 */
export async function checkOwnEgressOnly(plan: ContainerPlan, target: EgressTarget | undefined): Promise<Result> {
  const own = plan.networks.filter((n) => n.name.endsWith("-egress"));
  const check = `egress only through its own network (${own.map((n) => n.name).join(", ")}); the others internal (${plan.networks.filter((n) => !own.includes(n)).map((n) => n.name).join(", ")})`;
  return attempt(check, async () => {
    const problems: string[] = [];
    const facts: string[] = [];
    if (own.length !== 1) problems.push(`${own.length} egress networks`);
    for (const n of plan.networks) {
      const ni = JSON.parse(await dockerOk(["network", "inspect", n.name]))[0];
      if (own.includes(n)) {
        const members = Object.values(ni.Containers ?? {}).map((c: any) => String(c.Name));
        if (ni.Internal !== false) problems.push(`${n.name} Internal=${ni.Internal}`);
        if (ni.Options?.["com.docker.network.bridge.enable_icc"] !== "false") problems.push(`${n.name} inter-container traffic not off`);
        if (members.length !== 1 || members[0] !== plan.name) problems.push(`${n.name} members: ${members.join(", ")}`);
        else facts.push(`${n.name}: not internal, icc off, only ${plan.name}`);
      } else if (ni.Internal !== true) problems.push(`${n.name} Internal=${ni.Internal}`);
    }
    if (target) {
      const probe = await exec(plan.name, `timeout 4 bash -c 'exec 3<>/dev/tcp/${target.ip}/${target.port}' 2>&1 && echo CONNECTED || echo BLOCKED`);
      if (!/BLOCKED/.test(probe.out)) problems.push(`reached ${target.ip}:${target.port} on ${target.network}: ${probe.out}`);
      else facts.push(`connection to ${target.ip}:${target.port} on ${target.network} blocked`);
    }
    return problems.length ? fail(check, `${problems.join("; ")} — ${facts.join("; ")}`) : pass(check, facts.join("; "));
  });
}

function connect(host: string, port: number, timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (err: string | null) => { s.destroy(); resolve(err); };
    s.setTimeout(timeoutMs, () => done("timeout"));
    s.once("connect", () => done(null));
    s.once("error", (e) => done((e as NodeJS.ErrnoException).code ?? e.message));
  });
}

/** Is something already listening on the host port (before the e2e creates anything)? */
export async function hostPortInUse(ip: string, port: number): Promise<boolean> {
  return (await connect(ip, port, 1000)) === null;
}

/** Every published port is bound by Docker and accepts connections on its host address. */
export async function checkPorts(plan: ContainerPlan, phase: string): Promise<Result[]> {
  const out: Result[] = [];
  if (plan.ports.length === 0) return out;
  const i = await inspect(plan.name);
  const bound = (i.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>;
  for (const p of plan.ports) {
    const check = `${phase}: port ${p.ip}:${p.external} -> ${p.internal}/${p.protocol} accepts connections`;
    const b = (bound[`${p.internal}/${p.protocol}`] ?? []).find((x) => x.HostPort === String(p.external));
    const err = await connect(p.ip, p.external);
    const nets = plan.networks.map((n) => n.name).join(", ");
    if (!b) {
      out.push(fail(check, `not published: NetworkSettings.Ports ${JSON.stringify(bound)} (HostConfig.PortBindings ${JSON.stringify(i.HostConfig?.PortBindings)}); attached to ${nets}; connect: ${err ?? "connected (someone else listens)"}`));
    } else if (err) {
      out.push(fail(check, `bound ${b.HostIp}:${b.HostPort} but connect failed: ${err}`));
    } else {
      out.push(pass(check, `bound ${b.HostIp}:${b.HostPort}, connected`));
    }
  }
  return out;
}
