import { ruleMeta } from "../../catalog";
import { isRootUser } from "../../../knowledge";
import type { ResourceRule } from "../../types";
import { UNKNOWN, cannotVerify, readString, result, show } from "./util";

/** DOCKER-006: `user` is missing, empty, or root (`root`, `0`, `root:*`, `0:*`) (CIS Docker 4.1). */
export const docker006: ResourceRule = {
  kind: "resource",
  meta: ruleMeta("DOCKER-006"),
  types: ["docker_container"],
  check(res, index) {
    const raw = res.body.user;
    const user = readString(raw, index);
    if (user === UNKNOWN) return [cannotVerify(res, "user", raw, "a non-root user")];
    if (!isRootUser(user)) return [];
    const current = user === undefined || user.trim() === "" ? "user is not set, so the container runs as the image's user (root for most images)" : `user is ${show(user)}, which is root`;
    return [result(res, `${current}. Fix: set user to a non-root UID:GID the image supports (e.g. "10001:10001").`)];
  },
};
