/**
 * Hand-written Terraform JSON fixtures (not produced by our constructs, on purpose: the engine
 * must judge any Terraform JSON).
 */
import type { Json } from "./policy";

/** A docker_container body that passes every DOCKER and NET rule on its own. */
export function compliantContainer(overrides: Json = {}): Json {
  return {
    name: "app",
    image: "ghcr.io/example/app:1.2.3@sha256:" + "a".repeat(64),
    user: "10001:10001",
    read_only: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    security_opts: ["no-new-privileges:true"],
    memory: 256,
    memory_swap: 256,
    cpu_shares: 512,
    ulimit: [
      { name: "nproc", soft: 256, hard: 256 },
      { name: "nofile", soft: 4096, hard: 4096 },
    ],
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"], interval: "30s", timeout: "5s", retries: 3 },
    restart: "unless-stopped",
    log_driver: "json-file",
    log_opts: { "max-size": "10m", "max-file": "3" },
    networks_advanced: [{ name: "${docker_network.backnet.name}" }],
    ...overrides,
  };
}

export function internalNetwork(name = "backnet"): Json {
  return { name, internal: true };
}

export function publicNetwork(name = "frontnet"): Json {
  return { name, internal: false };
}

/** A stack with one compliant container on an internal network, plus the docker provider pin. */
export function dockerStack(container: Json = compliantContainer(), extraResources: Json = {}): Json {
  return {
    terraform: { required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" } } },
    resource: {
      docker_network: { backnet: internalNetwork() },
      docker_container: { app: container },
      ...extraResources,
    },
  };
}

/** Marks a key to remove in `containerWith` overrides. */
export const OMIT: unique symbol = Symbol("omit");

/** compliantContainer() with overrides applied; a key set to OMIT is removed. */
export function containerWith(overrides: Record<string, unknown> = {}): Json {
  const c = compliantContainer();
  for (const [k, v] of Object.entries(overrides)) {
    if (v === OMIT) delete c[k];
    else c[k] = v;
  }
  return c;
}
