/**
 * The e2e harness: reads the synthesized `cdk.tf.json` of a stack and creates its docker_network,
 * docker_volume and docker_container resources on the local engine the way kreuzwerker/docker
 * 3.6.2 does (internal/provider/resource_docker_container_funcs.go at v3.6.2):
 *
 * 1. ContainerCreate with the Config/HostConfig the provider builds from the resource (NetworkMode
 *    "bridge", the schema default; Init=false; memory/memory_swap MB * 1 MiB; healthcheck
 *    durations parsed from strings; ports with `ip`; ulimits; tmpfs; binds `volume:path:rw`);
 * 2. NetworkDisconnect("bridge"), then NetworkConnect for each `networks_advanced` with its aliases;
 * 3. ContainerStart.
 *
 * Step 1 goes to the Engine API over the unix socket, because the docker CLI cannot express what
 * the provider sends (`--health-cmd` always makes a CMD-SHELL test, `--entrypoint` takes one word);
 * steps 2 and 3, networks and volumes use the docker CLI. Attributes the harness does not model make
 * it fail loudly, so a new attribute in the constructs is never dropped silently.
 */
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import { existsSync, readFileSync } from "fs";
import * as http from "http";
import { join } from "path";
import { NOFILE_CAP, PREFIX, PROJECT, PROJECT_LABEL, substitutionsFor } from "./substitutions";

export const DOCKER = existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
const SOCKET = "/var/run/docker.sock";

