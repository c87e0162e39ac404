/**
 * Mutation test over the reference stacks: for every hardening attribute our constructs set,
 * removing or flipping it in the synthesized JSON must produce a new unsuppressed finding at the
 * severity the catalog gives the guarding rule (an error everywhere, except swap and the nproc
 * ulimit, whose rules DOCKER-008 and DOCKER-011 the catalog makes warnings). The kill rate is
 * printed and must be 100%.
 */
import { checkStack } from "../../policy/engine";
import type { Finding, Severity } from "../../policy/types";
import { synthStackJson } from "../../policy/testing";
import { kohaStack, singleServerStack } from "../helpers/reference";
import { CLOUDFLARED_EDGE, NGINX_EDGE, publishedKohaStack, publishedSingleServerStack } from "../kubernetes/fixtures";

type Json = Record<string, any>;

interface Mutation {
  readonly name: string;
  /** Severity the catalog gives the rule that must catch it. */
  readonly expect: Severity;
  /** Applies only to some containers (e.g. datastores). */
  readonly when?: (c: Json) => boolean;
  apply(c: Json, stack: Json, name: string): void;
}

const isBackendOnly = (c: Json) => Array.isArray(c.networks_advanced) && c.networks_advanced.every((n: Json) => String(n.name).includes("backnet"));
/**
 * A config seeder (HardenedContainer.addFile): never started, network "none", and not read-only by
 * design (Docker refuses uploads into a read-only container; its DOCKER-004 is suppressed with that
 * reason), so the read-only and network mutations do not apply to it.
 */
const isService = (c: Json) => c.start !== false;

