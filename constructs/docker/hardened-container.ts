/**
 * HardenedContainer: renders a ServiceSpec to a `docker_container` (kreuzwerker/docker 3.6.2)
 * that passes every DOCKER/NET error rule by construction.
 *
 * Secure defaults (each either impossible to turn off, or only through a justified escape hatch
 * that writes a visible policy suppression into the synthesized JSON):
 * - read-only root filesystem; each writable path a tmpfs (`noexec,nosuid,nodev,size=…`), data in
 *   named volumes;
 * - `capabilities.drop = ["ALL"]`, additions only from the typed `Capability` set, each justified;
 * - `no-new-privileges:true`; seccomp/AppArmor never disabled;
 * - non-root `UID:GID` user; memory limit with swap off; CPU shares/quota (never `cpus`);
 *   ulimit nproc and nofile; health check; restart `unless-stopped`; rotated json-file logs;
 * - attached only to user-defined networks; no published ports unless asked, and then only on
 *   loopback; image pinned to a tag other than `latest` (digest recommended);
 * - secrets only as references to sensitive values;
 * - labels for service, tier, owner and a hash of the settings the provider cannot update in
 *   place (healthcheck, tmpfs, cpu quota), so changing them recreates the container.
 */
import { createHash } from "crypto";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import {
  isDatastoreImage,
  isLoopbackAddress,
  isRootUser,
  looksLikeSecretName,
  parseImage,
  ROLE_LABEL,

} from "../../knowledge";
import { assertSecretRef } from "../core/secret";
import { suppress } from "../core/suppress";
import { dockerHealthTest } from "../service/health";
import { BACKEND_ROLES, CAPABILITIES, type ImageSpec, type PublishedPort, type ServiceSpec } from "../service/spec";
import type { HardenedNetwork } from "./network-topology";

export type RestartPolicy =
  | { readonly policy: "unless-stopped" }
  | { readonly policy: "always" }
  | { readonly policy: "on-failure"; readonly maxRetries: number };

/** A deliberate, visible opt-out: the reason becomes a policy suppression in the JSON. */
export interface Justification {
  readonly reason: string;
}

export interface HardenedContainerProps {
  readonly service: ServiceSpec;
  /** User-defined networks to join (at least one). Datastores may only join internal ones. */
  readonly networks: readonly HardenedNetwork[];
  /** Team or person responsible; becomes the `bulwark.owner` label. */
  readonly owner: string;
  /**
   * Host ports to publish, loopback only (seed 002's `127.0.0.1:5433:5432`).
   * @default none — reach services over the networks and the tunnel
   */
  readonly publish?: readonly PublishedPort[];
  /** @default { policy: "unless-stopped" } */
  readonly restart?: RestartPolicy;
  /** Log rotation for the json-file driver. @default { maxSizeMb: 10, maxFiles: 3 } */
  readonly logging?: { readonly maxSizeMb?: number; readonly maxFiles?: number };
  /** Extra network aliases; the service name is always one. @default none */
  readonly aliases?: readonly string[];
  /**
   * Escape hatches, each with a reason (>= 10 characters) that is written into the JSON as a
   * suppression of the rule it relaxes. Prefer fixing the image.
   */
  readonly escapeHatches?: {
    /** Writable root filesystem (relaxes DOCKER-004). */
    readonly writableRootFilesystem?: Justification;
  };
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const DURATION = /^\d+(ms|s|m|h)$/;
const UID_GID = /^\d+:\d+$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MIN_REASON = 10;

const servicesByStack = new WeakMap<TerraformStack, Set<string>>();

export class HardenedContainer extends Construct {
  readonly container: Container;
  readonly image: Image;
  readonly volumes: readonly Volume[];
  readonly service: ServiceSpec;
  /** The networks the container joins. */
  readonly networks: readonly HardenedNetwork[];
  /** Docker DNS name other containers on a shared network use. */
  readonly hostname: string;

