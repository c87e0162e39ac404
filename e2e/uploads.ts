/**
 * Files into read-only containers, on the real engine (HardenedContainer.addFile; DOCKER-033).
 *
 * The check synthesizes a small stack (one HardenedContainer, `uploads-probe`, from the webapp
 * stand-in image: busybox httpd as 10001:10001) with two files: a config file whose text holds
 * `${…}` and `%{…}` literally (Terraform escaping), and a secret-like file (a sensitive variable
 * between literal text). Then it does, through the Engine API, what kreuzwerker/docker 3.6.2 does
 * with the synthesized JSON (resource_docker_container_funcs.go at v3.6.2):
 *
 * 1. creates the docker_network and docker_volume resources;
 * 2. creates the seeding container `…-config` (network_mode "none", the config volume read-write,
 *    not read-only) and, because `start = false`, does not start it; copies each `upload` block as
 *    the provider does: one tar per upload whose single entry is named `file` with mode
 *    `permissions` (else 0744 when `executable`, else 0644), PUT /containers/{id}/archive?path=/;
 * 3. creates the service (read-only root, the config volume read-only), first asserting the
 *    regression: an upload into it, exactly as the old Monitoring code made the provider do, is
 *    refused with "container rootfs is marked read-only"; then joins its networks and starts it.
 *
 * Asserted from inside the running service (docker exec, as its own user): both files hold exactly
 * the text Terraform would write (the `${var.…}` replaced by the per-run secret, the escapes
 * undone), with the mode of the upload; creating a file in the config directory fails (read-only
 * volume). Then the replacement (`replace_triggered_by`): a new seeder with changed content,
 * uploaded into the same volume, and a new service see the new content.
 *
 * Every name carries a per-run prefix (`bwe2e-up<run>-`) and the label `bulwark.e2e.uploads=<run>`,
 * and everything created is removed by id at the end, so this never touches another run's
 * containers (the harness's cleanup() removes all `bulwark.e2e.project` resources; this check does
 * not use that label for that reason).
 *
 * Not done here: Terraform itself is not run (no provider binary offline), so the check reproduces
 * the provider's calls from its source, as e2e/harness.ts does; the health check is not waited for
 * (the service is asserted running; the webapp stand-in's health is proven by the main e2e).
 */
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as http from "http";
import { App, TerraformStack, Testing } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HardenedContainer } from "../constructs/docker/hardened-container";
import { NetworkTopology } from "../constructs/docker/network-topology";
import { Secret } from "../constructs/core/secret";
import { HealthProbe } from "../constructs/service/health";
import { api, docker, parseDuration } from "./harness";

type Json = Record<string, any>;

export interface UploadsResult {
  readonly ok: boolean;
  readonly check: string;
  readonly detail: string;
}

/** The stand-in the check runs (built by e2e/images/build.sh) for the synthesized image. */
export const UPLOADS_STAND_IN = "bulwark-e2e/webapp:api-8000";
const SYNTHESIZED_IMAGE = "ghcr.io/example/api:1.0.0";
export const UPLOADS_LABEL = "bulwark.e2e.uploads";
const SOCKET = "/var/run/docker.sock";
const CONFIG_FILE = "/etc/probe/app.yml";
const SECRET_FILE = "/etc/probe/secrets/token";
/** Text with Terraform template syntax in it, to prove the escaping reaches the file unchanged. */
const configText = (round: number) => `greeting: hello ${round}\nliteral: \${not_a_reference} %{ if x }\n`;

