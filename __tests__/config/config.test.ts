import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { Testing } from "cdktf";

import { loadConfig, loadDeploymentConfig, ENV_OVERRIDES, EXAMPLE_CONFIG_PATH, ConfigError } from "../../config/load";
import { DeploymentConfigSchema, SharedConfigSchema, offsiteCredentialNames } from "../../config/schema";
import { exampleConfig } from "../helpers/reference";
import { requireSections } from "../../config/checks";
import { buildApp } from "../../main";
import { normalizedJson } from "../helpers/reference";
import { STACK_KINDS } from "../../stacks/catalog";
import { KohaStack } from "../../stacks/koha";
import { SingleServerStack } from "../../stacks/single-server";
import { KubernetesKohaStack } from "../../stacks/kubernetes/koha";
import { KubernetesSingleServerStack } from "../../stacks/kubernetes/single-server";

const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8"));
const { koha, singleServer, github, cloudflare, ...shared } = example;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function withFile(content: unknown, name = "deploy.yaml"): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-config-"));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : stringify(content));
  return path;
}

/** Load `content` as BULWARK_CONFIG; the ConfigError message, or "" when it loads. */
function problemsOf(content: unknown, env: Record<string, string> = {}): string {
  try {
    loadDeploymentConfig({ ...env, BULWARK_CONFIG: withFile(content) });
    return "";
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

describe("deployment configuration", () => {
  test("the embedded example is valid, is the default and configures every reference stack", () => {
    const c = requireSections(loadDeploymentConfig({}), ["koha", "singleServer", "github", "cloudflare"], "test");
    expect(c.backend).toEqual({ type: "local", directory: "state" });
    expect(c.koha.mariadb.serverId).toBe(1);
    expect(c.github.repositories.map((r) => r.name)).toEqual(["koha-docker-build", "koha-deploy"]);
    expect(c.cloudflare.domain).toBe("example.org");
    expect(buildApp(c).stacks.map((s) => s.node.id)).toEqual(["koha", "single-server", "governance"]);
  });

  test("BULWARK_CONFIG names a YAML or JSON file", () => {
    const json = withFile(JSON.stringify({ ...example, owner: "library-ops" }), "d.json");
    expect(loadDeploymentConfig({ BULWARK_CONFIG: json }).owner).toBe("library-ops");
  });

  test("environment variables override single fields, numbers converted", () => {
    const c = loadDeploymentConfig({ BULWARK_DOMAIN: "library.example.net", BULWARK_MARIADB_SERVER_ID: "42", BULWARK_OWNER: "ops", BULWARK_POSTGRES_HOST_PORT: "15433" });
    expect(c.cloudflare?.domain).toBe("library.example.net");
    expect(c.koha?.mariadb.serverId).toBe(42);
    expect(c.owner).toBe("ops");
    expect(c.singleServer?.postgresHostPort).toBe(15433);
  });

  test("every override names a field of the schema (the paths stay valid as the layout changes)", () => {
    const fieldAt = (path: readonly string[]): boolean => {
      let cur: any = DeploymentConfigSchema;
      for (const key of path) {
        // Through wrappers, and into `koha`'s pipe(union(object, list of objects)): the object form.
        for (;;) {
          const def = cur?._zod?.def;
          if (["optional", "default", "prefault"].includes(def?.type)) cur = def.innerType;
          else if (def?.type === "pipe") cur = def.in;
          else if (def?.type === "union") cur = def.options.find((o: any) => o._zod.def.type === "object");
          else break;
        }
        cur = cur?._zod?.def?.shape?.[key];
        if (!cur) return false;
      }
      return true;
    };
    for (const o of ENV_OVERRIDES) expect({ env: o.env, ok: fieldAt(o.path) }).toEqual({ env: o.env, ok: true });
  });

  test("the README's configuration table lists every environment override", () => {
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    for (const o of ENV_OVERRIDES) expect({ env: o.env, listed: readme.includes(`\`${o.env}\``) }).toEqual({ env: o.env, listed: true });
  });

  test("an override never creates a stack or edge section: it names the missing section", () => {
    const message = problemsOf({ ...shared, singleServer }, { BULWARK_OPAC_HOSTNAME: "opac.example.org", BULWARK_DOMAIN: "example.org", BULWARK_GITHUB_OWNER: "acme" });
    expect(message).toContain("BULWARK_OPAC_HOSTNAME: sets koha.opacHostname, but the configuration has no koha section. Fix: add the section, or unset BULWARK_OPAC_HOSTNAME");
    expect(message).toContain("BULWARK_DOMAIN: sets cloudflare.domain, but the configuration has no cloudflare section");
    expect(message).toContain("BULWARK_GITHUB_OWNER: sets github.owner, but the configuration has no github section");
    // Shared settings with defaults are fine to set from the environment.
    expect(problemsOf({ ...shared, docker: undefined, singleServer }, { BULWARK_DOCKER_HOST: "ssh://ops@host" })).toBe("");
  });

  test("BULWARK_BACKEND=s3 selects an S3 backend from its variables", () => {
    const c = loadDeploymentConfig({ BULWARK_BACKEND: "s3", BULWARK_S3_BUCKET: "tf-state", BULWARK_S3_REGION: "eu-central-1" });
    expect(c.backend).toEqual({ type: "s3", bucket: "tf-state", region: "eu-central-1", keyPrefix: "bulwark" });
  });

  test("BULWARK_BACKEND=cloud selects Terraform Cloud", () => {
    const c = loadDeploymentConfig({ BULWARK_BACKEND: "cloud", BULWARK_TFC_ORGANIZATION: "acme", BULWARK_TFC_WORKSPACE_PREFIX: "bulwark" });
    expect(c.backend).toEqual({ type: "cloud", organization: "acme", workspacePrefix: "bulwark", hostname: "app.terraform.io" });
  });

  test("every problem is listed at once, with its path", () => {
    let message = "";
    try {
      loadDeploymentConfig({ BULWARK_BACKEND: "s3", BULWARK_MARIADB_SERVER_ID: "many", BULWARK_DOMAIN: "Not A Domain", BULWARK_CLOUDFLARE_ZONE_ID: "zone" });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid deployment configuration \(embedded example config\/deployment\.example\.yaml\):/);
    expect(message).toContain('BULWARK_MARIADB_SERVER_ID="many": must be a number');
    expect(message).toContain("backend.bucket:");
    expect(message).toContain("backend.region:");
    expect(message).toContain("cloudflare.domain: must be a lower-case DNS name");
    expect(message).toContain("cloudflare.zoneId: must be 32 lower-case hex characters");
  });

  test.each([
    ["latest image tag", { singleServer: { ...example.singleServer, api: { ...example.singleServer.api, tag: "latest" } } }, /singleServer\.api\.tag: must not be "latest"/],
    ["absolute local state directory", { backend: { type: "local", directory: "/var/state" } }, /backend\.directory: must be a relative path/],
    ["unknown backend", { backend: { type: "gcs" } }, /backend\.type/],
    ["server id 0", { koha: { ...example.koha, mariadb: { serverId: 0 } } }, /koha\.mariadb\.serverId/],
    ["unknown key", { extra: 1 }, /  - extra: unknown key; valid keys here: owner, environment, docker, backend, images, cloudflare, kubernetes, readiness, koha, singleServer, github/],
    ["no repositories", { github: { owner: "o", repositories: [] } }, /github\.repositories/],
    ["api port below 1024", { singleServer: { ...example.singleServer, api: { ...example.singleServer.api, port: 80 } } }, /singleServer\.api\.port/],
    ["invalid service name under images", { images: { MariaDB: { tag: "11.8.9" } } }, /images\.MariaDB: Invalid key in record/],
  ])("rejects %s", (_name, patch, message) => {
    expect(problemsOf({ ...example, ...patch })).toMatch(message);
  });

  test("missing file and invalid YAML are clear errors", () => {
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: "/nonexistent/deploy.yaml" })).toThrow(
      /cannot read deployment configuration \/nonexistent\/deploy\.yaml: ENOENT\. Fix: set BULWARK_CONFIG/,
    );
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: withFile("owner: [unclosed\n") })).toThrow(/not valid YAML\/JSON/);
    expect(() => loadDeploymentConfig({ BULWARK_CONFIG: withFile("- a\n- b\n") })).toThrow(/must be a mapping/);
  });

  test("an unknown BULWARK_BACKEND is refused", () => {
    expect(() => loadDeploymentConfig({ BULWARK_BACKEND: "ftp" })).toThrow(/BULWARK_BACKEND="ftp": must be one of local, s3, cloud/);
  });
});