  constructor(scope: Construct, id: string, props: HardenedContainerProps) {
    super(scope, id);
    const spec = props.service;
    this.service = spec;
    this.networks = [...props.networks];
    const where = `HardenedContainer ${this.node.path}`;
    const fail = (prop: string, problem: string, fix: string): never => {
      throw new Error(`${where}: ${prop} ${problem}. Fix: ${fix}`);
    };

    // --- identity -------------------------------------------------------------------------
    if (!SERVICE_NAME.test(spec.name)) {
      fail("service.name", `"${spec.name}" is not a DNS-safe service name`, "use lower-case letters, digits and dashes, starting with a letter");
    }
    const stack = TerraformStack.of(this);
    const names = servicesByStack.get(stack) ?? new Set<string>();
    if (names.has(spec.name)) {
      fail("service.name", `"${spec.name}" is used by another service in stack ${stack.node.id}`, "give every service a unique name");
    }
    names.add(spec.name);
    servicesByStack.set(stack, names);
    this.hostname = spec.name;
    if (props.owner.trim() === "") fail("owner", "is empty", "name the team or person responsible for the service");

    // --- image ----------------------------------------------------------------------------
    const imageName = renderImage(spec.image, (p, f) => fail(`service.image.${p}`, "is invalid", f));
    const backend = BACKEND_ROLES.has(spec.role) || isDatastoreImage(imageName);

    // --- user -----------------------------------------------------------------------------
    if (isRootUser(spec.user)) fail("service.user", `"${spec.user}" is root or empty`, "run as the image's non-root UID:GID (see its profile)");
    if (!UID_GID.test(spec.user)) fail("service.user", `"${spec.user}" is not numeric UID:GID`, "use numeric ids such as \"999:999\" so no passwd lookup can map it to root");

    // --- networks -------------------------------------------------------------------------
    if (props.networks.length === 0) fail("networks", "is empty", "attach the container to at least one NetworkTopology network (never the default bridge)");
    const seenNets = new Set<string>();
    for (const n of props.networks) {
      if (seenNets.has(n.logicalName)) fail("networks", `lists "${n.logicalName}" twice`, "list each network once");
      seenNets.add(n.logicalName);
      if (backend && !n.internal) {
        fail("networks", `attaches ${spec.role === "app" ? "datastore image" : spec.role} "${spec.name}" to public network "${n.logicalName}"`, "attach datastores and brokers only to internal networks (topology.back)");
      }
    }
    const tier = props.networks.some((n) => !n.internal) ? "front" : "back";

    // --- resources ------------------------------------------------------------------------
    const r = spec.resources;
    if (!Number.isInteger(r.memoryMb) || r.memoryMb <= 0) fail("service.resources.memoryMb", `is ${r.memoryMb}`, "set a positive whole number of MB");
    const cpuShares = r.cpuShares ?? 1024;
    if (!Number.isInteger(cpuShares) || cpuShares < 2) fail("service.resources.cpuShares", `is ${cpuShares}`, "use a whole number >= 2 (Docker default 1024)");
    let cpuPeriod: number | undefined;
    let cpuQuota: number | undefined;
    if (r.cpuLimit !== undefined) {
      if (!(r.cpuLimit > 0) || r.cpuLimit > 512) fail("service.resources.cpuLimit", `is ${r.cpuLimit}`, "give the CPU cap in cores, e.g. 0.5 or 2");
      cpuPeriod = 100000;
      cpuQuota = Math.max(1000, Math.round(r.cpuLimit * cpuPeriod));
    }
    const nproc = r.maxProcesses ?? 512;
    const nofile = r.maxOpenFiles ?? 8192;
    if (!Number.isInteger(nproc) || nproc < 1) fail("service.resources.maxProcesses", `is ${nproc}`, "use a positive whole number");
    if (!Number.isInteger(nofile) || nofile < 64) fail("service.resources.maxOpenFiles", `is ${nofile}`, "use a whole number >= 64");

    // --- health ---------------------------------------------------------------------------
    const h = spec.health;
    const test = dockerHealthTest(h.probe);
    if (test.length < 2 || test.slice(1).every((t) => t.trim() === "")) fail("service.health.probe", "is empty", "use HealthProbe.exec/http/tcp with a real command");
    const interval = h.interval ?? "30s";
    const timeout = h.timeout ?? "5s";
    const startPeriod = h.startPeriod ?? "30s";
    for (const [prop, v] of [["interval", interval], ["timeout", timeout], ["startPeriod", startPeriod]] as const) {
      if (!DURATION.test(v)) fail(`service.health.${prop}`, `"${v}" is not a duration`, "write it like \"30s\", \"500ms\" or \"2m\"");
    }
    const retries = h.retries ?? 3;
    if (!Number.isInteger(retries) || retries < 1) fail("service.health.retries", `is ${retries}`, "use a whole number >= 1");

    // --- environment and secrets ----------------------------------------------------------
    const env: string[] = [];
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`service.env.${k}`, "is not a valid variable name", "use letters, digits and underscores");
      const fileRef = /(_FILE|_PATH)$/i.test(k) && v.startsWith("/");
      if (looksLikeSecretName(k) && v !== "" && !v.includes("${") && !fileRef) {
        fail(`service.env.${k}`, "looks like a secret but holds a literal", "move it to service.secretEnv with Secret.fromVariable()");
      }
      env.push(`${k}=${v}`);
    }
    for (const [k, ref] of Object.entries(spec.secretEnv ?? {})) {
      if (spec.env && k in spec.env) fail(`service.secretEnv.${k}`, "is also set in service.env", "set it in one place");
      assertSecretRef(`${where}: service.secretEnv.${k}`, ref);
      env.push(`${k}=${ref.expression}`);
    }
    env.sort();

