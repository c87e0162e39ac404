import { CLOUDFLARED_EDGE, NGINX_EDGE, kohaStack, publishedKohaStack, publishedSingleServerStack, singleServerStack } from "./fixtures";
import { manifestProblems, manifestsOf } from "./manifests";
import { errors, findings, stackJson } from "./policy";

type Json = Record<string, any>;

const STACKS: Array<[string, () => Json]> = [
  ["single-server", () => stackJson(singleServerStack())],
  ["koha", () => stackJson(kohaStack())],
  // The published variants add the cloudflared Deployment (and Ingresses): the same mutants apply to it.
  ["koha through the tunnel", () => stackJson(publishedKohaStack(CLOUDFLARED_EDGE))],
  ["koha through ingress-nginx", () => stackJson(publishedKohaStack(NGINX_EDGE))],
  ["single-server through the tunnel", () => stackJson(publishedSingleServerStack(CLOUDFLARED_EDGE))],
];

const WORKLOAD_TYPES = ["kubernetes_deployment_v1", "kubernetes_stateful_set_v1"];

function workloads(json: Json): Array<{ type: string; name: string; body: Json }> {
  return WORKLOAD_TYPES.flatMap((type) => Object.entries((json.resource[type] ?? {}) as Record<string, Json>).map(([name, body]) => ({ type, name, body })));
}

/** Each mutant removes or weakens one hardening attribute of one workload. */
const MUTANTS: Array<[string, (b: Json) => void]> = [
  ["privileged", (b) => { b.spec.template.spec.container[0].security_context.privileged = true; }],
  ["host network", (b) => { b.spec.template.spec.host_network = true; }],
  ["host path", (b) => { b.spec.template.spec.volume = [...(b.spec.template.spec.volume ?? []), { name: "host", host_path: { path: "/var/run" } }]; }],
  ["runAsNonRoot removed", (b) => { delete b.spec.template.spec.container[0].security_context.run_as_non_root; delete b.spec.template.spec.security_context.run_as_non_root; }],
  ["runAsUser 0", (b) => { b.spec.template.spec.container[0].security_context.run_as_user = "0"; }],
  ["writable root", (b) => { b.spec.template.spec.container[0].security_context.read_only_root_filesystem = false; }],
  ["privilege escalation unset", (b) => { delete b.spec.template.spec.container[0].security_context.allow_privilege_escalation; }],
  ["drop ALL removed", (b) => { delete b.spec.template.spec.container[0].security_context.capabilities; }],
  ["SYS_ADMIN added", (b) => { b.spec.template.spec.container[0].security_context.capabilities.add = ["SYS_ADMIN"]; }],
  ["seccomp removed", (b) => { delete b.spec.template.spec.container[0].security_context.seccomp_profile; delete b.spec.template.spec.security_context.seccomp_profile; }],
  ["token automounted", (b) => { delete b.spec.template.spec.automount_service_account_token; }],
  ["memory limit removed", (b) => { delete b.spec.template.spec.container[0].resources.limits; }],
  ["liveness removed", (b) => { delete b.spec.template.spec.container[0].liveness_probe; }],
  ["readiness removed", (b) => { delete b.spec.template.spec.container[0].readiness_probe; }],
  ["image latest", (b) => { const c = b.spec.template.spec.container[0]; c.image = `${c.image.split(":")[0]}:latest`; }],
  ["secret as literal", (b) => { b.spec.template.spec.container[0].env = [...(b.spec.template.spec.container[0].env ?? []), { name: "DB_PASSWORD", value: "hunter2hunter2" }]; }],
];

