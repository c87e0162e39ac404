/**
 * Container, volume and network names are unique per Docker host, not per stack: several stacks
 * of one app often share a host. Every name a construct gives a Docker object is claimed here, per
 * app and Docker host, and a second claim fails at synth naming both constructs. (The policy engine
 * judges the same across every stack it is given, for JSON bulwark did not write.)
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";

export type DockerObjectKind = "container" | "volume" | "network";

/** The provider's default when no host is configured. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

const claims = new WeakMap<object, Map<string, string>>();

/** The Docker host of a construct's stack: its docker provider's `host`, else the default socket. */
export function dockerHostOf(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const provider = stack.node.children.find((c): c is DockerProvider => c instanceof DockerProvider && c.alias === undefined);
  const host = provider?.host;
  return typeof host === "string" && host.trim() !== "" ? host.trim().replace(/\/+$/, "") : DEFAULT_DOCKER_HOST;
}

/** Claim `name` for `kind` on the construct's Docker host; throws when another construct has it. */
export function claimHostName(scope: Construct, kind: DockerObjectKind, name: string, where: string): void {
  const root = scope.node.root;
  let map = claims.get(root);
  if (!map) claims.set(root, (map = new Map()));
  const host = dockerHostOf(scope);
  const key = `${host}\u0000${kind}\u0000${name}`;
  const other = map.get(key);
  if (other !== undefined && other !== scope.node.path) {
    throw new Error(
      `${where}: ${kind} name "${name}" is already used on Docker host ${host} by ${other}. Fix: give one of them another name (service name, or a NetworkTopology prefix per stack), or put the stacks on different Docker hosts`,
    );
  }
  map.set(key, scope.node.path);
}
