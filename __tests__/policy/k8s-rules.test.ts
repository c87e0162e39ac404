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

/** A namespace with default deny, a web Deployment (2 replicas + PDB) and a datastore reachable only from web. */
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
    },
  };
}

const web = (j: Json) => j.resource.kubernetes_deployment_v1.web;
const webPod = (j: Json) => web(j).spec.template.spec;
const webC = (j: Json) => webPod(j).container[0];

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

  test("key material words", () => {
    expect(looksLikeKeyMaterial("/etc/app/tls")).toBe(true);
    expect(looksLikeKeyMaterial("/home/app/.ssh")).toBe(true);
    expect(looksLikeKeyMaterial("/var/lib/apikeys")).toBe(true);
    expect(looksLikeKeyMaterial("/var/cache/koha")).toBe(false);
    expect(looksLikeKeyMaterial("/tmp")).toBe(false);
  });
});