describe("configure only what you run", () => {
  test("a single-server section alone needs no cloudflare or github, and builds only that stack, unchanged", () => {
    const path = withFile({ ...shared, singleServer });
    const only = loadDeploymentConfig({ BULWARK_CONFIG: path });
    expect(only.koha).toBeUndefined();
    expect(only.cloudflare).toBeUndefined();
    const built = buildApp(only);
    expect(built.stacks.map((s) => s.node.id)).toEqual(["single-server"]);
    expect(built.governance).toBeUndefined();
    const full = new SingleServerStack(Testing.app(), "single-server", { config: loadDeploymentConfig({}) });
    expect(normalizedJson(built.stacks[0]) === normalizedJson(full)).toBe(true);
  });

  test("the docker section is optional (the local socket by default)", () => {
    const { docker: _docker, ...noDocker } = shared;
    void _docker;
    expect(loadDeploymentConfig({ BULWARK_CONFIG: withFile({ ...noDocker, singleServer }) }).docker).toEqual({ host: "unix:///var/run/docker.sock" });
  });

  test("a github section alone builds only the governance stack", () => {
    const only = loadDeploymentConfig({ BULWARK_CONFIG: withFile({ owner: shared.owner, backend: shared.backend, github }) });
    const built = buildApp(only);
    expect(built.stacks.map((s) => s.node.id)).toEqual(["governance"]);
    expect(built.governance?.governance.map((g) => g.repositoryName)).toEqual(["koha-docker-build", "koha-deploy"]);
  });

  test("koha and cloudflare build only the koha stack", () => {
    const only = loadDeploymentConfig({ BULWARK_CONFIG: withFile({ ...shared, koha, cloudflare }) });
    expect(buildApp(only).stacks.map((s) => s.node.id)).toEqual(["koha"]);
  });

  test("koha without cloudflare is an error with its path, listed with the others", () => {
    const message = problemsOf({ ...shared, koha: { ...koha, opacHostname: "Bad Host" } });
    expect(message).toContain("  - cloudflare: required by koha (its tunnel and Access)");
    expect(message).toContain("  - koha.opacHostname: must be a lower-case DNS name");
  });

  test("a configuration with no stack section is an error", () => {
    expect(problemsOf(shared)).toContain("(top level): configures no stack; add at least one section of koha, singleServer, github");
  });

  test("stack ids are fixed per kind (they are the roots of Terraform addresses)", () => {
    // The runtime (docker or kubernetes) of a section picks one of its kinds; each has its own id.
    expect(STACK_KINDS.map((k) => [k.section, k.stackId])).toEqual([
      ["koha", "koha"], ["koha", "koha-k8s"], ["singleServer", "single-server"], ["singleServer", "single-server-k8s"], ["github", "governance"],
    ]);
    expect(STACK_KINDS.map((k) => k.services)).toEqual([KohaStack.services, [...KubernetesKohaStack.services], SingleServerStack.services, [...KubernetesSingleServerStack.services], []]);
  });
});

