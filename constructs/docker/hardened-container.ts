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
 *
 * Files (`addFile`, `addSecretFile`): a read-only container cannot receive `upload` blocks.
 * kreuzwerker/docker 3.6.2 copies every upload with CopyToContainer(id, "/", tar) after the create
 * and before the start, and Docker refuses any copy into a container whose HostConfig.ReadonlyRootfs
 * is true with HTTP 500 "container rootfs is marked read-only", even when a volume is mounted at the
 * destination directory (the check is on the copy's path "/", which no volume covers). Seen on this
 * repository's engine (Docker 20.10.24 from Debian) by e2e/uploads.ts. So each config directory is
 * a named volume: a seeding container (`<name>-config`: the same image, never started, not
 * read-only, network "none", no capabilities) mounts it read-write and carries the uploads; the
 * service mounts it read-only and is replaced whenever the seeder is (`replace_triggered_by`), so a
 * changed file, a rotated secret included, reaches a new service container. The e2e check creates
 * the seeder and the service from the synthesized JSON as the provider does and reads the files
 * from inside the running read-only service.
 */
import { createHash } from "crypto";
import { Construct } from "constructs";
import { TerraformStack, dependable } from "cdktf";
import { posix } from "path";
import { Container, type ContainerConfig, type ContainerLabels, type ContainerVolumes } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { BACKEND_ROLES, ROLE_LABEL, isDatastoreImage, isLoopbackAddress, isSensitiveHostPath, normalizeHostPath, parseImage } from "../../knowledge";
import { MIN_REASON_LENGTH } from "../../knowledge/suppressions";
import { bindSecretToTerraform } from "../core/secret";
import { setSuppression, suppress } from "../core/suppress";
import { dockerHealthTest } from "../service/health";
import type { PublishableService } from "../service/publishable";
import type { ImageSpec, PublishedPort, SecretRef, ServiceSpec } from "../service/spec";
import { ENV_NAME, checkPlainEnv, checkSecret, resolveDefaults, specFailer, validateServiceSpec, type ResolvedServiceSpec } from "../service/validate";
import { claimHostName } from "./host-names";
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
   * Host ports to publish, loopback only (e.g. PostgreSQL on `127.0.0.1:5433` for operators).
   * @default none — reach services over the networks and the tunnel
   */
  readonly publish?: readonly PublishedPort[];
  /** @default { policy: "unless-stopped" } */
  readonly restart?: RestartPolicy;
  /**
   * Log driver and rotation. Both drivers rotate by size and keep a bounded number of files.
   * @default { driver: DEFAULT_LOG_DRIVER ("json-file"), maxSizeMb: DEFAULT_LOG_MAX_SIZE_MB (10), maxFiles: DEFAULT_LOG_MAX_FILES (3) }
   */
  readonly logging?: { readonly driver?: LogDriver; readonly maxSizeMb?: number; readonly maxFiles?: number };
  /** Extra network aliases; the service name is always one. @default none */
  readonly aliases?: readonly string[];
  /**
   * Escape hatches, each with a reason (>= 10 characters) that is written into the JSON as a
   * suppression of the rule it relaxes. Prefer fixing the image.
   */
  readonly escapeHatches?: {
    /** Writable root filesystem (relaxes DOCKER-004). */
    readonly writableRootFilesystem?: Justification;
    /**
     * Egress off the host for a container that otherwise joins only internal networks (a backup
     * job's off-site copy): it also joins `<name>-egress`, a bridge of its own with no other member,
     * no published port and inter-container traffic off, so it reaches the internet (NAT) and
     * nothing else on the host. Relaxes NET-001 for that network, with the reason.
     * @default none: internal networks only, no route off the host
     */
    readonly egress?: Justification;
  };
}

/** Log drivers that rotate by size (`max-size`, `max-file`); DOCKER-014 accepts both. */
export type LogDriver = "json-file" | "local";
export const DEFAULT_LOG_DRIVER: LogDriver = "json-file";
export const DEFAULT_LOG_MAX_SIZE_MB = 10;
export const DEFAULT_LOG_MAX_FILES = 3;
export const DEFAULT_RESTART_POLICY: RestartPolicy = { policy: "unless-stopped" };
/** Host address published ports bind to. */
export const DEFAULT_PUBLISH_HOST_IP = "127.0.0.1";

/** A named volume another container may mount (`HardenedContainer.dataVolume(name)`). */
export interface MountableVolume {
  /** Docker volume name (a token resolving to the volume's `name`). */
  readonly name: string;
  readonly resource: Volume;
  /** The service that owns the data. */
  readonly ownerService: string;
  /** Where the owner mounts it. */
  readonly ownerPath: string;
  /**
   * The owner's container. Containers that mount the volume are created after it, so the owner's
   * image initializes the new volume first (Docker gives an empty named volume the owner and content
   * of the image directory it is first mounted on). @default none (a volume nobody owns)
   */
  readonly ownerContainer?: Container;
}