const MUTATIONS: readonly Mutation[] = [
  { name: "privileged = true", expect: "error", apply: (c) => { c.privileged = true; } },
  { name: "read_only removed", expect: "error", when: isService, apply: (c) => { delete c.read_only; } },
  { name: "read_only = false", expect: "error", when: isService, apply: (c) => { c.read_only = false; } },
  { name: "capabilities removed", expect: "error", apply: (c) => { delete c.capabilities; } },
  { name: "capabilities.drop emptied", expect: "error", apply: (c) => { c.capabilities.drop = []; } },
  { name: "capabilities.add SYS_ADMIN", expect: "error", apply: (c) => { c.capabilities.add = ["SYS_ADMIN"]; } },
  { name: "security_opts removed", expect: "error", apply: (c) => { delete c.security_opts; } },
  { name: "no-new-privileges:false", expect: "error", apply: (c) => { c.security_opts = ["no-new-privileges:false"]; } },
  { name: "seccomp=unconfined added", expect: "error", apply: (c) => { c.security_opts = [...c.security_opts, "seccomp=unconfined"]; } },
  { name: "user removed", expect: "error", apply: (c) => { delete c.user; } },
  { name: "user = root", expect: "error", apply: (c) => { c.user = "root"; } },
  { name: "user = 0:0", expect: "error", apply: (c) => { c.user = "0:0"; } },
  { name: "memory removed", expect: "error", apply: (c) => { delete c.memory; } },
  { name: "memory = 0", expect: "error", apply: (c) => { c.memory = 0; } },
  { name: "memory_swap removed", expect: "warning", apply: (c) => { delete c.memory_swap; } },
  { name: "memory_swap = -1", expect: "warning", apply: (c) => { c.memory_swap = -1; } },
  { name: "every CPU limit removed", expect: "error", apply: (c) => { delete c.cpu_shares; delete c.cpu_quota; delete c.cpu_period; } },
  { name: "cpus set (provider 3.6.2 panics)", expect: "error", apply: (c) => { c.cpus = "1.5"; } },
  { name: "ulimit removed", expect: "warning", apply: (c) => { delete c.ulimit; } },
  { name: "healthcheck removed", expect: "error", apply: (c) => { delete c.healthcheck; } },
  { name: "healthcheck NONE", expect: "error", apply: (c) => { c.healthcheck = { test: ["NONE"] }; } },
  { name: "restart removed", expect: "error", apply: (c) => { delete c.restart; } },
  { name: "restart = no", expect: "error", apply: (c) => { c.restart = "no"; } },
  { name: "log_opts removed", expect: "error", apply: (c) => { delete c.log_opts; } },
  { name: "log max-file removed", expect: "error", apply: (c) => { delete c.log_opts["max-file"]; } },
  { name: "networks_advanced removed (default bridge)", expect: "error", when: isService, apply: (c) => { delete c.networks_advanced; } },
  { name: "network_mode = host", expect: "error", apply: (c) => { c.network_mode = "host"; } },
  { name: "pid_mode = host", expect: "error", apply: (c) => { c.pid_mode = "host"; } },
  { name: "port published on all interfaces", expect: "error", apply: (c) => { c.ports = [...(c.ports ?? []), { internal: 8443, external: 18443 }]; } },
  { name: "loopback port moved to 0.0.0.0", expect: "error", when: (c) => Array.isArray(c.ports), apply: (c) => { c.ports = c.ports.map((p: Json) => ({ ...p, ip: "0.0.0.0" })); } },
  { name: "publish_all_ports = true", expect: "error", apply: (c) => { c.publish_all_ports = true; } },
  { name: "image tag -> latest", expect: "error", apply: (c, stack) => {
      const ref = /^\$\{docker_image\.([\w-]+)\.image_id\}$/.exec(c.image)!;
      const img = stack.resource.docker_image[ref[1]];
      img.name = img.name.replace(/:[^:/@]+(@.*)?$/, ":latest$1");
    } },
  { name: "literal secret in env", expect: "error", apply: (c) => { c.env = [...(c.env ?? []), "DB_PASSWORD=hunter2hunter2"]; } },
  { name: "secret reference replaced by a literal", expect: "error", when: (c) => (c.env ?? []).some((e: string) => e.includes("${var.")), apply: (c) => {
      c.env = c.env.map((e: string) => e.replace(/\$\{var\.[a-z_]+\}/, "literal-value-123"));
    } },
  // What Monitoring did before addFile: Docker refuses it at apply (e2e/uploads.ts).
  { name: "upload block on the read-only service", expect: "error", when: isService, apply: (c) => { c.upload = [...(c.upload ?? []), { file: "/etc/app/app.yml", content: "a: 1\n" }]; } },
  { name: "docker.sock bind-mounted", expect: "error", apply: (c) => { c.volumes = [...(c.volumes ?? []), { host_path: "/var/run/docker.sock", container_path: "/var/run/docker.sock" }]; } },
  { name: "backend service moved to frontnet", expect: "error", when: isBackendOnly, apply: (c) => {
      c.networks_advanced = c.networks_advanced.map((n: Json) => ({ ...n, name: String(n.name).replace("backnet", "frontnet") }));
    } },
  { name: "backnet made non-internal", expect: "error", when: isBackendOnly, apply: (_c, stack) => {
      for (const n of Object.values(stack.resource.docker_network) as Json[]) n.internal = false;
    } },
];

function unsuppressed(findings: readonly Finding[], address: string, severity: Severity): Set<string> {
  const rank = { error: 0, warning: 1, info: 2 };
  return new Set(
    findings
      .filter((f) => !f.suppressed && rank[f.severity] <= rank[severity])
      .map((f) => `${f.ruleId}|${f.severity}|${f.address}|${f.message}`)
      .filter((k) => k.includes(`|${address}|`) || !k.includes("|docker_container.")),
  );
}