describe("unknown keys anywhere are errors with their path", () => {
  test.each([
    ["top level", { ...example, kohaa: {} }, "kohaa: unknown key; valid keys here: owner, environment, docker, backend, images, cloudflare, kubernetes, readiness, koha, singleServer, github"],
    ["a stack section", { ...example, koha: { ...koha, opacHost: "x" } }, "koha.opacHost: unknown key; valid keys here: runtime, instance, mariadb, opacHostname, staffHostname, image, monitoring, backup"],
    ["a nested object", { ...example, koha: { ...koha, mariadb: { ...koha.mariadb, serverID: 2 } } }, "koha.mariadb.serverID: unknown key; valid keys here: serverId, binlogExpireSeconds"],
    ["a list entry", { ...example, github: { ...github, repositories: [{ ...github.repositories[0], private: true }] } }, "github.repositories[0].private: unknown key; valid keys here: name, description"],
    ["a backend variant", { ...example, backend: { type: "local", directory: "state", bucket: "b" } }, "backend.bucket: unknown key; valid keys here: type, directory"],
    ["the edge's access", { ...example, cloudflare: { ...cloudflare, access: { ...cloudflare.access, emails: [] } } }, "cloudflare.access.emails: unknown key; valid keys here: allowedEmailDomains, allowedEmails"],
    ["an image pin", { ...example, images: { mariadb: { tag: "11.8.9", sha: "x" } } }, "images.mariadb.sha: unknown key; valid keys here: tag, digest"],
    ["an app image", { ...example, singleServer: { ...singleServer, api: { ...singleServer.api, healthcheck: "/" } } }, "singleServer.api.healthcheck: unknown key; valid keys here: repository, tag, digest, user, port"],
  ])("in %s", (_where, content, message) => {
    expect(problemsOf(content)).toContain(message);
  });
});