/** The synthesized stack of the check (round 2 changes the config file: a replacement). */
export function synthUploadsStack(round = 1): Json {
  // Testing.app() would leave a cdktf.outdir.* directory in the temp directory at every call.
  const outdir = mkdtempSync(join(tmpdir(), "bulwark-e2e-uploads-"));
  try {
    return synthInto(outdir, round);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function synthInto(outdir: string, round: number): Json {
  const app = Testing.app({ outdir }) as App;
  const stack = new TerraformStack(app, "uploads");
  new DockerProvider(stack, "docker", { host: `unix://${SOCKET}` });
  const topology = new NetworkTopology(stack, "network", { prefix: "uploads" });
  const c = new HardenedContainer(stack, "probe", {
    service: {
      name: "uploads-probe",
      image: { repository: "ghcr.io/example/api", tag: "1.0.0" },
      role: "app",
      user: "10001:10001",
      ports: [{ port: 8000, name: "http" }],
      health: { probe: HealthProbe.http({ port: 8000, path: "/healthz", tool: "wget" }) },
      resources: { memoryMb: 64 },
      writablePaths: [{ path: "/tmp", mode: "1777" }],
    },
    networks: [topology.back],
    owner: "e2e",
  });
  c.addFile(CONFIG_FILE, configText(round));
  c.addSecretFile(SECRET_FILE, Secret.fromVariable(stack, "probe_token", "Token of the e2e uploads probe"), { prefix: "token=", suffix: "\n" });
  return JSON.parse(Testing.synth(stack)) as Json;
}

// ---------------------------------------------------------------------------------------------
// the provider's calls

const MODELLED = new Set([
  "//", "name", "image", "user", "command", "entrypoint", "env", "read_only", "privileged", "capabilities", "security_opts",
  "memory", "memory_swap", "cpu_shares", "cpu_period", "cpu_quota", "ulimit", "healthcheck", "restart", "max_retry_count",
  "stop_timeout", "destroy_grace_seconds", "log_driver", "log_opts", "networks_advanced", "network_mode", "tmpfs", "volumes",
  "labels", "upload", "start", "must_run", "depends_on", "lifecycle",
]);

/** Values for `${…}`: per-run names, the stand-in image, the per-run secret. */
class Resolver {
  readonly secrets = new Map<string, string>();
  constructor(private readonly json: Json, private readonly prefix: string) {}

  name(kind: "network" | "volume" | "container", logical: string): string {
    void kind;
    return `${this.prefix}${logical}`;
  }

  /** A Terraform string as Terraform evaluates it: references replaced, `$${`/`%%{` unescaped. */
  value(s: string, where: string): string {
    const out = s.replace(/(\$\$\{|%%\{)|\$\{([^}]*)\}/g, (_m, esc: string | undefined, expr: string | undefined) => {
      if (esc) return esc === "$${" ? "${" : "%{";
      return this.lookup(String(expr).trim(), where);
    });
    return out;
  }

  private lookup(expr: string, where: string): string {
    let m = /^var\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (m) {
      if (!this.json.variable?.[m[1]]) throw new Error(`${where}: \${${expr}} names no variable`);
      let s = this.secrets.get(m[1]);
      if (!s) this.secrets.set(m[1], (s = randomBytes(16).toString("hex")));
      return s;
    }
    m = /^docker_(network|volume)\.([A-Za-z0-9_-]+)\.name$/.exec(expr);
    if (m) {
      const res = this.json.resource?.[`docker_${m[1]}`]?.[m[2]];
      if (!res) throw new Error(`${where}: \${${expr}} names no resource`);
      return this.name(m[1] as "network" | "volume", String(res.name));
    }
    m = /^docker_image\.([A-Za-z0-9_-]+)\.image_id$/.exec(expr);
    if (m) {
      const res = this.json.resource?.docker_image?.[m[1]];
      if (!res) throw new Error(`${where}: \${${expr}} names no docker_image`);
      if (String(res.name) !== SYNTHESIZED_IMAGE) throw new Error(`${where}: image ${res.name}, the check substitutes only ${SYNTHESIZED_IMAGE}`);
      return UPLOADS_STAND_IN;
    }
    throw new Error(`${where}: cannot resolve \${${expr}}`);
  }
}

/** POST /containers/create body as kreuzwerker 3.6.2 builds it (see e2e/harness.ts planContainer). */
function createBody(raw: Json, r: Resolver, where: string, runLabel: Json): Json {
  for (const k of Object.keys(raw)) if (!MODELLED.has(k)) throw new Error(`${where}: attribute "${k}" is not modelled by e2e/uploads.ts`);
  const str = (v: unknown) => r.value(String(v), where);
  const list = (v: unknown) => ((v as unknown[] | undefined) ?? []).map(str);
  const hc = raw.healthcheck as Json | undefined;
  const volumes: Json = {};
  const binds: string[] = [];
  for (const v of (raw.volumes as Json[] | undefined) ?? []) {
    volumes[String(v.container_path)] = {};
    binds.push(`${str(v.volume_name)}:${v.container_path}:${v.read_only ? "ro" : "rw"}`);
  }
  const labels: Json = {};
  for (const l of (raw.labels as Json[] | undefined) ?? []) labels[l.label] = l.value;
  const mb = (v: unknown) => Number(v) * 1024 * 1024;
  return {
    Image: str(raw.image),
    User: raw.user ?? "",
    Env: list(raw.env),
    ...(raw.command ? { Cmd: list(raw.command) } : {}),
    ...(raw.entrypoint ? { Entrypoint: list(raw.entrypoint) } : {}),
    ...(Object.keys(volumes).length ? { Volumes: volumes } : {}),
    Labels: { ...labels, ...runLabel },
    ...(hc ? {
      Healthcheck: {
        Test: list(hc.test),
        Interval: parseDuration(String(hc.interval ?? "0s"), where),
        Timeout: parseDuration(String(hc.timeout ?? "0s"), where),
        StartPeriod: parseDuration(String(hc.start_period ?? "0s"), where),
        Retries: Number(hc.retries ?? 0),
      },
    } : {}),
    ...(raw.stop_timeout !== undefined ? { StopTimeout: Number(raw.stop_timeout) } : {}),
    HostConfig: {
      Privileged: raw.privileged === true,
      RestartPolicy: { Name: String(raw.restart ?? "no"), MaximumRetryCount: Number(raw.max_retry_count ?? 0) },
      ReadonlyRootfs: raw.read_only === true,
      LogConfig: { Type: String(raw.log_driver ?? "json-file"), Config: raw.log_opts ?? {} },
      ...(raw.tmpfs ? { Tmpfs: raw.tmpfs } : {}),
      ...(binds.length ? { Binds: binds } : {}),
      Ulimits: ((raw.ulimit as Json[] | undefined) ?? []).map((u) => ({ Name: u.name, Soft: Math.min(u.soft, 20000), Hard: Math.min(u.hard, 20000) })),
      CapAdd: raw.capabilities?.add ?? null,
      CapDrop: raw.capabilities?.drop ?? null,
      SecurityOpt: list(raw.security_opts),
      ...(raw.memory !== undefined ? { Memory: mb(raw.memory) } : {}),
      ...(raw.memory_swap !== undefined ? { MemorySwap: mb(raw.memory_swap) } : {}),
      ...(raw.cpu_shares !== undefined ? { CpuShares: Number(raw.cpu_shares) } : {}),
      ...(raw.cpu_period !== undefined ? { CpuPeriod: Number(raw.cpu_period) } : {}),
      ...(raw.cpu_quota !== undefined ? { CpuQuota: Number(raw.cpu_quota) } : {}),
      // The schema default is "bridge"; networks_advanced are connected after the create.
      NetworkMode: String(raw.network_mode ?? "bridge"),
      Init: false,
    },
    NetworkingConfig: {},
  };
}

/** One upload as a tar, as the provider writes it: a single entry named `file` (ustar header). */
export function uploadTar(file: string, content: string, mode: number): Buffer {
  const body = Buffer.from(content, "utf8");
  const h = Buffer.alloc(512, 0);
  const put = (s: string, off: number, len: number) => h.write(s, off, Math.min(len, Buffer.byteLength(s)), "utf8");
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0") + "\0";
  if (Buffer.byteLength(file) > 100) throw new Error(`${file}: names longer than 100 bytes need a PAX header, not modelled`);
  put(file, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(body.length, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  h.fill(0x20, 148, 156);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512, 0);
  return Buffer.concat([h, body, pad, Buffer.alloc(1024, 0)]);
}

/** The mode the provider gives an upload: `permissions` (octal) has precedence over `executable`. */
export function uploadMode(u: Json): number {
  if (typeof u.permissions === "string" && u.permissions !== "") return parseInt(u.permissions, 8);
  return u.executable === true ? 0o744 : 0o644;
}

function putArchive(id: string, path: string, tar: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: SOCKET, method: "PUT", path: `/containers/${id}/archive?path=${encodeURIComponent(path)}`, headers: { "content-type": "application/x-tar", "content-length": tar.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(tar);
  });
}

async function dockerOk(args: string[]): Promise<string> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(" ")}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** True when an engine answers on the socket (for callers that skip without one). */
export async function engineAnswers(): Promise<{ ok: boolean; detail: string }> {
  try {
    const v = await api<{ Version?: string; ApiVersion?: string }>("GET", "/version");
    if (v.status !== 200 || !v.json.Version) return { ok: false, detail: `GET /version: HTTP ${v.status}` };
    const img = await docker(["image", "inspect", "--format", "{{.Id}}", UPLOADS_STAND_IN]);
    if (img.code !== 0) return { ok: false, detail: `engine ${v.json.Version} answers, but the stand-in ${UPLOADS_STAND_IN} is not built (bash e2e/images/build.sh)` };
    return { ok: true, detail: `Docker ${v.json.Version} (API ${v.json.ApiVersion})` };
  } catch (e) {
    return { ok: false, detail: `no engine on ${SOCKET}: ${(e as Error).message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// the check

/** Run the check; returns one result per assertion. Removes what it created, also on failure. */
export async function checkUploads(): Promise<UploadsResult[]> {
  const results: UploadsResult[] = [];
  const record = (ok: boolean, check: string, detail: string) => results.push({ ok, check, detail });
  const run = randomBytes(3).toString("hex");
  const prefix = `bwe2e-up${run}-`;
  const runLabel = { [UPLOADS_LABEL]: run };
  const containers: string[] = [];
  const volumes: string[] = [];
  const networks: string[] = [];
  const v = await api<{ ApiVersion: string }>("GET", "/version");
  const base = `/v${v.json.ApiVersion}`;

  const json1 = synthUploadsStack(1);
  const r = new Resolver(json1, prefix);
  const res = json1.resource as Json;
  const serviceRaw = res.docker_container.uploads_probe as Json;
  const seederRaw = res.docker_container.uploads_probe_config as Json;

  const create = async (raw: Json, where: string): Promise<string> => {
    const body = createBody(raw, r, where, runLabel);
    const name = r.name("container", String(raw.name));
    const c = await api<{ Id?: string; message?: string }>("POST", `${base}/containers/create?name=${encodeURIComponent(name)}`, body);
    if (c.status !== 201 || !c.json.Id) throw new Error(`create ${name}: HTTP ${c.status}: ${c.json.message ?? JSON.stringify(c.json)}`);
    containers.push(c.json.Id);
    return c.json.Id;
  };
  /** The provider's upload loop: one PUT per upload block, at "/". */
  const upload = async (id: string, raw: Json, where: string) => {
    const out: { file: string; status: number; text: string }[] = [];
    for (const u of (raw.upload as Json[] | undefined) ?? []) {
      const file = String(u.file);
      const a = await putArchive(id, "/", uploadTar(file, r.value(String(u.content), `${where}.upload`), uploadMode(u)));
      out.push({ file, ...a });
    }
    return out;
  };
  const start = async (id: string, raw: Json) => {
    if (raw.networks_advanced) {
      const d = await docker(["network", "disconnect", "bridge", id]);
      if (d.code !== 0 && !/is not connected to the network bridge/.test(d.stderr)) throw new Error(`disconnect from bridge: ${d.stderr.trim()}`);
      for (const n of raw.networks_advanced as Json[]) {
        await dockerOk(["network", "connect", ...((n.aliases as string[] | undefined) ?? []).flatMap((a) => ["--alias", a]), r.value(String(n.name), "networks_advanced"), id]);
      }
    }
    await dockerOk(["start", id]);
  };
  /** docker exec as the container's own user (or `user`); stdout as it is, stderr apart. */
  const exec = async (id: string, script: string, user?: string) => {
    const e = await docker(["exec", ...(user ? ["-u", user] : []), id, "sh", "-c", script], 30_000);
    return { code: e.code, out: e.stdout, err: e.stderr.trim() };
  };
  const expected = (raw: Json, file: string): { content: string; mode: number } => {
    const u = (raw.upload as Json[]).find((x) => x.file === file) as Json;
    return { content: r.value(String(u.content), "expected"), mode: uploadMode(u) };
  };

  try {
    // --- the synthesized JSON ------------------------------------------------------------------
    const wiring = {
      seederStart: seederRaw?.start, seederMustRun: seederRaw?.must_run, seederReadOnly: seederRaw?.read_only, seederNetwork: seederRaw?.network_mode,
      serviceReadOnly: serviceRaw?.read_only, serviceUploads: serviceRaw?.upload === undefined,
      dependsOn: (serviceRaw?.depends_on ?? []).includes("docker_container.uploads_probe_config"),
      // cdktf writes the reference as an interpolation; Terraform parses each JSON string as an expression.
      replaceTriggeredBy: ["[\"${docker_container.uploads_probe_config}\"]", "[\"docker_container.uploads_probe_config\"]"].includes(JSON.stringify(serviceRaw?.lifecycle?.replace_triggered_by ?? [])),
      serviceMount: JSON.stringify((serviceRaw?.volumes ?? []).find((m: Json) => m.container_path === "/etc/probe")),
    };
    const wiringOk = wiring.seederStart === false && wiring.seederMustRun === false && wiring.seederReadOnly === false && wiring.seederNetwork === "none"
      && wiring.serviceReadOnly === true && wiring.serviceUploads && wiring.dependsOn && wiring.replaceTriggeredBy
      && wiring.serviceMount === JSON.stringify({ container_path: "/etc/probe", read_only: true, volume_name: "${docker_volume.uploads_probe_config.name}" });
    record(wiringOk, "synthesized: a never-started, writable, network-less seeder carries the uploads; the read-only service mounts its volume read-only, depends on it and is replaced with it", JSON.stringify(wiring));

    // --- networks and volumes --------------------------------------------------------------------
    const usedNets = new Set(((serviceRaw.networks_advanced as Json[]) ?? []).map((n) => r.value(String(n.name), "networks")));
    for (const n of Object.values(res.docker_network as Record<string, Json>)) {
      const name = r.name("network", String(n.name));
      if (!usedNets.has(name)) continue;
      await dockerOk(["network", "create", "--driver", "bridge", ...(n.internal === true ? ["--internal"] : []), "--label", `${UPLOADS_LABEL}=${run}`, name]);
      networks.push(name);
    }
    for (const vol of Object.values(res.docker_volume as Record<string, Json>)) {
      const name = r.name("volume", String(vol.name));
      await dockerOk(["volume", "create", "--label", `${UPLOADS_LABEL}=${run}`, name]);
      volumes.push(name);
    }

    // --- the seeder: created, uploads copied, never started --------------------------------------
    const seeder = await create(seederRaw, "seeder");
    const copied = await upload(seeder, seederRaw, "seeder");
    record(copied.length === 2 && copied.every((c) => c.status === 200), "every upload into the never-started seeder is accepted (PUT archive at \"/\", HTTP 200)", copied.map((c) => `${c.file}: HTTP ${c.status}${c.text ? ` ${c.text.trim()}` : ""}`).join("; "));
    const st = await dockerOk(["inspect", "-f", "{{.State.Status}}", seeder]);
    record(st.trim() === "created", "the seeder is never started", `state ${st.trim()}`);

    // --- the service: the regression first, then the start --------------------------------------
    const service = await create(serviceRaw, "service");
    const refused = await putArchive(service, "/", uploadTar(CONFIG_FILE, "refused\n", 0o444));
    record(refused.status >= 400 && /container rootfs is marked read-only/.test(refused.text),
      "an upload into the read-only service itself, created and not yet started as the provider uploads (what Monitoring did before), is refused: \"container rootfs is marked read-only\"", `HTTP ${refused.status}: ${refused.text.trim()}`);
    await start(service, serviceRaw);
    await new Promise((ok) => setTimeout(ok, 1500));
    const running = (await dockerOk(["inspect", "-f", "{{.State.Running}} {{.HostConfig.ReadonlyRootfs}}", service])).trim();
    record(running === "true true", "the service runs with a read-only root", `Running ReadonlyRootfs: ${running}`);

    for (const file of [CONFIG_FILE, SECRET_FILE]) {
      const want = expected(seederRaw, file);
      const got = await exec(service, `cat '${file}' && printf -- '--mode--%s' "$(stat -c %a '${file}')"`);
      const [content, mode] = got.out.split("--mode--");
      const ok = got.code === 0 && content === want.content && mode === want.mode.toString(8);
      const shown = (t: string) => (file === SECRET_FILE ? t.split(r.secrets.get("probe_token") ?? "\u0000").join("<the per-run secret>") : t);
      record(ok, `the running service (as 10001:10001) reads ${file} with the uploaded text and mode ${want.mode.toString(8)}`,
        ok ? `${JSON.stringify(shown(content))}, mode ${mode}` : `got ${JSON.stringify(shown(got.out))} ${got.err}, want ${JSON.stringify(shown(want.content))} mode ${want.mode.toString(8)}`);
    }
    // The directory is root's (0755), so the service user is refused by permissions alone; root in
    // the container (no capabilities, but the owner) proves the mount itself is read-only.
    const mount = (await exec(service, "grep ' /etc/probe ' /proc/mounts")).out.trim();
    const write = await exec(service, "touch /etc/probe/written-by-root; echo rc=$?; echo x >> /etc/probe/app.yml; echo rc=$?", "0");
    const writeOut = `${write.out} ${write.err}`.replace(/\s+/g, " ").trim();
    record(/\sro[,\s]/.test(mount) && /Read-only file system/.test(writeOut) && !/rc=0/.test(writeOut),
      "the config directory is a read-only mount: even root in the container cannot write there", `${mount} | ${writeOut}`);

    // --- a changed file: a new seeder, the same volume, a new service (replace_triggered_by) ----
    const json2 = synthUploadsStack(2);
    const seeder2Raw = json2.resource.docker_container.uploads_probe_config as Json;
    const service2Raw = json2.resource.docker_container.uploads_probe as Json;
    const changed = JSON.stringify(seeder2Raw.upload) !== JSON.stringify(seederRaw.upload);
    await dockerOk(["rm", "-f", service]);
    await dockerOk(["rm", "-f", seeder]);
    const seeder2 = await create(seeder2Raw, "seeder (round 2)");
    const copied2 = await upload(seeder2, seeder2Raw, "seeder (round 2)");
    const service2 = await create(service2Raw, "service (round 2)");
    await start(service2, service2Raw);
    await new Promise((ok) => setTimeout(ok, 1000));
    const again = await exec(service2, `cat '${CONFIG_FILE}'`);
    const want2 = expected(seeder2Raw, CONFIG_FILE).content;
    record(changed && copied2.every((c) => c.status === 200) && again.out === want2,
      "a changed file: the replaced seeder overwrites it in the same volume and the replaced service reads the new text", JSON.stringify(again.out));
  } catch (e) {
    record(false, "uploads check", `harness error: ${(e as Error).message}`);
  } finally {
    for (const id of containers) await docker(["rm", "-f", id]);
    for (const name of volumes) await docker(["volume", "rm", "-f", name]);
    for (const name of networks) await docker(["network", "rm", name]);
    const left = (await docker(["ps", "-aq", "--filter", `label=${UPLOADS_LABEL}=${run}`])).stdout.trim()
      + (await docker(["volume", "ls", "-q", "--filter", `label=${UPLOADS_LABEL}=${run}`])).stdout.trim()
      + (await docker(["network", "ls", "-q", "--filter", `label=${UPLOADS_LABEL}=${run}`])).stdout.trim();
    record(left === "", "everything the check created is removed", left === "" ? `${containers.length} containers, ${volumes.length} volumes, ${networks.length} networks` : `left: ${left.replace(/\s+/g, " ")}`);
  }
  return results;
}

/** For e2e/run.ts: prints through the runner's `report`, one line per assertion. */
export async function uploadsPhase(report: (subject: string, r: UploadsResult) => void): Promise<void> {
  process.stdout.write("--- files into read-only containers (e2e/uploads.ts)\n");
  for (const r of await checkUploads()) report("uploads-probe", r);
}
