/**
 * HCL input (issue 14), rules seen wrong on plain Terraform and the suppressions written for it:
 * - GitHub protections whose repository is a data source or a literal name not created in the
 *   module are judged on their own (GH-002 … GH-009), at their own file and line;
 * - Cloudflare hostnames given as expressions (`grafana.${var.domain}`): still admin-like (CF-005),
 *   covered by an Access domain written the same way (CF-005, CF-009), a CNAME named relative to
 *   the zone is a CF-004 error, a `bypass` policy including everyone a CF-006 error, and a
 *   hostname unknown because of an unknown for_each is info (CF-004), never a warning;
 * - suppressions that matched no finding, and expired ones, reported as STATE-002 info at the
 *   comment's or entry's file and line.
 * Fixtures: __tests__/fixtures/hcl/<case>/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../policy/cli";

const FIX = path.join(__dirname, "..", "fixtures", "hcl");

interface JsonFinding {
  ruleId: string;
  severity: string;
  address: string;
  message: string;
  suppressed: boolean;
  location?: { file: string; line: number | null };
}

function run(args: string[], cwd = FIX): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(args, { cwd, env: {}, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function findingsOf(args: string[], cwd = FIX): { code: number; findings: JsonFinding[] } {
  const r = run(["check", "--format", "json", ...args], cwd);
  expect(r.stderr).toBe("");
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

/** `RULE severity address file:line` of each finding. */
const placed = (fs: readonly JsonFinding[]) => fs.map((f) => `${f.ruleId} ${f.severity} ${f.address} ${f.location ? `${f.location.file}:${f.location.line}` : "-"}`);

