import fc from "fast-check";
import { HardenedContainer, escapeTerraformTemplate, type HardenedContainerProps } from "../../constructs/docker/hardened-container";
import { Secret } from "../../constructs/core/secret";
import { HealthProbe } from "../../constructs/service/health";
import type { ServiceSpec } from "../../constructs/service/spec";
import { Duration } from "../../constructs/service/units";
import { policyFindings, synthStackJson } from "../../policy/testing";
import { dockerTestStack, webSpec } from "../helpers/stack";

type Json = Record<string, any>;

function build(spec: Partial<ServiceSpec> = {}, props: Partial<HardenedContainerProps> = {}) {
  const { stack, topology } = dockerTestStack();
  const c = new HardenedContainer(stack, "web", {
    service: webSpec(spec),
    networks: [topology.front],
    owner: "platform-team",
    ...props,
  });
  return { stack, topology, c };
}

function container(json: Json, name = "web"): Json {
  return json.resource.docker_container[name];
}

describe("HardenedContainer secure defaults", () => {
  const { stack } = build();
  const json: Json = synthStackJson(stack);
  const c = container(json);

  test("passes policy with no unsuppressed error", () => {
    expect(stack).toPassPolicy();
  });

  test("read-only root, tmpfs for writable paths with noexec,nosuid,nodev and a size", () => {
    expect(c.read_only).toBe(true);
    expect(c.tmpfs).toEqual({ "/tmp": "noexec,nosuid,nodev,size=64m,mode=1777" });
  });

  test("drops every capability, adds none, no-new-privileges, never privileged", () => {
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.privileged).toBe(false);
  });

  test("non-root user, memory without swap, cpu shares, nproc and nofile ulimits", () => {
    expect(c.user).toBe("10001:10001");
    expect(c.memory).toBe(256);
    expect(c.memory_swap).toBe(256);
    expect(c.cpu_shares).toBe(1024);
    expect(c.cpus).toBeUndefined();
    expect(c.ulimit).toEqual([
      { name: "nofile", soft: 8192, hard: 8192 },
      { name: "nproc", soft: 512, hard: 512 },
    ]);
  });

  test("healthcheck, restart unless-stopped, rotated json-file logs", () => {
    expect(c.healthcheck.test).toEqual(["CMD", "wget", "-q", "-T", "4", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]);
    expect(c.healthcheck).toMatchObject({ interval: "30s", timeout: "5s", retries: 3, start_period: "30s" });
    expect(c.restart).toBe("unless-stopped");
    expect(c.log_driver).toBe("json-file");
    expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "3" });
  });

  test("attached through networks_advanced only, nothing published", () => {
    expect(c.networks_advanced).toEqual([{ name: "${docker_network.frontnet.name}", aliases: ["web"] }]);
    expect(c.network_mode).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(c.publish_all_ports).toBeUndefined();
  });

  test("image through a docker_image resource with a version tag", () => {
    expect(c.image).toBe("${docker_image.web.image_id}");
    expect(json.resource.docker_image.web.name).toBe("ghcr.io/example/web:1.2.3");
  });

  test("labels for service, tier, owner, role and the recreate hash", () => {
    const labels = Object.fromEntries(c.labels.map((l: Json) => [l.label, l.value]));
    expect(labels).toMatchObject({ "bulwark.service": "web", "bulwark.tier": "front", "bulwark.owner": "platform-team", "bulwark.role": "app" });
    expect(labels["bulwark.recreate-hash"]).toMatch(/^[a-f0-9]{16}$/);
  });

  test("warns (not errors) about the missing digest", () => {
    const f = policyFindings(stack).filter((x) => !x.suppressed);
    expect(f.map((x) => `${x.ruleId} ${x.severity}`)).toContain("DOCKER-022 warning");
  });
});

