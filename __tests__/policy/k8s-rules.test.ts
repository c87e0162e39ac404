/**
 * K8S rules: a compliant and a non-compliant fixture for every rule, written as plain Terraform
 * JSON (hashicorp/kubernetes resources as anyone would write them, not through our constructs),
 * plus the same pod as a `kubernetes_manifest`.
 */
import { findings } from "../kubernetes/policy";
import { RULES } from "../../policy/rules/k8s";
import { looksLikeKeyMaterial } from "../../policy/rules/k8s/k8s-015-key-material-on-disk";

type Json = Record<string, any>;

const NS = "${kubernetes_namespace_v1.apps.metadata[0].name}";

function container(name: string, image: string): Json {
  return {
    name,
    image,
    env: [{ name: "DB_PASSWORD", value_from: { secret_key_ref: { name: "apps-secrets", key: "db_password" } } }],
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    security_context: {
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      run_as_user: "10001",
      capabilities: { drop: ["ALL"] },
    },
    liveness_probe: { exec: { command: ["true"] } },
    readiness_probe: { exec: { command: ["true"] } },
    volume_mount: [{ name: "tmp", mount_path: "/tmp" }],
  };
}

function podSpec(c: Json): Json {
  return {
    automount_service_account_token: false,
    security_context: { run_as_non_root: true, run_as_user: "10001", seccomp_profile: { type: "RuntimeDefault" } },
    container: [c],
    volume: [{ name: "tmp", empty_dir: { medium: "Memory", size_limit: "64Mi" } }],
  };
}

/** An ingress-nginx Ingress for web: TLS for its host, a per-client rate limit. */
function ingress(host = "www.example.org"): Json {
  return {
    metadata: {
      name: "web",
      namespace: NS,
      annotations: { "nginx.ingress.kubernetes.io/limit-rps": "10", "nginx.ingress.kubernetes.io/limit-connections": "20" },
    },
    spec: {
      ingress_class_name: "nginx",
      tls: [{ hosts: [host], secret_name: "web-tls" }],
      rule: [{ host, http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: "web", port: { number: 8080 } } } }] } }],
    },
  };
}

/** A namespace with default deny, a web Deployment (2 replicas + PDB) published by an Ingress, and a datastore reachable only from web. */
function compliant(): Json {
  const labels = (n: string, role: string) => ({ "app.kubernetes.io/name": n, "bulwark.role": role });
  return {
    variable: { db_password: { type: "string", sensitive: true } },
    resource: {
      kubernetes_namespace_v1: { apps: { metadata: { name: "apps" } } },
      kubernetes_network_policy_v1: {
        deny: { metadata: { name: "default-deny", namespace: NS }, spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] } },
        db_from_web: {
          metadata: { name: "db-from-web", namespace: NS },
          spec: {
            pod_selector: { match_labels: { "app.kubernetes.io/name": "db" } },
            policy_types: ["Ingress"],
            ingress: [{ from: [{ pod_selector: { match_labels: { "app.kubernetes.io/name": "web" } } }], ports: [{ port: "5432", protocol: "TCP" }] }],
          },
        },
      },
      kubernetes_deployment_v1: {
        web: {
          metadata: { name: "web", namespace: NS },
          spec: {
            replicas: "2",
            selector: { match_labels: { "app.kubernetes.io/name": "web" } },
            template: { metadata: { labels: labels("web", "app") }, spec: podSpec(container("web", "ghcr.io/example/web:1.2.3@sha256:" + "a".repeat(64))) },
          },
        },
      },
      kubernetes_stateful_set_v1: {
        db: {
          metadata: { name: "db", namespace: NS },
          spec: {
            service_name: "db",
            selector: { match_labels: { "app.kubernetes.io/name": "db" } },
            template: { metadata: { labels: labels("db", "datastore") }, spec: podSpec(container("db", "postgres:18.4@sha256:" + "b".repeat(64))) },
          },
        },
      },
      kubernetes_pod_disruption_budget_v1: {
        web: { metadata: { name: "web", namespace: NS }, spec: { max_unavailable: "1", selector: { match_labels: { "app.kubernetes.io/name": "web" } } } },
      },
      kubernetes_secret_v1: { secrets: { metadata: { name: "apps-secrets", namespace: NS }, data: { db_password: "${var.db_password}" } } },
      kubernetes_service_v1: { web: { metadata: { name: "web", namespace: NS }, spec: { selector: { "app.kubernetes.io/name": "web" }, port: [{ port: 8080, target_port: "8080" }] } } },
      kubernetes_ingress_v1: { web: ingress() },
    },
  };
}

