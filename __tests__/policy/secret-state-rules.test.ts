import { CREDENTIAL_PATTERNS } from "../../knowledge";
import { CATALOG } from "../../policy/catalog";
import { RULES as SECRET } from "../../policy/rules/secret";
import { MIN_CREDENTIAL_LENGTH, secret001 } from "../../policy/rules/secret/secret-001-credential-literal";
import { RULES as STATE } from "../../policy/rules/state";
import { buildStackIndex } from "../../policy/stack-index";
import { compliantContainer, dockerStack } from "../helpers/fixtures";
import { findings, hits, type Json } from "../helpers/policy";

/** Findings of one rule as `severity address`, in ordinal order (independent of the engine's sort). */
function sortedHits(json: Json, ruleId: string): string[] {
  return hits(json, ruleId).sort();
}

// Credential-shaped test values, assembled at run time so the source never holds a literal token
// that secret scanners would flag. None of them is a real credential.
const GH_TOKEN = "ghp" + "_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
const GH_PAT = "github" + "_pat_" + "11ABCDEFG0123456789_abcdefghijklmnop";
const AWS_KEY = "AKIA" + "ABCDEFGHIJKLMNOP";
const SLACK = "xox" + "b-1234567890";
const GITLAB = "glpat" + "-abcdefghij0123456789";
const SK = "sk" + "-abcdefghijklmnopqrst";
const PEM = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----";

const BACKEND = { terraform: { backend: { s3: { bucket: "state", key: "prod.tfstate", region: "eu-west-1", encrypt: true } } } };

function sortedRun(json: Json, ruleId: string): string[] {
  return findings(json, ruleId).map((f) => `${f.ruleId} ${f.severity} ${f.address}`).sort();
}

describe("secret and state rules registry", () => {
  test("each folder registers exactly its catalog ids, in id order", () => {
    expect(SECRET.map((r) => r.meta.id)).toEqual(["SECRET-001", "SECRET-002", "SECRET-003"]);
    expect(STATE.map((r) => r.meta.id)).toEqual(["STATE-001", "STATE-002"]);
    expect(CATALOG.filter((m) => m.domain === "SECRET" || m.domain === "STATE").map((m) => m.id)).toEqual(["SECRET-001", "SECRET-002", "SECRET-003", "STATE-001", "STATE-002"]);
    expect(new Set([...SECRET, ...STATE].map((r) => r.meta.pack))).toEqual(new Set(["secrets-state"]));
  });
});

