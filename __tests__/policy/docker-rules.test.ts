/**
 * DOCKER-001 … DOCKER-014: one compliant and one non-compliant fixture per rule, plus edge cases.
 * Every fixture is compliantContainer() with one attribute overridden (or removed), so a finding
 * can only come from that attribute. (DOCKER-015 … 028: docker-rules-io.test.ts.)
 */
import { CATALOG } from "../../policy/catalog";
import { RULES } from "../../policy/rules/docker";
import { OMIT, compliantContainer, containerWith as container, dockerStack } from "../helpers/fixtures";
import { findings, ruleHits as got, type Json } from "../helpers/policy";

const APP = "docker_container.app";



type Case = [name: string, overrides: Record<string, unknown>, expected: ("error" | "warning" | "info")[]];

function table(ruleId: string, cases: Case[]): void {
  describe(ruleId, () => {
    test.each(cases)("%s", (_name, overrides, expected) => {
      expect(got(dockerStack(container(overrides)), ruleId)).toEqual(expected.map((s) => `${ruleId} ${s} ${APP}`));
    });
  });
}

describe("DOCKER rule registry", () => {
  test("policy/rules/docker registers exactly the DOCKER ids of the catalog, in id order", () => {
    const containerRules = Array.from({ length: 28 }, (_, i) => `DOCKER-${String(i + 1).padStart(3, "0")}`);
    const collisionRules = ["DOCKER-029", "DOCKER-030"];
    // Learned on a real engine and by trying the CLI as a new user (engine-lessons.test.ts).
    const engineRules = ["DOCKER-031", "DOCKER-032", "DOCKER-033"];
    expect(RULES.map((r) => r.meta.id)).toEqual([...containerRules, ...collisionRules, ...engineRules]);
    expect(CATALOG.filter((m) => m.domain === "DOCKER").map((m) => m.id)).toEqual([...containerRules, ...collisionRules, ...engineRules]);
    for (const r of RULES) {
      expect(r.meta.pack).toBe("docker-runtime");
      if (collisionRules.includes(r.meta.id)) {
        // Names collide across the stacks of a run that share a host: rules over every stack.
        expect(r.kind).toBe("app");
        continue;
      }
      expect(r.kind).toBe("resource");
      if (r.kind === "resource") expect(r.types).toEqual(["docker_container"]);
    }
  });

  test("compliantContainer() gives zero DOCKER findings", () => {
    const docker = findings(dockerStack(compliantContainer())).filter((f) => f.ruleId.startsWith("DOCKER-"));
    expect(docker).toEqual([]);
  });

  test("plan-style nulls and empty lists count as absent (terraform show -json lists every attribute)", () => {
    const c = container({
      privileged: null, cpus: null, cpu_quota: null, publish_all_ports: false, ports: [], devices: [],
      gpus: null, cgroup_parent: null, mounts: [], volumes: [], env: [], network_mode: null,
      pid_mode: null, ipc_mode: null, userns_mode: null, cgroupns_mode: null, max_retry_count: 0,
      capabilities: [{ drop: ["ALL"], add: null }], healthcheck: [compliantContainer().healthcheck],
    });
    expect(findings(dockerStack(c)).filter((f) => f.ruleId.startsWith("DOCKER-"))).toEqual([]);
  });

  test("findings carry the catalog severity unless a rule lowers it", () => {
    const [f] = findings(dockerStack(container({ privileged: true })), "DOCKER-001");
    expect(f).toMatchObject({ ruleId: "DOCKER-001", severity: "error", stack: "test", address: APP });
    expect(f.message).toMatch(/privileged is true.*Fix:/);
  });
});

table("DOCKER-001", [
  ["privileged false passes", { privileged: false }, []],
  ["privileged omitted passes", { privileged: OMIT }, []],
  ["privileged true", { privileged: true }, ["error"]],
  ['privileged "true" (string boolean)', { privileged: "true" }, ["error"]],
  ['privileged "false" (string boolean) passes', { privileged: "false" }, []],
  ["privileged from a variable cannot be verified", { privileged: "${var.privileged}" }, ["info"]],
]);

