/**
 * The secrets inventory: Secret options recorded in the variable description, the inventory
 * derived from Terraform JSON (owner, rotation, where used, blast radius), `bulwark secrets`,
 * and the generated docs/security pages that must not go stale.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { Secret, describeSecret } from "../../constructs/core/secret";
import { main } from "../../policy/cli";
import { secretsInventory, UNASSIGNED_OWNER, type SecretEntry } from "../../policy/secrets/inventory";
import { DEFAULT_ROTATION_DAYS, parseSecretDescription } from "../../policy/secrets/metadata";
import { renderRotationMarkdown, renderSecretsMarkdown } from "../../policy/secrets/render";
import { ROTATION_PATH, SECRETS_INVENTORY_PATH, renderSecurityDocs } from "../../scripts/secrets-doc";
import type { Json } from "../helpers/policy";

const sensitive = (description: string) => ({ type: "string", sensitive: true, nullable: false, description });
const labels = (service: string, role: string) => [
  { label: "bulwark.service", value: service },
  { label: "bulwark.role", value: role },
  { label: "bulwark.owner", value: "library-ops" },
];

/** A datastore and an app on an internal backnet, the app also on a frontnet; a few secrets. */
const FIXTURE: Json = {
  variable: {
    db_password: sensitive("Password of the app user"),
    api_token: sensitive("Token of the partner API [bulwark: owner=@acme/partners; rotation=30d; blast-radius=the partner API as acme]"),
    leftover: sensitive("Nobody uses this"),
    not_secret: { type: "string", description: "a plain setting" },
    via_local: sensitive("Reaches a container through a local"),
    webhook: sensitive("Signs webhooks"),
  },
  locals: { dsn: "postgres://app:${var.via_local}@db/app" },
  resource: {
    docker_network: {
      back: { name: "app-backnet", internal: true },
      front: { name: "app-frontnet", internal: false },
    },
    docker_container: {
      db: {
        name: "db",
        image: "postgres:18.4",
        labels: labels("db", "datastore"),
        env: ["POSTGRES_PASSWORD=${var.db_password}"],
        networks_advanced: [{ name: "${docker_network.back.name}" }],
        volumes: [{ container_path: "/var/lib/postgresql/data", volume_name: "db-data" }],
        ports: [{ internal: 5432, external: 5433, ip: "127.0.0.1" }],
      },
      app: {
        name: "app",
        image: "ghcr.io/acme/app:1.0.0",
        labels: labels("app", "app"),
        env: ["DB_PASSWORD=${var.db_password}", "PARTNER_TOKEN=${var.api_token}", "DSN=${local.dsn}"],
        networks_advanced: [{ name: "${docker_network.back.name}" }, { name: "${docker_network.front.name}" }],
        upload: [{ file: "/run/secrets/webhook", content: "${var.webhook}" }],
      },
    },
    github_actions_secret: { hook: { repository: "app", secret_name: "WEBHOOK", plaintext_value: "${var.webhook}" } },
  },
};

const inventory = () => secretsInventory([{ stack: "app", file: "app.tf.json", json: FIXTURE }]);
const entry = (name: string): SecretEntry => {
  const e = inventory().secrets.find((s) => s.name === name);
  if (!e) throw new Error(`no entry ${name}`);
  return e;
};

describe("Secret options", () => {
  function synthVariables(build: (stack: TerraformStack) => void): Record<string, { description: string }> {
    const stack = new TerraformStack(Testing.app(), "s");
    build(stack);
    return (JSON.parse(Testing.synth(stack)) as { variable: Record<string, { description: string }> }).variable;
  }

  test("existing callers keep their description; options become a parseable suffix", () => {
    const vars = synthVariables((s) => {
      Secret.fromVariable(s, "plain", "A plain secret");
      Secret.fromVariable(s, "owned", "MariaDB root password", { owner: "dba-team", rotationDays: 30, blastRadius: "all library data" });
    });
    expect(vars.plain.description).toBe("A plain secret");
    expect(vars.owned.description).toBe("MariaDB root password [bulwark: owner=dba-team; rotation=30d; blast-radius=all library data]");
    expect(parseSecretDescription(vars.owned.description, "x")).toEqual({ description: "MariaDB root password", owner: "dba-team", rotationDays: 30, blastRadius: "all library data" });
  });

  test("Secret.named carries them to the variable its renderer declares", () => {
    const ref = Secret.named("db_password", "App user password", { owner: "@acme/dba" });
    expect(ref.description).toBe("App user password [bulwark: owner=@acme/dba]");
    expect(describeSecret("x", {})).toBe("x");
  });

  test.each([
    [{ owner: "" }, /owner must be a non-empty string/],
    [{ owner: "a;b" }, /owner "a;b" must not contain ";", "\[", "\]" or a line break/],
    [{ blastRadius: "x]" }, /blastRadius "x\]" must not contain/],
    [{ rotationDays: 0 }, /rotationDays 0 must be a whole number of days from 1 to 3650/],
    [{ rotationDays: 1.5 }, /rotationDays 1.5 must be a whole number/],
  ])("refuses %p", (options, message) => {
    expect(() => Secret.named("db_password", "App user password", options as never)).toThrow(message);
    expect(() => Secret.named("db_password", "App user password", options as never)).toThrow(/^Secret\.named\(db_password\): /);
  });
});

