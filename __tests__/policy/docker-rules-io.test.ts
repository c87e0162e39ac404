/**
 * DOCKER-015 … DOCKER-028 (namespaces, mounts, ports, image, env, devices): one compliant and one
 * non-compliant fixture per rule, plus edge cases. Every fixture is compliantContainer() with one
 * attribute overridden (or removed). (DOCKER-001 … 014 and the registry: docker-rules.test.ts.)
 */
import { OMIT, containerWith as container, dockerStack } from "../helpers/fixtures";
import { findings, ruleHits as got, type Json } from "../helpers/policy";

const APP = "docker_container.app";
const DIGEST = "sha256:" + "b".repeat(64);



type Sev = "error" | "warning" | "info";
type Case = [name: string, overrides: Record<string, unknown>, expected: Sev[]];

function table(ruleId: string, cases: Case[]): void {
  describe(ruleId, () => {
    test.each(cases)("%s", (_name, overrides, expected) => {
      expect(got(dockerStack(container(overrides)), ruleId)).toEqual(expected.map((s) => `${ruleId} ${s} ${APP}`));
    });
  });
}

function messages(c: Json, ruleId: string, extra: Json = {}): string[] {
  return findings(dockerStack(c, extra), ruleId).map((f) => f.message);
}

table("DOCKER-015", [
  ["no namespace modes passes", {}, []],
  ['network_mode "none" passes', { network_mode: "none" }, []],
  ['pid_mode "container:db" passes', { pid_mode: "container:db" }, []],
  ['network_mode "host"', { network_mode: "host" }, ["error"]],
  ['pid_mode "host"', { pid_mode: "host" }, ["error"]],
  ['ipc_mode "HOST" (any case)', { ipc_mode: "HOST" }, ["error"]],
  ['userns_mode "host"', { userns_mode: "host" }, ["error"]],
  ['cgroupns_mode "host"', { cgroupns_mode: "host" }, ["error"]],
  ["two host modes give two findings", { network_mode: "host", pid_mode: "host" }, ["error", "error"]],
  ["pid_mode from a variable", { pid_mode: "${var.pid_mode}" }, ["info"]],
]);

const vol = (host_path: string, read_only?: unknown): Json => (read_only === undefined ? { host_path, container_path: "/data" } : { host_path, container_path: "/data", read_only });
const bind = (source: string, extra: Json = {}): Json => ({ type: "bind", source, target: "/data", ...extra });

table("DOCKER-016", [
  ["a data directory passes", { volumes: [vol("/srv/app/data", true)] }, []],
  ["a name that merely starts like /etc passes", { volumes: [vol("/etcetera", true)] }, []],
  ["a named volume passes", { volumes: [{ volume_name: "data", container_path: "/data" }] }, []],
  ["a volume mount's source is a volume name, not a path", { mounts: [{ type: "volume", source: "etc", target: "/data" }] }, []],
  ["/", { volumes: [vol("/", true)] }, ["error"]],
  ["/etc", { volumes: [vol("/etc", true)] }, ["error"]],
  ["under /etc", { volumes: [vol("/etc/ssl/private", true)] }, ["error"]],
  ["/etc spelled //etc/../etc/ (normalized)", { volumes: [vol("//etc/../etc/", true)] }, ["error"]],
  ["docker.sock, even read-only", { volumes: [vol("/var/run/docker.sock", true)] }, ["error"]],
  ["volumes as a single object", { volumes: vol("/proc", true) }, ["error"]],
  ["mounts bind of /proc", { mounts: [bind("/proc", { read_only: true })] }, ["error"]],
  ["mounts bind of the rootless docker.sock", { mounts: [bind("/run/user/1000/docker.sock", { read_only: true })] }, ["error"]],
  ["two sensitive binds give two findings", { volumes: [vol("/usr", true)], mounts: [bind("/boot", { read_only: true })] }, ["error", "error"]],
  ["host_path from a variable", { volumes: [vol("${var.dir}", true)] }, ["info"]],
]);