describe("monitoring and backup settings (koha, singleServer)", () => {
  test("the example configures both stacks' monitoring and backups; schedules default to the construct's", () => {
    const c = exampleConfig();
    expect(c.koha.monitoring).toEqual({
      smtp: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["library-oncall@example.org"], username: "alerts@example.org" },
      telegramChatId: -1001234567890,
      runbookBaseUrl: "https://github.com/example-org/koha-deploy/blob/main/docs/runbooks",
      grafana: { hostname: "grafana.example.org" },
    });
    expect(c.singleServer.monitoring).toEqual({
      smtp: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"], username: "alerts@example.org" },
      runbookBaseUrl: "docs/runbooks",
      cadvisor: false,
    });
    expect(c.singleServer.backup).toEqual({
      offsite: { repository: "s3:https://s3.example.net/app-backups" },
      fullEveryHours: 6, shipEverySeconds: 30, drillEveryDays: 30, keepWithinDays: 30, keepDaily: 30, keepMonthly: 12, rpoMinutes: 60, rtoHours: 4,
    });
    expect(offsiteCredentialNames(c.koha.backup!.offsite!)).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(offsiteCredentialNames({ repository: "rest:https://backup.example.net/koha" })).toEqual([]);
  });

  test("both sections are optional: without them a stack has no monitoring and no backup plan", () => {
    const { monitoring: _m, backup: _b, ...bare } = singleServer;
    void [_m, _b];
    const c = loadDeploymentConfig({ BULWARK_CONFIG: withFile({ ...shared, singleServer: bare }) });
    expect(c.singleServer?.monitoring).toBeUndefined();
    expect(c.singleServer?.backup).toBeUndefined();
    const stack = new SingleServerStack(Testing.app(), "single-server", { config: c });
    expect(stack.monitoring).toBeUndefined();
    expect(stack.backup).toBeUndefined();
  });

  test("a single-server section alone may have monitoring (its own Docker host), and builds it", () => {
    const monitoring = { smtp: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"] }, telegramChatId: 42 };
    const c = loadDeploymentConfig({ BULWARK_CONFIG: withFile({ ...shared, singleServer: { ...singleServer, monitoring } }) });
    expect(c.singleServer?.monitoring).toEqual({ ...monitoring, runbookBaseUrl: "docs/runbooks" });
    const stack = buildApp(c).stacks[0] as SingleServerStack;
    expect(stack.monitoring?.alertingProps.telegram?.chatId).toBe(42);
    // No SMTP username: no SMTP authentication and no password variable.
    expect(stack.monitoring?.alertingProps.email?.password).toBeUndefined();
  });

  test("koha and single-server may both run monitoring on one docker.host: single-server's containers are app-prefixed, one app holds both", () => {
    const monitoring = { smtp: { smarthost: "smtp.example.org:587", from: "alerts@example.org", to: ["ops@example.org"] } };
    expect(problemsOf({ ...example, singleServer: { ...singleServer, monitoring } })).toBe("");
    const c = loadDeploymentConfig({ BULWARK_CONFIG: withFile({ ...example, singleServer: { ...singleServer, monitoring } }) });
    expect(c.koha?.monitoring && c.singleServer?.monitoring && c.docker.host).toBe("unix:///var/run/docker.sock");
    // buildApp puts every stack into one app, where every Docker name is claimed once per host.
    const stacks = buildApp(c).stacks.filter((s): s is KohaStack | SingleServerStack => s instanceof KohaStack || s instanceof SingleServerStack);
    expect(stacks.map((s) => s.monitoring?.prometheus.service.name).sort()).toEqual(["app-prometheus", "prometheus"]);
  });

  const mon = (patch: Record<string, unknown>) => ({ ...example, koha: { ...koha, monitoring: { ...koha.monitoring, ...patch } } });
  const smtp = (patch: Record<string, unknown>) => mon({ smtp: { ...koha.monitoring.smtp, ...patch } });
  const bak = (patch: Record<string, unknown>) => ({ ...example, koha: { ...koha, backup: { ...koha.backup, ...patch } } });
  test.each([
    ["an SMTP host without port", smtp({ smarthost: "smtp.example.org" }), "koha.monitoring.smtp.smarthost: must be host:port, e.g. smtp.example.org:587"],
    ["no receiver address", smtp({ to: [] }), "koha.monitoring.smtp.to: must name at least one receiver address"],
    ["a receiver that is no address", smtp({ to: ["oncall"] }), "koha.monitoring.smtp.to[0]: must be an e-mail address"],
    ["an SMTP password in the config", smtp({ password: "hunter2" }), "koha.monitoring.smtp.password: unknown key; valid keys here: smarthost, from, to, username"],
    ["a Telegram bot token in the config", mon({ telegramBotToken: "123:abc" }), "koha.monitoring.telegramBotToken: unknown key; valid keys here: smtp, telegramChatId, runbookBaseUrl"],
    ["Telegram chat id 0", mon({ telegramChatId: 0 }), "koha.monitoring.telegramChatId: must be the numeric Telegram chat id"],
    ["monitoring without smtp", { ...example, koha: { ...koha, monitoring: { telegramChatId: 1 } } }, "koha.monitoring.smtp:"],
    ["an off-site URL that is no restic repository", bak({ offsite: { repository: "https://s3.example.net/b" } }), "koha.backup.offsite.repository: must be a restic repository URL"],
    ["credentials in the off-site URL", bak({ offsite: { repository: "rest:https://user:secret@backup.example.net/koha" } }), "koha.backup.offsite.repository: must not carry credentials"],
    ["a credential name that is no variable name", bak({ offsite: { repository: "b2:bucket:koha", credentials: ["b2-key"] } }), "koha.backup.offsite.credentials[0]: must be an environment variable name"],
    ["shipping more often than every 10 s", bak({ shipEverySeconds: 5 }), "koha.backup.shipEverySeconds:"],
    ["a restic password in the config", bak({ repositoryPassword: "x" }), "koha.backup.repositoryPassword: unknown key"],
    ["a single-server backup typo", { ...example, singleServer: { ...singleServer, backup: { fullEvery: 6 } } }, "singleServer.backup.fullEvery: unknown key; valid keys here: offsite, fullEveryHours"],
  ])("rejects %s with its path", (_name, content, message) => {
    expect(problemsOf(content)).toContain(message);
  });

  test("the schedules reach the backup containers", () => {
    const c = exampleConfig();
    const stack = new KohaStack(Testing.app(), "koha", { config: { ...c, koha: { ...c.koha, backup: { ...c.koha.backup!, fullEveryHours: 1, shipEverySeconds: 30, drillEveryDays: 0 } } } });
    const env = stack.backup!.containers.get("mariadb")!.service.env!;
    expect(env).toMatchObject({ BULWARK_FULL_INTERVAL_SECONDS: "3600", BULWARK_SHIP_INTERVAL_SECONDS: "30", BULWARK_DRILL_INTERVAL_SECONDS: "0" });
  });
});