describe("mutation test over the reference stacks", () => {
  const stacks: Array<[string, Json]> = [
    ["koha", synthStackJson(kohaStack())],
    ["single-server", synthStackJson(singleServerStack())],
  ];
  const results: Array<{ stack: string; container: string; mutation: string; killed: boolean; by: string[] }> = [];

  for (const [stackName, json] of stacks) {
    for (const name of Object.keys(json.resource.docker_container)) {
      const address = `docker_container.${name}`;
      for (const m of MUTATIONS) {
        if (m.when && !m.when(json.resource.docker_container[name])) continue;
        const mutated: Json = structuredClone(json);
        const baseline = unsuppressed(checkStack({ stack: stackName, file: "x", json }).findings, address, m.expect);
        m.apply(mutated.resource.docker_container[name], mutated, name);
        const after = unsuppressed(checkStack({ stack: stackName, file: "x", json: mutated }).findings, address, m.expect);
        const fresh = [...after].filter((k) => !baseline.has(k)).map((k) => k.split("|").slice(0, 2).join(" "));
        results.push({ stack: stackName, container: name, mutation: m.name, killed: fresh.length > 0, by: fresh });
      }
    }
  }

  test("every mutation of every container is killed (100%)", () => {
    const killed = results.filter((r) => r.killed).length;
    const rate = ((100 * killed) / results.length).toFixed(1);
    process.stdout.write(`mutation kill rate: ${killed}/${results.length} = ${rate}% over ${MUTATIONS.length} mutation kinds\n`);
    const survivors = results.filter((r) => !r.killed).map((r) => `${r.stack}/${r.container}: ${r.mutation}`);
    expect(survivors).toEqual([]);
    expect(results.length).toBeGreaterThan(MUTATIONS.length * 5);
  });

  test("each mutation kind is killed by the rule one would expect", () => {
    const byKind = new Map<string, Set<string>>();
    for (const r of results) for (const b of r.by) byKind.set(r.mutation, (byKind.get(r.mutation) ?? new Set()).add(b.split(" ")[0]));
    expect(byKind.get("privileged = true")).toContain("DOCKER-001");
    expect(byKind.get("read_only = false")).toContain("DOCKER-004");
    expect(byKind.get("memory_swap removed")).toContain("DOCKER-008");
    expect(byKind.get("ulimit removed")).toContain("DOCKER-011");
    expect(byKind.get("cpus set (provider 3.6.2 panics)")).toContain("DOCKER-010");
    expect(byKind.get("backend service moved to frontnet")).toContain("NET-001");
    expect(byKind.get("image tag -> latest")).toContain("DOCKER-022");
    expect(byKind.get("upload block on the read-only service")).toContain("DOCKER-033");
  });
});

// --- Kubernetes: the way in ------------------------------------------------------------------


interface EdgeMutation {
  readonly name: string;
  readonly expect: Severity;
  /** The rule that must catch it. */
  readonly rule: string;
  /** Text the finding must contain: the workload behind the Ingress, or the connector. */
  readonly names: string;
  apply(stack: Json): void;
}

const ingressOf = (stack: Json, host: string) => Object.values(stack.resource.kubernetes_ingress_v1 as Record<string, Json>).find((i) => i.spec.rule[0].host === host)!;
const nginx = (k: string) => `nginx.ingress.kubernetes.io/${k}`;