describe("GitHub protections of repositories not created in the module", () => {
  const { code, findings } = findingsOf(["github-data-repository"]);
  const at = (file: string, line: number) => `${path.join("github-data-repository", file)}:${line}`;

  test("a ruleset on data.github_repository.app.name and a protection on a literal name are judged, at their file and line", () => {
    expect(code).toBe(1);
    expect(placed(findings.filter((f) => f.ruleId !== "STATE-001"))).toEqual([
      `GH-005 error github_branch_protection.docs ${at("protections.tf", 46)}`,
      `GH-007 error github_branch_protection.docs ${at("protections.tf", 46)}`,
      `GH-006 error github_repository_ruleset.app ${at("protections.tf", 3)}`,
      `GH-007 error github_repository_ruleset.app ${at("protections.tf", 3)}`,
      `GH-007 error github_repository_ruleset.app ${at("protections.tf", 3)}`,
      `GH-005 warning github_repository_ruleset.app ${at("protections.tf", 3)}`,
    ]);
  });

  test("the messages name the protection's own weakness and say the repository's settings are not judged", () => {
    const ruleset = findings.filter((f) => f.address === "github_repository_ruleset.app").map((f) => f.message);
    expect(ruleset).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Signed commits are not required on branch `~DEFAULT_BRANCH` of repository `app` \(not managed in this stack: the repository's own settings are not judged\): .*Fix: /),
      expect.stringMatching(/^Deleting the branch is allowed .*`rules\.deletion` is false\. Fix: set `rules\.deletion = true`\.$/),
      expect.stringMatching(/^Force pushes are allowed .*`rules\.non_fast_forward` is false/),
      expect.stringMatching(/^Ruleset `github_repository_ruleset\.app` can be bypassed .*lists 1 actor\(s\) \(RepositoryRole\)/),
    ]));
    expect(findings.find((f) => f.address === "github_branch_protection.docs" && f.ruleId === "GH-007")!.message).toMatch(/^Force pushes are allowed on branch `main` of repository `docs` \(not managed in this stack/);
  });

  test("a protection of another branch (release/*) is not judged; no GH-001 for a repository whose settings are unknown", () => {
    expect(findings.some((f) => f.address === "github_branch_protection.docs_release")).toBe(false);
    expect(findings.some((f) => f.ruleId === "GH-001")).toBe(false);
  });

  test("compliant protections of a data-sourced repository raise nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-gh-data-"));
    try {
      fs.cpSync(path.join(FIX, "github-data-repository"), dir, { recursive: true });
      const file = path.join(dir, "protections.tf");
      const text = fs.readFileSync(file, "utf8")
        .replace(/ {2}bypass_actors \{[^}]*\}\n/, "")
        .replace("deletion                = false", "deletion                = true\n    required_signatures     = true")
        .replace("non_fast_forward        = false", "non_fast_forward        = true")
        .replace("enforce_admins                  = false", "enforce_admins                  = true")
        .replace("allows_force_pushes             = true", "allows_force_pushes             = false");
      fs.writeFileSync(file, text);
      expect(findingsOf([dir]).findings.filter((f) => f.ruleId.startsWith("GH-"))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Cloudflare hostnames given as expressions", () => {
  const { findings } = findingsOf(["cloudflare-expressions"]);
  const at = (file: string, line: number) => `${path.join("cloudflare-expressions", file)}:${line}`;
  const config = "cloudflare_zero_trust_tunnel_cloudflared_config.home";

  test("the findings, each at its resource's file and line", () => {
    expect(placed(findings.filter((f) => f.ruleId.startsWith("CF-") && f.ruleId !== "CF-008"))).toEqual([
      `CF-006 error cloudflare_zero_trust_access_application.staff ${at("access.tf", 1)}`,
      `CF-004 error ${config} ${at("tunnel.tf", 7)}`,
      `CF-005 error ${config} ${at("tunnel.tf", 7)}`,
      `CF-009 warning ${config} ${at("tunnel.tf", 7)}`,
      `CF-004 info cloudflare_zero_trust_tunnel_cloudflared_config.sites ${at("tunnel.tf", 36)}`,
    ]);
  });

  test("grafana.${var.domain} is admin-like (CF-005); staff.${var.domain} is covered by the Access domain written the same way", () => {
    const cf005 = findings.filter((f) => f.ruleId === "CF-005");
    expect(cf005).toHaveLength(1);
    expect(cf005[0].message).toMatch(/^Admin-like hostname "grafana\.\$\{var\.domain\}" .*has no Cloudflare Access application covering it/);
    expect(findings.find((f) => f.ruleId === "CF-009")!.message).toContain('"staff.${var.domain}" is protected by Access (cloudflare_zero_trust_access_application.staff) but has no origin_request.access');
  });

  test("a CNAME named relative to the zone is a CF-004 error (v5 drift); an unknown for_each hostname is info, never a warning", () => {
    const cf004 = findings.filter((f) => f.ruleId === "CF-004");
    expect(cf004.find((f) => f.severity === "error")!.message).toMatch(/"http_app\.\$\{var\.domain\}" has only CNAME cloudflare_dns_record\.http_app named "http_app", relative to the zone: provider v5 stores the full name/);
    expect(cf004.find((f) => f.severity === "info")!.message).toMatch(/hostname "\$\{each\.value\}" is not known until apply .*cannot be checked/);
    expect(findings.filter((f) => f.severity === "warning" && /cannot be checked/.test(f.message))).toEqual([]);
  });

  test("a bypass policy including everyone is a CF-006 error", () => {
    expect(findings.find((f) => f.ruleId === "CF-006")!.message).toMatch(/decision "bypass" and includes everyone: every request gets through without any login/);
  });
});

