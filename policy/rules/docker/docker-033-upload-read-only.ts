import { blocks } from "../../stack-index";
import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { UNKNOWN, cannotVerify, readBool, result } from "./util";

/**
 * DOCKER-033: `upload` blocks on a container with `read_only = true`. The
 * provider (kreuzwerker/docker 3.6.2, resource_docker_container_funcs.go) copies every upload with
 * CopyToContainer(id, "/", tar) after the create and before the start; moby refuses a copy into a
 * container whose HostConfig.ReadonlyRootfs is true unless the destination path is in a volume
 * (daemon/archive.go: `if !toVolume && container.HostConfig.ReadonlyRootfs`), and the destination
 * is always "/", so a volume at the file's directory does not help. The apply fails with "container
 * rootfs is marked read-only" (HTTP 500 on Docker 20.10.24: e2e/uploads.ts). `start = false`
 * changes nothing: the provider copies the uploads before it looks at `start`, and Docker refuses
 * the copy into a created, never-started read-only container as well (seen in e2e/uploads.ts). A
 * config seeder (HardenedContainer.addFile) passes because it is not read-only.
 */
export const docker033 = defineResourceRule({
  id: "DOCKER-033",
  severity: "error",
  pack: "docker-runtime",
  title: "Upload into a read-only container",
  description: "A container with `read_only = true` has `upload` blocks: Docker refuses every upload into a read-only container (\"container rootfs is marked read-only\"), even with a volume at the file's directory, so the apply fails.",
  fix: "Deliver the files through a volume: a never-started seeding container (`start = false`, not read-only) carries the uploads into a named volume the service mounts read-only (HardenedContainer.addFile).",
  references: [
    doc("Docker Engine API v1.47: Extract an archive of files or folders to a directory in a container", "https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/PutContainerArchive"),
    doc("moby daemon/archive.go: a copy to a path outside a volume of a container with ReadonlyRootfs fails (\"container rootfs is marked read-only\")", "https://github.com/moby/moby/blob/v20.10.24/daemon/archive.go"),
    doc("kreuzwerker/docker 3.6.2: uploads are copied to \"/\" before the container starts", "https://github.com/kreuzwerker/terraform-provider-docker/blob/v3.6.2/internal/provider/resource_docker_container_funcs.go"),
  ],
  types: ["docker_container"],
  check(res, index) {
    const files = blocks(res.body.upload);
    if (files.length === 0) return [];
    const raw = res.body.read_only;
    const ro = readBool(raw, index);
    if (ro === UNKNOWN) return [cannotVerify(res, "read_only", raw, "that the uploads can be copied in")];
    if (ro !== true) return [];
    const names = files.map((u) => (typeof u.file === "string" ? u.file : "?")).slice(0, 3).join(", ");
    return [
      result(
        res,
        `read_only is true and the container has ${files.length} upload block${files.length === 1 ? "" : "s"} (${names}${files.length > 3 ? ", …" : ""}): the provider copies uploads to "/" after the create (started or not), and Docker refuses any copy into a read-only container ("container rootfs is marked read-only"), even with a volume mounted at the file's directory, so the apply fails. ` +
          "Fix: deliver the files through a named volume: a never-started seeding container (start = false, read_only = false) carries the uploads and the service mounts the volume read-only (HardenedContainer.addFile does this).",
      ),
    ];
  },
});
