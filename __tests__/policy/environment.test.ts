/**
 * Production means pinned: `environment` in the configuration, `local.bulwark_environment` in
 * the Terraform, `bulwark check --environment`, and DOCKER-022 judging by them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { main } from "../../policy/cli";
import { checkStacks } from "../../policy/engine";
import { DEPLOYMENT_ENVIRONMENTS, ENVIRONMENT_LOCAL, parseEnvironment, stackEnvironment } from "../../policy/environment";
import { pinnedImagesIn, stackImages } from "../../policy/pinned-images";
import { runSynthGate } from "../../policy/gate";
import { DEFAULT_DEPLOYMENT_ENVIRONMENT, DeploymentConfigSchema, SharedConfigSchema } from "../../config/schema";
import { SingleServerStack } from "../../stacks/single-server";
import { pinnedImages } from "../../stacks/pinned-images";
import { buildApp } from "../../main";
import { exampleConfig } from "../helpers/reference";
import { findings, type Json } from "../helpers/policy";

const DIGEST = `sha256:${"ab".repeat(32)}`;

function container(image: string): Json {
  return { name: "db", image, user: "999:999" };
}

/** One container, with an optional environment marker in `locals` (object or HCL-style array). */
function stack(image: string, environment?: unknown, asArray = false): Json {
  const json: Json = { resource: { docker_container: { db: container(image) } } };
  if (environment !== undefined) json.locals = asArray ? [{ other: "x" }, { [ENVIRONMENT_LOCAL]: environment }] : { [ENVIRONMENT_LOCAL]: environment };
  return json;
}

const pinning = (json: Json) => findings(json, "DOCKER-022").map((f) => `${f.severity} ${f.address}`);

describe("DOCKER-022 by environment", () => {
  test("the same container without a digest: a warning without marker, in staging and development; an error in production", () => {
    expect(pinning(stack("mariadb:11.8.9"))).toEqual(["warning docker_container.db"]);
    expect(pinning(stack("mariadb:11.8.9", "staging"))).toEqual(["warning docker_container.db"]);
    expect(pinning(stack("mariadb:11.8.9", "development"))).toEqual(["warning docker_container.db"]);
    expect(pinning(stack("mariadb:11.8.9", "production"))).toEqual(["error docker_container.db"]);
    expect(pinning(stack("mariadb:11.8.9", "production", true))).toEqual(["error docker_container.db"]);
    const [f] = findings(stack("mariadb:11.8.9", "production"), "DOCKER-022");
    expect(f.message).toContain("The stack is production (local.bulwark_environment)");
    expect(f.message).toMatch(/Fix: /);
  });

  test("a moving tag or a malformed digest is an error in production too; a pinned image passes", () => {
    expect(pinning(stack("mariadb:11", "production"))).toEqual(["error docker_container.db"]);
    expect(pinning(stack("mariadb:11", "staging"))).toEqual(["warning docker_container.db"]);
    expect(pinning(stack("mariadb:11.8.9@sha256:abc", "production"))).toEqual(["error docker_container.db"]);
    expect(pinning(stack(`mariadb:11.8.9@${DIGEST}`, "production"))).toEqual([]);
    expect(pinning(stack("mariadb:latest", "staging"))).toEqual(["error docker_container.db"]);
  });

  test("an unresolvable image is a warning in production (info otherwise)", () => {
    expect(pinning(stack("${var.image}", "production"))).toEqual(["warning docker_container.db"]);
    expect(pinning(stack("${var.image}"))).toEqual(["info docker_container.db"]);
  });

  test("an unrecognized marker is judged as production and says so (a typo never weakens it)", () => {
    const [f] = findings(stack("mariadb:11.8.9", "prod"), "DOCKER-022");
    expect(f.severity).toBe("error");
    expect(f.message).toContain('"prod" is not one of production, staging, development, so it is judged as production');
    expect(pinning(stack("mariadb:11.8.9", "Production"))).toEqual(["error docker_container.db"]);
  });

  test("the engine's environment overrides the marker without touching the input", () => {
    const json = stack("mariadb:11.8.9", "staging");
    const before = JSON.stringify(json);
    const report = checkStacks([{ stack: "s", file: "s.tf.json", json, environment: "production" }]);
    expect(report.findings.filter((f) => f.ruleId === "DOCKER-022").map((f) => f.severity)).toEqual(["error"]);
    expect(report.findings.find((f) => f.ruleId === "DOCKER-022")!.message).toContain("(--environment)");
    expect(JSON.stringify(json)).toBe(before);
    const staging = checkStacks([{ stack: "s", file: "s.tf.json", json: stack("mariadb:11.8.9", "production"), environment: "staging" }]);
    expect(staging.findings.filter((f) => f.ruleId === "DOCKER-022").map((f) => f.severity)).toEqual(["warning"]);
  });

  test("stackEnvironment and parseEnvironment", () => {
    expect(stackEnvironment({})).toBeNull();
    expect(stackEnvironment(stack("x:1.0", "staging"))).toEqual({ environment: "staging", source: "local.bulwark_environment" });
    expect(parseEnvironment(" Production ")).toBe("production");
    expect(() => parseEnvironment("prod")).toThrow('unknown environment "prod": use one of production, staging, development');
  });
});