// ---------------------------------------------------------------------------------------------
// processes and the Engine API

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: { timeoutMs?: number; input?: string; env?: Readonly<Record<string, string>> } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const env = opts.env ? { ...process.env, ...opts.env } : undefined;
    const child = execFile(cmd, args as string[], { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === "number" ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export async function docker(args: readonly string[], timeoutMs?: number): Promise<RunResult> {
  return run(DOCKER, args, { timeoutMs });
}

/** docker … that must succeed; throws with its stderr. */
export async function dockerOk(args: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await docker(args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(" ")}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { socketPath: SOCKET, method, path, headers: data ? { "content-type": "application/json", "content-length": data.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = text;
          try { json = text ? JSON.parse(text) : {}; } catch { /* plain text error */ }
          resolve({ status: res.statusCode ?? 0, json: json as T });
        });
      },
    );
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

let apiVersion: string | undefined;
async function apiPrefix(): Promise<string> {
  if (!apiVersion) {
    const v = await api<{ ApiVersion: string }>("GET", "/version");
    apiVersion = v.json.ApiVersion;
  }
  return `/v${apiVersion}`;
}

// ---------------------------------------------------------------------------------------------
// the synthesized stack

type Json = Record<string, unknown>;

export interface TfStack {
  readonly name: string;
  readonly file: string;
  readonly resource: Record<string, Record<string, Json>>;
  readonly variable: Record<string, Json>;
}

export function readStack(outdir: string, name: string): TfStack {
  const file = join(outdir, "stacks", name, "cdk.tf.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, Json>>; variable?: Record<string, Json> };
  return { name, file, resource: doc.resource ?? {}, variable: doc.variable ?? {} };
}

/** Values the harness fills in for `${…}` references: prefixed names, image names, random secrets. */
export class References {
  private readonly secrets = new Map<string, string>();
  constructor(private readonly stack: TfStack) {}

  resolve(value: string, where: string): string {
    return value.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => this.lookup(expr.trim(), where));
  }

  private lookup(expr: string, where: string): string {
    let m = /^var\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (m) {
      if (!(m[1] in this.stack.variable)) throw new Error(`${where}: \${${expr}} names no variable of the stack`);
      let s = this.secrets.get(m[1]);
      if (!s) { s = randomBytes(16).toString("hex"); this.secrets.set(m[1], s); }
      return s;
    }
    m = /^docker_(network|volume)\.([A-Za-z0-9_-]+)\.name$/.exec(expr);
    if (m) {
      const res = this.stack.resource[`docker_${m[1]}`]?.[m[2]];
      if (!res) throw new Error(`${where}: \${${expr}} names no resource of the stack`);
      return PREFIX + String(res.name);
    }
    m = /^docker_image\.([A-Za-z0-9_-]+)\.(image_id|name)$/.exec(expr);
    if (m) {
      const res = this.stack.resource.docker_image?.[m[1]];
      if (!res) throw new Error(`${where}: \${${expr}} names no docker_image of the stack`);
      return String(res.name);
    }
    throw new Error(`${where}: the harness cannot resolve \${${expr}}`);
  }
}

// ---------------------------------------------------------------------------------------------
// the provider's model of one container

export interface PortSpec { readonly internal: number; readonly external: number; readonly ip: string; readonly protocol: string }
export interface NetworkAttachment { readonly name: string; readonly aliases: readonly string[] }

/** What the assertions need to know about a container, after substitutions. */
export interface ContainerPlan {
  readonly stack: string;
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly user: string;
  readonly readOnly: boolean;
  readonly memoryMb: number;
  readonly memorySwapMb: number;
  readonly ulimits: ReadonlyMap<string, { soft: number; hard: number }>;
  readonly tmpfs: Readonly<Record<string, string>>;
  readonly networks: readonly NetworkAttachment[];
  readonly ports: readonly PortSpec[];
  readonly health: { readonly intervalS: number; readonly startPeriodS: number; readonly timeoutS: number; readonly retries: number };
  readonly restart: string;
  /** Body of POST /containers/create. */
  readonly createBody: Json;
  /** Substitutions applied, for the log. */
  readonly applied: readonly string[];
}

const MODELLED = new Set([
  "//", "name", "image", "user", "command", "entrypoint", "env", "read_only", "privileged", "capabilities", "security_opts",
  "memory", "memory_swap", "cpu_shares", "cpu_period", "cpu_quota", "cpu_set", "ulimit", "healthcheck", "restart", "max_retry_count",
  "stop_timeout", "stop_signal", "destroy_grace_seconds", "log_driver", "log_opts", "networks_advanced", "ports", "tmpfs", "volumes",
  "labels", "working_dir", "hostname", "init", "shm_size", "depends_on", "lifecycle",
]);

/** Go's time.ParseDuration for the forms Terraform users write ("30s", "1m30s", "500ms"), in ns. */
export function parseDuration(s: string, where: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0; let pos = 0; let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) { total += Number(m[1]) * unit[m[2]]; pos = re.lastIndex; }
  if (s === "" || pos !== s.length) throw new Error(`${where}: "${s}" is not a Go duration`);
  return Math.round(total);
}

function labelMap(labels: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of (labels as { label: string; value: string }[] | undefined) ?? []) out[l.label] = l.value;
  return out;
}