table("DOCKER-002", [
  ['drop ["ALL"] passes', { capabilities: { drop: ["ALL"] } }, []],
  ['drop ["all"] (any case) passes', { capabilities: { drop: ["all"] } }, []],
  ['drop ["CAP_ALL"] passes', { capabilities: { drop: ["CAP_ALL"] } }, []],
  ["capabilities as an array of blocks passes", { capabilities: [{ drop: ["ALL"], add: ["CHOWN"] }] }, []],
  ["no capabilities block", { capabilities: OMIT }, ["error"]],
  ["drop without ALL", { capabilities: { drop: ["NET_RAW", "SYS_ADMIN"] } }, ["error"]],
  ["drop empty", { capabilities: { drop: [] } }, ["error"]],
  ["drop from a variable", { capabilities: { drop: "${var.drop}" } }, ["info"]],
  ["drop with an unresolvable element and no ALL", { capabilities: { drop: ["${var.cap}"] } }, ["info"]],
]);

table("DOCKER-003", [
  ["a harmless capability passes", { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "CHOWN"] } }, []],
  ["SYS_ADMIN", { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }, ["error"]],
  ["cap_sys_admin (lower case, CAP_ prefix)", { capabilities: { drop: ["ALL"], add: ["cap_sys_admin"] } }, ["error"]],
  ["Cap_Net_Raw (mixed case)", { capabilities: { drop: ["ALL"], add: ["Cap_Net_Raw"] } }, ["error"]],
  ["ALL added", { capabilities: { drop: ["ALL"], add: ["all"] } }, ["error"]],
  ["an unresolvable element", { capabilities: { drop: ["ALL"], add: ["${var.cap}"] } }, ["info"]],
  ["a known bad element wins over an unresolvable one", { capabilities: { drop: ["ALL"], add: ["${var.cap}", "BPF"] } }, ["error"]],
]);

test("DOCKER-003 names every dangerous capability in one finding", () => {
  const fs = findings(dockerStack(container({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "CHOWN", "CAP_SYS_PTRACE"] } })), "DOCKER-003");
  expect(fs).toHaveLength(1);
  expect(fs[0].message).toContain("NET_ADMIN, CAP_SYS_PTRACE");
  expect(fs[0].message).not.toContain("CHOWN");
});

table("DOCKER-004", [
  ["read_only true passes", { read_only: true }, []],
  ['read_only "true" passes', { read_only: "true" }, []],
  ["read_only omitted", { read_only: OMIT }, ["error"]],
  ["read_only false", { read_only: false }, ["error"]],
  ['read_only "false"', { read_only: "false" }, ["error"]],
  ["read_only from a variable", { read_only: "${var.read_only}" }, ["info"]],
]);

table("DOCKER-005", [
  ["no-new-privileges:true passes", { security_opts: ["no-new-privileges:true"] }, []],
  ["no-new-privileges passes", { security_opts: ["no-new-privileges"] }, []],
  ["no-new-privileges=true passes", { security_opts: ["seccomp=/etc/profile.json", "no-new-privileges=true"] }, []],
  ["security_opts omitted", { security_opts: OMIT }, ["error"]],
  ["security_opts empty", { security_opts: [] }, ["error"]],
  ["no-new-privileges:false", { security_opts: ["no-new-privileges:false"] }, ["error"]],
  ["an unresolvable element", { security_opts: ["${var.opt}"] }, ["info"]],
]);

table("DOCKER-006", [
  ["UID:GID passes", { user: "10001:10001" }, []],
  ["a named user passes", { user: "app" }, []],
  ["a numeric user passes", { user: 1000 }, []],
  ["user omitted", { user: OMIT }, ["error"]],
  ["user empty", { user: "" }, ["error"]],
  ["root", { user: "root" }, ["error"]],
  ["0", { user: "0" }, ["error"]],
  ["root:root", { user: "root:root" }, ["error"]],
  ["0:1000", { user: "0:1000" }, ["error"]],
  ["numeric 0", { user: 0 }, ["error"]],
  ["user from variables", { user: "${var.uid}:${var.gid}" }, ["info"]],
]);

table("DOCKER-007", [
  ["memory 256 passes", { memory: 256 }, []],
  ['memory "256" passes', { memory: "256" }, []],
  ["memory omitted", { memory: OMIT }, ["error"]],
  ["memory 0", { memory: 0 }, ["error"]],
  ["memory -1", { memory: -1 }, ["error"]],
  ["memory not a number", { memory: "lots" }, ["error"]],
  ["memory from a variable", { memory: "${var.memory}" }, ["info"]],
]);