describe.each(STACKS)("Kubernetes %s stack", (name, synth) => {
  const json = synth();

  test("synthesizes deterministically", () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(json));
    expect(JSON.stringify(json)).not.toMatch(/"\/(home|tmp|root|Users)\//);
  });

  test("passes the policy (K8S rules included) with no unsuppressed error", () => {
    expect(errors(json, name).map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test("every rendered object validates against the Kubernetes schemas, with no unknown field", () => {
    const objects = manifestsOf(json);
    expect(objects.length).toBeGreaterThan(10);
    expect(manifestProblems(objects)).toEqual([]);
  });

  test("no secret value and no Secret data in plain attributes", () => {
    for (const s of Object.values((json.resource.kubernetes_secret_v1 ?? {}) as Record<string, Json>)) {
      expect(s.data).toBeUndefined();
      // A sensitive variable, or the tunnel token data source (never a literal).
      for (const v of Object.values(s.data_wo as Record<string, string>)) expect(v).toMatch(/^\$\{(var\.[a-z_]+|data\.cloudflare_zero_trust_tunnel_cloudflared_token\.[a-z_]+\.token)\}$/);
    }
    for (const v of Object.values(json.variable as Record<string, Json>)) expect(v).toMatchObject({ sensitive: true });
  });

  test.each(MUTANTS)("mutant %s is killed on every workload, by an error naming it", (_, mutate) => {
    for (const w of workloads(json)) {
      const mutant: Json = JSON.parse(JSON.stringify(json));
      mutate(mutant.resource[w.type][w.name]);
      const address = `${w.type}.${w.name}`;
      const label = `${w.type === "kubernetes_deployment_v1" ? "Deployment" : "StatefulSet"} `;
      const hits = errors(mutant, name).filter((f) => f.address === address && f.message.startsWith(label) && f.message.includes(`/${w.body.metadata.name}:`));
      expect({ address, hits: hits.length > 0 }).toEqual({ address, hits: true });
    }
  });

  test("removing default deny or opening a backend to every pod is an error", () => {
    const noDeny: Json = JSON.parse(JSON.stringify(json));
    for (const [k, p] of Object.entries(noDeny.resource.kubernetes_network_policy_v1 as Record<string, Json>)) if (p.metadata.name === "default-deny") delete noDeny.resource.kubernetes_network_policy_v1[k];
    expect(errors(noDeny, name).map((f) => f.ruleId)).toContain("K8S-012");
    // A policy selecting a pod restricts its ingress by itself: with the connections gone too,
    // every backend is open to every pod.
    for (const [k, p] of Object.entries(noDeny.resource.kubernetes_network_policy_v1 as Record<string, Json>)) if ((p.metadata.name as string).includes("-from-")) delete noDeny.resource.kubernetes_network_policy_v1[k];
    expect(errors(noDeny, name).filter((f) => f.ruleId === "K8S-013").length).toBeGreaterThan(0);

    const open: Json = JSON.parse(JSON.stringify(json));
    const ingress = Object.values(open.resource.kubernetes_network_policy_v1 as Record<string, Json>).find((p) => (p.metadata.name as string).includes("-from-") && p.spec.ingress[0].from[0].pod_selector)!;
    ingress.spec.ingress[0].from = [{ pod_selector: {} }];
    expect(errors(open, name).some((f) => f.ruleId === "K8S-013" && /admits `podSelector: \{\}`/.test(f.message))).toBe(true);
  });
});

describe("Kubernetes single-server stack specifics", () => {
  const stack = singleServerStack();
  const json = stackJson(stack);

  test("same secret variables as the Docker stack", () => {
    expect(Object.keys(json.variable).sort()).toEqual([
      "api_hmac_secret", "api_hmac_secret_partner", "api_jwt_secret", "api_key", "api_metrics_token",
      "bot_api_key", "bot_metrics_token", "bot_token", "openai_api_key", "postgres_password",
    ]);
  });

  test("only the API reaches PostgreSQL; only the bot reaches the internet; the ingress controller reaches the API", () => {
    const names = Object.values(json.resource.kubernetes_network_policy_v1 as Record<string, Json>).map((p) => p.metadata.name).sort();
    expect(names).toEqual([
      "allow-api-8000-from-ingress-nginx", "allow-api-from-bot-8000", "allow-api-to-db-5432", "allow-bot-to-api-8000",
      "allow-bot-to-internet", "allow-db-from-api-5432", "allow-dns", "default-deny",
    ]);
  });

  test("the bot is a justified singleton; the API scales", () => {
    expect(stack.bot.replicas).toBe(1);
    expect(stack.api.autoscaler).toBeDefined();
    const f = findings(json, "single-server").filter((x) => x.ruleId === "K8S-014");
    expect(f).toEqual([expect.objectContaining({ address: "kubernetes_deployment_v1.single-server_bot".replace("-", "_"), suppressed: true })]);
  });
});