describe("SECRET-001 credential literal anywhere", () => {
  test("compliant: the fixture stack and references hold no credential", () => {
    const json = dockerStack(compliantContainer({ env: ["GITHUB_TOKEN=${var.github_token}", "SKIP_MIGRATIONS=true", "desk-top-something-long"] }));
    expect(sortedHits(json, "SECRET-001")).toEqual([]);
  });

  test("non-compliant: a GitHub token in a container env, named by format and path, value never shown", () => {
    const json = dockerStack(compliantContainer({ env: ["LOG=info", `GITHUB_TOKEN=${GH_TOKEN}`] }));
    const f = findings(json, "SECRET-001");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual(["SECRET-001 error docker_container.app"]);
    expect(f[0].message).toContain("GitHub token");
    expect(f[0].message).toContain("`env[1]`");
    expect(f[0].message).not.toContain(GH_TOKEN);
    expect(f[0].message).not.toContain(GH_TOKEN.slice(4, 14));
  });

  test("every catalog format is detected", () => {
    const values = [GH_TOKEN, GH_PAT, AWS_KEY, SLACK, GITLAB, SK, PEM];
    const containers: Json = {};
    values.forEach((v, i) => (containers[`c${i}`] = compliantContainer({ env: [`X=${v}`] })));
    const f = findings({ ...BACKEND, resource: { docker_container: containers } }, "SECRET-001");
    const formats = ["GitHub token", "GitHub fine-grained token", "AWS access key id", "Slack token", "GitLab token", "secret key (sk-)", "private key"];
    expect(f.map((x) => `${x.address}: ${/holds a literal (.+) \(value not shown\)/.exec(x.message)![1]}`).sort()).toEqual(
      formats.map((name, i) => `docker_container.c${i}: ${name}`),
    );
    for (const x of f) for (const v of values) expect(x.message).not.toContain(v);
  });

  test("the length prefilter cannot skip a format: shortest examples reach it, and the format list is pinned", () => {
    // A new format in knowledge.ts must get its shortest example here and respect MIN_CREDENTIAL_LENGTH.
    expect(CREDENTIAL_PATTERNS.map((c) => c.name)).toEqual([
      "GitHub token", "GitHub fine-grained token", "AWS access key id", "Slack token", "GitLab token", "secret key (sk-)", "private key",
      "Stripe secret key", "Slack webhook",
    ]);
    const shortest = [
      "ghp_" + "a".repeat(20), "github_pat_" + "a".repeat(20), "AKIA" + "A".repeat(16), "xoxb-" + "1".repeat(10), "glpat-" + "a".repeat(20), "sk-" + "a".repeat(20), "-----BEGIN PRIVATE KEY-----",
      "rk_live_" + "a".repeat(10), "https://hooks.slack.com/services/" + "a".repeat(20),
    ];
    expect(shortest).toHaveLength(CREDENTIAL_PATTERNS.length);
    CREDENTIAL_PATTERNS.forEach((c, i) => {
      expect(c.pattern.test(shortest[i])).toBe(true);
      expect(shortest[i].length).toBeGreaterThanOrEqual(MIN_CREDENTIAL_LENGTH);
    });
    expect(sortedHits({ ...BACKEND, resource: { docker_container: { app: compliantContainer({ labels: [{ label: "x", value: SLACK }] }) } } }, "SECRET-001")).toEqual(["error docker_container.app"]);
  });

  test("near misses are not credentials", () => {
    const json = dockerStack(compliantContainer({
      env: ["TASK=ask-me-anything-please-now", "ID=AKIA123", "K=xoxz-1234567890", "PATH=/usr/ghp_short", "desk-abcdefghijklmnopqrstuvwxyz"],
    }));
    expect(sortedHits(json, "SECRET-001")).toEqual([]);
  });

  test("data sources, providers, variables, the backend: each reported at its own address", () => {
    const json: Json = {
      terraform: { backend: { s3: { bucket: "state", key: "k", access_key: AWS_KEY } } },
      provider: { github: [{ owner: "acme", token: GH_TOKEN }, { alias: "other", owner: "acme", app_auth: { pem_file: PEM } }] },
      variable: { note: { type: "string", default: SK }, db_password: { type: "string", sensitive: true } },
      data: { http: { probe: { url: "https://example.com", request_headers: { Authorization: `Bearer ${GITLAB}` } } } },
      resource: { docker_container: { app: compliantContainer() } },
    };
    const f = findings(json, "SECRET-001");
    expect(f.map((x) => `${x.severity} ${x.address}`).sort()).toEqual([
      "error data.http.probe", "error provider.github", "error provider.github.other", "error terraform.backend", "error var.note",
    ]);
    const msg = (a: string) => f.find((x) => x.address === a)!.message;
    expect(msg("data.http.probe")).toContain("`request_headers.Authorization`");
    expect(msg("provider.github.other")).toContain("`app_auth.pem_file`");
    expect(msg("terraform.backend")).toContain("`s3.access_key`");
    expect(msg("var.note")).toContain("`default`");
  });

  test("several credentials in one resource give one finding per attribute path; dotted keys are quoted", () => {
    const json = dockerStack(compliantContainer({ env: [`A=${GH_TOKEN}`, `B=${SK}`], labels: [{ label: "bulwark.note", value: SLACK }] }));
    const f = findings(json, "SECRET-001");
    expect(f.map((x) => x.address).sort()).toEqual(["docker_container.app", "docker_container.app", "docker_container.app"]);
    expect(f.map((x) => /^`([^`]+)`/.exec(x.message)![1]).sort()).toEqual(["env[0]", "env[1]", "labels[0].value"]);
  });

  test("\"//\" metadata is skipped", () => {
    const json = dockerStack(compliantContainer({ "//": { metadata: { path: "s/app", note: GH_TOKEN } } }));
    expect(sortedHits(json, "SECRET-001")).toEqual([]);
    const both = dockerStack(compliantContainer({ "//": { metadata: { note: GH_TOKEN } }, env: [`T=${SK}`] }));
    const f = findings(both, "SECRET-001");
    expect(f.map((x) => /^`([^`]+)`/.exec(x.message)![1]).sort()).toEqual(["env[0]"]);
  });

  test("locals, outputs and module calls are walked when the index carries the raw document", () => {
    const json: Json = {
      ...BACKEND,
      locals: { api: { key: SK }, plain: "hello world, nothing here" },
      output: { leak: { value: GH_PAT }, fine: { value: "${docker_container.app.id}" } },
      module: { mod: { source: "./m", token: GH_TOKEN } },
      resource: { docker_container: { app: compliantContainer() } },
    };
    const index = Object.assign(buildStackIndex("t", "t.tf.json", json), { json });
    const out = secret001.check(index);
    expect(out.map((r) => r.address)).toEqual(["local.api", "output.leak", "module.mod"]);
    expect(out[0].message).toContain("`key`");
    expect(out[1].message).toContain("`value`");
  });

  test("among many clean containers, only the one with a credential is reported", () => {
    // Correctness at scale only: how fast the cheap first pass is belongs in `npm run bench`.
    const containers: Json = {};
    for (let i = 0; i < 2_000; i++) containers[`c${i}`] = compliantContainer({ name: `c${i}`, env: [`DB_HOST=db-${i}.internal.example`, "LOG_LEVEL=info"] });
    containers.c1999 = compliantContainer({ env: [`T=${GH_TOKEN}`] });
    const index = buildStackIndex("big", "big.tf.json", { resource: { docker_container: containers } });
    expect(secret001.check(index).map((r) => r.address)).toEqual(["docker_container.c1999"]);
  });
});

