import { HardenedContainer } from "../../constructs/docker/hardened-container";
import { EdgeProtection } from "../../constructs/cloudflare/edge-protection";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { ACCOUNT, ZONE, edgeTestStack, newGate, newTunnel, webAppSpec, type EdgeTestStack } from "./edge-stack";

type Json = Record<string, any>;

/** The compliant edge: OPAC public, staff behind Access, WAF and rate limit on the zone. */
function compliant(): EdgeTestStack {
  const t = edgeTestStack();
  const gate = newGate(t);
  newTunnel(t)
    .addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 })
    .addPublicService({ hostname: "staff.example.org", container: t.web, port: 8081, access: gate });
  new EdgeProtection(t.stack, "zone", { zoneId: ZONE });
  return t;
}

function strip(body: Json): Json {
  const { ["//"]: _meta, ...rest } = body;
  return rest;
}

describe("CloudflareTunnelIngress: the compliant edge", () => {
  const t = compliant();
  const json: Json = synthStackJson(t.stack);
  const res = json.resource;

  test("passes policy, and no CF rule reports anything (not even a warning)", () => {
    expect(t.stack).toPassPolicy();
    const cf = policyFindings(t.stack).filter((f) => f.ruleId.startsWith("CF-") || f.ruleId.startsWith("NET-"));
    expect(cf).toEqual([]);
  });

  test("snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("remotely managed tunnel without a secret (CF-001, CF-007)", () => {
    expect(strip(res.cloudflare_zero_trust_tunnel_cloudflared.web)).toEqual({ account_id: ACCOUNT, name: "web", config_src: "cloudflare" });
  });

  test("ingress from the published services, Access validated at the origin, 404 catch-all last (CF-002, CF-009)", () => {
    const config = res.cloudflare_zero_trust_tunnel_cloudflared_config.web;
    expect(config.tunnel_id).toBe("${cloudflare_zero_trust_tunnel_cloudflared.web.id}");
    expect(config.source).toBe("cloudflare");
    expect(config.config.ingress).toEqual([
      { hostname: "opac.example.org", service: "http://webapp:8080" },
      {
        hostname: "staff.example.org",
        service: "http://webapp:8081",
        origin_request: {
          access: { required: true, aud_tag: ["${cloudflare_zero_trust_access_application.staff_example_org.aud}"], team_name: "example" },
        },
      },
      { service: "http_status:404" },
    ]);
  });

  test("a proxied CNAME named by the full hostname per hostname (CF-004)", () => {
    for (const [address, name] of [["opac_example_org", "opac.example.org"], ["staff_example_org", "staff.example.org"]]) {
      expect(strip(res.cloudflare_dns_record[address])).toEqual({
        zone_id: ZONE,
        name,
        type: "CNAME",
        content: "${cloudflare_zero_trust_tunnel_cloudflared.web.id}.cfargotunnel.com",
        proxied: true,
        ttl: 1,
        comment: "bulwark: Cloudflare Tunnel web",
      });
    }
  });

  test("the connector: uid 65532, read-only, no capabilities, token by reference, loopback metrics, ready probe, frontnet only, no ports", () => {
    const c = res.docker_container.cloudflared;
    expect(c.user).toBe("65532:65532");
    expect(c.read_only).toBe(true);
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.env).toEqual(["TUNNEL_TOKEN=${data.cloudflare_zero_trust_tunnel_cloudflared_token.web.token}"]);
    expect(c.command).toEqual(["tunnel", "--no-autoupdate", "--metrics", "127.0.0.1:2000", "run"]);
    expect(c.healthcheck.test).toEqual(["CMD", "cloudflared", "tunnel", "--metrics", "127.0.0.1:2000", "ready"]);
    expect(c.networks_advanced).toEqual([{ name: "${docker_network.frontnet.name}", aliases: ["cloudflared"] }]);
    expect(c.ports).toBeUndefined();
    expect(c.publish_all_ports).toBeUndefined();
    expect(json.data.cloudflare_zero_trust_tunnel_cloudflared_token.web).toMatchObject({
      account_id: ACCOUNT,
      tunnel_id: "${cloudflare_zero_trust_tunnel_cloudflared.web.id}",
    });
  });

  test("no token, secret or datastore port appears as a literal anywhere", () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/TUNNEL_TOKEN=[^$]/);
    expect(text).not.toMatch(/"api_token"/);
    expect(text).not.toMatch(/webapp:3306|db:3306/);
  });

  test("synth is deterministic", () => {
    expect(JSON.stringify(synthStackJson(compliant().stack))).toBe(JSON.stringify(json));
  });
});