export function planContainer(stack: TfStack, refs: References, id: string, runId: string): ContainerPlan {
  const raw = stack.resource.docker_container?.[id];
  const where = `${stack.name}/docker_container.${id}`;
  if (!raw) throw new Error(`${where}: not in ${stack.file}`);
  for (const k of Object.keys(raw)) {
    if (!MODELLED.has(k)) throw new Error(`${where}: attribute "${k}" is not modelled by the harness (e2e/harness.ts); add it the way provider 3.6.2 passes it`);
  }
  const subs = substitutionsFor(stack.name, id);
  const applied: string[] = [];
  const str = (v: unknown) => refs.resolve(String(v), where);
  const strList = (v: unknown) => ((v as unknown[] | undefined) ?? []).map(str);

  // image
  let image = str(raw.image);
  const imageSub = subs.get("image");
  if (!imageSub) throw new Error(`${where}: no image substitution in e2e/substitutions.ts for ${image}`);
  const repo = (n: string) => n.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  if (repo(String(imageSub.synthesized)) !== repo(image)) {
    throw new Error(`${where}: stale substitution: the JSON has image ${image}, e2e/substitutions.ts expects ${String(imageSub.synthesized)}`);
  }
  applied.push(`image ${image} -> ${String(imageSub.substitute)}`);
  image = String(imageSub.substitute);

  let command = raw.command === undefined ? undefined : strList(raw.command);
  let entrypoint = raw.entrypoint === undefined ? undefined : strList(raw.entrypoint);
  const hc = raw.healthcheck as Json | undefined;
  let test = hc?.test === undefined ? undefined : strList(hc.test);
  for (const [field, value, set] of [
    ["command", command, (v: string[]) => { command = v; }],
    ["entrypoint", entrypoint, (v: string[]) => { entrypoint = v; }],
    ["healthcheck.test", test, (v: string[]) => { test = v; }],
  ] as const) {
    const s = subs.get(field);
    if (!s) continue;
    if (JSON.stringify(value) !== JSON.stringify(s.synthesized)) {
      throw new Error(`${where}: stale substitution of ${field}: the JSON has ${JSON.stringify(value)}, e2e/substitutions.ts expects ${JSON.stringify(s.synthesized)}`);
    }
    set(s.substitute as string[]);
    applied.push(`${field} -> ${JSON.stringify(s.substitute)}`);
  }

  // env: json rows "env.NAME" replace one variable; the synthesized value must be the expected one
  const env = strList(raw.env);
  for (const [field, sub] of subs) {
    if (!field.startsWith("env.")) continue;
    const k = field.slice("env.".length);
    const i = env.findIndex((e) => e.startsWith(`${k}=`));
    const have = i < 0 ? undefined : env[i].slice(k.length + 1);
    if (have !== sub.synthesized) {
      throw new Error(`${where}: stale substitution of ${field}: the JSON has ${JSON.stringify(have)}, e2e/substitutions.ts expects ${JSON.stringify(sub.synthesized)}`);
    }
    env[i] = `${k}=${String(sub.substitute)}`;
    applied.push(`${field} -> ${String(sub.substitute)}`);
  }

  // ulimits (the nofile cap)
  const ulimits = new Map<string, { soft: number; hard: number }>();
  for (const u of (raw.ulimit as { name: string; soft: number; hard: number }[] | undefined) ?? []) {
    let { soft, hard } = u;
    const cap = subs.get(`ulimit.${u.name}`);
    if (cap && (soft > NOFILE_CAP || hard > NOFILE_CAP)) {
      applied.push(`ulimit ${u.name} ${soft}:${hard} -> ${Math.min(soft, NOFILE_CAP)}:${Math.min(hard, NOFILE_CAP)}`);
      soft = Math.min(soft, NOFILE_CAP); hard = Math.min(hard, NOFILE_CAP);
    }
    ulimits.set(u.name, { soft, hard });
  }

  // ports (schema defaults: ip 0.0.0.0, protocol tcp)
  const ports: PortSpec[] = ((raw.ports as Json[] | undefined) ?? []).map((p) => ({
    internal: Number(p.internal), external: Number(p.external), ip: String(p.ip ?? "0.0.0.0"), protocol: String(p.protocol ?? "tcp"),
  }));
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const k = `${p.internal}/${p.protocol}`;
    exposed[k] = {};
    (bindings[k] ??= []).push({ HostIp: p.ip, HostPort: String(p.external) });
  }

  const volumes: Record<string, object> = {};
  const binds: string[] = [];
  for (const v of (raw.volumes as Json[] | undefined) ?? []) {
    const path = String(v.container_path);
    volumes[path] = {};
    binds.push(`${str(v.volume_name ?? v.host_path)}:${path}:${v.read_only ? "ro" : "rw"}`);
  }

  const labels = { ...labelMap(raw.labels), [PROJECT_LABEL]: PROJECT, "bulwark.e2e.run": runId };
  const caps = raw.capabilities as { add?: string[]; drop?: string[] } | undefined;
  const mb = (v: unknown) => Number(v) * 1024 * 1024;
  const memorySwap = raw.memory_swap === undefined ? undefined : Number(raw.memory_swap);
  const tmpfs = (raw.tmpfs as Record<string, string> | undefined) ?? {};
  const name = PREFIX + String(raw.name);

  const healthcheck = hc === undefined ? undefined : {
    Test: test,
    Interval: hc.interval === undefined ? 0 : parseDuration(String(hc.interval), `${where}.healthcheck.interval`),
    Timeout: hc.timeout === undefined ? 0 : parseDuration(String(hc.timeout), `${where}.healthcheck.timeout`),
    StartPeriod: hc.start_period === undefined ? 0 : parseDuration(String(hc.start_period), `${where}.healthcheck.start_period`),
    Retries: hc.retries === undefined ? 0 : Number(hc.retries),
  };

  const createBody: Json = {
    Image: image,
    Hostname: raw.hostname ?? "",
    User: raw.user ?? "",
    Env: env,
    ...(command ? { Cmd: command } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(raw.working_dir ? { WorkingDir: raw.working_dir } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(Object.keys(volumes).length ? { Volumes: volumes } : {}),
    Labels: labels,
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    ...(raw.stop_signal ? { StopSignal: raw.stop_signal } : {}),
    ...(raw.stop_timeout !== undefined ? { StopTimeout: Number(raw.stop_timeout) } : {}),
    HostConfig: {
      Privileged: raw.privileged === true,
      RestartPolicy: { Name: String(raw.restart ?? "no"), MaximumRetryCount: Number(raw.max_retry_count ?? 0) },
      ReadonlyRootfs: raw.read_only === true,
      LogConfig: { Type: String(raw.log_driver ?? "json-file"), Config: (raw.log_opts as Record<string, string> | undefined) ?? {} },
      ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
      ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
      ...(binds.length ? { Binds: binds } : {}),
      Ulimits: [...ulimits].map(([n, u]) => ({ Name: n, Soft: u.soft, Hard: u.hard })),
      CapAdd: caps?.add ?? null,
      CapDrop: caps?.drop ?? null,
      SecurityOpt: strList(raw.security_opts),
      ...(raw.memory !== undefined ? { Memory: mb(raw.memory) } : {}),
      ...(memorySwap !== undefined ? { MemorySwap: memorySwap > 0 ? mb(memorySwap) : memorySwap } : {}),
      ...(raw.shm_size !== undefined ? { ShmSize: mb(raw.shm_size) } : {}),
      ...(raw.cpu_period !== undefined ? { CpuPeriod: Number(raw.cpu_period) } : {}),
      ...(raw.cpu_quota !== undefined ? { CpuQuota: Number(raw.cpu_quota) } : {}),
      ...(raw.cpu_shares !== undefined ? { CpuShares: Number(raw.cpu_shares) } : {}),
      ...(raw.cpu_set !== undefined ? { CpusetCpus: String(raw.cpu_set) } : {}),
      // The schema default of network_mode; networks_advanced are connected after the create.
      NetworkMode: "bridge",
      Init: raw.init === true,
    },
    NetworkingConfig: {},
  };

  const networks = ((raw.networks_advanced as Json[] | undefined) ?? []).map((n) => ({ name: str(n.name), aliases: ((n.aliases as string[] | undefined) ?? []).map(str) }));
  const s = (v: unknown) => (v === undefined ? 0 : parseDuration(String(v), where) / 1e9);
  return {
    stack: stack.name, id, name, image, user: String(raw.user ?? ""), readOnly: raw.read_only === true,
    memoryMb: Number(raw.memory ?? 0), memorySwapMb: memorySwap ?? 0, ulimits, tmpfs, networks, ports,
    health: { intervalS: s(hc?.interval ?? "30s"), startPeriodS: s(hc?.start_period ?? "0s"), timeoutS: s(hc?.timeout ?? "30s"), retries: Number(hc?.retries ?? 3) },
    restart: String(raw.restart ?? "no"), createBody, applied,
  };
}

// ---------------------------------------------------------------------------------------------
// creating resources

export async function createNetwork(stack: TfStack, id: string, runId: string): Promise<{ name: string; internal: boolean }> {
  const n = stack.resource.docker_network[id];
  const name = PREFIX + String(n.name);
  const args = ["network", "create", "--driver", String(n.driver ?? "bridge")];
  if (n.internal === true) args.push("--internal");
  if (n.attachable === true) args.push("--attachable");
  if (n.ipv6 === true) args.push("--ipv6");
  // Driver options, as the provider passes `options` (inter-container traffic, masquerading, host binding).
  for (const [k, v] of Object.entries((n.options ?? {}) as Record<string, unknown>)) args.push("--opt", `${k}=${String(v)}`);
  for (const [k, v] of Object.entries({ ...labelMap(n.labels), [PROJECT_LABEL]: PROJECT, "bulwark.e2e.run": runId })) args.push("--label", `${k}=${v}`);
  await dockerOk([...args, name]);
  return { name, internal: n.internal === true };
}

export async function createVolume(stack: TfStack, id: string, runId: string): Promise<string> {
  const v = stack.resource.docker_volume[id];
  const name = PREFIX + String(v.name);
  const args = ["volume", "create"];
  for (const [k, val] of Object.entries({ ...labelMap(v.labels), [PROJECT_LABEL]: PROJECT, "bulwark.e2e.run": runId })) args.push("--label", `${k}=${val}`);
  await dockerOk([...args, name]);
  return name;
}

/** Create, re-network and start one container, in the provider's order. Returns the container id. */
export async function createContainer(plan: ContainerPlan): Promise<string> {
  const prefix = await apiPrefix();
  const res = await api<{ Id?: string; message?: string; Warnings?: string[] }>("POST", `${prefix}/containers/create?name=${encodeURIComponent(plan.name)}`, plan.createBody);
  if (res.status !== 201 || !res.json.Id) throw new Error(`create ${plan.name}: HTTP ${res.status}: ${res.json.message ?? JSON.stringify(res.json)}`);
  const cid = res.json.Id;
  if (plan.networks.length > 0) {
    const d = await docker(["network", "disconnect", "bridge", cid]);
    if (d.code !== 0 && !/is not connected to the network bridge/.test(d.stderr)) throw new Error(`disconnect ${plan.name} from bridge: ${d.stderr.trim()}`);
    for (const n of plan.networks) {
      await dockerOk(["network", "connect", ...n.aliases.flatMap((a) => ["--alias", a]), n.name, cid]);
    }
  }
  await dockerOk(["start", cid]);
  return cid;
}

/** Remove everything carrying the project label (containers, then networks and volumes). */
export async function cleanup(): Promise<number> {
  const filter = `label=${PROJECT_LABEL}=${PROJECT}`;
  let removed = 0;
  const ids = (await dockerOk(["ps", "-aq", "--filter", filter])).split(/\s+/).filter(Boolean);
  if (ids.length) { await dockerOk(["rm", "-f", "-v", ...ids], 180_000); removed += ids.length; }
  const nets = (await dockerOk(["network", "ls", "-q", "--filter", filter])).split(/\s+/).filter(Boolean);
  if (nets.length) { await dockerOk(["network", "rm", ...nets]); removed += nets.length; }
  const vols = (await dockerOk(["volume", "ls", "-q", "--filter", filter])).split(/\s+/).filter(Boolean);
  if (vols.length) { await dockerOk(["volume", "rm", "-f", ...vols]); removed += vols.length; }
  return removed;
}