    // --- capabilities ---------------------------------------------------------------------
    const add: string[] = [];
    for (const g of spec.capabilities ?? []) {
      if (!CAPABILITIES.includes(g.capability)) fail("service.capabilities", `holds "${g.capability}", which is not an allowed capability`, `use one of ${CAPABILITIES.join(", ")}`);
      if (!g.reason || g.reason.trim().length < MIN_REASON) fail(`service.capabilities[${g.capability}]`, "has no reason", "say in at least 10 characters why the service needs it");
      if (!add.includes(g.capability)) add.push(g.capability);
    }
    add.sort();

    // --- writable paths and data ----------------------------------------------------------
    const tmpfs: Record<string, string> = {};
    const mountPaths = new Set<string>();
    const claimPath = (prop: string, path: string) => {
      if (!path.startsWith("/") || path === "/") fail(prop, `"${path}" is not an absolute path below /`, "give the absolute container path");
      if (mountPaths.has(path)) fail(prop, `"${path}" is mounted twice`, "mount each path once");
      mountPaths.add(path);
    };
    for (const w of spec.writablePaths ?? []) {
      claimPath("service.writablePaths", w.path);
      const size = w.sizeMb ?? 64;
      if (!Number.isInteger(size) || size < 1) fail(`service.writablePaths[${w.path}].sizeMb`, `is ${size}`, "use a positive whole number of MB");
      const mode = w.mode ?? "0755";
      if (!/^[0-7]{3,4}$/.test(mode)) fail(`service.writablePaths[${w.path}].mode`, `"${mode}" is not an octal mode`, "write it like \"1777\" or \"0700\"");
      tmpfs[w.path] = [w.exec ? "exec" : "noexec", "nosuid", "nodev", `size=${size}m`, `mode=${mode}`].join(",");
    }
    const volumes: Volume[] = [];
    const volumeMounts: { volumeName: string; containerPath: string }[] = [];
    const seenVolumes = new Set<string>();
    for (const d of spec.dataVolumes ?? []) {
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(d.name)) fail(`service.dataVolumes[${d.name}]`, "has an invalid name", "use lower-case letters, digits and dashes");
      if (seenVolumes.has(d.name)) fail(`service.dataVolumes[${d.name}]`, "is declared twice", "give each data volume a unique name");
      seenVolumes.add(d.name);
      claimPath(`service.dataVolumes[${d.name}]`, d.path);
      const vol = new Volume(this, `volume-${d.name}`, {
        name: `${spec.name}-${d.name}`,
        labels: [
          { label: "bulwark.service", value: spec.name },
          { label: "bulwark.owner", value: props.owner },
        ],
      });
      vol.overrideLogicalId(`${spec.name}_${d.name}`.replace(/-/g, "_"));
      volumes.push(vol);
      volumeMounts.push({ volumeName: vol.name, containerPath: d.path });
    }
    this.volumes = volumes;

    // --- ports ----------------------------------------------------------------------------
    const ports = (props.publish ?? []).map((p, i) => {
      const prop = `publish[${i}]`;
      for (const [k, v] of [["containerPort", p.containerPort], ["hostPort", p.hostPort]] as const) {
        if (!Number.isInteger(v) || v < 1 || v > 65535) fail(`${prop}.${k}`, `is ${v}`, "use a port between 1 and 65535");
      }
      const ip = p.hostIp ?? "127.0.0.1";
      if (!isLoopbackAddress(ip)) {
        fail(`${prop}.hostIp`, `"${ip}" would publish port ${p.hostPort} beyond this host`, "publish only on 127.0.0.1 (or ::1) and go through the Cloudflare tunnel for public traffic");
      }
      if (p.hostPort < 1024) fail(`${prop}.hostPort`, `${p.hostPort} is a privileged port`, "publish on a host port >= 1024");
      return { internal: p.containerPort, external: p.hostPort, ip, protocol: p.protocol ?? "tcp" };
    });

    // --- restart and logs -----------------------------------------------------------------
    const restart = props.restart ?? { policy: "unless-stopped" };
    let maxRetryCount: number | undefined;
    if (restart.policy === "on-failure") {
      if (!Number.isInteger(restart.maxRetries) || restart.maxRetries < 1 || restart.maxRetries > 5) {
        fail("restart.maxRetries", `is ${restart.maxRetries}`, "use 1 to 5 retries, or \"unless-stopped\"");
      }
      maxRetryCount = restart.maxRetries;
    }
    const maxSize = props.logging?.maxSizeMb ?? 10;
    const maxFiles = props.logging?.maxFiles ?? 3;
    if (!Number.isInteger(maxSize) || maxSize < 1) fail("logging.maxSizeMb", `is ${maxSize}`, "use a positive whole number of MB");
    if (!Number.isInteger(maxFiles) || maxFiles < 1) fail("logging.maxFiles", `is ${maxFiles}`, "use a positive whole number");

    const stopGrace = spec.stopGraceSeconds;
    if (stopGrace !== undefined && (!Number.isInteger(stopGrace) || stopGrace < 1 || stopGrace > 3600)) {
      fail("service.stopGraceSeconds", `is ${stopGrace}`, "use a whole number of seconds between 1 and 3600");
    }

    // --- escape hatches -------------------------------------------------------------------
    const writable = props.escapeHatches?.writableRootFilesystem;
    if (writable && (!writable.reason || writable.reason.trim().length < MIN_REASON)) {
      fail("escapeHatches.writableRootFilesystem.reason", "is missing or shorter than 10 characters", "say why this image cannot run with a read-only root filesystem");
    }

    // --- render ---------------------------------------------------------------------------
    const healthcheck = { test, interval, timeout, startPeriod, retries };
    const recreateHash = createHash("sha256")
      .update(JSON.stringify({ healthcheck, tmpfs, cpuPeriod: cpuPeriod ?? null, cpuQuota: cpuQuota ?? null }))
      .digest("hex")
      .slice(0, 16);

    this.image = new Image(this, "image", { name: imageName, keepLocally: true });
    this.image.overrideLogicalId(spec.name.replace(/-/g, "_"));

    const config: ContainerConfig = {
      name: spec.name,
      image: this.image.imageId,
      user: spec.user,
      command: spec.command ? [...spec.command] : undefined,
      entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
      env: env.length > 0 ? env : undefined,
      readOnly: !writable,
      privileged: false,
      capabilities: { drop: ["ALL"], add: add.length > 0 ? add : undefined },
      securityOpts: ["no-new-privileges:true"],
      memory: r.memoryMb,
      memorySwap: r.memoryMb,
      cpuShares,
      cpuPeriod,
      cpuQuota,
      ulimit: [
        { name: "nofile", soft: nofile, hard: nofile },
        { name: "nproc", soft: nproc, hard: nproc },
      ],
      healthcheck,
      restart: restart.policy,
      maxRetryCount,
      // Same grace for `docker stop` (restarts, host shutdown) and for Terraform replacing it.
      stopTimeout: stopGrace,
      destroyGraceSeconds: stopGrace,
      logDriver: "json-file",
      logOpts: { "max-size": `${maxSize}m`, "max-file": String(maxFiles) },
      networksAdvanced: props.networks.map((n) => ({ name: n.name, aliases: [spec.name, ...(props.aliases ?? [])] })),
      ports: ports.length > 0 ? ports : undefined,
      tmpfs: Object.keys(tmpfs).length > 0 ? tmpfs : undefined,
      volumes: volumeMounts.length > 0 ? volumeMounts : undefined,
      labels: [
        { label: "bulwark.owner", value: props.owner },
        { label: "bulwark.recreate-hash", value: recreateHash },
        { label: ROLE_LABEL, value: spec.role },
        { label: "bulwark.service", value: spec.name },
        { label: "bulwark.tier", value: tier },
      ],
    };
    this.container = new Container(this, "container", config);
    this.container.overrideLogicalId(spec.name.replace(/-/g, "_"));
    if (writable) suppress(this.container, "DOCKER-004", writable.reason);
  }

  /** Suppress one policy rule on this container with a reason (>= 10 characters). */
  suppress(ruleId: string, reason: string): this {
    suppress(this.container, ruleId, reason);
    return this;
  }
}

/** `repository:tag@digest`, validated. */
export function renderImage(image: ImageSpec, fail: (prop: string, fix: string) => never): string {
  const repo = image.repository.trim();
  if (repo === "" || /[@\s]/.test(repo) || /:[^/]*$/.test(repo.replace(/^[^/]*:\d+\//, ""))) {
    fail("repository", "give the repository without tag or digest, e.g. \"mariadb\" or \"ghcr.io/org/app\"");
  }
  const tag = image.tag.trim();
  if (tag === "" || tag.toLowerCase() === "latest" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    fail("tag", `pin an explicit version tag, never "latest" (got "${image.tag}")`);
  }
  if (image.digest !== undefined && !DIGEST.test(image.digest)) {
    fail("digest", `write the digest as sha256:<64 hex> (got "${image.digest}")`);
  }
  const name = `${repo}:${tag}${image.digest ? `@${image.digest}` : ""}`;
  // Self-check against the same parser the policy uses.
  const parsed = parseImage(name);
  if (parsed.tag !== tag) fail("repository", `"${repo}" does not parse as a repository`);
  return name;
}