describe("CloudflareTunnelIngress: routes", () => {
  test("path routes of a host come before its whole-host route; one CNAME per host", () => {
    const t = edgeTestStack();
    const api = new HardenedContainer(t.stack, "api", {
      service: webAppSpec({ name: "api", ports: [{ port: 9000, name: "http" }], health: webAppSpec().health }),
      networks: [t.topology.front],
      owner: "platform-team",
    });
    const tunnel = newTunnel(t)
      .addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 })
      .addPublicService({ hostname: "opac.example.org", container: api, port: 9000, path: "^/api/" });
    const json: Json = synthStackJson(t.stack);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.web.config.ingress).toEqual([
      { hostname: "opac.example.org", path: "^/api/", service: "http://api:9000" },
      { hostname: "opac.example.org", service: "http://webapp:8080" },
      { service: "http_status:404" },
    ]);
    expect(Object.keys(json.resource.cloudflare_dns_record)).toEqual(["opac_example_org"]);
    expect(tunnel.hostnames).toEqual(["opac.example.org"]);
  });

  test("an https origin keeps TLS verification, checked against the service name by default", () => {
    const t = edgeTestStack();
    newTunnel(t).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080, scheme: "https", tls: { caPool: "/etc/ssl/origin-ca.pem" } });
    const json: Json = synthStackJson(t.stack);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.web.config.ingress[0]).toEqual({
      hostname: "opac.example.org",
      service: "https://webapp:8080",
      origin_request: { origin_server_name: "webapp", ca_pool: "/etc/ssl/origin-ca.pem" },
    });
    expect(t.stack).toPassPolicy();
  });

  test("the catch-all status is configurable, and only to an error status", () => {
    const t = edgeTestStack();
    newTunnel(t, { catchAllStatus: 410 }).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 });
    const json: Json = synthStackJson(t.stack);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.web.config.ingress.at(-1)).toEqual({ service: "http_status:410" });
    expect(() => newTunnel(edgeTestStack(), { catchAllStatus: 200 })).toThrow(
      "CloudflareTunnelIngress edge/web: catchAllStatus is 200. Fix: answer unknown hostnames with an error status from 400 to 599 (404 by default)",
    );
  });

  test("a tunnel with no service still ends in the catch-all and passes policy", () => {
    const t = edgeTestStack();
    newTunnel(t);
    const json: Json = synthStackJson(t.stack);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.web.config.ingress).toEqual([{ service: "http_status:404" }]);
    expect(t.stack).toPassPolicy();
  });
});

