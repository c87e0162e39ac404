import { Secret } from "../../constructs/core/secret";
import { KubernetesWorkload } from "../../constructs/kubernetes/workload";
import { KubernetesNamespace } from "../../constructs/kubernetes/namespace";
import { postgresProfile } from "../../constructs/profiles";
import { Duration } from "../../constructs/service/units";
import { webSpec } from "../helpers/stack";
import { k8sTestStack } from "./fixtures";
import { manifestProblems, manifestsOf, unknownFields } from "./manifests";
import { errors, findings, stackJson } from "./policy";

type Json = Record<string, any>;

function webAndDb() {
  const { stack, ns } = k8sTestStack();
  const pw = Secret.named("db_password", "PostgreSQL password");
  const db = new KubernetesWorkload(stack, "db", { service: postgresProfile({ name: "db", password: pw }), namespace: ns, owner: "platform-team" });
  const web = new KubernetesWorkload(stack, "web", {
    service: webSpec({ secretEnv: { DB_PASSWORD: pw }, env: { LOG_LEVEL: "info" }, stopGracePeriod: Duration.seconds(20) }),
    namespace: ns,
    owner: "platform-team",
  });
  ns.connect(web, db);
  return { stack, ns, db, web, json: stackJson(stack) };
}

describe("KubernetesWorkload", () => {
  const { json, web, db } = webAndDb();
  const deployment: Json = json.resource.kubernetes_deployment_v1.apps_web;
  const sts: Json = json.resource.kubernetes_stateful_set_v1.apps_db;
  const pod: Json = deployment.spec.template.spec;
  const container: Json = pod.container[0];

  test("stateless roles render as a Deployment, datastores as a StatefulSet with a retained claim per data volume", () => {
    expect(web.kind).toBe("Deployment");
    expect(db.kind).toBe("StatefulSet");
    expect(sts.spec.volume_claim_template).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name: "data" }), spec: { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } }),
    ]);
    expect(sts.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: "Retain", when_scaled: "Retain" }]);
    expect(sts.spec.service_name).toBe("db-headless");
    expect(json.resource.kubernetes_service_v1.apps_db_headless.spec.cluster_ip).toBe("None");
    expect(sts.spec.template.spec.container[0].volume_mount).toContainEqual({ name: "data", mount_path: "/var/lib/postgresql" });
  });

  test("pod and container security context carry the Docker hardening", () => {
    expect(container.security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      run_as_user: "10001",
      run_as_group: "10001",
      capabilities: { drop: ["ALL"] },
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "10001", run_as_group: "10001", fs_group: "10001", seccomp_profile: { type: "RuntimeDefault" } });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.enable_service_links).toBe(false);
    expect(pod.termination_grace_period_seconds).toBe(20);
  });

  test("writable paths are memory-backed emptyDirs sized from the spec", () => {
    expect(pod.volume).toEqual([{ name: "w-tmp", empty_dir: { medium: "Memory", size_limit: "64Mi" } }]);
    expect(container.volume_mount).toEqual([{ name: "w-tmp", mount_path: "/tmp" }]);
  });

  test("requests and limits from the resource spec (cpu shares as the same cgroup weight)", () => {
    expect(container.resources).toEqual({ requests: { cpu: "1000m", memory: "256Mi" }, limits: { memory: "256Mi" } });
  });

  test("startup, readiness and liveness probes run the health command with the spec's timing", () => {
    const exec = { command: ["wget", "-q", "-T", "4", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"] };
    expect(container.liveness_probe).toEqual({ exec, period_seconds: 30, timeout_seconds: 5, failure_threshold: 3, success_threshold: 1 });
    expect(container.readiness_probe).toEqual({ exec, period_seconds: 10, timeout_seconds: 5, failure_threshold: 3, success_threshold: 1 });
    // 30 s start period at 10 s, then the 3 retries.
    expect(container.startup_probe).toEqual({ exec, period_seconds: 10, timeout_seconds: 5, failure_threshold: 6, success_threshold: 1 });
  });

  test("secrets are Secret key references; the Secret's data comes from a sensitive variable, write-only", () => {
    expect(container.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", value_from: { secret_key_ref: { name: "apps-secrets", key: "db_password", optional: false } } },
    ]);
    const secret: Json = json.resource.kubernetes_secret_v1.apps_secrets;
    expect(secret.data_wo).toEqual({ db_password: "${var.db_password}" });
    expect(secret.data).toBeUndefined();
    expect(json.variable.db_password).toMatchObject({ sensitive: true, type: "string" });
    expect(JSON.stringify(json)).not.toMatch(/"value":\s*"\$\{var\./);
  });

  test("a Service with every declared port, labels with the role", () => {
    const svc: Json = json.resource.kubernetes_service_v1.apps_web_service;
    expect(svc.metadata.name).toBe("web");
    expect(svc.spec).toEqual({ type: "ClusterIP", selector: { "app.kubernetes.io/name": "web" }, port: [{ name: "http", port: 8080, target_port: "http", protocol: "TCP" }] });
    expect(deployment.metadata.labels).toMatchObject({ "bulwark.role": "app", "app.kubernetes.io/name": "web" });
    expect(sts.metadata.labels).toMatchObject({ "bulwark.role": "datastore", "bulwark.tier": "back" });
  });

  test("Deployments: zero-downtime rolling update, autoscaler and disruption budget", () => {
    expect(deployment.spec.replicas).toBe("2");
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rolling_update: { max_surge: "1", max_unavailable: "0" } });
    expect(json.resource.kubernetes_horizontal_pod_autoscaler_v2.apps_web_autoscaler.spec).toEqual({
      min_replicas: 2,
      max_replicas: 4,
      scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: "web" },
      metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } }],
    });
    expect(json.resource.kubernetes_pod_disruption_budget_v1.apps_web_pdb.spec).toEqual({ max_unavailable: "1", selector: { match_labels: { "app.kubernetes.io/name": "web" } } });
    expect(json.resource.kubernetes_horizontal_pod_autoscaler_v2.apps_db_autoscaler).toBeUndefined();
  });

  test("facts without a Kubernetes field are reported, not dropped", () => {
    expect(web.unexpressed.map((f) => f.field)).toEqual(["resources.maxProcesses", "resources.maxOpenFiles", "writablePaths[/tmp].mode", "writablePaths[/tmp].exec"]);
    expect(deployment.metadata.annotations["bulwark.unexpressed"]).toContain("resources.maxProcesses=512: Kubernetes has no per-pod process limit");
  });

  test("network policies: default deny, DNS, and the one connection", () => {
    const names = Object.values(json.resource.kubernetes_network_policy_v1 as Record<string, Json>).map((p) => p.metadata.name).sort();
    expect(names).toEqual(["allow-db-from-web", "allow-dns", "allow-web-to-db", "default-deny"]);
  });

  test("every rendered object validates against the Kubernetes schemas, with no unknown field", () => {
    const objects = manifestsOf(json);
    expect(objects.map((o) => o.manifest.kind).sort()).toEqual([
      "Deployment", "HorizontalPodAutoscaler", "Namespace", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy",
      "PodDisruptionBudget", "Secret", "Service", "Service", "Service", "StatefulSet",
    ]);
    expect(manifestProblems(objects)).toEqual([]);
  });

  test("the unknown-field check finds what kubernetes-models accepts", () => {
    const d = manifestsOf(json).find((o) => o.manifest.kind === "Deployment")!.manifest as Json;
    const bad = JSON.parse(JSON.stringify(d));
    bad.spec.template.spec.containers[0].securityContext.noNewPrivileges = true;
    bad.spec.strategy.rollingUpdate.maxUnavailble = 0;
    expect(unknownFields(bad)).toEqual(["/spec/strategy/rollingUpdate/maxUnavailble", "/spec/template/spec/containers/0/securityContext/noNewPrivileges"]);
    bad.spec.replicas = "2";
    expect(manifestProblems([{ address: "x", manifest: bad }])).toContain("x: /spec/replicas must be integer");
  });

  test("passes the policy, K8S rules included", () => {
    expect(errors(json)).toEqual([]);
    expect(findings(json).some((f) => f.ruleId.startsWith("K8S-"))).toBe(true);
  });
});

