/** Small stacks for the Cloudflare edge construct tests: frontnet/backnet, a web app, the edge. */
import { LocalBackend, TerraformStack, Testing } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { HealthProbe } from "../../constructs/service/health";
import type { ServiceSpec } from "../../constructs/service/spec";
import { AccessGate, type AccessGateProps } from "../../constructs/cloudflare/access-gate";
import { CloudflareTunnelIngress, type CloudflareTunnelIngressProps } from "../../constructs/cloudflare/tunnel-ingress";

export const ACCOUNT = "0123456789abcdef0123456789abcdef";
export const ZONE = "fedcba9876543210fedcba9876543210";
export const DOMAIN = "example.org";

/** A hand-written web application: OPAC on 8080, staff on 8081. */
export function webAppSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: "webapp",
    image: { repository: "ghcr.io/example/webapp", tag: "2.4.1", digest: `sha256:${"b".repeat(64)}` },
    role: "app",
    user: "10001:10001",
    ports: [
      { port: 8080, name: "http" },
      { port: 8081, name: "http-staff" },
    ],
    health: { probe: HealthProbe.http({ port: 8080, path: "/healthz", tool: "wget" }) },
    resources: { memoryMb: 512 },
    writablePaths: [{ path: "/tmp", mode: "1777" }],
    ...overrides,
  };
}

/** A datastore on backnet, so the stack has tier separation (and a target the edge must refuse). */
export function dbSpec(): ServiceSpec {
  return {
    name: "db",
    image: { repository: "mariadb", tag: "11.8.9", digest: `sha256:${"c".repeat(64)}` },
    role: "datastore",
    user: "999:999",
    ports: [{ port: 3306, name: "mysql" }],
    health: { probe: HealthProbe.exec("healthcheck.sh", "--connect") },
    resources: { memoryMb: 1024 },
    writablePaths: [{ path: "/tmp", mode: "1777" }, { path: "/run/mysqld", mode: "1777", sizeMb: 1 }],
    dataVolumes: [{ name: "data", path: "/var/lib/mysql" }],
  };
}

export interface EdgeTestStack {
  readonly stack: TerraformStack;
  readonly topology: NetworkTopology;
  readonly web: HardenedContainer;
  readonly db: HardenedContainer;
}

export function edgeTestStack(id = "edge"): EdgeTestStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
  new CloudflareProvider(stack, "cloudflare", {});
  new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
  const topology = new NetworkTopology(stack, "network");
  const web = new HardenedContainer(stack, "webapp", { service: webAppSpec(), networks: [topology.front, topology.back], owner: "platform-team" });
  const db = new HardenedContainer(stack, "db", { service: dbSpec(), networks: [topology.back], owner: "platform-team" });
  return { stack, topology, web, db };
}

export function tunnelProps(t: EdgeTestStack, overrides: Partial<CloudflareTunnelIngressProps> = {}): CloudflareTunnelIngressProps {
  return { accountId: ACCOUNT, zoneId: ZONE, domain: DOMAIN, network: t.topology.front, owner: "platform-team", ...overrides };
}

export function gateProps(overrides: Partial<AccessGateProps> = {}): AccessGateProps {
  return { accountId: ACCOUNT, teamName: "example", domain: DOMAIN, allowedEmailDomains: [DOMAIN], ...overrides };
}

export function newTunnel(t: EdgeTestStack, overrides: Partial<CloudflareTunnelIngressProps> = {}, id = "web"): CloudflareTunnelIngress {
  return new CloudflareTunnelIngress(t.stack, id, tunnelProps(t, overrides));
}

export function newGate(t: EdgeTestStack, overrides: Partial<AccessGateProps> = {}, id = "staff-access"): AccessGate {
  return new AccessGate(t.stack, id, gateProps(overrides));
}