export interface VolumeMountOptions {
  /** Path inside this container. */
  readonly containerPath: string;
  /** @default true: another service's data is read, not written (a backup job) */
  readonly readOnly?: boolean;
}

export interface HostPathOptions {
  /** Path inside this container. @default the host path */
  readonly containerPath?: string;
  /** @default true */
  readonly readOnly?: boolean;
  /**
   * Why the service needs the host path (at least 10 characters). It is written as the reason of
   * the DOCKER-016 (sensitive path) and/or DOCKER-017 (writable bind) suppression it needs, so it
   * shows in every report.
   */
  readonly reason: string;
}

/** Mode of a delivered file: read-only for everybody (the content is owned by root, uid 0 of the tar). */
export const DEFAULT_FILE_MODE = "0444";

export interface FileOptions {
  /**
   * Octal mode of the file (kreuzwerker `upload.permissions`), e.g. "0440".
   * @default DEFAULT_FILE_MODE ("0444")
   */
  readonly mode?: string;
  /**
   * The config directory the file is delivered in: a named volume mounted read-only there. The
   * service sees nothing of the image's own content below it except what Docker copied into the new
   * volume from the image when the seeder was created.
   * @default the directory of an earlier file that contains this path, else the file's parent directory
   */
  readonly directory?: string;
}

export interface SecretFileOptions extends FileOptions {
  /** Literal text before the secret (`password=`). @default "" */
  readonly prefix?: string;
  /** Literal text after the secret (a newline). @default "" */
  readonly suffix?: string;
}

/**
 * Terraform JSON reads `${` and `%{` in every string as template syntax. A file's literal text is
 * data, so both are escaped (`$${`, `%%{`); Terraform writes the original text into the file.
 */