table("DOCKER-017", [
  ["a read-only bind passes", { volumes: [vol("/srv/app/config", true)] }, []],
  ['read_only "true" (string) passes', { volumes: [vol("/srv/app/config", "true")] }, []],
  ["a named volume passes", { volumes: [{ volume_name: "data", container_path: "/data" }] }, []],
  ["a read-only mounts bind passes", { mounts: [bind("/srv/app/config", { read_only: true })] }, []],
  ["volume and tmpfs mounts pass", { mounts: [{ type: "volume", source: "data", target: "/data" }, { type: "tmpfs", target: "/tmp" }] }, []],
  ["a writable host_path (read_only unset)", { volumes: [vol("/srv/app/data")] }, ["warning"]],
  ['read_only "false"', { volumes: [vol("/srv/app/data", "false")] }, ["warning"]],
  ["a writable mounts bind", { mounts: [bind("/srv/app/data")] }, ["warning"]],
  ["two writable binds give two warnings", { volumes: [vol("/srv/a")], mounts: [bind("/srv/b", { read_only: false })] }, ["warning", "warning"]],
  ["read_only from a variable", { volumes: [vol("/srv/app/data", "${var.ro}")] }, ["info"]],
]);

const port = (p: Json): Json => ({ ports: [p] });

table("DOCKER-018", [
  ["no ports passes", {}, []],
  ["127.0.0.1 passes", port({ internal: 8080, external: 8080, ip: "127.0.0.1" }), []],
  ["::1 passes", port({ internal: 8080, external: 8080, ip: "::1" }), []],
  ["a specific address passes", port({ internal: 8080, external: 8080, ip: "10.0.0.5" }), []],
  ["ip missing (provider default 0.0.0.0)", port({ internal: 8080, external: 8080 }), ["error"]],
  ["ip 0.0.0.0", port({ internal: 8080, external: 8080, ip: "0.0.0.0" }), ["error"]],
  ['ip "::"', port({ internal: 8080, external: 8080, ip: "::" }), ["error"]],
  ["no external still publishes (random host port)", port({ internal: 8080 }), ["error"]],
  ["ports as a single object", { ports: { internal: 8080, external: 8080, protocol: "udp" } }, ["error"]],
  ["one finding per bad entry", { ports: [{ internal: 80, external: 8080, ip: "127.0.0.1" }, { internal: 443, external: 8443 }] }, ["error"]],
  ["ip from a variable", port({ internal: 8080, external: 8080, ip: "${var.bind_ip}" }), ["info"]],
]);

test("DOCKER-018 message shows the entry in Docker notation", () => {
  expect(messages(container(port({ internal: 8080, protocol: "udp" })), "DOCKER-018")[0]).toContain("0.0.0.0:(random)->8080/udp");
});

table("DOCKER-019", [
  ["publish_all_ports omitted passes", {}, []],
  ["publish_all_ports false passes", { publish_all_ports: false }, []],
  ["publish_all_ports true", { publish_all_ports: true }, ["error"]],
  ['publish_all_ports "true"', { publish_all_ports: "true" }, ["error"]],
  ["publish_all_ports from a variable", { publish_all_ports: "${var.all}" }, ["info"]],
]);

table("DOCKER-020", [
  ["an app port passes", port({ internal: 8080, external: 8080, ip: "0.0.0.0" }), []],
  ["5432 on 0.0.0.0", port({ internal: 5432, external: 5432, ip: "0.0.0.0" }), ["error"]],
  ["6379 with ip missing", port({ internal: 6379 }), ["error"]],
  ["3306 on a LAN address", port({ internal: 3306, external: 13306, ip: "192.168.1.10" }), ["error"]],
  ["a datastore host port for an app container port", port({ internal: 8080, external: 9200, ip: "0.0.0.0" }), ["error"]],
  ['"27017" (string) on 0.0.0.0', port({ internal: "27017", external: "27017", ip: "0.0.0.0" }), ["error"]],
  ["5432 on 127.0.0.1", port({ internal: 5432, external: 5432, ip: "127.0.0.1" }), ["warning"]],
  ["11211 on 127.0.0.2 (127.0.0.0/8)", port({ internal: 11211, external: 11211, ip: "127.0.0.2" }), ["warning"]],
  ["5672 on ::1", port({ internal: 5672, external: 5672, ip: "::1" }), ["warning"]],
  ["a datastore port on an unresolvable address is at least a warning", port({ internal: 5432, external: 5432, ip: "${var.ip}" }), ["warning"]],
  ["an unresolvable container port", port({ internal: "${var.port}", external: 8080, ip: "127.0.0.1" }), ["info"]],
]);