const web = (j: Json) => j.resource.kubernetes_deployment_v1.web;
const webPod = (j: Json) => web(j).spec.template.spec;
const webC = (j: Json) => webPod(j).container[0];
const ing = (j: Json) => j.resource.kubernetes_ingress_v1.web;

/** rule → mutation that must produce an unsuppressed finding of that rule (at its headline severity). */
const NON_COMPLIANT: Record<string, (j: Json) => void> = {
  "K8S-001": (j) => { webC(j).security_context.privileged = true; },
  "K8S-002": (j) => { webPod(j).host_pid = true; },
  "K8S-003": (j) => { webPod(j).volume.push({ name: "docker", host_path: { path: "/var/run/docker.sock" } }); },
  "K8S-004": (j) => { delete webC(j).security_context.run_as_non_root; delete webPod(j).security_context.run_as_non_root; },
  "K8S-005": (j) => { delete webC(j).security_context.read_only_root_filesystem; },
  "K8S-006": (j) => { webC(j).security_context.allow_privilege_escalation = true; },
  "K8S-007": (j) => { webC(j).security_context.capabilities = { drop: ["ALL"], add: ["NET_RAW"] }; },
  "K8S-008": (j) => { delete webC(j).resources.limits; },
  "K8S-009": (j) => { delete webC(j).readiness_probe; },
  "K8S-010": (j) => { webC(j).image = "ghcr.io/example/web:latest"; },
  "K8S-011": (j) => { webC(j).env.push({ name: "API_TOKEN", value: "s3cr3t-value-here" }); },
  "K8S-012": (j) => { delete j.resource.kubernetes_network_policy_v1.deny; },
  "K8S-013": (j) => { j.resource.kubernetes_network_policy_v1.db_from_web.spec.ingress[0].from = [{ namespace_selector: {} }]; },
  "K8S-014": (j) => { web(j).spec.replicas = "1"; delete j.resource.kubernetes_pod_disruption_budget_v1; },
  "K8S-015": (j) => { webPod(j).volume.push({ name: "certs", empty_dir: {} }); webC(j).volume_mount.push({ name: "certs", mount_path: "/etc/app/tls" }); },
  "K8S-016": (j) => { webPod(j).security_context.seccomp_profile = { type: "Unconfined" }; },
  "K8S-017": (j) => { delete webPod(j).automount_service_account_token; },
  "K8S-018": (j) => { delete ing(j).spec.tls; },
  "K8S-019": (j) => { ing(j).metadata.annotations = {}; },
  "K8S-020": (j) => { j.resource.kubernetes_ingress_v1.web = ingress("staff.example.org"); },
};

const active = (json: Json) => findings(json).filter((f) => f.ruleId.startsWith("K8S-") && !f.suppressed && f.severity !== "info");