describe("bulwark check --environment", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-env-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const run = (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = main(args, { cwd: dir, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
  };
  // Only DOCKER-022 decides the exit code here: every other finding is left to --fail-on's default
  // (error) and this fixture is judged with the docker-runtime pack, so compare DOCKER-022 lines.
  const line = (out: string) => out.split("\n").filter((l) => l.includes("DOCKER-022")).map((l) => l.trim().split(/\s+/)[0]);

  test("the same JSON: a warning by default, an error with --environment production", () => {
    const file = write("plain.tf.json", JSON.stringify(stack("mariadb:11.8.9")));
    const plain = run(["check", file, "--pack", "docker-runtime"]);
    expect(line(plain.stdout)).toEqual(["warning"]);
    const prod = run(["check", file, "--pack", "docker-runtime", "--environment", "production"]);
    expect(line(prod.stdout)).toEqual(["error"]);
    expect(prod.code).toBe(1);
    expect(prod.stdout).toContain("The stack is production (--environment)");
  });

  test("the marker in the JSON makes it an error; --environment staging overrides it", () => {
    const file = write("marked.tf.json", JSON.stringify(stack("mariadb:11.8.9", "production")));
    expect(line(run(["check", file, "--pack", "docker-runtime"]).stdout)).toEqual(["error"]);
    expect(line(run(["check", file, "--pack", "docker-runtime", "--environment", "staging"]).stdout)).toEqual(["warning"]);
  });

  test("HCL users write the same marker as a local value", () => {
    write("main.tf", `locals {\n  ${ENVIRONMENT_LOCAL} = "production"\n}\n\nresource "docker_container" "db" {\n  name  = "db"\n  image = "mariadb:11.8.9"\n}\n`);
    const r = run(["check", "main.tf", "--pack", "docker-runtime"]);
    expect(r.stderr).toBe("");
    expect(line(r.stdout)).toEqual(["error"]);
  });

  test("an unknown environment is a usage error (exit 2) naming the choices", () => {
    const file = write("bad.tf.json", JSON.stringify(stack("mariadb:11.8.9")));
    const r = run(["check", file, "--environment", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: .*--environment.*prod.*production, staging, development/);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});

describe("the deployment configuration's environment", () => {
  test("defaults to production; the schema's choices are the engine's", () => {
    expect(DEFAULT_DEPLOYMENT_ENVIRONMENT).toBe("production");
    expect(SharedConfigSchema.shape.environment.unwrap().options).toEqual([...DEPLOYMENT_ENVIRONMENTS]);
    const { environment, ...rest } = exampleConfig();
    expect(environment).toBe("staging");
    expect(DeploymentConfigSchema.parse(rest).environment).toBe("production");
    expect(() => DeploymentConfigSchema.parse({ ...rest, environment: "prod" })).toThrow();
  });

  test("the reference Docker stacks record it, and in production their unpinned images are errors", () => {
    const staging = Testing.synth(new SingleServerStack(Testing.app(), "single-server", { config: exampleConfig() }));
    const json = JSON.parse(staging) as Json;
    expect(json.locals).toEqual({ [ENVIRONMENT_LOCAL]: "staging" });
    const errorsOf = (j: Json) => checkStacks([{ stack: "single-server", file: "x", json: j }]).findings.filter((f) => f.ruleId === "DOCKER-022" && !f.suppressed).map((f) => f.severity);
    expect(errorsOf(json)).not.toContain("error");

    const prod = JSON.parse(Testing.synth(new SingleServerStack(Testing.app(), "single-server", { config: { ...exampleConfig(), environment: "production" } }))) as Json;
    expect(prod.locals).toEqual({ [ENVIRONMENT_LOCAL]: "production" });
    const severities = errorsOf(prod);
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities)).toEqual(new Set(["error"]));
  });

  test("the gate passes an environment through: the embedded example fails it as production", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-env-gate-"));
    try {
      const config = exampleConfig();
      const { github: _github, ...withoutGithub } = config;
      const { app } = buildApp(withoutGithub as typeof config, dir);
      app.synth();
      let out = "";
      const quiet = { out: (s: string) => (out += s), err: () => undefined };
      expect(runSynthGate(dir, quiet)).toBe(0);
      out = "";
      expect(runSynthGate(dir, { ...quiet, environment: "production" })).toBe(1);
      expect(out).toContain("The stack is production (--environment)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pinned images (what the deploy workflow verifies with cosign)", () => {
  test("pinnedImagesIn lists repository:tag@digest of pinned images only, resolving docker_image references", () => {
    const json: Json = {
      resource: {
        docker_image: { db: { name: `ghcr.io/acme/db:1.2.3@${DIGEST}` } },
        docker_container: {
          db: { name: "db", image: "${docker_image.db.image_id}" },
          cache: { name: "cache", image: "redis:8.0.2" },
          other: { name: "other", image: `nginx@${DIGEST}` },
          unknown: { name: "u", image: "${var.image}" },
        },
      },
    };
    expect(pinnedImagesIn([json, json])).toEqual([`ghcr.io/acme/db:1.2.3@${DIGEST}`, `nginx@${DIGEST}`]);
    expect(stackImages(json).map((i) => `${i.address} ${i.digest ? "pinned" : "unpinned"}`)).toEqual([
      "docker_container.cache unpinned", "docker_container.db pinned", "docker_container.other pinned",
    ]);
  });

  test("pinnedImages(config) lists the configured stacks' pinned images", () => {
    const config = exampleConfig();
    expect(pinnedImages(config)).toEqual([]);
    const pinned = pinnedImages({ ...config, images: { mariadb: { digest: DIGEST } }, singleServer: { ...config.singleServer, api: { ...config.singleServer.api, digest: DIGEST } } });
    expect(pinned).toEqual([`ghcr.io/example/api:1.0.0@${DIGEST}`, `mariadb:11.8.9@${DIGEST}`]);
  });
});