describe("SECRET-002 secret variable not sensitive or with a default", () => {
  test("compliant: secret names sensitive without default; non-secret names may do anything", () => {
    const json: Json = {
      ...BACKEND,
      variable: {
        db_password: { type: "string", sensitive: true },
        jwtSecret: { type: "string", sensitive: "true", default: null },
        COMPASS_URL: { type: "string", default: "https://compass.example" },
        service_private_ip: { type: "string", default: "10.0.0.2" },
        passport_office: { type: "string" },
      },
    };
    expect(sortedHits(json, "SECRET-002")).toEqual([]);
  });

  test("non-compliant: the catalog's examples, not sensitive and/or with a default", () => {
    const json: Json = {
      ...BACKEND,
      variable: {
        DB_PASSWORD: { type: "string" },
        jwtSecret: { type: "string", sensitive: true, default: "changeme" },
        OPENAI_API_KEY: { type: "string", sensitive: false, default: "" },
        "service.private-key": [{ type: "string" }],
        registryCredentials: { sensitive: true, default: { user: "u" } },
      },
    };
    const f = findings(json, "SECRET-002");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual([
      "SECRET-002 error var.DB_PASSWORD",
      "SECRET-002 error var.OPENAI_API_KEY",
      "SECRET-002 error var.jwtSecret",
      "SECRET-002 error var.registryCredentials",
      "SECRET-002 error var.service.private-key",
    ]);
    const msg = (a: string) => f.find((x) => x.address === a)!.message;
    expect(msg("var.DB_PASSWORD")).toContain("not marked sensitive");
    expect(msg("var.DB_PASSWORD")).not.toContain("default value");
    expect(msg("var.jwtSecret")).toContain("has a default value");
    expect(msg("var.jwtSecret")).not.toContain("changeme");
    expect(msg("var.OPENAI_API_KEY")).toMatch(/not marked sensitive.*and has a default value/);
  });
});