describe("HardenedContainer rendering", () => {
  test("recreate hash changes with healthcheck, tmpfs and cpu quota, not with memory", () => {
    const hash = (spec: Partial<ServiceSpec>) => {
      const labels = container(synthStackJson(build(spec).stack)).labels as Json[];
      return labels.find((l) => l.label === "bulwark.recreate-hash")!.value;
    };
    const base = hash({});
    expect(hash({ resources: { memoryMb: 512 } })).toBe(base);
    expect(hash({ health: { probe: HealthProbe.tcp(8080, "nc") } })).not.toBe(base);
    expect(hash({ writablePaths: [{ path: "/tmp", mode: "1777", sizeMb: 32 }] })).not.toBe(base);
    expect(hash({ resources: { memoryMb: 256, cpuLimit: 0.5 } })).not.toBe(base);
  });

  test("cpu limit renders as period/quota, never cpus", () => {
    const c = container(synthStackJson(build({ resources: { memoryMb: 128, cpuLimit: 1.5 } }).stack));
    expect(c.cpu_period).toBe(100000);
    expect(c.cpu_quota).toBe(150000);
    expect(c.cpus).toBeUndefined();
  });

  test("data volumes become named docker_volume resources", () => {
    const json: Json = synthStackJson(build({ dataVolumes: [{ name: "data", path: "/var/lib/web" }] }).stack);
    expect(json.resource.docker_volume.web_data.name).toBe("web-data");
    expect(container(json).volumes).toEqual([{ volume_name: "${docker_volume.web_data.name}", container_path: "/var/lib/web" }]);
  });

  test("secrets render as references to sensitive variables", () => {
    const { stack, topology } = dockerTestStack();
    const pw = Secret.fromVariable(stack, "web_db_password", "Database password of web");
    new HardenedContainer(stack, "web", { service: webSpec({ secretEnv: { DB_PASSWORD: pw }, env: { LOG_LEVEL: "info" } }), networks: [topology.front], owner: "o" });
    const json: Json = synthStackJson(stack);
    expect(container(json).env).toEqual(["DB_PASSWORD=${var.web_db_password}", "LOG_LEVEL=info"]);
    expect(json.variable.web_db_password).toMatchObject({ sensitive: true, type: "string" });
    expect(json.variable.web_db_password.default).toBeUndefined();
    expect(stack).toPassPolicy();
  });

  test("loopback publication is allowed", () => {
    const c = container(synthStackJson(build({}, { publish: [{ containerPort: 8080, hostPort: 18080 }] }).stack));
    expect(c.ports).toEqual([{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }]);
  });

  test("justified capability additions are rendered", () => {
    const c = container(synthStackJson(build({ capabilities: [{ capability: "NET_BIND_SERVICE", reason: "binds port 80 inside the container" }] }).stack));
    expect(c.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
  });

  test("on-failure restart with at most 5 retries", () => {
    const c = container(synthStackJson(build({}, { restart: { policy: "on-failure", maxRetries: 3 } }).stack));
    expect(c.restart).toBe("on-failure");
    expect(c.max_retry_count).toBe(3);
  });

  test("writable root escape hatch writes a visible suppression", () => {
    const { stack } = build({}, { escapeHatches: { writableRootFilesystem: { reason: "legacy image writes into /opt at runtime" } } });
    const json: Json = synthStackJson(stack);
    expect(container(json).read_only).toBe(false);
    const f = policyFindings(stack).find((x) => x.ruleId === "DOCKER-004")!;
    expect(f).toMatchObject({ suppressed: true, suppressionReason: "legacy image writes into /opt at runtime", address: "docker_container.web" });
    expect(stack).toPassPolicy();
  });

  test("egress escape hatch: a bridge of its own (no other member, icc off) and a visible NET-001 suppression", () => {
    const backOnly = (props: Partial<HardenedContainerProps>) => {
      const { stack, topology } = dockerTestStack();
      new HardenedContainer(stack, "web", { service: webSpec({ role: "datastore" }), networks: [topology.back], owner: "platform-team", ...props });
      return stack;
    };
    const stack = backOnly({ escapeHatches: { egress: { reason: "the off-site copy reaches s3.example.net only" } } });
    const json: Json = synthStackJson(stack);
    expect(container(json).networks_advanced.map((n: Json) => n.name)).toEqual([expect.any(String), "${docker_network.web_egress.name}"]);
    expect(json.resource.docker_network.web_egress).toMatchObject({ name: "web-egress", internal: false, options: { "com.docker.network.bridge.enable_icc": "false" } });
    const f = policyFindings(stack).find((x) => x.ruleId === "NET-001")!;
    expect(f).toMatchObject({ suppressed: true, address: "docker_container.web" });
    expect(f.suppressionReason).toContain("the off-site copy reaches s3.example.net only");
    expect(stack).toPassPolicy();
    // Without the hatch the container joins its networks only.
    expect((synthStackJson(backOnly({})) as Json).resource.docker_network.web_egress).toBeUndefined();
  });

  test("suppress() on a container writes the suppression into the JSON", () => {
    const { stack, c } = build({}, { publish: [{ containerPort: 8080, hostPort: 18080 }] });
    c.suppress("DOCKER-022", "digest pinned by the deploy pipeline at release time");
    const f = policyFindings(stack).find((x) => x.ruleId === "DOCKER-022")!;
    expect(f.suppressed).toBe(true);
  });
});

describe("HardenedContainer validation errors name the construct, the prop and the fix", () => {
  const cases: Array<[string, Partial<ServiceSpec>, Partial<HardenedContainerProps>, RegExp]> = [
    ["memory 0", { resources: { memoryMb: 0 } }, {}, /HardenedContainer test\/web: service\.resources\.memoryMb is 0, not a whole number from 6 to 1048576\. Fix: set a whole number of MB, at least 6/],
    ["root user", { user: "root" }, {}, /service\.user "root" is root or empty\. Fix: run as the image's non-root/],
    ["uid 0", { user: "0:0" }, {}, /service\.user "0:0" is root/],
    ["named user", { user: "app" }, {}, /service\.user "app" is not a numeric UID:GID/],
    ["latest image", { image: { repository: "nginx", tag: "latest" } }, {}, /service\.image\.tag "latest" is not a pinned version tag\. Fix: use a version tag such as "11\.8\.9" \(never "latest"\)/],
    ["tag in repository", { image: { repository: "nginx:1.27", tag: "1.27" } }, {}, /service\.image\.repository "nginx:1\.27" is not a repository name/],
    ["bad digest", { image: { repository: "nginx", tag: "1.27", digest: "sha256:abc" } }, {}, /service\.image\.digest "sha256:abc" is not a sha256 digest/],
    ["empty exec probe", { health: { probe: { kind: "exec", command: [] } } }, {}, /service\.health\.probe\.command is empty or holds an empty word/],
    ["bad duration", { health: { probe: HealthProbe.tcp(80, "nc"), interval: "30" as never } }, {}, /service\.health\.interval is "30", not a Duration \(durations are typed: write Duration\.seconds\(30\), not a string\)/],
    ["secret literal in env", { env: { DB_PASSWORD: "hunter2" } }, {}, /service\.env\.DB_PASSWORD looks like a secret but holds a literal\. Fix: move it to secretEnv/],
    ["forged secret ref", { secretEnv: { API_TOKEN: { kind: "secret", name: "x", expression: "hunter2", source: "x" } } }, {}, /service\.secretEnv\.API_TOKEN \(x\) holds a literal, not a reference/],
    ["dangerous capability", { capabilities: [{ capability: "SYS_ADMIN" as never, reason: "wants to mount things" }] }, {}, /service\.capabilities holds "SYS_ADMIN", which is not an allowed capability/],
    ["capability without reason", { capabilities: [{ capability: "CHOWN", reason: "" }] }, {}, /service\.capabilities\[CHOWN\]\.reason is missing or shorter than 10 characters/],
    ["port 3306 on 0.0.0.0", {}, { publish: [{ containerPort: 3306, hostPort: 3306, hostIp: "0.0.0.0" }] }, /publish\[0\]\.hostIp "0\.0\.0\.0" would publish port 3306 beyond this host\. Fix: publish only on 127\.0\.0\.1/],
    ["public ip", {}, { publish: [{ containerPort: 80, hostPort: 8080, hostIp: "203.0.113.7" }] }, /publish\[0\]\.hostIp "203\.0\.113\.7"/],
    ["privileged host port", {}, { publish: [{ containerPort: 80, hostPort: 80 }] }, /publish\[0\]\.hostPort 80 is a privileged port/],
    ["too many retries", {}, { restart: { policy: "on-failure", maxRetries: 10 } }, /restart\.maxRetries is 10/],
    ["no networks", {}, { networks: [] }, /networks is empty\. Fix: attach the container to at least one NetworkTopology network/],
    ["bad name", { name: "Web_1" }, {}, /service\.name "Web_1" is not a DNS-safe service name/],
    ["path mounted twice", { writablePaths: [{ path: "/tmp" }], dataVolumes: [{ name: "d", path: "/tmp" }] }, {}, /"\/tmp" is mounted twice/],
    ["writable root without reason", {}, { escapeHatches: { writableRootFilesystem: { reason: "x" } } }, /escapeHatches\.writableRootFilesystem\.reason is missing or shorter than 10 characters/],
    ["egress without reason", {}, { escapeHatches: { egress: { reason: "s3" } } }, /escapeHatches\.egress\.reason is missing or shorter than 10 characters/],
  ];
  test.each(cases)("%s", (_name, spec, props, message) => {
    expect(() => build(spec, props)).toThrow(message);
  });

  test("datastore on a public network", () => {
    const { stack, topology } = dockerTestStack();
    expect(
      () => new HardenedContainer(stack, "db", { service: webSpec({ name: "db", role: "datastore" }), networks: [topology.front, topology.back], owner: "o" }),
    ).toThrow(/networks attaches datastore "db" to public network "frontnet"\. Fix: attach datastores and brokers only to internal networks/);
  });

  test("datastore detected by image name even with role app", () => {
    const { stack, topology } = dockerTestStack();
    expect(
      () => new HardenedContainer(stack, "db", { service: webSpec({ name: "db", image: { repository: "docker.io/library/mariadb", tag: "11.4" } }), networks: [topology.front], owner: "o" }),
    ).toThrow(/attaches datastore image "db" to public network "frontnet"/);
  });

  test("duplicate service names in a stack", () => {
    const { stack, topology } = dockerTestStack();
    new HardenedContainer(stack, "a", { service: webSpec(), networks: [topology.front], owner: "o" });
    expect(() => new HardenedContainer(stack, "b", { service: webSpec(), networks: [topology.front], owner: "o" })).toThrow(
      /service\.name "web" is used by another service in stack test/,
    );
  });

  test("suppression needs a known rule and a real reason", () => {
    const { c } = build();
    expect(() => c.suppress("DOCKER-9", "because it is fine here")).toThrow(/rule id "DOCKER-9" is not a rule id/);
    expect(() => c.suppress("DOCKER-022", "short")).toThrow(/needs a reason of at least 10 characters/);
  });
});

describe("HardenedContainer properties", () => {
  test("any positive memory renders memory = memory_swap and passes DOCKER-007/008", () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 1 << 20 }), (mb) => { // Docker refuses less than 6 MB (MIN_MEMORY_MB)
        const c = container(synthStackJson(build({ resources: { memoryMb: mb } }).stack));
        return c.memory === mb && c.memory_swap === mb;
      }),
      { numRuns: 15 },
    );
  });

  test("any non-positive or fractional memory is refused", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 1000, noInteger: true })), (mb) => {
        expect(() => build({ resources: { memoryMb: mb } })).toThrow(/memoryMb/);
      }),
      { numRuns: 30 },
    );
  });

  test("any non-loopback IPv4 host address is refused, any 127/8 accepted", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        const ip = `${a}.${b}.${c}.${d}`;
        const run = () => build({}, { publish: [{ containerPort: 8080, hostPort: 18080, hostIp: ip }] });
        if (a === 127) expect(run).not.toThrow();
        else expect(run).toThrow(/would publish port 18080 beyond this host/);
      }),
      { numRuns: 40 },
    );
  });

  test("any UID:GID with uid 0 is refused", () => {
    fc.assert(
      fc.property(fc.nat(65535), (gid) => {
        expect(() => build({ user: `0:${gid}` })).toThrow(/is root or empty/);
      }),
      { numRuns: 20 },
    );
  });
});