describe("KubernetesWorkload props", () => {
  const make = (props: Record<string, unknown>, service = webSpec()) => {
    const { stack, ns } = k8sTestStack();
    return () => new KubernetesWorkload(stack, "web", { service, namespace: ns, owner: "team", ...props } as any);
  };

  test("errors name the construct, the prop and the fix", () => {
    expect(make({ replicas: 0 })).toThrow(/KubernetesWorkload k8s\/web: replicas is 0, not a whole number from 1 to 100\. Fix: /);
    expect(make({ autoscaling: { maxReplicas: 1 } })).toThrow(/autoscaling\.maxReplicas is 1, not a whole number from 2 to 100/);
    expect(make({ owner: "" })).toThrow(/owner is empty\. Fix: name the team/);
    expect(make({ singleton: { reason: "short" } })).toThrow(/singleton\.reason is missing or shorter than 10 characters/);
    expect(make({ singleton: { reason: "one token, one poller" }, replicas: 2 })).toThrow(/singleton is combined with replicas or autoscaling/);
    expect(make({ volumeClaims: { data: { sizeGb: 5 } } })).toThrow(/volumeClaims\.data is not a data volume of "web"/);
    expect(make({}, webSpec({ ports: [{ port: 8080, name: "http_alt" }] }))).toThrow(/service\.ports\[8080\]\.name "http_alt" is not a Kubernetes port name/);
    expect(make({}, webSpec({ capabilities: [{ capability: "CHOWN", reason: "chowns its cache at start" }] }))).toThrow(/adds CHOWN, which the Pod Security Standard "restricted" of namespace apps refuses/);
    expect(make({}, webSpec({ user: "0:0" }))).toThrow(/service\.user "0:0" is root or empty/);
  });

  test("datastores run one pod: no second independent database", () => {
    const { stack, ns } = k8sTestStack();
    const pg = postgresProfile({ name: "db", password: Secret.named("db_password", "pw") });
    expect(() => new KubernetesWorkload(stack, "db", { service: pg, namespace: ns, owner: "t", replicas: 2 })).toThrow(/replicas is 2 for datastore "db".*Fix: run one pod/);
  });

  test("a singleton runs once, is recreated, and carries its reason as a K8S-014 suppression", () => {
    const { stack, ns } = k8sTestStack();
    new KubernetesWorkload(stack, "bot", { service: webSpec({ name: "bot", role: "worker" }), namespace: ns, owner: "t", singleton: { reason: "one token, one poller" } });
    const json = stackJson(stack);
    const d: Json = json.resource.kubernetes_deployment_v1.apps_bot;
    expect(d.spec.replicas).toBe("1");
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
    expect(json.resource.kubernetes_horizontal_pod_autoscaler_v2).toBeUndefined();
    const f = findings(json).find((x) => x.ruleId === "K8S-014")!;
    expect(f).toMatchObject({ suppressed: true, suppressionReason: "singleton: one token, one poller" });
  });

  test("the writable-root escape hatch carries its reason as a K8S-005 suppression", () => {
    const { stack, ns } = k8sTestStack();
    new KubernetesWorkload(stack, "web", { service: webSpec(), namespace: ns, owner: "t", escapeHatches: { writableRootFilesystem: { reason: "legacy image rewrites /etc at start" } } });
    const json = stackJson(stack);
    expect(json.resource.kubernetes_deployment_v1.apps_web.spec.template.spec.container[0].security_context.read_only_root_filesystem).toBe(false);
    expect(findings(json).find((x) => x.ruleId === "K8S-005")).toMatchObject({ suppressed: true, suppressionReason: "legacy image rewrites /etc at start" });
  });

  test("one service name per namespace", () => {
    const { stack, ns } = k8sTestStack();
    new KubernetesWorkload(stack, "a", { service: webSpec(), namespace: ns, owner: "t" });
    expect(() => new KubernetesWorkload(stack, "b", { service: webSpec(), namespace: ns, owner: "t" })).toThrow(/service\.name "web" is used by another workload in namespace apps/);
  });
});

