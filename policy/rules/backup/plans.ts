/**
 * How the BACKUP rules see a stack's backup plan: which containers are backup containers, which
 * datastores they reach (over the network, by host name, or through a mounted volume), and which
 * volumes hold data.
 */
import {
  BACKUP_CONTAINER_LABEL, BACKUP_IMAGE_LABEL, BACKUP_IMAGE_NAMES, BACKUP_PLAN_ENV, isTruthyFlag,
} from "../../../knowledge/backup";
import { blocks } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { envOf, hostNames, imageName, label, mentionedTokens, perResource } from "../monitoring/containers";

/** A backup container: a backup image, the bulwark plan's environment or image label, or `bulwark.backup = true`. */
export const isBackupContainer = perResource(isBackupContainerOf);

function isBackupContainerOf(c: IndexedResource, index: StackIndex): boolean {
  const name = imageName(c, index);
  if (name !== null && BACKUP_IMAGE_NAMES.has(name)) return true;
  if (envOf(c).has(BACKUP_PLAN_ENV)) return true;
  const l = label(c, BACKUP_CONTAINER_LABEL, index);
  if (l !== null && isTruthyFlag(l)) return true;
  const raw = c.body.image;
  if (typeof raw !== "string" || raw.indexOf("${") < 0) return false;
  // `${docker_image.x.image_id}`, the usual form, without the general reference parser.
  const simple = SIMPLE_IMAGE_REF.exec(raw);
  const refs = simple !== null ? [simple[1]] : index.referencesIn(raw).map((r) => r.address);
  for (const address of refs) {
    const image = index.byAddress(address);
    if (image?.type === "docker_image" && builtWithBackupLabel(image, index)) return true;
  }
  return false;
}

const SIMPLE_IMAGE_REF = /^\$\{(docker_image\.[A-Za-z_][\w-]*)\.[\w-]+\}$/;

/** A docker_image built with the bulwark backup image label (once per image; many containers share one). */
const builtWithBackupLabel = perResource((image: IndexedResource): boolean => {
  for (const build of blocks(image.body.build)) {
    const labels = build.label;
    if (labels && typeof labels === "object" && BACKUP_IMAGE_LABEL in (labels as object)) return true;
  }
  return false;
});

const BACKUPS = new WeakMap<StackIndex, IndexedResource[]>();

/** The stack's backup containers (computed once per stack; read-only). */
export function backupContainers(index: StackIndex): IndexedResource[] {
  let list = BACKUPS.get(index);
  if (!list) BACKUPS.set(index, (list = index.byType("docker_container").filter((c) => isBackupContainer(c, index))));
  return list;
}

/** A mounted volume or host directory: a key comparable across containers, and a label for messages. */
export interface Mount {
  /** `volume <name>`, `volume ${ref}` or `host </path>`. */
  readonly key: string;
  readonly hostPath: string | null;
  readonly label: string;
  readonly readOnly: boolean;
  readonly containerPath: string | null;
}

function normalizePath(p: string): string {
  return ("/" + p.split("/").filter((s) => s !== "" && s !== ".").join("/")).toLowerCase();
}

function volumeKey(raw: unknown, index: StackIndex): string | null {
  if (typeof raw !== "string" || raw.trim() === "") return null;
  const literal = index.resolveString(raw);
  if (literal !== null) return `volume ${literal.trim()}`;
  const refs = index.referencesIn(raw);
  return refs.length === 1 ? `volume \${${refs[0].address}}` : null;
}

const isTrue = (v: unknown) => v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");

/** `volumes` and `mounts` blocks that mount a named volume or a host directory (tmpfs and volumes_from left out). */
export const mountsOf = perResource(mountsOfUncached);