table("DOCKER-021", [
  ["host port 8080 passes", port({ internal: 80, external: 8080, ip: "127.0.0.1" }), []],
  ["no external (random high port) passes", port({ internal: 80, ip: "127.0.0.1" }), []],
  ["host port 1024 passes", port({ internal: 80, external: 1024, ip: "127.0.0.1" }), []],
  ["host port 80", port({ internal: 8080, external: 80, ip: "127.0.0.1" }), ["warning"]],
  ['host port "443" (string)', port({ internal: 8443, external: "443", ip: "127.0.0.1" }), ["warning"]],
  ["host port from a variable", port({ internal: 8080, external: "${var.port}", ip: "127.0.0.1" }), ["info"]],
]);

table("DOCKER-022", [
  ["tag and digest pass", {}, []],
  ["registry with port, tag and digest passes", { image: `localhost:5000/app:1.0@${DIGEST}` }, []],
  ["tag without digest", { image: "ghcr.io/example/app:1.2.3" }, ["warning"]],
  ["localhost:5000/app:1.0 is tagged (the port is not a tag)", { image: "localhost:5000/app:1.0" }, ["warning"]],
  ["a non-sha256 digest", { image: "nginx:1.27@sha256:abc" }, ["warning"]],
  ["no tag", { image: "nginx" }, ["error"]],
  ["localhost:5000/app has no tag", { image: "localhost:5000/app" }, ["error"]],
  ["ghcr.io/org/app has no tag", { image: "ghcr.io/org/app" }, ["error"]],
  ["latest", { image: "nginx:latest" }, ["error"]],
  ["latest with a digest is still an error", { image: `ghcr.io/org/app:latest@${DIGEST}` }, ["error"]],
  ["a digest without a tag", { image: `nginx@${DIGEST}` }, ["error"]],
  ["an image from a variable cannot be verified", { image: "${var.image}" }, ["info"]],
]);

describe("DOCKER-022 resolves docker_image references", () => {
  const withImage = (name: string, attr = "image_id"): Json =>
    dockerStack(container({ image: `\${docker_image.app.${attr}}` }), { docker_image: { app: { name } } });

  test("a docker_image pinned by tag and digest passes", () => {
    expect(got(withImage(`ghcr.io/org/app:2.0.1@${DIGEST}`), "DOCKER-022")).toEqual([]);
  });
  test("a docker_image named latest is an error on the container", () => {
    expect(got(withImage("nginx:latest"), "DOCKER-022")).toEqual([`DOCKER-022 error ${APP}`]);
    expect(findings(withImage("nginx:latest"), "DOCKER-022")[0].message).toContain("docker_image.app.image_id");
  });
  test("${docker_image.x.name} resolves too", () => {
    expect(got(withImage("redis:7.4", "name"), "DOCKER-022")).toEqual([`DOCKER-022 warning ${APP}`]);
  });
  test("a docker_image whose name is a variable gives an info naming the image, not a tag claim", () => {
    const fs = findings(withImage("${var.image}"), "DOCKER-022");
    expect(fs.map((f) => `${f.severity} ${f.address}`)).toEqual([`info ${APP}`]);
    expect(fs[0].message).toContain("docker_image.app");
    expect(fs[0].message).not.toMatch(/no tag|latest/);
  });
  test("a reference to a docker_image missing from the stack gives an info", () => {
    expect(got(dockerStack(container({ image: "${docker_image.gone.image_id}" })), "DOCKER-022")).toEqual([`DOCKER-022 info ${APP}`]);
  });
});

table("DOCKER-023", [
  ["no-new-privileges only passes", {}, []],
  ["a seccomp profile passes", { security_opts: ["no-new-privileges:true", "seccomp=/etc/docker/seccomp.json"] }, []],
  ["an SELinux label passes", { security_opts: ["no-new-privileges:true", "label=type:container_t"] }, []],
  ["seccomp=unconfined", { security_opts: ["no-new-privileges:true", "seccomp=unconfined"] }, ["error"]],
  ["seccomp:unconfined", { security_opts: ["no-new-privileges:true", "seccomp:unconfined"] }, ["error"]],
  ["apparmor=unconfined", { security_opts: ["no-new-privileges:true", "apparmor=unconfined"] }, ["error"]],
  ["label:disable", { security_opts: ["no-new-privileges:true", "label:disable"] }, ["error"]],
  ["systempaths=unconfined", { security_opts: ["no-new-privileges:true", "systempaths=unconfined"] }, ["error"]],
  ["several in one finding", { security_opts: ["no-new-privileges:true", "seccomp=unconfined", "APPARMOR=UNCONFINED"] }, ["error"]],
  ["an unresolvable entry", { security_opts: ["no-new-privileges:true", "${var.opt}"] }, ["info"]],
]);

