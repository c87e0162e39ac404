/**
 * Facts of a ServiceSpec that Kubernetes has no field for. The renderer never drops them
 * silently: each workload lists the ones it carries in `KubernetesWorkload.unexpressed`, in the
 * `bulwark.unexpressed` annotation of the rendered workload, and as an info message at synth.
 *
 * | fact | Docker renderer | Kubernetes |
 * |---|---|---|
 * | `resources.maxProcesses` | `ulimit nproc` | none per pod: the kubelet's node-wide `podPidsLimit` |
 * | `resources.maxOpenFiles` | `ulimit nofile` | none: the container runtime's default `RLIMIT_NOFILE` applies |
 * | `writablePaths[].mode` | tmpfs `mode=` | none: an emptyDir is created 0777, group-owned by `fsGroup` |
 * | `writablePaths[].exec: false` | tmpfs `noexec` | none: emptyDir takes no mount options (`nosuid` is covered by `allowPrivilegeEscalation: false`, `nodev` by dropping every capability) |
 *
 * Facts that do map, for the record: `cpuShares` → `requests.cpu` (Kubernetes writes cpu.shares
 * at 1024 per core), `owner: "service"` → `fsGroup` (the emptyDir is group-writable by the
 * service's GID), `stopGracePeriod` → `terminationGracePeriodSeconds`, `no-new-privileges` →
 * `allowPrivilegeEscalation: false`.
 */
import type { ResolvedServiceSpec } from "../service/validate";

export interface UnexpressedFact {
  /** Field of the service spec (`resources.maxProcesses`, `writablePaths[/tmp].mode`). */
  readonly field: string;
  readonly value: string;
  /** What happens instead, and what an operator can do. */
  readonly note: string;
}

export function unexpressedFacts(r: ResolvedServiceSpec): UnexpressedFact[] {
  const out: UnexpressedFact[] = [
    {
      field: "resources.maxProcesses",
      value: String(r.resources.maxProcesses),
      note: "Kubernetes has no per-pod process limit; set the kubelet's podPidsLimit (node-wide) to at least this",
    },
    {
      field: "resources.maxOpenFiles",
      value: String(r.resources.maxOpenFiles),
      note: "Kubernetes has no open-files limit; the container runtime's default RLIMIT_NOFILE applies",
    },
  ];
  for (const w of r.writablePaths) {
    out.push({ field: `writablePaths[${w.path}].mode`, value: w.mode, note: "an emptyDir has no mode: it is created 0777, group-owned by fsGroup" });
    if (!w.exec) out.push({ field: `writablePaths[${w.path}].exec`, value: "false (noexec)", note: "an emptyDir takes no mount options, so files in it can be executed" });
  }
  return out;
}

/** One line per fact, for the annotation and the synth message. */
export function describeUnexpressed(facts: readonly UnexpressedFact[]): string {
  return facts.map((f) => `${f.field}=${f.value}: ${f.note}`).join("; ");
}
