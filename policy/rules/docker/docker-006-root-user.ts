import { defineResourceRule } from "../../rule";
import { cisDocker, owaspDocker } from "../references";
import { isRootUser } from "../../../knowledge";
import { UNKNOWN, cannotVerify, readString, result, show } from "./util";

export const docker006 = defineResourceRule({
  id: "DOCKER-006",
  severity: "error",
  pack: "docker-runtime",
  title: "Container runs as root",
  description: "`user` is missing, empty or root (`root`, `0`, `root:*`, `0:*`).",
  fix: "Set `user` to a non-root `UID:GID` the image supports.",
  references: [cisDocker("4.1"), owaspDocker(2, "Set a user")],
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.user;
    const user = readString(raw, index);
    if (user === UNKNOWN) return [cannotVerify(res, "user", raw, "a non-root user")];
    if (!isRootUser(user)) return [];
    const current = user === undefined || user.trim() === "" ? "user is not set, so the container runs as the image's user (root for most images)" : `user is ${show(user)}, which is root`;
    return [result(res, `${current}. Fix: set user to a non-root UID:GID the image supports (e.g. "10001:10001").`)];
  },
});