/** Each removes or weakens one attribute KubernetesIngress or KubernetesTunnelIngress sets. */
const EDGE_MUTATIONS: ReadonlyArray<readonly [string, () => Json, readonly EdgeMutation[]]> = [
  ["koha-k8s (ingress-nginx)", () => synthStackJson(publishedKohaStack(NGINX_EDGE)), [
    { name: "OPAC TLS removed", expect: "error", rule: "K8S-018", names: "StatefulSet koha/koha", apply: (s) => { delete ingressOf(s, "opac.example.org").spec.tls; } },
    { name: "staff TLS Secret removed", expect: "error", rule: "K8S-018", names: "StatefulSet koha/koha", apply: (s) => { delete ingressOf(s, "staff.example.org").spec.tls[0].secret_name; } },
    { name: "TLS for another host", expect: "error", rule: "K8S-018", names: "StatefulSet koha/koha", apply: (s) => { ingressOf(s, "opac.example.org").spec.tls[0].hosts = ["www.example.org"]; } },
    { name: "HTTPS redirect off", expect: "error", rule: "K8S-018", names: "StatefulSet koha/koha", apply: (s) => { ingressOf(s, "opac.example.org").metadata.annotations[nginx("force-ssl-redirect")] = "false"; } },
    { name: "rate limit removed", expect: "warning", rule: "K8S-019", names: "StatefulSet koha/koha", apply: (s) => {
        const a = ingressOf(s, "opac.example.org").metadata.annotations;
        for (const k of ["limit-rps", "limit-connections", "limit-burst-multiplier"]) delete a[nginx(k)];
      } },
    { name: "rate limit 0", expect: "warning", rule: "K8S-019", names: "StatefulSet koha/koha", apply: (s) => {
        const a = ingressOf(s, "staff.example.org").metadata.annotations;
        a[nginx("limit-rps")] = "0";
        delete a[nginx("limit-connections")];
      } },
    { name: "staff auth removed", expect: "error", rule: "K8S-020", names: "StatefulSet koha/koha", apply: (s) => { delete ingressOf(s, "staff.example.org").metadata.annotations[nginx("auth-url")]; } },
  ]],
  ["koha-k8s (cloudflared)", () => synthStackJson(publishedKohaStack(CLOUDFLARED_EDGE)), [
    { name: "staff Access application removed", expect: "error", rule: "CF-005", names: "staff.example.org", apply: (s) => { delete s.resource.cloudflare_zero_trust_access_application; } },
    { name: "origin Access check removed", expect: "warning", rule: "CF-009", names: "staff.example.org", apply: (s) => {
        for (const r of s.resource.cloudflare_zero_trust_tunnel_cloudflared_config.tunnel.config.ingress) delete r.origin_request;
      } },
    { name: "tunnel token as a literal", expect: "error", rule: "K8S-011", names: "Deployment koha/cloudflared", apply: (s) => {
        s.resource.kubernetes_deployment_v1.koha_cloudflared.spec.template.spec.container[0].env = [{ name: "TUNNEL_TOKEN", value: "eyJhIjoiMDEyMzQ1Njc4OWFiY2RlZiJ9" }];
      } },
    { name: "connector runs as root", expect: "error", rule: "K8S-004", names: "Deployment koha/cloudflared", apply: (s) => { s.resource.kubernetes_deployment_v1.koha_cloudflared.spec.template.spec.container[0].security_context.run_as_user = "0"; } },
  ]],
  ["single-server-k8s (cloudflared)", () => synthStackJson(publishedSingleServerStack(CLOUDFLARED_EDGE)), [
    { name: "catch-all removed", expect: "error", rule: "CF-002", names: "tunnel", apply: (s) => { s.resource.cloudflare_zero_trust_tunnel_cloudflared_config.tunnel.config.ingress.pop(); } },
  ]],
];

describe("mutation test over the Kubernetes way in (Ingress and tunnel connector)", () => {
  const rank = { error: 0, warning: 1, info: 2 };
  const active = (stack: string, json: Json, severity: Severity) =>
    checkStack({ stack, file: "x", json }).findings.filter((f) => !f.suppressed && rank[f.severity] <= rank[severity]).map((f) => `${f.ruleId}|${f.severity}|${f.message}`);

  describe.each(EDGE_MUTATIONS)("%s", (stackName, synth, mutations) => {
    const json = synth();
    test.each(mutations.map((m) => [m.name, m] as const))("%s is killed by the expected rule, naming what it exposes", (_, m) => {
      const before = new Set(active(stackName, json, m.expect));
      const mutated: Json = structuredClone(json);
      m.apply(mutated);
      const fresh = active(stackName, mutated, m.expect).filter((k) => !before.has(k));
      const hits = fresh.filter((k) => k.startsWith(`${m.rule}|${m.expect}|`) && k.includes(m.names));
      expect({ mutation: m.name, killed: hits.length > 0, fresh }).toEqual({ mutation: m.name, killed: true, fresh });
    });
  });
});
