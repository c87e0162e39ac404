import { LocalBackend, TerraformStack, Testing } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { loadDeploymentConfig } from "../../config/load";
import type { KohaDeploymentConfig } from "../../config/schema";
import { requireSections } from "../../config/checks";
import { addKohaEdge } from "../../stacks/koha-edge";
import { CloudflareTunnelIngress } from "../../constructs/cloudflare/tunnel-ingress";
import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { NetworkTopology } from "../../constructs/docker/network-topology";
import { HealthProbe } from "../../constructs/service/health";
import type { ServiceSpec } from "../../constructs/service/spec";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { dbSpec } from "./edge-stack";

type Json = Record<string, any>;

const EXAMPLE: KohaDeploymentConfig = requireSections(loadDeploymentConfig({}), ["koha", "cloudflare"], "the koha edge tests");

/** Hand-written Koha web container: OPAC on 8080, staff interface on 8081. */
function kohaSpec(): ServiceSpec {
  return {
    name: "koha",
    image: { repository: "ghcr.io/example/koha", tag: "24.11.3", digest: `sha256:${"d".repeat(64)}` },
    role: "app",
    user: "1000:1000",
    ports: [
      { port: 8080, name: "opac" },
      { port: 8081, name: "staff" },
    ],
    health: { probe: HealthProbe.http({ port: 8080, path: "/", tool: "curl" }) },
    resources: { memoryMb: 2048 },
    writablePaths: [{ path: "/tmp", mode: "1777" }],
  };
}

function search(): ServiceSpec {
  return { ...dbSpec(), name: "es", role: "search", image: { repository: "elasticsearch", tag: "8.19.4", digest: `sha256:${"e".repeat(64)}` }, ports: [{ port: 9200, name: "http" }], dataVolumes: [] };
}

function kohaStack(config: KohaDeploymentConfig = EXAMPLE) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "koha");
  new DockerProvider(stack, "docker", { host: config.docker.host });
  new LocalBackend(stack, { path: "terraform.koha.tfstate" });
  const topology = new NetworkTopology(stack, "network", { prefix: "koha" });
  const koha = new HardenedContainer(stack, "koha", { service: kohaSpec(), networks: [topology.front, topology.back], owner: config.owner });
  new HardenedContainer(stack, "mariadb", { service: dbSpec(), networks: [topology.back], owner: config.owner });
  const es = new HardenedContainer(stack, "elasticsearch", { service: search(), networks: [topology.back], owner: config.owner });
  const edge = addKohaEdge(stack, { config, topology, koha, opacPort: 8080, staffPort: 8081 });
  return { stack, topology, koha, es, edge };
}