describe("KubernetesNamespace", () => {
  test("bad props and connections fail early", () => {
    const { stack, ns } = k8sTestStack();
    expect(() => new KubernetesNamespace(stack, "bad", { name: "Apps", owner: "t" })).toThrow(/KubernetesNamespace k8s\/bad: name "Apps" is not a namespace name/);
    const pg = new KubernetesWorkload(stack, "db", { service: postgresProfile({ name: "db", password: Secret.named("db_password", "pw") }), namespace: ns, owner: "t" });
    const web = new KubernetesWorkload(stack, "web", { service: webSpec(), namespace: ns, owner: "t" });
    expect(() => ns.connect(web, pg, 3306)).toThrow(/connect\(web, db\)\.port 3306 is not a port db declares \(5432\)/);
    expect(() => ns.allowEgressToInternet(pg, { ports: [443], reason: "download updates" })).toThrow(/would let datastore "db" reach the internet/);
    expect(() => ns.allowIngressFromNamespace(pg, { namespaceLabels: { team: "x" }, port: 5432, reason: "reporting tool" })).toThrow(/would expose datastore "db" to another namespace/);
    expect(() => ns.allowEgressToInternet(web, { ports: [443], reason: "" })).toThrow(/reason is missing/);
  });

  test("internet egress never reaches private ranges or the metadata service", () => {
    const { stack, ns } = k8sTestStack();
    const web = new KubernetesWorkload(stack, "web", { service: webSpec(), namespace: ns, owner: "t" });
    ns.allowEgressToInternet(web, { ports: [443], reason: "calls a payment API" });
    const p: Json = stackJson(stack).resource.kubernetes_network_policy_v1.apps_allow_web_to_internet;
    expect(p.spec.egress[0].to[0].ip_block.except).toContain("169.254.0.0/16");
    expect(p.metadata.annotations).toEqual({ "bulwark.reason": "calls a payment API" });
  });
});