export function escapeTerraformTemplate(s: string): string {
  // A function as replacement: in a replacement string "$$" is one "$", so "$${" would write "${".
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** One config directory: its volume, mounted read-only by the service and read-write by the seeder. */
interface ConfigDirectory {
  readonly path: string;
  readonly volume: Volume;
  readonly files: Map<string, { readonly content: string; readonly mode: string }>;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const FILE_MODE = /^0?[0-7]{3}$/;
const servicesByStack = new WeakMap<TerraformStack, Set<string>>();

export class HardenedContainer extends Construct implements PublishableService {
  readonly container: Container;
  readonly image: Image;
  readonly volumes: readonly Volume[];
  /** The service as described (validated). */
  readonly service: ServiceSpec;
  /** The same with every default filled in: what was rendered. */
  readonly resolved: ResolvedServiceSpec;
  /** The networks the container joins (a loopback publication network included). */
  readonly networks: readonly HardenedNetwork[];
  /** Docker DNS name other containers on a shared network use. */
  readonly hostname: string;
  /**
   * The container's own non-internal network when it publishes ports but joins only internal
   * networks (Docker publishes no port of such a container). @default none
   */
  readonly publishNetwork?: HardenedNetwork;
  /** The container's own egress network (`escapeHatches.egress`). @default none */
  readonly egressNetwork?: HardenedNetwork;

  private readonly where: string;
  private egressReason = "";
  private readonly fail: (prop: string, problem: string, fix: string) => never;
  private readonly env = new Map<string, string>();
  private readonly secretNames = new Set<string>();
  private readonly labels = new Map<string, string>();
  private readonly mounts: ContainerVolumes[] = [];
  private readonly mountPaths = new Set<string>();
  private readonly dataVolumesByName = new Map<string, MountableVolume>();
  private readonly hostPathReasons = new Map<"DOCKER-016" | "DOCKER-017", { grants: string[]; paths: string[] }>();
  /** The config directories of addFile, each with its volume and files. */
  private readonly configDirs = new Map<string, ConfigDirectory>();
  private seederConfig?: ContainerConfig;
  private owner = "";
  private seederContainer?: Container;

  constructor(scope: Construct, id: string, props: HardenedContainerProps) {
    super(scope, id);
    const where = `HardenedContainer ${this.node.path}`;
    this.where = where;
    const fail = (prop: string, problem: string, fix: string): never => {
      throw new Error(`${where}: ${prop} ${problem}. Fix: ${fix}`);
    };
    this.fail = fail;
    if (typeof props !== "object" || props === null) fail("props", "are missing", "pass { service, networks, owner }");
    const spec = validateServiceSpec(props.service, where);
    const r = resolveDefaults(spec);
    this.service = spec;
    this.resolved = r;

    // --- identity -------------------------------------------------------------------------
    const stack = TerraformStack.of(this);
    const names = servicesByStack.get(stack) ?? new Set<string>();
    if (names.has(spec.name)) {
      fail("service.name", `"${spec.name}" is used by another service in stack ${stack.node.id}`, "give every service a unique name");
    }
    names.add(spec.name);
    servicesByStack.set(stack, names);
    this.hostname = spec.name;
    if (typeof props.owner !== "string" || props.owner.trim() === "") fail("owner", "is empty", "name the team or person responsible for the service");
    this.owner = props.owner;
    claimHostName(this, "container", spec.name, where);

    // --- image ----------------------------------------------------------------------------
    const imageName = renderImage(spec.image, (p, f) => fail(`service.image.${p}`, "is invalid", f));
    const backend = BACKEND_ROLES.has(spec.role) || isDatastoreImage(imageName);

    // --- networks -------------------------------------------------------------------------
    if (!Array.isArray(props.networks) || props.networks.length === 0) {
      fail("networks", "is empty", "attach the container to at least one NetworkTopology network (never the default bridge)");
    }
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
    let cpuPeriod: number | undefined;
    let cpuQuota: number | undefined;
    if (r.resources.cpuLimit !== undefined) {
      cpuPeriod = 100000;
      cpuQuota = Math.max(1000, Math.round(r.resources.cpuLimit * cpuPeriod));
    }

    // --- health ---------------------------------------------------------------------------
    const h = r.health;
    const test = dockerHealthTest(h.probe);

    // --- environment and secrets ----------------------------------------------------------
    for (const [k, v] of Object.entries(r.env)) this.env.set(k, v);
    for (const [k, ref] of Object.entries(r.secretEnv)) this.bindSecret(k, ref);

    // --- capabilities ---------------------------------------------------------------------
    const add = [...new Set(r.capabilities.map((g) => g.capability))].sort();

    // --- writable paths and data ----------------------------------------------------------
    const [uid, gid] = spec.user.split(":");
    const tmpfs: Record<string, string> = {};
    for (const w of r.writablePaths) {
      this.mountPaths.add(w.path);
      const owner = w.owner === "service" ? [`uid=${uid}`, `gid=${gid}`] : [];
      tmpfs[w.path] = [w.exec ? "exec" : "noexec", "nosuid", "nodev", `size=${w.sizeMb}m`, `mode=${w.mode}`, ...owner].join(",");
    }
    const volumes: Volume[] = [];
    for (const d of r.dataVolumes) {
      this.mountPaths.add(d.path);
      const volumeName = `${spec.name}-${d.name}`;
      claimHostName(this, "volume", volumeName, where);
      const vol = new Volume(this, `volume-${d.name}`, {
        name: volumeName,
        labels: [
          { label: "bulwark.service", value: spec.name },
          { label: "bulwark.owner", value: props.owner },
        ],
      });
      vol.overrideLogicalId(`${spec.name}_${d.name}`.replace(/-/g, "_"));
      volumes.push(vol);
      this.mounts.push({ volumeName: vol.name, containerPath: d.path });
      this.dataVolumesByName.set(d.name, { name: vol.name, resource: vol, ownerService: spec.name, ownerPath: d.path });
    }
    this.volumes = volumes;

    // --- ports ----------------------------------------------------------------------------
    const ports = (props.publish ?? []).map((p, i) => {
      const prop = `publish[${i}]`;
      for (const [k, v] of [["containerPort", p.containerPort], ["hostPort", p.hostPort]] as const) {
        if (!Number.isInteger(v) || v < 1 || v > 65535) fail(`${prop}.${k}`, `is ${v}`, "use a port between 1 and 65535");
      }
      const ip = p.hostIp ?? DEFAULT_PUBLISH_HOST_IP;
      if (!isLoopbackAddress(ip)) {
        fail(`${prop}.hostIp`, `"${ip}" would publish port ${p.hostPort} beyond this host`, "publish only on 127.0.0.1 (or ::1) and go through the Cloudflare tunnel for public traffic");
      }
      if (p.hostPort < 1024) fail(`${prop}.hostPort`, `${p.hostPort} is a privileged port`, "publish on a host port >= 1024");
      return { internal: p.containerPort, external: p.hostPort, ip, protocol: p.protocol ?? "tcp" };
    });

    // Docker never publishes a port of a container attached only to internal networks (moby#36174;
    // seen on Docker 20.10.24: NetworkSettings.Ports stayed empty and connections were refused). Such
    // a container gets a network of its own that can publish: not internal, but with nobody else
    // on it, published ports bound to loopback by the bridge itself and IP masquerading off, so
    // the container has no NAT route off the host.
    const networks = [...props.networks];
    if (ports.length > 0 && networks.every((n) => n.internal)) {
      this.publishNetwork = this.ownBridge("publish", spec.name, where, {
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.bridge.enable_ip_masquerade": "false",
        "com.docker.network.bridge.host_binding_ipv4": ports[0].ip.startsWith("127.") ? ports[0].ip : "127.0.0.1",
      });
      networks.push(this.publishNetwork);
    }
    const egress = props.escapeHatches?.egress;
    if (egress !== undefined) {
      if (!egress.reason || egress.reason.trim().length < MIN_REASON_LENGTH) {
        throw new Error(`${where}: escapeHatches.egress.reason is missing or shorter than ${MIN_REASON_LENGTH} characters. Fix: say what the container must reach off the host (e.g. the off-site backup repository)`);
      }
      const reason = egress.reason.trim();
      // NAT off the host (the point of it); no other member and no inter-container traffic.
      this.egressNetwork = this.ownBridge("egress", spec.name, where, { "com.docker.network.bridge.enable_icc": "false" });
      networks.push(this.egressNetwork);
      this.egressReason = reason;
    }
    this.networks = networks;

    // --- restart and logs -----------------------------------------------------------------
    const restart = props.restart ?? DEFAULT_RESTART_POLICY;
    let maxRetryCount: number | undefined;
    if (restart.policy === "on-failure") {
      if (!Number.isInteger(restart.maxRetries) || restart.maxRetries < 1 || restart.maxRetries > 5) {
        fail("restart.maxRetries", `is ${restart.maxRetries}`, "use 1 to 5 retries, or \"unless-stopped\"");
      }
      maxRetryCount = restart.maxRetries;
    } else if (restart.policy !== "unless-stopped" && restart.policy !== "always") {
      fail("restart.policy", `is ${JSON.stringify((restart as { policy?: unknown }).policy)}`, "use \"unless-stopped\", \"always\" or \"on-failure\"");
    }
    const logDriver = props.logging?.driver ?? DEFAULT_LOG_DRIVER;
    if (logDriver !== "json-file" && logDriver !== "local") fail("logging.driver", `is ${JSON.stringify(logDriver)}`, "use \"json-file\" or \"local\" (both rotate by size)");
    const maxSize = props.logging?.maxSizeMb ?? DEFAULT_LOG_MAX_SIZE_MB;
    const maxFiles = props.logging?.maxFiles ?? DEFAULT_LOG_MAX_FILES;
    if (!Number.isInteger(maxSize) || maxSize < 1) fail("logging.maxSizeMb", `is ${maxSize}`, "use a positive whole number of MB");
    if (!Number.isInteger(maxFiles) || maxFiles < 1) fail("logging.maxFiles", `is ${maxFiles}`, "use a positive whole number");

    const stopGrace = spec.stopGracePeriod === undefined ? undefined : r.stopGracePeriod.toSeconds();

    // --- escape hatches -------------------------------------------------------------------
    const writable = props.escapeHatches?.writableRootFilesystem;
    if (writable && (!writable.reason || writable.reason.trim().length < MIN_REASON_LENGTH)) {
      fail("escapeHatches.writableRootFilesystem.reason", "is missing or shorter than 10 characters", "say why this image cannot run with a read-only root filesystem");
    }

    // --- render ---------------------------------------------------------------------------
    const healthcheck = {
      test,
      interval: h.interval.toDockerString(),
      timeout: h.timeout.toDockerString(),
      startPeriod: h.startPeriod.toDockerString(),
      retries: h.retries,
    };
    const recreateHash = createHash("sha256")
      .update(JSON.stringify({ healthcheck, tmpfs, cpuPeriod: cpuPeriod ?? null, cpuQuota: cpuQuota ?? null }))
      .digest("hex")
      .slice(0, 16);

    this.image = new Image(this, "image", { name: imageName, keepLocally: true });
    this.image.overrideLogicalId(spec.name.replace(/-/g, "_"));

    this.labels.set("bulwark.owner", props.owner);
    this.labels.set("bulwark.recreate-hash", recreateHash);
    this.labels.set(ROLE_LABEL, spec.role);
    this.labels.set("bulwark.service", spec.name);
    this.labels.set("bulwark.tier", tier);

    const config: ContainerConfig = {
      name: spec.name,
      image: this.image.imageId,
      user: spec.user,
      command: spec.command ? [...spec.command] : undefined,
      entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
      env: this.renderEnv(),
      readOnly: !writable,
      privileged: false,
      capabilities: { drop: ["ALL"], add: add.length > 0 ? add : undefined },
      securityOpts: ["no-new-privileges:true"],
      memory: r.resources.memoryMb,
      memorySwap: r.resources.memoryMb,
      cpuShares: r.resources.cpuShares,
      cpuPeriod,
      cpuQuota,
      ulimit: [
        { name: "nofile", soft: r.resources.maxOpenFiles, hard: r.resources.maxOpenFiles },
        { name: "nproc", soft: r.resources.maxProcesses, hard: r.resources.maxProcesses },
      ],
      healthcheck,
      restart: restart.policy,
      maxRetryCount,
      // Same grace for `docker stop` (restarts, host shutdown) and for Terraform replacing it.
      stopTimeout: stopGrace,
      destroyGraceSeconds: stopGrace,
      logDriver,
      logOpts: { "max-size": `${maxSize}m`, "max-file": String(maxFiles) },
      networksAdvanced: networks.map((n) => ({ name: n.name, aliases: [spec.name, ...(props.aliases ?? [])] })),
      ports: ports.length > 0 ? ports : undefined,
      tmpfs: Object.keys(tmpfs).length > 0 ? tmpfs : undefined,
      volumes: this.mounts.length > 0 ? [...this.mounts] : undefined,
      labels: this.renderLabels(),
    };
    this.container = new Container(this, "container", config);
    this.container.overrideLogicalId(spec.name.replace(/-/g, "_"));
    // What the seeder of addFile shares with the service (it is created only when a file is added).
    this.seederConfig = {
      name: `${spec.name}-config`,
      image: this.image.imageId,
      user: spec.user,
      command: config.command,
      entrypoint: config.entrypoint,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      memory: config.memory,
      memorySwap: config.memorySwap,
      cpuShares: config.cpuShares,
      cpuPeriod,
      cpuQuota,
      ulimit: config.ulimit,
      healthcheck,
      logDriver,
      logOpts: config.logOpts,
    };
    if (writable) suppress(this.container, "DOCKER-004", writable.reason);
    if (this.egressNetwork && backend) {
      suppress(this.container, "NET-001", `egress network ${this.egressNetwork.logicalName} (${spec.name}-egress: no other member, no published port, inter-container traffic off): ${this.egressReason}`);
    }
    if (this.publishNetwork && backend) {
      suppress(
        this.container,
        "NET-001",
        `loopback publication network ${this.publishNetwork.logicalName}: Docker publishes no port of a container attached only to internal networks (moby#36174), so ${spec.name} joins a bridge of its own with no other member, published ports bound to loopback and IP masquerading off`,
      );
    }
  }

  /**
   * A bridge network of this container alone (`<service>-<kind>`): not internal, not attachable,
   * labelled as the container's own; the name is claimed on the Docker host.
   */
  private ownBridge(kind: "publish" | "egress", service: string, where: string, options: Record<string, string>): HardenedNetwork {
    const netName = `${service}-${kind}`;
    claimHostName(this, "network", netName, where);
    const resource = new Network(this, `${kind}-network`, {
      name: netName,
      driver: "bridge",
      internal: false,
      attachable: false,
      options,
      labels: [
        { label: "bulwark.network", value: kind },
        { label: "bulwark.internal", value: "false" },
        { label: "bulwark.service", value: service },
      ],
    });
    resource.overrideLogicalId(netName.replace(/-/g, "_"));
    return { logicalName: kind, name: resource.name, internal: false, resource };
  }

  /** Add a plain environment variable. Secret-looking names with literal values are refused (use addSecret). */
  addEnvironment(name: string, value: string): this {
    checkPlainEnv(specFailer(this.where, ""), "addEnvironment", { [name]: value });
    this.checkNewVariable("addEnvironment", name);
    this.env.set(name, value);
    this.container.env = this.renderEnv() ?? [];
    return this;
  }

  /** Add a secret environment variable from a SecretRef (bound to a sensitive Terraform variable). */
  addSecret(name: string, ref: SecretRef): this {
    if (!ENV_NAME.test(name)) this.fail(`addSecret(${JSON.stringify(name)})`, "is not a valid variable name", "use letters, digits and underscores, not starting with a digit");
    checkSecret(specFailer(this.where, ""), `addSecret(${name})`, ref);
    this.checkNewVariable("addSecret", name);
    this.bindSecret(name, ref);
    this.container.env = this.renderEnv() ?? [];
    return this;
  }

  /** Add a container label (`bulwark.*` labels are the platform's own and cannot be set). */
  addLabel(key: string, value: string): this {
    if (typeof key !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/.test(key)) {
      this.fail(`addLabel(${JSON.stringify(key)})`, "is not a label key", "use letters, digits, dots, dashes and slashes, e.g. \"org.example.team\"");
    }
    if (key.startsWith("bulwark.")) this.fail(`addLabel(${JSON.stringify(key)})`, "uses the platform's bulwark.* namespace", "choose a key in your own namespace, e.g. \"org.example.team\"");
    if (typeof value !== "string") this.fail(`addLabel(${key})`, "has a value that is not a string", "give the value as a string");
    if (this.labels.has(key)) this.fail(`addLabel(${key})`, "is already set", "set each label once");
    this.labels.set(key, value);
    this.container.putLabels(this.renderLabels());
    return this;
  }

  /** Containers whose volumes this one mounts (created first: `MountableVolume.ownerContainer`). */
  private readonly volumeOwners = new Set<Container>();

  /** The named volume behind one of this service's data volumes, for another container to mount. */
  dataVolume(name: string): MountableVolume {
    const v = this.dataVolumesByName.get(name);
    if (!v) {
      const known = [...this.dataVolumesByName.keys()].join(", ") || "none";
      this.fail(`dataVolume(${JSON.stringify(name)})`, `is not a data volume of service "${this.service.name}" (it has: ${known})`, "use the name the service's profile declares in dataVolumes");
    }
    return { ...(v as MountableVolume), ownerContainer: this.container };
  }

  /**
   * Mount another service's named volume (a backup job reading MariaDB's data). Read-only unless
   * asked; both containers must be in the same stack (the same Docker host).
   */
  addVolumeMount(volume: MountableVolume, opts: VolumeMountOptions): this {
    const where = `addVolumeMount(${volume?.ownerService ?? "?"})`;
    if (!volume || !(volume.resource instanceof Volume)) this.fail(where, "got no volume", "pass otherContainer.dataVolume(\"data\")");
    if (TerraformStack.of(volume.resource) !== TerraformStack.of(this)) {
      this.fail(where, `mounts a volume of stack ${TerraformStack.of(volume.resource).node.id} into stack ${TerraformStack.of(this).node.id}`, "mount volumes only within one stack (one Docker host)");
    }
    this.claimMountPath(`${where}.containerPath`, opts?.containerPath);
    this.mounts.push({ volumeName: volume.name, containerPath: opts.containerPath, readOnly: opts.readOnly ?? true });
    this.container.putVolumes([...this.mounts]);
    const owner = volume.ownerContainer;
    if (owner && owner !== this.container && !this.volumeOwners.has(owner)) {
      this.volumeOwners.add(owner);
      this.container.dependsOn = [...(this.container.dependsOn ?? []), dependable(owner)];
    }
    return this;
  }

  /**
   * Bind-mount a host path, with a written reason. Read-only unless asked. A sensitive path (system
   * directories, the Docker socket: knowledge `isSensitiveHostPath`) writes a DOCKER-016
   * suppression and a writable bind a DOCKER-017 suppression, each carrying the reason, so the
   * grant shows in every report. Note that even a read-only Docker socket gives control of the
   * engine.
   */
  allowHostPath(hostPath: string, opts: HostPathOptions): this {
    const where = `allowHostPath(${JSON.stringify(hostPath)})`;
    if (typeof hostPath !== "string" || !hostPath.startsWith("/") || /\s/.test(hostPath)) {
      this.fail(where, "is not an absolute host path", "give the absolute path on the host, e.g. \"/proc\"");
    }
    const reason = opts?.reason;
    if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
      this.fail(`${where}.reason`, `is missing or shorter than ${MIN_REASON_LENGTH} characters`, "say why the service needs this host path; the reason shows in every policy report");
    }
    const containerPath = opts.containerPath ?? hostPath;
    this.claimMountPath(`${where}.containerPath`, containerPath);
    const readOnly = opts.readOnly ?? true;
    this.mounts.push({ hostPath, containerPath, readOnly });
    this.container.putVolumes([...this.mounts]);
    const grant = `${hostPath} -> ${containerPath}${readOnly ? " (read-only)" : " (writable)"}: ${reason.trim()}`;
    const path = normalizeHostPath(hostPath);
    if (isSensitiveHostPath(path)) this.grantHostPath("DOCKER-016", grant, path);
    if (!readOnly) this.grantHostPath("DOCKER-017", grant, path);
    return this;
  }

  /**
   * Deliver a file with literal text (escaped for Terraform: the file holds exactly `text`) into
   * a read-only config directory of the service (see the file header: a named volume filled by a
   * never-started seeding container, because Docker refuses uploads into a read-only container).
   * The path must be absolute, outside every tmpfs, data volume and other mount of the service, and
   * used once. Any change of a file recreates the seeder and with it the service. Files removed
   * from the code stay in the volume until the volume is removed.
   */
  addFile(path: string, text: string, opts: FileOptions = {}): this {
    const where = `addFile(${JSON.stringify(path)})`;
    if (typeof text !== "string") this.fail(where, "has content that is not a string", "give the file's text; for a secret use addSecretFile");
    this.deliverFile(where, path, escapeTerraformTemplate(text), opts);
    return this;
  }

  /**
   * Deliver a file holding a secret (bound to a sensitive Terraform variable, never a literal),
   * between literal `prefix` and `suffix` (`password=` … `\n`). The value lives in Terraform state,
   * as every upload does: keep state in the encrypted backend (STATE-001).
   */
  addSecretFile(path: string, ref: SecretRef, opts: SecretFileOptions = {}): this {
    const where = `addSecretFile(${JSON.stringify(path)})`;
    checkSecret(specFailer(this.where, ""), where, ref);
    for (const k of ["prefix", "suffix"] as const) {
      const v = opts[k];
      if (v !== undefined && typeof v !== "string") this.fail(`${where}.${k}`, "is not a string", "give literal text or leave it out");
    }
    this.checkFilePath(where, path, opts);
    const expr = bindSecretToTerraform(this, ref, `${this.where}: file ${path}`);
    this.deliverFile(where, path, `${escapeTerraformTemplate(opts.prefix ?? "")}${expr}${escapeTerraformTemplate(opts.suffix ?? "")}`, opts);
    return this;
  }

  /** The never-started container that receives the uploads of `addFile` (created by the first file); undefined without files. */
  get seeder(): Container | undefined {
    return this.seederContainer;
  }

  /** Files delivered so far, by path: the Terraform string of each upload and its mode. */
  get files(): ReadonlyMap<string, { readonly directory: string; readonly content: string; readonly mode: string }> {
    const out = new Map<string, { directory: string; content: string; mode: string }>();
    for (const d of this.configDirs.values()) for (const [p, f] of d.files) out.set(p, { directory: d.path, ...f });
    return out;
  }

  /** Validate a file's path and options; returns its config directory. */
  private checkFilePath(where: string, path: unknown, opts: FileOptions): string {
    if (typeof path !== "string" || !path.startsWith("/") || posix.normalize(path) !== path || path.endsWith("/") || /\s/.test(path)) {
      this.fail(where, "is not a normalized absolute file path", "give the absolute path inside the container, e.g. \"/etc/app/app.yml\" (no \"..\", \"//\" or trailing slash)");
    }
    const p = path as string;
    if (this.files.has(p)) this.fail(where, "is delivered twice", "deliver each file once");
    const mode = opts.mode ?? DEFAULT_FILE_MODE;
    if (typeof mode !== "string" || !FILE_MODE.test(mode)) this.fail(`${where}.mode`, `is ${JSON.stringify(mode)}`, "give an octal mode as a string, e.g. \"0440\"");
    for (const w of this.resolved.writablePaths) {
      if (within(p, w.path)) this.fail(where, `is under the writable tmpfs ${w.path}, which is empty at every start`, "deliver the file into a config directory outside the service's writable paths");
    }
    for (const d of this.resolved.dataVolumes) {
      if (within(p, d.path)) this.fail(where, `is under the data volume "${d.name}" (${d.path}), which the service writes`, `deliver the file into a config directory outside ${d.path}, or drop the data volume if it only held configuration`);
    }
    let dir = opts.directory;
    if (dir !== undefined) {
      if (typeof dir !== "string" || !dir.startsWith("/") || dir === "/" || posix.normalize(dir) !== dir || dir.endsWith("/") || /\s/.test(dir)) {
        this.fail(`${where}.directory`, `${JSON.stringify(dir)} is not a normalized absolute directory below /`, "give the config directory, e.g. \"/etc/app\"");
      }
      if (!within(p, dir) || p === dir) this.fail(`${where}.directory`, `"${dir}" does not contain the file`, `give a directory the file is in, e.g. "${posix.dirname(p)}"`);
    } else {
      dir = [...this.configDirs.keys()].find((d) => within(p, d)) ?? posix.dirname(p);
      if (dir === "/") this.fail(where, "is directly under /", "deliver the file into a config directory, e.g. \"/etc/app/app.yml\"");
    }
    for (const d of this.configDirs.keys()) {
      if (d !== dir && (within(d, dir) || within(dir, d))) {
        this.fail(where, `would make config directory "${dir}" nested with "${d}"`, `pass { directory: "${within(d, dir) ? dir : d}" } to every file below it (one volume per directory tree)`);
      }
    }
    if (!this.configDirs.has(dir)) {
      for (const m of this.mountPaths) {
        if (within(m, dir) || within(dir, m)) this.fail(`${where}.directory`, `"${dir}" overlaps the mount ${m} of the service`, "deliver files into a directory no tmpfs, data volume or other mount covers or contains");
      }
    }
    return dir;
  }

  private deliverFile(where: string, path: string, content: string, opts: FileOptions): void {
    const dirPath = this.checkFilePath(where, path, opts);
    let dir = this.configDirs.get(dirPath);
    if (!dir) {
      const n = this.configDirs.size + 1;
      const volumeName = `${this.service.name}-config${n === 1 ? "" : `-${n}`}`;
      claimHostName(this, "volume", volumeName, this.where);
      const volume = new Volume(this, n === 1 ? "volume-config" : `volume-config-${n}`, {
        name: volumeName,
        labels: [
          { label: "bulwark.service", value: this.service.name },
          { label: "bulwark.owner", value: this.owner },
        ],
      });
      // Name, construct id, address and labels as a data volume named "config" has them: the first
      // directory's volume is the very volume Monitoring declared before, so an upgrade keeps it.
      volume.overrideLogicalId(volumeName.replace(/-/g, "_"));
      dir = { path: dirPath, volume, files: new Map() };
      this.configDirs.set(dirPath, dir);
      this.mountPaths.add(dirPath);
      this.mounts.push({ volumeName: volume.name, containerPath: dirPath, readOnly: true });
      this.container.putVolumes([...this.mounts]);
    }
    dir.files.set(path, { content, mode: opts.mode ?? DEFAULT_FILE_MODE });
    this.renderSeeder();
  }

  /**
   * The seeding container: created once, its volumes and uploads re-rendered on every file. Never
   * started (start = false, must_run = false: the provider then neither starts it nor deletes it on
   * refresh for not running); Docker auto-starts on daemon start only containers that ran before.
   */
  private renderSeeder(): void {
    const dirs = [...this.configDirs.values()];
    const volumes: ContainerVolumes[] = dirs.map((d) => ({ volumeName: d.volume.name, containerPath: d.path, readOnly: false }));
    const upload = dirs.flatMap((d) => [...d.files].map(([file, f]) => ({ file, content: f.content, permissions: f.mode })));
    if (this.seederContainer) {
      this.seederContainer.putVolumes(volumes);
      this.seederContainer.putUpload(upload);
      return;
    }
    const base = this.seederConfig as ContainerConfig;
    claimHostName(this, "container", base.name, this.where);
    const seeder = new Container(this, "config", {
      ...base,
      start: false,
      mustRun: false,
      // Required: Docker refuses every upload into a read-only container (see the file header).
      readOnly: false,
      // Never started, so no restart; on-failure with one retry if someone starts it by hand.
      restart: "on-failure",
      maxRetryCount: 1,
      networkMode: "none",
      volumes,
      upload,
      labels: [
        { label: "bulwark.config-seeder", value: "true" },
        { label: "bulwark.owner", value: this.owner },
        { label: "bulwark.service", value: this.service.name },
      ],
    });
    seeder.overrideLogicalId(base.name.replace(/-/g, "_"));
    suppress(
      seeder,
      "DOCKER-004",
      `config seeder of ${this.service.name}: never started (start = false), it only receives the upload blocks, which Docker refuses into a read-only container ("container rootfs is marked read-only"); it has no network, no capabilities and no-new-privileges, and the service mounts the config volume read-only`,
    );
    this.seederContainer = seeder;
    this.container.dependsOn = [...(this.container.dependsOn ?? []), dependable(seeder)];
    this.container.lifecycle = { ...(this.container.lifecycle ?? {}), replaceTriggeredBy: [seeder] };
  }

  /** Suppress one policy rule on this container with a reason (>= 10 characters). */
  suppress(ruleId: string, reason: string): this {
    suppress(this.container, ruleId, reason);
    return this;
  }

  /**
   * One suppression per rule, granular: it lists the granted host paths (`appliesTo`), so a
   * sensitive path mounted any other way is still an error.
   */
  private grantHostPath(rule: "DOCKER-016" | "DOCKER-017", grant: string, path: string): void {
    const entry = this.hostPathReasons.get(rule) ?? { grants: [], paths: [] };
    entry.grants.push(grant);
    if (!entry.paths.includes(path)) entry.paths.push(path);
    this.hostPathReasons.set(rule, entry);
    setSuppression(this.container, rule, `host path granted with allowHostPath: ${entry.grants.join("; ")}`, entry.paths);
  }

  private claimMountPath(prop: string, path: unknown): void {
    if (typeof path !== "string" || !path.startsWith("/") || path === "/" || /\s/.test(path)) {
      this.fail(prop, `${JSON.stringify(path)} is not an absolute path below /`, "give the absolute container path");
    }
    if (this.mountPaths.has(path as string)) this.fail(prop, `"${path}" is mounted twice`, "mount each path once");
    for (const d of this.configDirs.keys()) {
      if (within(path as string, d) || within(d, path as string)) this.fail(prop, `"${path}" overlaps the config directory ${d} of addFile`, "mount outside the directories files are delivered into");
    }
    this.mountPaths.add(path as string);
  }

  private checkNewVariable(method: string, name: string): void {
    if (this.env.has(name)) this.fail(`${method}(${name})`, "is already set", "set each variable in one place");
  }

  private bindSecret(name: string, ref: SecretRef): void {
    this.env.set(name, bindSecretToTerraform(this, ref, `${this.where}: secret ${name}`));
    this.secretNames.add(name);
  }

  private renderEnv(): string[] | undefined {
    const env = [...this.env].map(([k, v]) => `${k}=${v}`).sort();
    return env.length > 0 ? env : undefined;
  }

  private renderLabels(): ContainerLabels[] {
    return [...this.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, value]) => ({ label, value }));
  }
}

/** True when `path` is `dir` or below it. */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
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