describe("addKohaEdge", () => {
  const { stack, edge } = kohaStack();
  const json: Json = synthStackJson(stack);
  const res = json.resource;

  test("passes policy with no CF finding", () => {
    expect(stack).toPassPolicy();
    expect(policyFindings(stack).filter((f) => f.ruleId.startsWith("CF-"))).toEqual([]);
  });

  test("snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("the provider has no credentials: CLOUDFLARE_API_TOKEN comes from the environment", () => {
    expect(json.provider.cloudflare).toEqual([{}]);
    expect(JSON.stringify(json)).not.toMatch(/api_token|api_key/);
  });

  test("OPAC public, staff behind Access with origin validation, nothing else routed", () => {
    expect(res.cloudflare_zero_trust_tunnel_cloudflared.koha).toMatchObject({ name: "koha-library", config_src: "cloudflare", account_id: EXAMPLE.cloudflare.accountId });
    expect(res.cloudflare_zero_trust_tunnel_cloudflared_config.koha.config.ingress).toEqual([
      { hostname: "opac.example.org", service: "http://koha:8080" },
      {
        hostname: "staff.example.org",
        service: "http://koha:8081",
        origin_request: {
          access: { required: true, aud_tag: ["${cloudflare_zero_trust_access_application.staff_example_org.aud}"], team_name: "example" },
        },
      },
      { service: "http_status:404" },
    ]);
    expect(Object.keys(res.cloudflare_zero_trust_access_application)).toEqual(["staff_example_org"]);
    expect(Object.keys(res.cloudflare_dns_record)).toEqual(["opac_example_org", "staff_example_org"]);
    expect(edge.tunnel.hostnames).toEqual(["opac.example.org", "staff.example.org"]);
    expect(edge.staffAccess.hostnames).toEqual(["staff.example.org"]);
  });

  test("account, zone and domain come from the deployment configuration", () => {
    expect(res.cloudflare_dns_record.opac_example_org.zone_id).toBe(EXAMPLE.cloudflare.zoneId);
    expect(res.cloudflare_ruleset.zone_rate_limit.zone_id).toBe(EXAMPLE.cloudflare.zoneId);
    expect(res.cloudflare_zero_trust_access_policy.staff_access_allow.include).toEqual([{ email_domain: { domain: "example.org" } }]);
    expect(res.cloudflare_ruleset.zone_rate_limit.rules[0].ratelimit.requests_per_period).toBe(EXAMPLE.cloudflare.rateLimitPerMinute);
  });

  test("the connector joins koha-frontnet only", () => {
    expect(res.docker_container.cloudflared.networks_advanced).toEqual([{ name: "${docker_network.koha_frontnet.name}", aliases: ["cloudflared"] }]);
  });

  test("Elasticsearch, MariaDB and RabbitMQ management cannot be routed through the tunnel", () => {
    const s = kohaStack();
    expect(() => s.edge.tunnel.addPublicService({ hostname: "search.example.org", container: s.es, port: 9200 })).toThrow(
      'container "es" is a search (elasticsearch), which must never be reachable from the edge',
    );
    expect(() => s.edge.tunnel.addPublicService({ hostname: "rabbitmq.example.org", container: s.koha, port: 15672, access: s.edge.staffAccess })).toThrow(
      "port 15672 is a datastore/broker port",
    );
  });

  test("IdP groups and IP ranges from config.cloudflare.access reach the policy; one IdP means direct redirect", () => {
    const config: KohaDeploymentConfig = {
      ...EXAMPLE,
      cloudflare: {
        ...EXAMPLE.cloudflare,
        access: {
          ...EXAMPLE.cloudflare.access,
          allowedEmailDomains: [],
          identityProviderGroups: [{ identityProviderId: "entra", groups: ["g-koha-staff"], kind: "azure" }],
          ipRanges: ["198.51.100.0/24"],
        },
      },
    };
    const s = kohaStack(config);
    const r = synthStackJson(s.stack).resource as Json;
    expect(r.cloudflare_zero_trust_access_policy.staff_access_allow.include).toEqual([{ azure_ad: { id: "g-koha-staff", identity_provider_id: "entra" } }]);
    expect(r.cloudflare_zero_trust_access_policy.staff_access_allow.require).toEqual([{ ip_list: { id: "${cloudflare_zero_trust_list.staff_access_ip_ranges.id}" } }]);
    expect(r.cloudflare_zero_trust_access_application.staff_example_org).toMatchObject({ allowed_idps: ["entra"], auto_redirect_to_identity: true });
    expect(s.stack).toPassPolicy();
  });

  test("a staff hostname outside the zone's domain is refused at synth", () => {
    const config: KohaDeploymentConfig = { ...EXAMPLE, koha: { ...EXAMPLE.koha, staffHostname: "staff.example.net" } };
    expect(() => kohaStack(config)).toThrow(
      'CloudflareTunnelIngress koha/edge/koha: addPublicService("staff.example.net"): hostname "staff.example.net" is outside the zone\'s domain "example.org"',
    );
  });

  test("OPAC and staff on the same hostname are refused as duplicates", () => {
    const config: KohaDeploymentConfig = { ...EXAMPLE, koha: { ...EXAMPLE.koha, staffHostname: "opac.example.org" } };
    expect(() => kohaStack(config)).toThrow('addPublicService("opac.example.org"): hostname "opac.example.org" is published twice by this tunnel');
  });

  describe("removing Access from the staff hostname", () => {
    test("is refused at synth by the construct", () => {
      // The koha wiring of addKohaEdge, with the staff interface published without `access`.
      const app = Testing.app();
      const stack = new TerraformStack(app, "koha");
      new DockerProvider(stack, "docker", { host: EXAMPLE.docker.host });
      const topology = new NetworkTopology(stack, "network", { prefix: "koha" });
      const koha = new HardenedContainer(stack, "koha", { service: kohaSpec(), networks: [topology.front, topology.back], owner: EXAMPLE.owner });
      const cf = EXAMPLE.cloudflare;
      const tunnel = new CloudflareTunnelIngress(stack, "koha-tunnel", {
        accountId: cf.accountId,
        zoneId: cf.zoneId,
        domain: cf.domain,
        network: topology.front,
        owner: EXAMPLE.owner,
      }).addPublicService({ hostname: EXAMPLE.koha.opacHostname, container: koha, port: 8080 });
      expect(() => tunnel.addPublicService({ hostname: EXAMPLE.koha.staffHostname, container: koha, port: 8081 })).toThrow(
        'CloudflareTunnelIngress koha/koha-tunnel: addPublicService("staff.example.org"): access is missing, but "staff.example.org" is an admin-like hostname (first label "staff"), which would put an administrative interface on the internet. Fix: pass access: an AccessGate',
      );
    });

    test("and caught by the policy (CF-005 error, CF-009 gone with the app) when the JSON is edited by hand", () => {
      const edited: Json = JSON.parse(JSON.stringify(json));
      delete edited.resource.cloudflare_zero_trust_access_application;
      delete edited.resource.cloudflare_zero_trust_tunnel_cloudflared_config.koha.config.ingress[1].origin_request;
      expect(edited).toViolate("CF-005", "cloudflare_zero_trust_tunnel_cloudflared_config.koha");
      expect(edited).not.toPassPolicy();
    });
  });
});