table("DOCKER-008", [
  ["memory_swap equal to memory passes", { memory: 256, memory_swap: 256 }, []],
  ['string and number forms are equal', { memory: "256", memory_swap: 256 }, []],
  ["the same reference on both sides passes", { memory: "${var.memory}", memory_swap: "${var.memory}" }, []],
  ["memory_swap omitted", { memory_swap: OMIT }, ["warning"]],
  ["memory_swap larger than memory", { memory_swap: 512 }, ["warning"]],
  ["memory_swap -1 (unlimited)", { memory_swap: -1 }, ["warning"]],
  ["memory_swap from a variable", { memory_swap: "${var.swap}" }, ["info"]],
]);

table("DOCKER-009", [
  ["cpu_shares passes", { cpu_shares: 512 }, []],
  ["cpu_quota passes", { cpu_shares: OMIT, cpu_period: 100000, cpu_quota: 50000 }, []],
  ['cpus "0.5" passes', { cpu_shares: OMIT, cpus: "0.5" }, []],
  ['cpu_shares "512" (string) passes', { cpu_shares: "512" }, []],
  ["no CPU attribute", { cpu_shares: OMIT }, ["error"]],
  ["cpu_shares 0", { cpu_shares: 0 }, ["error"]],
  ["cpu_period alone is no limit", { cpu_shares: OMIT, cpu_period: 100000 }, ["error"]],
  ['cpus "0" is no limit', { cpu_shares: OMIT, cpus: "0" }, ["error"]],
  ["cpu_shares from a variable", { cpu_shares: "${var.shares}" }, ["info"]],
]);

describe("DOCKER-010", () => {
  const withProvider = (version: string | null, c: Json): Json => {
    const stack = dockerStack(c);
    if (version === null) delete stack.terraform;
    else stack.terraform = { required_providers: { docker: { source: "kreuzwerker/docker", version } } };
    return stack;
  };
  const cpus = container({ cpus: "0.5" });
  test.each([
    ["3.6.2 with cpus", "3.6.2", cpus, ["error"]],
    ["= 3.6.2 with cpus", "= 3.6.2", cpus, ["error"]],
    ["3.7.0 with cpus passes", "3.7.0", cpus, []],
    ["3.9.1 with cpus passes", "3.9.1", cpus, []],
    ["a range (~> 3.6) is unknown", "~> 3.6", cpus, ["warning"]],
    ["no required_providers is unknown", null, cpus, ["warning"]],
    ["3.6.2 without cpus passes", "3.6.2", compliantContainer(), []],
  ] as [string, string | null, Json, string[]][])("%s", (_n, version, c, expected) => {
    expect(got(withProvider(version, c), "DOCKER-010")).toEqual(expected.map((s) => `DOCKER-010 ${s} ${APP}`));
  });

  test("the source may carry the registry host", () => {
    const stack = dockerStack(cpus);
    stack.terraform = { required_providers: { docker: { source: "registry.terraform.io/kreuzwerker/docker", version: "3.6.2" } } };
    expect(got(stack, "DOCKER-010")).toEqual([`DOCKER-010 error ${APP}`]);
  });

  test("the message names the pinned version and the fix", () => {
    const [f] = findings(withProvider("3.6.2", cpus), "DOCKER-010");
    expect(f.message).toContain("3.6.2");
    expect(f.message).toContain("cpu_quota");
  });
});

table("DOCKER-011", [
  ["ulimit nproc passes", {}, []],
  ["ulimit nproc as a single object passes", { ulimit: { name: "nproc", soft: 64, hard: 64 } }, []],
  ["NPROC in upper case passes", { ulimit: [{ name: "NPROC", soft: 64, hard: 64 }] }, []],
  ["only nofile", { ulimit: [{ name: "nofile", soft: 1024, hard: 1024 }] }, ["warning"]],
  ["no ulimit", { ulimit: OMIT }, ["warning"]],
  ["an unresolvable name", { ulimit: [{ name: "${var.limit}", soft: 1, hard: 1 }] }, ["info"]],
]);

table("DOCKER-012", [
  ["a CMD healthcheck passes", {}, []],
  ["healthcheck as an array of blocks passes", { healthcheck: [{ test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] }] }, []],
  ["no healthcheck", { healthcheck: OMIT }, ["error"]],
  ['test ["NONE"]', { healthcheck: { test: ["NONE"] } }, ["error"]],
  ["test empty", { healthcheck: { test: [] } }, ["error"]],
  ["test from a variable", { healthcheck: { test: "${var.test}" } }, ["info"]],
]);