describe("the inventory of a stack", () => {
  test("lists every sensitive variable, and only those, in name order", () => {
    expect(inventory().secrets.map((e) => e.name)).toEqual(["api_token", "db_password", "leftover", "via_local", "webhook"]);
    expect(DEFAULT_ROTATION_DAYS).toBe(90);
  });

  test("owner and rotation: declared, else the containers' owner label and the default period", () => {
    expect(entry("api_token")).toMatchObject({ owner: "@acme/partners", ownerSource: "declared", rotationDays: 30, rotationSource: "declared", description: "Token of the partner API" });
    expect(entry("db_password")).toMatchObject({ owner: "library-ops", ownerSource: "label bulwark.owner", rotationDays: DEFAULT_ROTATION_DAYS, rotationSource: "default" });
    expect(entry("leftover")).toMatchObject({ owner: UNASSIGNED_OWNER, ownerSource: "default" });
  });

  test("where it is used: containers (with how), other resources, and through locals", () => {
    expect(entry("db_password").usedBy.map((u) => `${u.address} ${u.via.join(",")}`)).toEqual(["docker_container.app env DB_PASSWORD", "docker_container.db env POSTGRES_PASSWORD"]);
    expect(entry("webhook").usedBy.map((u) => `${u.address} ${u.via.join(",")}`)).toEqual(["docker_container.app file /run/secrets/webhook", "github_actions_secret.hook plaintext_value"]);
    expect(entry("via_local").usedBy.map((u) => u.address)).toEqual(["docker_container.app"]);
    expect(entry("leftover").usedBy).toEqual([]);
  });

  test("blast radius: the datastore's data and who reaches it; what the app reaches; the declared sentence first", () => {
    const [app, db] = entry("db_password").blastRadius;
    expect(db).toBe("datastore db (volume db-data; as env POSTGRES_PASSWORD): read/write all of its data; reachable from app on app-backnet; published on the host at 127.0.0.1:5433->5432");
    expect(app).toContain("app app (as env DB_PASSWORD): whatever app accepts or presents it for; app reaches db; egress through app-frontnet");
    expect(entry("api_token").blastRadius[0]).toBe("the partner API as acme");
    expect(entry("webhook").blastRadius).toContain("github_actions_secret.hook: what this github_actions_secret grants or protects");
    expect(entry("leftover").blastRadius[0]).toMatch(/^not used by any resource of this stack/);
  });

  test("rotation: what restarts, and which backends must get the new value inside first", () => {
    expect(entry("db_password").restarts).toEqual(["app", "db"]);
    expect(entry("db_password").setInsideFirst).toEqual(["db"]);
    const runbook = renderRotationMarkdown(inventory());
    expect(runbook).toContain("`export TF_VAR_db_password='<new value>'`");
    expect(runbook).toContain("`cdktf diff app`: expect `docker_container.app`, `docker_container.db` to change");
    expect(runbook).toContain("db keeps data that may hold this credential (a database or broker user, a restic repository key): if so, change it there first");
    expect(runbook).toContain("Restarts: app, db.");
  });

  test("a description suffix that does not parse is an error naming the variable", () => {
    const bad = (description: string) => () => secretsInventory([{ stack: "s", file: "s.tf.json", json: { variable: { x: sensitive(description) } } }]);
    expect(bad("X [bulwark: owner=a; rotation=ninety]")).toThrow('s.tf.json: variable "x": rotation=ninety in the [bulwark: …] suffix must be a number of days');
    expect(bad("X [bulwark: team=a]")).toThrow('unknown key "team"');
    expect(bad("X [bulwark: owner=a")).toThrow('has "[bulwark:" but no closing "]"');
    expect(bad("X [bulwark: owner=]")).toThrow("owner has no value");
  });
});