describe("suppressions that matched nothing, and expired ones", () => {
  const { code, findings } = findingsOf(["suppressions-unused"]);
  const at = (file: string, line: number) => ({ file: path.join("suppressions-unused", file), line });

  test("the used comment suppresses DOCKER-001; the expired entry lets STATE-001 through", () => {
    expect(code).toBe(0);
    expect(findings.find((f) => f.ruleId === "DOCKER-001")).toMatchObject({ suppressed: true, location: at("main.tf", 4) });
    expect(findings.find((f) => f.ruleId === "STATE-001")).toMatchObject({ suppressed: false, severity: "warning" });
  });

  test("each unused or expired suppression is one STATE-002 info at its comment's or entry's file and line", () => {
    const reports = findings.filter((f) => f.ruleId === "STATE-002");
    expect(reports.map((f) => ({ severity: f.severity, address: f.address, location: f.location }))).toEqual([
      { severity: "info", address: "docker_container.app", location: at("main.tf", 10) },
      { severity: "info", address: "docker_container.app", location: at(".bulwark.yaml", 4) },
      { severity: "info", address: "module.agent.*", location: at(".bulwark.yaml", 7) },
      { severity: "info", address: "terraform.backend", location: at(".bulwark.yaml", 11) },
    ]);
    const [inline, entry, pattern, expired] = reports.map((f) => f.message);
    expect(inline).toMatch(/^suppressions-unused\/main\.tf:10: `# bulwark:ignore DOCKER-016` matched no finding, so it suppresses nothing .*Fix: remove it/);
    expect(entry).toMatch(/^suppressions-unused\/\.bulwark\.yaml:4: the suppression of DOCKER-020 for docker_container\.app matched no finding/);
    expect(expired).toMatch(/^suppressions-unused\/\.bulwark\.yaml:11: the suppression of STATE-001 for terraform\.backend expired on 2020-01-31 \(owner platform-team\), so it no longer applies\. Fix: /);
    expect(pattern).toMatch(/the suppression of DOCKER-016 for module\.agent\.\* matched no finding/);
  });

  test("the used suppressions of other fixtures are not reported (inline comment, pattern in .bulwark.yaml)", () => {
    expect(findingsOf(["inline-ignore"]).findings.filter((f) => f.ruleId === "STATE-002")).toEqual([]);
    expect(findingsOf(["suppressions-file"]).findings.filter((f) => f.ruleId === "STATE-002").map((f) => f.address)).toEqual(["module.vpc", "terraform.backend"]);
  });

  test("a comment in a module called twice is judged once: used when either call's resource used it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-unused-"));
    try {
      fs.cpSync(path.join(FIX, "module-local"), dir, { recursive: true });
      const file = path.join(dir, "modules", "container", "main.tf");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      // Before the header: DOCKER-016 (the socket call has it); inside: DOCKER-001 (no call has it).
      lines.splice(1, 0, "# bulwark:ignore DOCKER-016 the agent reads the socket for container metrics");
      lines.splice(4, 0, "  # bulwark:ignore DOCKER-001 stale comment from the privileged days");
      fs.writeFileSync(file, lines.join("\n"));
      const got = findingsOf([dir]).findings;
      expect(got.find((f) => f.ruleId === "DOCKER-016")).toMatchObject({ address: "module.socket.docker_container.this", suppressed: true });
      const reports = got.filter((f) => f.ruleId === "STATE-002" && f.address !== "module.vpc");
      expect(reports.map((f) => [f.location!.file, f.location!.line])).toEqual([[path.join(dir, "modules", "container", "main.tf"), 5]]);
      expect(reports[0].message).toContain("`# bulwark:ignore DOCKER-001` matched no finding");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("sarif and text point at the comment's line", () => {
    const log = JSON.parse(run(["check", "--format", "sarif", "suppressions-unused"]).stdout);
    const result = log.runs[0].results.find((r: { ruleId: string; message: { text: string } }) => r.ruleId === "STATE-002" && /main\.tf:10/.test(r.message.text));
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "suppressions-unused/main.tf" }, region: { startLine: 10 } });
    expect(run(["check", "suppressions-unused"]).stdout).toMatch(/info {7}STATE-002 {2}suppressions-unused\/main\.tf:10: `# bulwark:ignore DOCKER-016` matched no finding/);
  });

  test("a suppression of a rule left out by --pack is not judged unused; without STATE-002 in the run nothing is reported", () => {
    const state = findingsOf(["--pack", "secrets-state", "suppressions-unused"]).findings.filter((f) => f.ruleId === "STATE-002");
    expect(state.map((f) => f.location!.line)).toEqual([11]);
    expect(findingsOf(["--pack", "docker-runtime", "suppressions-unused"]).findings.filter((f) => f.ruleId === "STATE-002")).toEqual([]);
  });
});