describe("image pins name services a configured stack builds", () => {
  test("a typo under images: is an error with its path and the valid names", () => {
    expect(problemsOf({ ...example, images: { mariadbb: { tag: "11.8.9" } } })).toContain(
      'images.mariadbb: no configured stack builds a service "mariadbb"; valid names: alertmanager, api, blackbox-exporter, bot, cadvisor, cloudflared, db, db-backup, db-exporter, elasticsearch, grafana, koha, koha-backup, mariadb, mariadb-backup, mariadb-exporter, memcached, memcached-exporter, node-exporter, prometheus, rabbitmq, rabbitmq-backup (services of koha, singleServer, github)',
    );
  });

  test("the valid names are those of the configured stacks only", () => {
    const message = problemsOf({ ...shared, singleServer, images: { mariadb: { tag: "11.8.9" }, db: { tag: "18.4-trixie" } } });
    expect(message).toContain('images.mariadb: no configured stack builds a service "mariadb"; valid names: alertmanager, api, blackbox-exporter, bot, cadvisor, db, db-backup, db-exporter, node-exporter, prometheus (services of singleServer)');
    expect(message).not.toContain("images.db");
  });

  test("with no container stack configured, no pin is valid", () => {
    expect(problemsOf({ owner: "o", backend: shared.backend, github, images: { db: { tag: "1" } } })).toContain(
      'images.db: no configured stack builds a service "db"; no configured stack runs containers, so no image can be pinned',
    );
  });

  test("every pin of a configured service loads", () => {
    const images = Object.fromEntries([...KohaStack.services, ...SingleServerStack.services].map((s) => [s, { tag: "1.0.0" }]));
    expect(problemsOf({ ...example, images })).toBe("");
  });
});

