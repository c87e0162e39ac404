import { defineResourceRule } from "../../rule";
import { cisDocker, doc } from "../references";
import { UNKNOWN, cannotVerify, readNumber, result, show } from "./util";

/** DOCKER-008: `memory_swap` is not equal to `memory`, so swap is allowed. */
export const docker008 = defineResourceRule({
  id: "DOCKER-008",
  severity: "warning",
  pack: "docker-runtime",
  title: "Swap is allowed",
  description: "`memory_swap` is not equal to `memory`, so the container may swap (an unset `memory_swap` lets Docker allow swap up to the memory limit again).",
  fix: "Set `memory_swap` equal to `memory`.",
  references: [doc("Docker documentation: Resource constraints (--memory-swap details)", "https://docs.docker.com/engine/containers/resource_constraints/"), cisDocker("5.11")],
  types: ["docker_container"],
  check(res, index) {
    const rawMem = res.body.memory;
    const rawSwap = res.body.memory_swap;
    // The same reference on both sides is equal whatever it resolves to.
    if (typeof rawMem === "string" && rawMem === rawSwap) return [];
    const mem = readNumber(rawMem, index);
    const swap = readNumber(rawSwap, index);
    if (mem === UNKNOWN) return [cannotVerify(res, "memory", rawMem, "that swap is disabled")];
    if (swap === UNKNOWN) return [cannotVerify(res, "memory_swap", rawSwap, "that swap is disabled")];
    if (mem !== undefined && swap !== undefined && mem === swap) return [];
    const current = swap === undefined ? "memory_swap is not set (Docker then allows swap up to the memory limit again)" : `memory_swap is ${show(rawSwap)} while memory is ${show(rawMem)}`;
    return [result(res, `${current}: the container may swap, which hides memory pressure and slows the host. Fix: set memory_swap equal to memory.`, "warning")];
  },
});