describe("K8S rules", () => {
  test("every rule has a fixture, and the declarations are complete", () => {
    expect(Object.keys(NON_COMPLIANT).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const r of RULES) {
      expect(r.meta.references.length).toBeGreaterThan(0);
      expect(r.meta.pack).toBe("kubernetes-runtime");
    }
  });

  test("the compliant fixture has no finding", () => {
    expect(active(compliant()).map((f) => `${f.ruleId} ${f.address} ${f.message}`)).toEqual([]);
  });

  test.each(Object.keys(NON_COMPLIANT))("%s: non-compliant fixture is reported", (id) => {
    const j = compliant();
    NON_COMPLIANT[id](j);
    const rule = RULES.find((r) => r.meta.id === id)!;
    const hits = active(j).filter((f) => f.ruleId === id);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].severity).toBe(rule.meta.severity);
    expect(hits[0].message).toMatch(/Fix: /);
    // No other K8S rule fires for a one-attribute change: the rules do not overlap.
    expect([...new Set(active(j).map((f) => f.ruleId))]).toEqual([id]);
  });

  test("suppressions apply to K8S findings", () => {
    const j = compliant();
    NON_COMPLIANT["K8S-005"](j);
    web(j)["//"] = { bulwark: { suppressions: [{ rule: "K8S-005", reason: "legacy image rewrites /etc at start" }] } };
    const f = findings(j).find((x) => x.ruleId === "K8S-005")!;
    expect(f).toMatchObject({ suppressed: true, address: "kubernetes_deployment_v1.web" });
  });

  test("kubernetes_manifest workloads and non-v1 types are judged alike", () => {
    const j = compliant();
    const body = j.resource.kubernetes_deployment_v1.web;
    delete j.resource.kubernetes_deployment_v1;
    j.resource.kubernetes_deployment = { web: JSON.parse(JSON.stringify(body)) };
    j.resource.kubernetes_deployment.web.spec.template.spec.container[0].security_context.privileged = true;
    expect(active(j).map((f) => `${f.ruleId} ${f.address}`)).toEqual(["K8S-001 kubernetes_deployment.web"]);

    const m = compliant();
    delete m.resource.kubernetes_deployment_v1;
    delete m.resource.kubernetes_pod_disruption_budget_v1;
    m.resource.kubernetes_manifest = {
      web: { manifest: { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "apps" }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } },
    };
    const ids = [...new Set(active(m).filter((f) => f.address === "kubernetes_manifest.web").map((f) => f.ruleId))].sort();
    expect(ids).toEqual(["K8S-004", "K8S-005", "K8S-006", "K8S-007", "K8S-008", "K8S-009", "K8S-010", "K8S-016", "K8S-017"]);
  });

  test("an unresolved reference is an info, never a silent pass or a claimed failure", () => {
    const j = compliant();
    webC(j).security_context.privileged = "${var.privileged}";
    const f = findings(j).filter((x) => x.ruleId === "K8S-001");
    expect(f).toEqual([expect.objectContaining({ severity: "info" })]);
  });

  test("Ingress findings name the workload behind the backend Service", () => {
    const j = compliant();
    NON_COMPLIANT["K8S-018"](j);
    const f = active(j).find((x) => x.ruleId === "K8S-018")!;
    expect(f).toMatchObject({ address: "kubernetes_ingress_v1.web", severity: "error" });
    expect(f.message).toContain("Ingress apps/web serves host www.example.org without TLS, so Service web (Deployment apps/web) is reachable over plain HTTP");
  });

  test("K8S-018: a wildcard certificate covers one label; a host outside it, a host-less rule or a turned-off redirect do not pass", () => {
    const wild = compliant();
    ing(wild).spec.tls = [{ hosts: ["*.example.org"], secret_name: "wild-tls" }];
    expect(active(wild).filter((f) => f.ruleId === "K8S-018")).toEqual([]);
    ing(wild).spec.rule.push({ host: "a.b.example.org", http: { path: [{ path: "/", backend: { service: { name: "web", port: { number: 8080 } } } }] } });
    expect(active(wild).filter((f) => f.ruleId === "K8S-018").map((f) => f.message)).toEqual([expect.stringContaining("host a.b.example.org without TLS")]);

    const hostless = compliant();
    delete ing(hostless).spec.rule[0].host;
    expect(active(hostless).filter((f) => f.ruleId === "K8S-018").map((f) => f.message)).toEqual([expect.stringContaining("every host")]);

    const noSecret = compliant();
    delete ing(noSecret).spec.tls[0].secret_name;
    expect(active(noSecret).some((f) => f.ruleId === "K8S-018")).toBe(true);

    const redirectOff = compliant();
    ing(redirectOff).metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false";
    expect(active(redirectOff).filter((f) => f.ruleId === "K8S-018").map((f) => f.message)).toEqual([expect.stringContaining("ssl-redirect: \"false\"")]);
  });

  test("K8S-019: zero or non-numeric limits do not count; another controller's Ingress is an info", () => {
    const zero = compliant();
    ing(zero).metadata.annotations = { "nginx.ingress.kubernetes.io/limit-rps": "0", "nginx.ingress.kubernetes.io/limit-rpm": "lots" };
    expect(active(zero).filter((f) => f.ruleId === "K8S-019")).toHaveLength(1);
    const rpm = compliant();
    ing(rpm).metadata.annotations = { "nginx.ingress.kubernetes.io/limit-rpm": "600" };
    expect(active(rpm).filter((f) => f.ruleId === "K8S-019")).toEqual([]);
    const traefik = compliant();
    ing(traefik).spec.ingress_class_name = "traefik";
    ing(traefik).metadata.annotations = {};
    expect(findings(traefik).filter((f) => f.ruleId === "K8S-019").map((f) => f.severity)).toEqual(["info"]);
  });

  test("K8S-020: external auth, basic auth with a Secret or client certificates pass; basic auth without a Secret does not", () => {
    const withAuth = (annotations: Record<string, string>) => {
      const j = compliant();
      NON_COMPLIANT["K8S-020"](j);
      Object.assign(ing(j).metadata.annotations, annotations);
      return active(j).filter((f) => f.ruleId === "K8S-020").length;
    };
    expect(withAuth({ "nginx.ingress.kubernetes.io/auth-url": "https://sso.example.org/oauth2/auth" })).toBe(0);
    expect(withAuth({ "nginx.ingress.kubernetes.io/auth-type": "basic", "nginx.ingress.kubernetes.io/auth-secret": "staff-users" })).toBe(0);
    expect(withAuth({ "nginx.ingress.kubernetes.io/auth-tls-verify-client": "on" })).toBe(0);
    expect(withAuth({ "nginx.ingress.kubernetes.io/auth-type": "basic" })).toBe(1);
    expect(withAuth({ "nginx.ingress.kubernetes.io/auth-tls-verify-client": "optional" })).toBe(1);
  });

  test("an Ingress written as a kubernetes_manifest is judged alike", () => {
    const j = compliant();
    delete j.resource.kubernetes_ingress_v1;
    j.resource.kubernetes_manifest = {
      staff: {
        manifest: {
          apiVersion: "networking.k8s.io/v1",
          kind: "Ingress",
          metadata: { name: "staff", namespace: "apps" },
          spec: { ingressClassName: "nginx", rules: [{ host: "staff.example.org", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 8080 } } } }] } }] },
        },
      },
    };
    expect([...new Set(active(j).filter((f) => f.address === "kubernetes_manifest.staff").map((f) => f.ruleId))].sort()).toEqual(["K8S-018", "K8S-019", "K8S-020"]);
  });

  test("key material words", () => {
    expect(looksLikeKeyMaterial("/etc/app/tls")).toBe(true);
    expect(looksLikeKeyMaterial("/home/app/.ssh")).toBe(true);
    expect(looksLikeKeyMaterial("/var/lib/apikeys")).toBe(true);
    expect(looksLikeKeyMaterial("/var/cache/koha")).toBe(false);
    expect(looksLikeKeyMaterial("/tmp")).toBe(false);
  });
});
