/** Small cdktf scaffolding for construct tests. */
import { Testing, TerraformStack, LocalBackend } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { HealthProbe } from "../../constructs/service/health";
import type { ServiceSpec } from "../../constructs/service/spec";

export function dockerTestStack(id = "test"): { stack: TerraformStack; topology: NetworkTopology } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
  new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
  const topology = new NetworkTopology(stack, "network");
  return { stack, topology };
}

/** A minimal valid web service spec; override fields per test. */
export function webSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: "web",
    image: { repository: "ghcr.io/example/web", tag: "1.2.3" },
    role: "app",
    user: "10001:10001",
    ports: [{ port: 8080, name: "http" }],
    health: { probe: HealthProbe.http({ port: 8080, path: "/healthz", tool: "wget" }) },
    resources: { memoryMb: 256 },
    writablePaths: [{ path: "/tmp", mode: "1777" }],
    ...overrides,
  };
}