describe("CloudflareTunnelIngress: synth-time errors", () => {
  const where = "CloudflareTunnelIngress edge/web";

  test("a hostname outside the zone's domain", () => {
    const t = edgeTestStack();
    expect(() => newTunnel(t).addPublicService({ hostname: "opac.example.net", container: t.web, port: 8080 })).toThrow(
      `${where}: addPublicService("opac.example.net"): hostname "opac.example.net" is outside the zone's domain "example.org". Fix: use a hostname ending in ".example.org" (records can only be created in the configured zone)`,
    );
  });

  test("a look-alike domain suffix is outside the zone too", () => {
    const t = edgeTestStack();
    expect(() => newTunnel(t).addPublicService({ hostname: "opac.badexample.org", container: t.web, port: 8080 })).toThrow(
      'hostname "opac.badexample.org" is outside the zone\'s domain "example.org"',
    );
  });

  test("a wildcard, an upper-case name or a URL is not a hostname", () => {
    const t = edgeTestStack();
    const tunnel = newTunnel(t);
    expect(() => tunnel.addPublicService({ hostname: "*.example.org", container: t.web, port: 8080 })).toThrow(
      `${where}: addPublicService("*.example.org"): hostname "*.example.org" is a wildcard. Fix: publish each hostname explicitly; a wildcard would expose every future name in the zone`,
    );
    expect(() => tunnel.addPublicService({ hostname: "OPAC.example.org", container: t.web, port: 8080 })).toThrow('hostname "OPAC.example.org" is not a lower-case DNS name');
    expect(() => tunnel.addPublicService({ hostname: "https://opac.example.org", container: t.web, port: 8080 })).toThrow("is not a lower-case DNS name");
  });

  test("duplicate hostnames: twice in one tunnel", () => {
    const t = edgeTestStack();
    const tunnel = newTunnel(t).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 });
    expect(() => tunnel.addPublicService({ hostname: "opac.example.org", container: t.web, port: 8081 })).toThrow(
      `${where}: addPublicService("opac.example.org"): hostname "opac.example.org" is published twice by this tunnel. Fix: publish each hostname once (use distinct paths to split a host between services)`,
    );
  });

  test("duplicate hostnames: in two tunnels of one stack", () => {
    const t = edgeTestStack();
    newTunnel(t).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 });
    const second = newTunnel(t, { connector: { name: "cloudflared-2" } }, "other");
    expect(() => second.addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080 })).toThrow(
      'CloudflareTunnelIngress edge/other: addPublicService("opac.example.org"): hostname "opac.example.org" is already published by edge/web. Fix: publish each hostname through one tunnel only',
    );
  });

  test("an admin-like hostname without Access is refused (CF-005), with the label named", () => {
    const t = edgeTestStack();
    expect(() => newTunnel(t).addPublicService({ hostname: "staff.example.org", container: t.web, port: 8081 })).toThrow(
      `${where}: addPublicService("staff.example.org"): access is missing, but "staff.example.org" is an admin-like hostname (first label "staff"), which would put an administrative interface on the internet. Fix: pass access: an AccessGate (SSO for named people), or publish it under a non-administrative name only if it really is public`,
    );
    for (const label of ["grafana", "rabbitmq", "kibana", "admin"]) {
      const other = edgeTestStack();
      expect(() => newTunnel(other).addPublicService({ hostname: `${label}.example.org`, container: other.web, port: 8080 })).toThrow(`first label "${label}"`);
    }
  });

  test("admin-like is the exact first label: opac, staffing and a deeper staff label are not admin-like", () => {
    const t = edgeTestStack();
    const tunnel = newTunnel(t);
    expect(() => tunnel.addPublicService({ hostname: "staffing.example.org", container: t.web, port: 8080 })).not.toThrow();
    expect(() => tunnel.addPublicService({ hostname: "www.staff.example.org", container: t.web, port: 8080 })).not.toThrow();
  });

  test("a public service that is not on the tunnel's network (cloudflared could not reach it)", () => {
    const t = edgeTestStack();
    const backOnly = new HardenedContainer(t.stack, "reports", {
      service: webAppSpec({ name: "reports" }),
      networks: [t.topology.back],
      owner: "platform-team",
    });
    expect(() => newTunnel(t).addPublicService({ hostname: "reports.example.org", container: backOnly, port: 8080 })).toThrow(
      `${where}: addPublicService("reports.example.org"): container "reports" is not attached to the tunnel's network "frontnet", so cloudflared could not reach it. Fix: add frontnet (topology.front) to the container's networks`,
    );
  });

  test("an origin with TLS verification turned off (CF-003)", () => {
    const t = edgeTestStack();
    expect(() =>
      newTunnel(t).addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080, scheme: "https", tls: { noTlsVerify: true } }),
    ).toThrow(
      `${where}: addPublicService("opac.example.org"): tls.noTlsVerify turns off TLS verification of the origin, so anyone on the path could impersonate it (CF-003). Fix: give the origin a certificate cloudflared trusts (tls.caPool, tls.originServerName), or use scheme "http" inside the front network`,
    );
  });

  test("datastores are never reachable from the edge", () => {
    const t = edgeTestStack();
    expect(() => newTunnel(t).addPublicService({ hostname: "db.example.org", container: t.db, port: 3306 })).toThrow(
      `${where}: addPublicService("db.example.org"): container "db" is a datastore (mariadb), which must never be reachable from the edge. Fix: publish only web applications; datastores, brokers, caches and search stay on the internal network`,
    );
  });

  test("a datastore/broker port or an undeclared port is refused", () => {
    const t = edgeTestStack();
    const tunnel = newTunnel(t);
    expect(() => tunnel.addPublicService({ hostname: "mq.example.org", container: t.web, port: 15672 })).toThrow(
      "port 15672 is a datastore/broker port (database, search, broker management), which must never be reachable from the edge",
    );
    expect(() => tunnel.addPublicService({ hostname: "opac.example.org", container: t.web, port: 9090 })).toThrow(
      `${where}: addPublicService("opac.example.org"): port 9090 is not a port service "webapp" listens on (8080, 8081). Fix: use one of 8080, 8081, or declare the port in the service's ports`,
    );
  });

  test("TLS settings on an http origin, an empty path, a hostname given as a reference", () => {
    const t = edgeTestStack();
    const tunnel = newTunnel(t);
    expect(() => tunnel.addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080, tls: { originServerName: "x" } })).toThrow(
      "tls is set for an http origin",
    );
    expect(() => tunnel.addPublicService({ hostname: "opac.example.org", container: t.web, port: 8080, path: "" })).toThrow('path "" is empty or holds whitespace');
    expect(() => tunnel.addPublicService({ hostname: "${var.host}", container: t.web, port: 8080 })).toThrow('hostname "${var.host}" is a Terraform reference');
  });

  test("a refused service leaves its hostname free: fixing the call works", () => {
    const t = edgeTestStack();
    const gate = newGate(t);
    const tunnel = newTunnel(t);
    expect(() => tunnel.addPublicService({ hostname: "staff.example.org", container: t.web, port: 8081 })).toThrow("access is missing");
    tunnel.addPublicService({ hostname: "staff.example.org", container: t.web, port: 8081, access: gate });
    expect(tunnel.hostnames).toEqual(["staff.example.org"]);
    expect(t.stack).toPassPolicy();
  });

  test("routes of one hostname must share the same Access gate", () => {
    const t = edgeTestStack();
    const gate = newGate(t);
    const tunnel = newTunnel(t).addPublicService({ hostname: "catalog.example.org", container: t.web, port: 8080, access: gate });
    expect(() => tunnel.addPublicService({ hostname: "catalog.example.org", container: t.web, port: 8081, path: "^/public/" })).toThrow(
      'access differs from the earlier route of "catalog.example.org". Fix: protect every route of a hostname with the same AccessGate (Access covers the whole host)',
    );
  });

  test("props: internal network, empty ids, bad tunnel name", () => {
    const t = edgeTestStack();
    expect(() => newTunnel(t, { network: t.topology.back })).toThrow(
      `${where}: network "backnet" is internal, so cloudflared could not reach the Cloudflare edge. Fix: attach the tunnel to the front network (topology.front)`,
    );
    expect(() => newTunnel(edgeTestStack(), { zoneId: "" })).toThrow(`${where}: zoneId is empty. Fix: give the zone id of the domain (deployment config cloudflare.zoneId)`);
    expect(() => newTunnel(edgeTestStack(), { domain: "Example.org" })).toThrow(`${where}: domain "Example.org" is not a literal lower-case DNS name`);
    expect(() => newTunnel(edgeTestStack(), { tunnelName: "koha tunnel" })).toThrow(`${where}: tunnelName "koha tunnel" is not a tunnel name`);
  });
});