describe("SECRET-003 literal credential in a provider block", () => {
  test("compliant: references, empty strings and omitted credentials", () => {
    const json: Json = {
      ...BACKEND,
      provider: {
        github: { owner: "acme", token: "${var.github_token}" },
        cloudflare: [{ api_token: "${var.cloudflare_api_token}" }, { alias: "dns", api_token: "" }],
        docker: { host: "unix:///var/run/docker.sock", registry_auth: [{ address: "ghcr.io", username: "bot", password: "${data.external.pw.result.password}" }] },
      },
    };
    expect(sortedHits(json, "SECRET-003")).toEqual([]);
  });

  test("non-compliant: github token, cloudflare api_token/api_key, docker registry_auth password (object and array), aliases", () => {
    const json: Json = {
      ...BACKEND,
      provider: {
        github: [{ owner: "acme", token: "not-a-known-format-but-literal" }, { alias: "mirror", token: "${var.t}" }],
        cloudflare: [{ alias: "dns", api_key: "0123456789abcdef", email: "ops@example.com" }, { api_token: "literal" }],
        docker: [
          { alias: "one", registry_auth: { address: "ghcr.io", username: "bot", password: "hunter2-literal" } },
          { alias: "many", registry_auth: [{ address: "a.io", password: "${var.p}" }, { address: "b.io", password: "second-literal" }] },
        ],
      },
    };
    const f = findings(json, "SECRET-003");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual([
      "SECRET-003 error provider.cloudflare",
      "SECRET-003 error provider.cloudflare.dns",
      "SECRET-003 error provider.docker.many",
      "SECRET-003 error provider.docker.one",
      "SECRET-003 error provider.github",
    ]);
    const msg = (a: string) => f.find((x) => x.address === a)!.message;
    expect(msg("provider.cloudflare.dns")).toContain("`api_key`");
    expect(msg("provider.docker.one")).toContain("`registry_auth.password`");
    expect(msg("provider.docker.many")).toContain("`registry_auth[1].password`");
    expect(msg("provider.docker.many")).not.toContain("registry_auth[0]");
    expect(msg("provider.github")).toContain("GITHUB_TOKEN");
    for (const x of f) expect(x.message).not.toMatch(/literal"|hunter2|0123456789abcdef/);
  });

  test("the provider kind comes from required_providers when the local name differs", () => {
    const json: Json = {
      terraform: { ...BACKEND.terraform, required_providers: { gh: { source: "integrations/github", version: "6.9.0" } } },
      provider: { gh: { token: "literal-token-value" } },
    };
    expect(sortedRun(json, "SECRET-003")).toEqual(["SECRET-003 error provider.gh"]);
  });
});

describe("STATE-001 local state backend", () => {
  test("compliant: a remote backend or Terraform Cloud", () => {
    expect(sortedHits({ ...BACKEND, resource: {} }, "STATE-001")).toEqual([]);
    expect(sortedHits({ terraform: { cloud: { organization: "acme", workspaces: { name: "prod" } } } }, "STATE-001")).toEqual([]);
  });

  test("non-compliant: the local backend", () => {
    const f = findings({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }, "STATE-001");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual(["STATE-001 warning terraform.backend"]);
    expect(f[0].message).toContain("`local` backend");
  });

  test("non-compliant: no backend at all (Terraform falls back to local)", () => {
    const f = findings(dockerStack(), "STATE-001");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual(["STATE-001 warning terraform.backend"]);
    expect(f[0].message).toContain("No backend is declared");
  });

  test("array-form terraform and backend blocks are accepted", () => {
    expect(sortedRun({ terraform: [{ backend: [{ local: [{}] }] }] }, "STATE-001")).toEqual(["STATE-001 warning terraform.backend"]);
    expect(sortedRun({ terraform: [{ backend: [{ s3: [{ bucket: "b" }] }] }] }, "STATE-001")).toEqual([]);
  });
});