describe("loadConfig: a schema of your own", () => {
  const Mine = SharedConfigSchema.extend({ mine: z.strictObject({ hostname: z.string() }) });
  const rules = [{ section: "mine", requires: [{ section: "cloudflare", why: "its tunnel" }], services: ["web", "cache"] }];
  const load = (content: unknown, env: Record<string, string> = {}) => loadConfig({ schema: Mine, defaultPath: withFile(content), env, stacks: rules });

  test("loads the shared settings plus its section, with the shared overrides", () => {
    const c = load({ ...shared, cloudflare, mine: { hostname: "api.example.org" }, images: { web: { tag: "2.0.0" } } }, { BULWARK_OWNER: "web-team" });
    expect(c.owner).toBe("web-team");
    expect(c.mine.hostname).toBe("api.example.org");
    expect(c.images.web).toEqual({ tag: "2.0.0" });
  });

  test("checks its requirements, unknown keys and pins like the reference configuration", () => {
    let message = "";
    try {
      load({ ...shared, mine: { hostname: "a", port: 1 }, images: { wbe: { tag: "1" } } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("cloudflare: required by mine (its tunnel)");
    expect(message).toContain("mine.port: unknown key; valid keys here: hostname");
    expect(message).toContain('images.wbe: no configured stack builds a service "wbe"; valid names: cache, web (services of mine)');
  });
});