table("DOCKER-013", [
  ["unless-stopped passes", { restart: "unless-stopped" }, []],
  ["always passes", { restart: "always" }, []],
  ["on-failure with 3 retries passes", { restart: "on-failure", max_retry_count: 3 }, []],
  ['on-failure with "5" retries passes', { restart: "on-failure", max_retry_count: "5" }, []],
  ["restart omitted", { restart: OMIT }, ["error"]],
  ['restart "no"', { restart: "no" }, ["error"]],
  ["not a Docker restart policy", { restart: "sometimes" }, ["error"]],
  ["on-failure without max_retry_count", { restart: "on-failure" }, ["warning"]],
  ["on-failure with 0 (retry forever)", { restart: "on-failure", max_retry_count: 0 }, ["warning"]],
  ["on-failure with 10 retries", { restart: "on-failure", max_retry_count: "10" }, ["warning"]],
  ["restart from a variable", { restart: "${var.restart}" }, ["info"]],
]);

table("DOCKER-014", [
  ["json-file with max-size and max-file passes", {}, []],
  ["unset driver with both options passes", { log_driver: OMIT }, []],
  ["syslog without options passes", { log_driver: "syslog", log_opts: OMIT }, []],
  ["journald without options passes", { log_driver: "journald", log_opts: OMIT }, []],
  ["fluentd with its own options passes", { log_driver: "fluentd", log_opts: { "fluentd-address": "127.0.0.1:24224" } }, []],
  ["json-file without log_opts", { log_opts: OMIT }, ["error"]],
  ["json-file with only max-size", { log_opts: { "max-size": "10m" } }, ["error"]],
  ["JSON-FILE (any case) with only max-file", { log_driver: "JSON-FILE", log_opts: { "max-file": "3" } }, ["error"]],
  ["local without options", { log_driver: "local", log_opts: OMIT }, ["error"]],
  ["unset driver without options", { log_driver: OMIT, log_opts: OMIT }, ["error"]],
  ["driver from a variable without options", { log_driver: "${var.driver}", log_opts: OMIT }, ["info"]],
]);

test("DOCKER-014 names the missing option", () => {
  const [f] = findings(dockerStack(container({ log_opts: { "max-size": "10m" } })), "DOCKER-014");
  expect(f.message).toContain('"max-file"');
  expect(f.message).not.toContain('"max-size" and');
});

// DOCKER-033: the provider copies uploads to "/" before the start; Docker refuses that into a
// read-only container (e2e/uploads.ts saw it on the engine), whatever volume is at the file's directory.
const UPLOAD = [{ file: "/etc/app/app.yml", content: "a: 1\n", permissions: "0444" }];
table("DOCKER-033", [
  ["read-only without uploads passes", {}, []],
  ["never-started seeder (start = false, not read-only) with uploads passes", { upload: UPLOAD, start: false, read_only: false }, []],
  // The provider uploads after the create whatever `start` says; Docker refuses it then too.
  ["read-only and never started, with an upload", { upload: UPLOAD, start: false }, ["error"]],
  ["writable root with uploads passes this rule", { upload: UPLOAD, read_only: false }, []],
  ["read-only with an upload", { upload: UPLOAD }, ["error"]],
  ["read-only with an upload and a volume at its directory", { upload: UPLOAD, volumes: [{ volume_name: "app-config", container_path: "/etc/app" }] }, ["error"]],
  ['read-only ("true") started explicitly ("true")', { upload: UPLOAD, read_only: "true", start: "true" }, ["error"]],
  ["read_only from a variable", { upload: UPLOAD, read_only: "${var.ro}" }, ["info"]],
]);

test("DOCKER-033 says why the apply fails and how to deliver the files", () => {
  const [f] = findings(dockerStack(container({ upload: UPLOAD })), "DOCKER-033");
  expect(f.message).toContain("container rootfs is marked read-only");
  expect(f.message).toContain("/etc/app/app.yml");
  expect(f.message).toMatch(/Fix: .*start = false.*HardenedContainer\.addFile/);
});

test("DOCKER-033 as in the CONTRIBUTING form: compliant and non-compliant fixtures", () => {
  expect(dockerStack(container({ upload: UPLOAD }))).toViolate("DOCKER-033", APP);
  expect(dockerStack(container({ upload: UPLOAD, start: false, read_only: false }))).not.toViolate("DOCKER-033", APP);
});