function mountsOfUncached(c: IndexedResource, index: StackIndex): Mount[] {
  const out: Mount[] = [];
  for (const v of blocks(c.body.volumes)) {
    const containerPath = typeof v.container_path === "string" ? v.container_path : null;
    const vk = volumeKey(v.volume_name, index);
    if (vk !== null) {
      out.push({ key: vk, hostPath: null, label: vk, readOnly: isTrue(v.read_only), containerPath });
      continue;
    }
    const hp = typeof v.host_path === "string" ? index.resolveString(v.host_path) : null;
    if (hp !== null && hp.trim() !== "") {
      const p = normalizePath(hp);
      out.push({ key: `host ${p}`, hostPath: p, label: `host path ${p}`, readOnly: isTrue(v.read_only), containerPath });
    }
  }
  for (const m of blocks(c.body.mounts)) {
    const type = typeof m.type === "string" ? m.type.trim().toLowerCase() : "volume";
    const containerPath = typeof m.target === "string" ? m.target : null;
    if (type === "volume") {
      const vk = volumeKey(m.source, index);
      if (vk !== null) out.push({ key: vk, hostPath: null, label: vk, readOnly: isTrue(m.read_only), containerPath });
    } else if (type === "bind") {
      const hp = typeof m.source === "string" ? index.resolveString(m.source) : null;
      if (hp !== null && hp.trim() !== "") {
        const p = normalizePath(hp);
        out.push({ key: `host ${p}`, hostPath: p, label: `host path ${p}`, readOnly: isTrue(m.read_only), containerPath });
      }
    }
  }
  return out;
}

/** True when a backup container's mount reaches the data mount (the same volume, or a host directory at or above it). */
export function mountCovers(backup: Mount, data: Mount): boolean {
  if (backup.key === data.key) return true;
  return backup.hostPath !== null && data.hostPath !== null && (backup.hostPath === "/" || data.hostPath.startsWith(`${backup.hostPath}/`));
}

/** True when the backup container reaches the datastore over the network (names its host) or mounts one of its volumes. */
export function backsUp(backup: IndexedResource, datastore: IndexedResource, index: StackIndex): boolean {
  const told = mentionedTokens(backup, index);
  for (const h of hostNames(datastore, index)) if (told.has(h)) return true;
  const theirs = mountsOf(backup, index);
  return mountsOf(datastore, index).some((d) => theirs.some((b) => mountCovers(b, d)));
}

/**
 * Which backup containers reach what, indexed once per stack: by the host-name tokens of what they
 * are told, and by the keys of what they mount. Rules ask per datastore (`backupsOf`), so a stack
 * with thousands of containers is judged in one pass instead of datastores × backups.
 */
interface Coverage {
  readonly byToken: Map<string, IndexedResource[]>;
  readonly byMountKey: Map<string, IndexedResource[]>;
  /** Host-directory mounts by their path; they cover what is at or below them. */
  readonly byHostPath: Map<string, IndexedResource[]>;
}

const COVERAGE = new WeakMap<StackIndex, Coverage>();

function coverage(index: StackIndex): Coverage {
  let c = COVERAGE.get(index);
  if (c) return c;
  c = { byToken: new Map(), byMountKey: new Map(), byHostPath: new Map() };
  const push = (m: Map<string, IndexedResource[]>, k: string, b: IndexedResource) => {
    const list = m.get(k);
    if (!list) m.set(k, [b]);
    else if (list[list.length - 1] !== b) list.push(b);
  };
  for (const b of backupContainers(index)) {
    for (const t of mentionedTokens(b, index)) push(c.byToken, t, b);
    for (const m of mountsOf(b, index)) {
      push(c.byMountKey, m.key, b);
      if (m.hostPath !== null) push(c.byHostPath, m.hostPath, b);
    }
  }
  COVERAGE.set(index, c);
  return c;
}

/** `/a/b` → `/a` → `/` → null. */
function parentPath(p: string): string | null {
  if (p === "/") return null;
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/**
 * The first backup container that backs up `datastore` (the same answer as `backsUp`) and passes
 * `accept`, or null. It stops at the first: many backups may name one host.
 */
export function firstBackupOf(datastore: IndexedResource, index: StackIndex, accept: (b: IndexedResource) => boolean = () => true): IndexedResource | null {
  const cov = coverage(index);
  for (const h of hostNames(datastore, index)) for (const b of cov.byToken.get(h) ?? []) if (accept(b)) return b;
  for (const d of mountsOf(datastore, index)) {
    for (const b of cov.byMountKey.get(d.key) ?? []) if (accept(b)) return b;
    // A host directory at or above the data's (mountCovers), found by walking up the path.
    for (let p = d.hostPath; p !== null; p = parentPath(p)) for (const b of cov.byHostPath.get(p) ?? []) if (accept(b)) return b;
  }
  return null;
}