describe("HardenedContainer stop grace", () => {
  test("stopGracePeriod renders as stop_timeout and destroy_grace_seconds", () => {
    const c = container(synthStackJson(build({ stopGracePeriod: Duration.seconds(60) }).stack) as Json);
    expect(c.stop_timeout).toBe(60);
    expect(c.destroy_grace_seconds).toBe(60);
    expect(container(synthStackJson(build().stack) as Json).stop_timeout).toBeUndefined();
  });
  test.each([0, 4000])("stopGracePeriod of %p seconds is refused", (v) => {
    expect(() => build({ stopGracePeriod: Duration.seconds(v) })).toThrow(/service\.stopGracePeriod is \d+s\. Fix: give a duration from 1s to 3600s/);
  });
  test("the old stopGraceSeconds field is refused with the fix", () => {
    expect(() => build({ stopGraceSeconds: 60 } as never)).toThrow(/service\.stopGraceSeconds is no longer a field\. Fix: give stopGracePeriod: Duration\.seconds\(n\)/);
  });
});

describe("HardenedContainer files (addFile, addSecretFile): a never-started seeder fills a read-only config volume", () => {
  function withFiles() {
    const { stack, c } = build({ dataVolumes: [{ name: "data", path: "/var/lib/web" }] });
    c.addFile("/etc/web/web.yml", "listen: 8080\ntemplate: ${literal} %{ if x }\n");
    c.addFile("/etc/web/conf.d/extra.yml", "extra: true\n", { mode: "0440" });
    c.addSecretFile("/etc/web/secrets/token", Secret.fromVariable(stack, "web_token", "API token of web"), { prefix: "token=", suffix: "\n" });
    return { stack, c, json: synthStackJson(stack) as Json };
  }

  test("the service: no upload, the config volume read-only at the directory, depends on and is replaced with the seeder", () => {
    const { json } = withFiles();
    const web = container(json);
    expect(web.upload).toBeUndefined();
    expect(web.read_only).toBe(true);
    expect(web.volumes).toEqual([
      { volume_name: "${docker_volume.web_data.name}", container_path: "/var/lib/web" },
      { volume_name: "${docker_volume.web_config.name}", container_path: "/etc/web", read_only: true },
    ]);
    expect(web.depends_on).toEqual(["docker_container.web_config"]);
    expect(web.lifecycle).toEqual({ replace_triggered_by: ["${docker_container.web_config}"] });
    expect(json.resource.docker_volume.web_config.name).toBe("web-config");
  });

  test("the seeder: same image and user, never started, not read-only (a reasoned DOCKER-004 suppression), no network, no capabilities", () => {
    const { json } = withFiles();
    const s = container(json, "web_config");
    const web = container(json);
    expect({ name: s.name, image: s.image, user: s.user, start: s.start, must_run: s.must_run, read_only: s.read_only, network_mode: s.network_mode, networks: s.networks_advanced })
      .toEqual({ name: "web-config", image: web.image, user: "10001:10001", start: false, must_run: false, read_only: false, network_mode: "none", networks: undefined });
    expect({ caps: s.capabilities, nnp: s.security_opts, mem: s.memory, swap: s.memory_swap, ulimit: s.ulimit, hc: s.healthcheck, log: [s.log_driver, s.log_opts], restart: [s.restart, s.max_retry_count] })
      .toEqual({ caps: { drop: ["ALL"] }, nnp: ["no-new-privileges:true"], mem: web.memory, swap: web.memory, ulimit: web.ulimit, hc: web.healthcheck, log: [web.log_driver, web.log_opts], restart: ["on-failure", 1] });
    expect(s.volumes).toEqual([{ volume_name: "${docker_volume.web_config.name}", container_path: "/etc/web", read_only: false }]);
    expect(s.upload).toEqual([
      { file: "/etc/web/web.yml", content: "listen: 8080\ntemplate: $${literal} %%{ if x }\n", permissions: "0444" },
      { file: "/etc/web/conf.d/extra.yml", content: "extra: true\n", permissions: "0440" },
      { file: "/etc/web/secrets/token", content: "token=${var.web_token}\n", permissions: "0444" },
    ]);
    expect(json.variable.web_token.sensitive).toBe(true);
    const sup = s["//"].bulwark.suppressions;
    expect(sup).toEqual([{ rule: "DOCKER-004", reason: expect.stringContaining("container rootfs is marked read-only") }]);
  });

  test("passes policy: only the reasoned DOCKER-004 of the seeder is suppressed, and DOCKER-033 holds", () => {
    const { stack } = withFiles();
    expect(stack).toPassPolicy();
    const errors = policyFindings(stack).filter((f) => f.severity === "error");
    expect(errors.map((f) => `${f.ruleId} ${f.address}`)).toEqual(["DOCKER-004 docker_container.web_config"]);
  });

  test("files are listed; a second directory gets its own volume web-config-2 in the same seeder", () => {
    const { stack, c } = build();
    c.addFile("/etc/web/a.yml", "a\n").addFile("/opt/web/b.yml", "b\n");
    expect([...c.files.keys()]).toEqual(["/etc/web/a.yml", "/opt/web/b.yml"]);
    const json: Json = synthStackJson(stack);
    expect(container(json, "web_config").volumes.map((v: Json) => [v.volume_name, v.container_path])).toEqual([
      ["${docker_volume.web_config.name}", "/etc/web"], ["${docker_volume.web_config_2.name}", "/opt/web"],
    ]);
    expect(json.resource.docker_volume.web_config_2.name).toBe("web-config-2");
  });

  test.each([
    ["relative path", "etc/web/a.yml", {}, /addFile\("etc\/web\/a\.yml"\) is not a normalized absolute file path\. Fix: give the absolute path/],
    ["dot-dot", "/etc/web/../a.yml", {}, /is not a normalized absolute file path/],
    ["under the tmpfs", "/tmp/a.yml", {}, /addFile\("\/tmp\/a\.yml"\) is under the writable tmpfs \/tmp, which is empty at every start\. Fix: deliver the file into a config directory outside/],
    ["under a data volume", "/var/lib/web/a.yml", {}, /is under the data volume "data" \(\/var\/lib\/web\), which the service writes\. Fix:/],
    ["directly under /", "/a.yml", {}, /is directly under \/\. Fix:/],
    ["bad mode", "/etc/web/a.yml", { mode: "rw" }, /addFile\("\/etc\/web\/a\.yml"\)\.mode is "rw"\. Fix: give an octal mode as a string/],
    ["directory not containing the file", "/etc/web/a.yml", { directory: "/etc/other" }, /\.directory "\/etc\/other" does not contain the file/],
  ])("%s is refused with the construct, the prop and the fix", (_n, path, opts, re) => {
    const { c } = build({ dataVolumes: [{ name: "data", path: "/var/lib/web" }] });
    expect(() => c.addFile(path, "x", opts)).toThrow(/^HardenedContainer test\/web: /);
    expect(() => c.addFile(path, "x", opts)).toThrow(re);
  });

  test("two files at one path, nested directories and overlapping mounts are refused", () => {
    const { c } = build();
    c.addFile("/etc/web/sub/a.yml", "a");
    expect(() => c.addFile("/etc/web/sub/a.yml", "b")).toThrow(/addFile\("\/etc\/web\/sub\/a\.yml"\) is delivered twice\. Fix: deliver each file once/);
    expect(() => c.addFile("/etc/web/b.yml", "b")).toThrow(/would make config directory "\/etc\/web" nested with "\/etc\/web\/sub"\. Fix: pass \{ directory: "\/etc\/web" \}/);
    // A file below an existing directory joins it.
    c.addFile("/etc/web/sub/deeper/c.yml", "c");
    expect(c.files.get("/etc/web/sub/deeper/c.yml")?.directory).toBe("/etc/web/sub");
    expect(() => c.allowHostPath("/srv/x", { containerPath: "/etc/web/sub/x", reason: "a test of overlapping mounts" })).toThrow(/overlaps the config directory \/etc\/web\/sub of addFile/);
    expect(() => c.addSecretFile("/etc/web/sub/pw", { kind: "secret", name: "x", expression: "hunter2", source: "x" } as never)).toThrow(/holds a literal, not a reference/);
  });
});

describe("escapeTerraformTemplate", () => {
  test("escapes ${ and %{ (a replacement string would have turned $${ back into ${)", () => {
    expect(escapeTerraformTemplate("a ${b} %{c} $x")).toBe("a $${b} %%{c} $x");
  });
});