table("DOCKER-024", [
  ["networks_advanced passes", {}, []],
  ["networks_advanced as a single object passes", { networks_advanced: { name: "backnet" } }, []],
  ['network_mode "none" passes', { networks_advanced: OMIT, network_mode: "none" }, []],
  ['network_mode "host" is DOCKER-015\'s concern', { networks_advanced: OMIT, network_mode: "host" }, []],
  ["networks_advanced bridge plus network_mode bridge passes", { network_mode: "bridge" }, []],
  ["no networks_advanced, network_mode unset", { networks_advanced: OMIT }, ["error"]],
  ["networks_advanced empty", { networks_advanced: [] }, ["error"]],
  ['network_mode "bridge"', { networks_advanced: OMIT, network_mode: "bridge" }, ["error"]],
  ['network_mode "default"', { networks_advanced: OMIT, network_mode: "default" }, ["error"]],
  ["network_mode from a variable", { networks_advanced: OMIT, network_mode: "${var.mode}" }, ["info"]],
]);

table("DOCKER-025", [
  ["no env passes", {}, []],
  ["a reference passes", { env: ["DB_PASSWORD=${var.db_password}"] }, []],
  ["an empty value passes", { env: ["DB_PASSWORD="] }, []],
  ["a non-secret name passes (COMPASS_URL)", { env: ["COMPASS_URL=https://example.org"] }, []],
  ["a non-secret name passes (service_private_ip)", { env: ["service_private_ip=10.0.0.5"] }, []],
  ["*_FILE with an absolute path passes", { env: ["MARIADB_PASSWORD_FILE=/run/secrets/db_password"] }, []],
  ["*_PATH with an absolute path passes", { env: ["TLS_PRIVATE_KEY_PATH=/run/secrets/tls.key"] }, []],
  ["DB_PASSWORD literal", { env: ["DB_PASSWORD=hunter2"] }, ["error"]],
  ["jwtSecret (camelCase) literal", { env: ["jwtSecret=abc"] }, ["error"]],
  ["OPENAI_API_KEY literal", { env: ["OPENAI_API_KEY=sk-abcdef"] }, ["error"]],
  ["github-token (any case, dashes)", { env: ["github-token=abc"] }, ["error"]],
  ["*_FILE with a relative value", { env: ["MARIADB_PASSWORD_FILE=db_password"] }, ["error"]],
  ["an escaped $${…} is a literal", { env: ["DB_PASSWORD=$${NOT_A_REF}"] }, ["error"]],
  ["one finding per entry", { env: ["DB_PASSWORD=a", "APP_NAME=koha", "REDIS_TOKEN=b"] }, ["error", "error"]],
]);

test("DOCKER-025 never repeats the secret value", () => {
  const [msg] = messages(container({ env: ["DB_PASSWORD=hunter2-very-secret"] }), "DOCKER-025");
  expect(msg).toContain("DB_PASSWORD");
  expect(msg).not.toContain("hunter2");
});

table("DOCKER-026", [
  ["no devices or gpus passes", {}, []],
  ["devices", { devices: [{ host_path: "/dev/fuse" }] }, ["warning"]],
  ["devices as a single object", { devices: { host_path: "/dev/kvm" } }, ["warning"]],
  ["gpus", { gpus: "all" }, ["warning"]],
  ["devices and gpus give two warnings", { devices: [{ host_path: "/dev/fuse" }], gpus: "all" }, ["warning", "warning"]],
]);

const propagated = (propagation: string): Json => ({ mounts: [bind("/srv/app/config", { read_only: true, bind_options: { propagation } })] });

table("DOCKER-027", [
  ["no mounts passes", {}, []],
  ["rprivate passes", propagated("rprivate"), []],
  ["private passes", propagated("private"), []],
  ["shared", propagated("shared"), ["error"]],
  ["rshared", propagated("rshared"), ["error"]],
  ["RSHARED (any case)", propagated("RSHARED"), ["error"]],
  ["bind_options as an array of blocks", { mounts: [bind("/srv/x", { read_only: true, bind_options: [{ propagation: "shared" }] })] }, ["error"]],
  ["propagation from a variable", propagated("${var.propagation}"), ["info"]],
]);

table("DOCKER-028", [
  ["cgroup_parent unset passes", {}, []],
  ["cgroup_parent empty passes", { cgroup_parent: "" }, []],
  ["cgroup_parent set", { cgroup_parent: "/custom.slice" }, ["warning"]],
]);