describe("bulwark secrets", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-secrets-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "app.tf.json"), JSON.stringify(FIXTURE));
  const run = (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = main(args, { cwd: dir, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
  };

  test("text (default), json and markdown", () => {
    const text = run(["secrets", "app.tf.json"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^bulwark: 5 sensitive variable\(s\) in 1 stack\(s\)\n/);
    expect(text.stdout).toContain("app  var.db_password\n  description:  Password of the app user\n  owner:        library-ops (from the containers' bulwark.owner label)\n  rotation:     every 90 days (default)\n");
    const json = run(["secrets", "app.tf.json", "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as { version: number; secrets: SecretEntry[] };
    expect(parsed.version).toBe(1);
    expect(parsed.secrets.find((s) => s.name === "api_token")).toMatchObject({ owner: "@acme/partners", rotationDays: 30 });
    const md = run(["secrets", "app.tf.json", "-f", "markdown"]);
    expect(md.stdout).toBe(renderSecretsMarkdown(inventory()));
    expect(md.stdout).toContain("| app | [`db_password`](#app-db-password) | library-ops");
  });

  test("--output writes the file", () => {
    expect(run(["secrets", "app.tf.json", "-f", "json", "-o", "inv.json"]).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "inv.json"), "utf8")).secrets).toHaveLength(5);
    const r = run(["secrets", "app.tf.json", "-o", "no/such/dir/inv.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: cannot write no\/such\/dir\/inv.json: ENOENT \(its directory does not exist/);
  });

  test("HCL input, read by the same loaders as bulwark check", () => {
    fs.mkdirSync(path.join(dir, "hcl"));
    fs.writeFileSync(
      path.join(dir, "hcl", "main.tf"),
      'variable "db_password" {\n  type        = string\n  sensitive   = true\n  description = "DB password [bulwark: owner=dba; rotation=60d]"\n}\n\nresource "docker_container" "db" {\n  name  = "db"\n  image = "postgres:18.4"\n  env   = ["POSTGRES_PASSWORD=${var.db_password}"]\n}\n',
    );
    const r = run(["secrets", "hcl", "-f", "json"]);
    expect(r.stderr).toBe("");
    const [e] = (JSON.parse(r.stdout) as { secrets: SecretEntry[] }).secrets;
    expect(e).toMatchObject({ name: "db_password", owner: "dba", rotationDays: 60, usedBy: [expect.objectContaining({ address: "docker_container.db" })] });
  });

  test.each([
    ["a missing path", ["secrets", "nope.tf.json"], /nope\.tf\.json/],
    ["invalid JSON", ["secrets", "broken.tf.json"], /broken\.tf\.json/],
    ["a bad suffix", ["secrets", "suffix.tf.json"], /suffix\.tf\.json: variable "x": unknown key "team"/],
    ["an unknown format", ["secrets", "app.tf.json", "-f", "yaml"], /yaml/],
  ])("bad input: %s is one line on stderr, exit 2", (_what, args, message) => {
    fs.writeFileSync(path.join(dir, "broken.tf.json"), "{ not json");
    fs.writeFileSync(path.join(dir, "suffix.tf.json"), JSON.stringify({ variable: { x: sensitive("X [bulwark: team=a]") } }));
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^bulwark: /);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("docs/security (generated from the reference synthesis of the embedded example)", () => {
  const docs = renderSecurityDocs();

  test.each([
    ["docs/security/SECRETS_INVENTORY.md", SECRETS_INVENTORY_PATH],
    ["docs/security/ROTATION.md", ROTATION_PATH],
  ])("%s is what the reference stacks generate", (_name, file) => {
    const actual = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(missing)";
    if (actual !== docs.get(file)) {
      throw new Error(`${path.relative(process.cwd(), file)} is out of date with the reference stacks' secrets. Regenerate it: npm run docs:secrets`);
    }
  });

  test("lists every sensitive variable of every reference stack, each with owner, rotation and blast radius", () => {
    const inventory = docs.get(SECRETS_INVENTORY_PATH)!;
    for (const name of ["koha_db_password", "koha_db_root_password", "postgres_password", "api_jwt_secret", "backup_repository_password"]) {
      expect(inventory).toContain(`\`${name}\``);
    }
    expect(inventory).toContain("datastore mariadb (volume mariadb-data; as env MARIADB_ROOT_PASSWORD): read/write all of its data; reachable from");
    expect(docs.get(ROTATION_PATH)).toContain("`export TF_VAR_koha_db_root_password='<new value>'`");
    expect(docs.get(ROTATION_PATH)).toContain("`cdktf deploy koha`");
  });
});
