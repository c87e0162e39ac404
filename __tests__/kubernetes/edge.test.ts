/**
 * The way in of the Kubernetes reference stacks: the Cloudflare tunnel with a cloudflared
 * Deployment (the default, what the Docker stacks do) and the ingress-nginx Ingress alternative.
 * No cluster and no Cloudflare account are reachable here: these are synth-time checks.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Testing, TerraformStack } from "cdktf";
import * as ingressModule from "../../constructs/kubernetes/ingress";
import * as tunnelModule from "../../constructs/kubernetes/tunnel";
import * as edgeModule from "../../stacks/kubernetes/edge";
import { Secret } from "../../constructs/core/secret";
import { KubernetesIngress } from "../../constructs/kubernetes/ingress";
import { KubernetesNamespace, publicCidrProblem } from "../../constructs/kubernetes/namespace";
import { CLOUDFLARE_TUNNEL_EDGE_CIDRS, KubernetesTunnelIngress } from "../../constructs/kubernetes/tunnel";
import { KubernetesWorkload } from "../../constructs/kubernetes/workload";
import { kubernetesCluster } from "../../constructs/kubernetes/cluster";
import { postgresProfile } from "../../constructs/profiles";
import { webSpec } from "../helpers/stack";
import { CLOUDFLARE, CLOUDFLARED_EDGE, LOCAL_BACKEND, NGINX_EDGE, kohaStack, publishedKohaStack, publishedSingleServerStack, singleServerStack } from "./fixtures";
import { manifestProblems, manifestsOf } from "./manifests";
import { errors, findings, stackJson } from "./policy";
import { checkStacks } from "../../policy/engine";

type Json = Record<string, any>;

const policies = (json: Json) => Object.values(json.resource.kubernetes_network_policy_v1 as Record<string, Json>);
const selecting = (json: Json, name: string) => policies(json).filter((p) => p.spec.pod_selector.match_labels?.["app.kubernetes.io/name"] === name);

function tunnelFixture() {
  const stack = new TerraformStack(Testing.app(), "edge");
  kubernetesCluster(stack, { backend: LOCAL_BACKEND });
  const ns = new KubernetesNamespace(stack, "namespace", { name: "apps", owner: "platform-team" });
  const web = new KubernetesWorkload(stack, "web", { service: webSpec(), namespace: ns, owner: "platform-team" });
  const db = new KubernetesWorkload(stack, "db", { service: postgresProfile({ name: "db", password: Secret.named("db_password", "PostgreSQL password") }), namespace: ns, owner: "platform-team" });
  const tunnel = new KubernetesTunnelIngress(stack, "tunnel", { namespace: ns, owner: "platform-team", accountId: CLOUDFLARE.accountId, zoneId: CLOUDFLARE.zoneId, domain: CLOUDFLARE.domain });
  return { stack, ns, web, db, tunnel };
}

describe("Koha on a cluster through the Cloudflare tunnel (the default)", () => {
  const stack = publishedKohaStack(CLOUDFLARED_EDGE);
  const json = stackJson(stack);

  test("passes the gate, and every Kubernetes object validates against the schemas", () => {
    expect(errors(json, "koha-k8s").map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
    expect(manifestProblems(manifestsOf(json))).toEqual([]);
    expect(stack.edge?.via).toBe("cloudflared");
  });

  test("the connector is a hardened Deployment of the cloudflared profile, the token a Secret reference", () => {
    const d: Json = json.resource.kubernetes_deployment_v1.koha_cloudflared;
    expect(d.metadata.name).toBe("cloudflared");
    expect(d.spec.replicas).toBe("2");
    const c = d.spec.template.spec.container[0];
    expect(c.image).toBe("cloudflare/cloudflared:2026.9.1");
    expect(c.args).toEqual(["tunnel", "--no-autoupdate", "--metrics", "127.0.0.1:2000", "run"]);
    expect(c.security_context).toMatchObject({ run_as_user: "65532", run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } });
    expect(c.port).toBeUndefined();
    expect(c.env).toEqual([{ name: "TUNNEL_TOKEN", value_from: { secret_key_ref: { name: "koha-secrets", key: "data_cloudflare_zero_trust_tunnel_cloudflared_token_tunnel_token", optional: false } } }]);
    expect(json.resource.kubernetes_secret_v1.koha_secrets.data_wo.data_cloudflare_zero_trust_tunnel_cloudflared_token_tunnel_token).toBe("${data.cloudflare_zero_trust_tunnel_cloudflared_token.tunnel.token}");
    expect(json.resource.kubernetes_pod_disruption_budget_v1.koha_cloudflared_pdb).toBeDefined();
    expect(json.resource.kubernetes_service_v1.koha_cloudflared_service).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/"TUNNEL_TOKEN","value"/);
  });

  test("the connector reaches only Koha's two ports, DNS, the Cloudflare edge on 7844 and (for Access) 443; only it reaches those ports", () => {
    const egress = selecting(json, "cloudflared").map((p) => ({ name: p.metadata.name, to: p.spec.egress[0].to, ports: p.spec.egress[0].ports }));
    expect(egress).toEqual([
      { name: "allow-cloudflared-to-cloudflare-edge", to: CLOUDFLARE_TUNNEL_EDGE_CIDRS.map((cidr) => ({ ip_block: { cidr } })), ports: [{ port: "7844", protocol: "UDP" }, { port: "7844", protocol: "TCP" }] },
      { name: "allow-cloudflared-to-koha-8080", to: [{ pod_selector: { match_labels: { "app.kubernetes.io/name": "koha" } } }], ports: [{ port: "8080", protocol: "TCP" }] },
      { name: "allow-cloudflared-to-koha-8081", to: [{ pod_selector: { match_labels: { "app.kubernetes.io/name": "koha" } } }], ports: [{ port: "8081", protocol: "TCP" }] },
      { name: "allow-cloudflared-to-internet", to: [expect.objectContaining({ ip_block: expect.objectContaining({ cidr: "0.0.0.0/0" }) })], ports: [{ port: "443", protocol: "TCP" }] },
    ]);
    const kohaIngress = selecting(json, "koha").filter((p) => p.spec.policy_types.includes("Ingress")).map((p) => p.metadata.name);
    expect(kohaIngress).toEqual(["allow-koha-from-cloudflared-8080", "allow-koha-from-cloudflared-8081"]);
    expect(policies(json).some((p) => p.spec.ingress?.some((r: Json) => r.from.some((f: Json) => f.namespace_selector)))).toBe(false);
  });

  test("tunnel, DNS, Access and zone protection come from the Cloudflare constructs: OPAC public, staff behind Access", () => {
    const config = json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.tunnel.config.ingress;
    expect(config).toEqual([
      { hostname: "opac.example.org", service: "http://koha:8080" },
      { hostname: "staff.example.org", service: "http://koha:8081", origin_request: { access: expect.objectContaining({ required: true, team_name: "example" }) } },
      { service: "http_status:404" },
    ]);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared.tunnel).toMatchObject({ name: "koha-library-k8s", config_src: "cloudflare" });
    expect(Object.keys(json.resource.cloudflare_dns_record).sort()).toEqual(["opac_example_org", "staff_example_org"]);
    expect(Object.keys(json.resource.cloudflare_zero_trust_access_application)).toEqual(["staff_example_org"]);
    expect(Object.values(json.resource.cloudflare_ruleset as Record<string, Json>).map((r) => r.phase).sort()).toEqual(["http_ratelimit", "http_request_firewall_managed"]);
    expect(json.provider.cloudflare).toEqual([{}]);
  });

  test("removing Access from the staff hostname fails the gate (the CF rules judge the cluster stack too)", () => {
    const open: Json = JSON.parse(JSON.stringify(json));
    delete open.resource.cloudflare_zero_trust_access_application;
    expect(errors(open, "koha-k8s").map((f) => f.ruleId)).toContain("CF-005");
  });
});

describe("the single-server API on a cluster through the tunnel", () => {
  const json = stackJson(publishedSingleServerStack(CLOUDFLARED_EDGE));

  test("passes the gate; the API is public (no Access), so the connector gets no 443 egress", () => {
    expect(errors(json, "single-server-k8s").map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
    expect(manifestProblems(manifestsOf(json))).toEqual([]);
    expect(json.resource.cloudflare_zero_trust_access_application).toBeUndefined();
    expect(selecting(json, "cloudflared").map((p) => p.metadata.name)).toEqual(["allow-cloudflared-to-cloudflare-edge", "allow-cloudflared-to-api-8000"]);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config.tunnel.config.ingress[0]).toEqual({ hostname: "api.example.org", service: "http://api:8000" });
  });
});

test("two stacks of one run on one zone: only one protects it (CF-010), the other sets zoneProtection: false", () => {
  const koha = stackJson(publishedKohaStack(CLOUDFLARED_EDGE));
  const errorsOf = (api: Json) => checkStacks([
    { stack: "koha-k8s", file: "koha-k8s/cdk.tf.json", json: koha },
    { stack: "single-server-k8s", file: "single-server-k8s/cdk.tf.json", json: api },
  ]).findings.filter((f) => f.severity === "error" && !f.suppressed).map((f) => f.ruleId);
  expect(errorsOf(stackJson(publishedSingleServerStack(CLOUDFLARED_EDGE)))).toContain("CF-010");
  const shared = stackJson(publishedSingleServerStack({ ...CLOUDFLARED_EDGE, zoneProtection: false }));
  expect(shared.resource.cloudflare_ruleset).toBeUndefined();
  expect(errorsOf(shared)).toEqual([]);
});

describe("the single-server API on a cluster through ingress-nginx", () => {
  const json = stackJson(publishedSingleServerStack(NGINX_EDGE));

  test("passes the gate: one public Ingress (no auth: the API is not an admin interface), the controller alone reaches port 8000", () => {
    expect(errors(json, "single-server-k8s")).toEqual([]);
    expect(manifestProblems(manifestsOf(json))).toEqual([]);
    const ingresses = Object.values(json.resource.kubernetes_ingress_v1 as Record<string, Json>);
    expect(ingresses.map((i) => [i.metadata.name, i.spec.tls[0].hosts, i.metadata.annotations["nginx.ingress.kubernetes.io/auth-url"]])).toEqual([["api-api-example-org", ["api.example.org"], undefined]]);
    expect(selecting(json, "api").filter((p) => p.spec.policy_types.includes("Ingress")).map((p) => p.metadata.name)).toEqual(["allow-api-from-bot-8000", "allow-api-8000-from-ingress-nginx"]);
  });
});

describe("Koha on a cluster through ingress-nginx", () => {
  const json = stackJson(publishedKohaStack(NGINX_EDGE));
  const ingresses = json.resource.kubernetes_ingress_v1 as Record<string, Json>;

  test("passes the gate with no warning of the Ingress rules; the Ingresses validate against the schema", () => {
    expect(errors(json, "koha-k8s")).toEqual([]);
    expect(findings(json, "koha-k8s").filter((f) => ["K8S-018", "K8S-019", "K8S-020"].includes(f.ruleId))).toEqual([]);
    const objects = manifestsOf(json);
    expect(objects.filter((o) => o.manifest.kind === "Ingress")).toHaveLength(2);
    expect(manifestProblems(objects)).toEqual([]);
    expect(json.resource.cloudflare_zero_trust_tunnel_cloudflared).toBeUndefined();
  });

  test("one Ingress per hostname with TLS, HTTPS redirect and per-client limits; staff behind external auth", () => {
    const opac = ingresses.koha_koha_opac_example_org;
    const staff = ingresses.koha_koha_staff_example_org;
    expect(opac.spec).toMatchObject({ ingress_class_name: "nginx", tls: [{ hosts: ["opac.example.org"], secret_name: "public-tls" }] });
    expect(opac.spec.rule[0].http.path[0].backend.service).toEqual({ name: "koha", port: { number: 8080 } });
    expect(opac.metadata.annotations).toMatchObject({
      "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/limit-rps": "10",
      "nginx.ingress.kubernetes.io/limit-burst-multiplier": "5",
      "nginx.ingress.kubernetes.io/limit-connections": "20",
      "cert-manager.io/cluster-issuer": "letsencrypt",
    });
    expect(opac.metadata.annotations["nginx.ingress.kubernetes.io/auth-url"]).toBeUndefined();
    expect(staff.metadata.annotations).toMatchObject({ "nginx.ingress.kubernetes.io/auth-url": "https://sso.example.org/oauth2/auth", "nginx.ingress.kubernetes.io/auth-signin": "https://sso.example.org/oauth2/start" });
  });

  test("only the controller's pods reach the OPAC and staff ports", () => {
    const names = selecting(json, "koha").filter((p) => p.spec.policy_types.includes("Ingress")).map((p) => p.metadata.name);
    expect(names).toEqual(["allow-koha-8080-from-ingress-nginx", "allow-koha-8081-from-ingress-nginx"]);
    const from = selecting(json, "koha").find((p) => p.metadata.name === "allow-koha-8080-from-ingress-nginx")!.spec.ingress[0].from;
    expect(from).toEqual([{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, pod_selector: { match_labels: { "app.kubernetes.io/name": "ingress-nginx" } } }]);
  });

  test("removing TLS, the rate limit or staff's auth is caught, naming the Ingress and the workload", () => {
    const mutate = (f: (i: Json) => void) => {
      const m: Json = JSON.parse(JSON.stringify(json));
      f(m.resource.kubernetes_ingress_v1);
      return findings(m, "koha-k8s").filter((x) => !x.suppressed && ["K8S-018", "K8S-019", "K8S-020"].includes(x.ruleId));
    };
    expect(mutate((i) => { delete i.koha_koha_staff_example_org.spec.tls; }).map((f) => `${f.ruleId} ${f.severity} ${f.address}`)).toEqual(["K8S-018 error kubernetes_ingress_v1.koha_koha_staff_example_org"]);
    expect(mutate((i) => { delete i.koha_koha_opac_example_org.spec.tls; })[0].message).toMatch(/^Ingress koha\/koha-opac-example-org serves host opac\.example\.org without TLS, so Service koha \(StatefulSet koha\/koha\)/);
    expect(mutate((i) => { for (const k of Object.keys(i.koha_koha_opac_example_org.metadata.annotations)) if (k.includes("/limit-")) delete i.koha_koha_opac_example_org.metadata.annotations[k]; }).map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["K8S-019 warning"]);
    expect(mutate((i) => { delete i.koha_koha_staff_example_org.metadata.annotations["nginx.ingress.kubernetes.io/auth-url"]; }).map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["K8S-020 error"]);
  });
});

test("every `@default DEFAULT_X (value)` of the new constructs names an exported constant with that value", () => {
  const files = ["constructs/kubernetes/ingress.ts", "constructs/kubernetes/tunnel.ts", "stacks/kubernetes/edge.ts"];
  const source = files.map((f) => readFileSync(join(__dirname, "../..", f), "utf8")).join("\n");
  const cited = [...source.matchAll(/@default (DEFAULT_[A-Z_]+) \(([^)]*)\)/g)];
  expect(cited.length).toBeGreaterThanOrEqual(8);
  const table = { ...ingressModule, ...tunnelModule, ...edgeModule } as Record<string, unknown>;
  for (const [, name, shown] of cited) {
    expect(name in table ? "exported" : `${name} is cited but not exported`).toBe("exported");
    const value = table[name];
    const rendered = typeof value === "string" ? `"${value}"` : String(value);
    expect(shown.startsWith(rendered) ? "matches" : `${name}: the docs say (${shown}), the code has ${rendered}`).toBe("matches");
  }
});

describe("bad input names the construct, the prop and the fix", () => {
  test("the tunnel refuses a datastore, a workload of another namespace, an admin hostname without Access", () => {
    const { tunnel, db, web, stack } = tunnelFixture();
    expect(() => tunnel.addPublicService({ hostname: "db.example.org", workload: db, port: 5432 })).toThrow(/CloudflareTunnelIngress .*container "db" is a datastore .*Fix: publish only web applications/);
    expect(() => tunnel.addPublicService({ hostname: "admin.example.org", workload: web, port: 8080 })).toThrow(/access is missing, but "admin\.example\.org" is an admin-like hostname.*Fix: pass access/);
    expect(() => tunnel.addPublicService({ hostname: "www.other.org", workload: web, port: 8080 })).toThrow(/outside the zone's domain "example\.org"/);
    const other = new KubernetesNamespace(stack, "other", { name: "other", owner: "platform-team" });
    const stranger = new KubernetesWorkload(stack, "stranger", { service: webSpec({ name: "stranger" }), namespace: other, owner: "platform-team" });
    expect(() => tunnel.addPublicService({ hostname: "www.example.org", workload: stranger, port: 8080 })).toThrow(/KubernetesTunnelIngress edge\/tunnel: addPublicService\("www\.example\.org"\): workload "stranger" runs in namespace other, not in the connector's namespace apps\. Fix: /);
    expect(() => tunnel.addPublicService({ hostname: "www.example.org", workload: web, port: 9999 })).toThrow(/port 9999 is not a port service "web" listens on/);
  });

  test("the tunnel's own props", () => {
    const { stack, ns } = tunnelFixture();
    const base = { namespace: ns, owner: "platform-team", accountId: CLOUDFLARE.accountId, zoneId: CLOUDFLARE.zoneId, domain: CLOUDFLARE.domain };
    expect(() => new KubernetesTunnelIngress(stack, "t2", { ...base, replicas: 0 })).toThrow(/KubernetesTunnelIngress edge\/t2: replicas is 0\. Fix: use a whole number from 1 to 100/);
    expect(() => new KubernetesTunnelIngress(stack, "t3", { ...base, edgeCidrs: [] })).toThrow(/edgeCidrs is empty\. Fix: /);
    expect(() => new KubernetesTunnelIngress(stack, "t4", { ...base, connector: { name: "cf2" }, edgeCidrs: ["10.0.0.0/8"] })).toThrow(/allowEgressToCidrs\(cf2\)\.cidrs holds "10\.0\.0\.0\/8", which overlaps the non-public range 10\.0\.0\.0\/8/);
  });

  test("public ranges only for allowEgressToCidrs", () => {
    expect(CLOUDFLARE_TUNNEL_EDGE_CIDRS.map(publicCidrProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(publicCidrProblem("0.0.0.0/0")).toMatch(/most of the internet/);
    expect(publicCidrProblem("169.254.169.254/32")).toMatch(/169\.254\.0\.0\/16/);
    expect(publicCidrProblem("172.20.0.0/16")).toMatch(/172\.16\.0\.0\/12/);
    expect(publicCidrProblem("fd00::/8")).toMatch(/2000::\/3/);
    expect(publicCidrProblem("::1/128")).toMatch(/2000::\/3/);
    expect(publicCidrProblem("300.1.1.1/32")).toMatch(/not an IPv4 range/);
    expect(publicCidrProblem("example.org")).toMatch(/not a CIDR range/);
  });

  test("the Ingress refuses a missing TLS Secret, a datastore, an admin hostname without auth, plain-http auth, a duplicate host", () => {
    const stack = new TerraformStack(Testing.app(), "edge");
    kubernetesCluster(stack, { backend: LOCAL_BACKEND });
    const ns = new KubernetesNamespace(stack, "namespace", { name: "apps", owner: "platform-team" });
    const web = new KubernetesWorkload(stack, "web", { service: webSpec(), namespace: ns, owner: "platform-team" });
    const db = new KubernetesWorkload(stack, "db", { service: postgresProfile({ name: "db", password: Secret.named("db_password", "PostgreSQL password") }), namespace: ns, owner: "platform-team" });
    expect(() => new KubernetesIngress(stack, "i0", { namespace: ns, owner: "platform-team", tls: { secretName: "" } })).toThrow(/KubernetesIngress edge\/i0: tls\.secretName "" is not a Secret name\. Fix: /);
    expect(() => new KubernetesIngress(stack, "i1", { namespace: ns, owner: "platform-team", tls: { secretName: "tls" }, rateLimit: { requestsPerSecond: 0 } })).toThrow(/rateLimit\.requestsPerSecond is 0, not a whole number from 1 to 10000/);
    const ing = new KubernetesIngress(stack, "i2", { namespace: ns, owner: "platform-team", tls: { secretName: "tls" } });
    expect(() => ing.addRoute({ hostname: "db.example.org", workload: db, port: 5432 })).toThrow(/workload "db" is a datastore, which must never be reachable from the internet/);
    expect(() => ing.addRoute({ hostname: "grafana.example.org", workload: web, port: 8080 })).toThrow(/auth is missing, but "grafana\.example\.org" is an admin-like hostname.*Fix: pass auth/);
    expect(() => ing.addRoute({ hostname: "staff.example.org", workload: web, port: 8080, auth: { url: "http://sso/auth" } })).toThrow(/auth\.url "http:\/\/sso\/auth" is not an https URL/);
    expect(() => ing.addRoute({ hostname: "https://www.example.org", workload: web, port: 8080 })).toThrow(/is not a lower-case DNS name/);
    expect(() => ing.addRoute({ hostname: "www.example.org", workload: web, port: 1234 })).toThrow(/port 1234 is not a TCP port "web" declares \(8080\)/);
    ing.addRoute({ hostname: "www.example.org", workload: web, port: 8080 });
    ing.addRoute({ hostname: "app.example.org", workload: web, port: 8080 });
    expect(() => ing.addRoute({ hostname: "www.example.org", workload: web, port: 8080 })).toThrow(/"www\.example\.org" is routed twice/);
    const long = (tail: string) => `${"a".repeat(60)}.${tail}.example.org`;
    ing.addRoute({ hostname: long("one"), workload: web, port: 8080 });
    expect(() => ing.addRoute({ hostname: long("two"), workload: web, port: 8080 })).toThrow(/would get the Ingress name web-a+, which "a+\.one\.example\.org" already has/);
    const json = stackJson(stack);
    expect(Object.keys(json.resource.kubernetes_ingress_v1).sort()).toEqual([`apps_web_${"a".repeat(59)}`, "apps_web_app_example_org", "apps_web_www_example_org"]);
    expect(findings(json, "edge").filter((f) => ["K8S-018", "K8S-019", "K8S-020"].includes(f.ruleId))).toEqual([]);
    // Two hostnames of one workload and port: one NetworkPolicy for the controller.
    expect(Object.values(json.resource.kubernetes_network_policy_v1 as Record<string, Json>).filter((p) => p.metadata.name.includes("from-ingress-nginx")).map((p) => p.metadata.name)).toEqual(["allow-web-8080-from-ingress-nginx"]);
  });

  test("the stacks: a gated route needs adminAuth with ingress-nginx, an unknown `via`, and ingressFrom twice", () => {
    expect(() => publishedKohaStack({ ...NGINX_EDGE, adminAuth: undefined } as never)).toThrow(/koha-k8s: publish\.edge\.adminAuth is missing, but staff\.example\.org is an administrative interface.*Fix: /);
    expect(() => publishedKohaStack({ via: "traefik", cloudflare: CLOUDFLARE } as never)).toThrow(/publish\.edge\.via is "traefik"\. Fix: use "cloudflared"/);
    expect(() => kohaStack({ publish: { edge: NGINX_EDGE, opacHostname: "opac.example.org", staffHostname: "staff.example.org" } })).toThrow(/ingressFrom and publish\.edge \(ingress-nginx\) both admit the ingress controller\. Fix: leave ingressFrom out/);
    expect(() => singleServerStack({ publish: { edge: NGINX_EDGE, apiHostname: "api.example.org" } })).toThrow(/apiIngressFrom and publish\.edge \(ingress-nginx\) both admit/);
    expect(() => publishedKohaStack({ cloudflare: undefined } as never)).toThrow(/publish\.edge\.cloudflare is missing\. Fix: /);
  });
});
