/**
 * The hygiene files RepositoryGovernance writes, tested the way git and Docker read them:
 * - `.gitignore` with real `git check-ignore` and `git add -A` in a temporary repository;
 * - `.dockerignore` with the build context computed as Docker computes it: the patterns read like
 *   moby/patternmatcher's ignorefile.ReadAll and matched like its MatchesOrParentMatches (ported
 *   below from moby/patternmatcher v0.6.1, checked against cases of its own test table), the kept
 *   files packed with `tar` as the context the client would send, and the archive listed back. A
 *   real `docker build` runs as well when a Docker engine answers (none does on this machine).
 * `.env` never enters either. Temporary directories live under the jest run's temp directory
 * (scripts/jest-tmp.js) and are removed after the tests.
 */
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, posix } from "path";
import { TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { DOCKERIGNORE, ENV_EXAMPLE, GITIGNORE, NEVER_COMMITTED, PRE_COMMIT_CONFIG } from "../../constructs/github/hygiene";
import { RepositoryGovernance } from "../../constructs/github/repository-governance";
import { GITLEAKS, terraformStringValue } from "../../knowledge/github";
import { synthStackJson } from "../../policy/testing";

// ---- Docker's .dockerignore semantics (moby/patternmatcher v0.6.1) ------------------------------

/** Go's filepath.Clean for slash paths. */
function clean(p: string): string {
  if (p === "") return ".";
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** ignorefile.ReadAll: comments (# at column 0), blank lines, `!` exclusions, cleaned, leading / dropped. */
function readDockerignore(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, "").split("\n")) {
    if (raw.startsWith("#")) continue;
    let p = raw.trim();
    if (p === "") continue;
    const invert = p[0] === "!";
    if (invert) p = p.slice(1).trim();
    if (p.length > 0) {
      p = clean(p);
      if (p.length > 1 && p[0] === "/") p = p.slice(1);
    }
    out.push(invert ? `!${p}` : p);
  }
  return out;
}

interface Pattern {
  readonly exclusion: boolean;
  match(path: string): boolean;
}

/** Pattern.compile: exact, prefix (`dir/**`), suffix (`**\/x`) or a regular expression. */
function compile(pattern: string): (path: string) => boolean {
  let re = "^";
  let type: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  const ch = [...pattern];
  for (let i = 0, k = 0; k < ch.length; i++) {
    const c = ch[k++];
    if (c === "*") {
      if (ch[k] === "*") {
        k++;
        if (ch[k] === "/") k++;
        if (k >= ch.length) {
          if (type === "exact") type = "prefix";
          else {
            re += ".*";
            type = "regexp";
          }
        } else {
          re += "(.*/)?";
          type = "regexp";
        }
        if (i === 0) type = "suffix";
      } else {
        re += "[^/]*";
        type = "regexp";
      }
    } else if (c === "?") {
      re += "[^/]";
      type = "regexp";
    } else if (".+()|{}$".includes(c)) {
      re += `\\${c}`;
    } else if (c === "\\") {
      if (k < ch.length) {
        re += `\\${ch[k++]}`;
        type = "regexp";
      } else re += "\\\\";
    } else if (c === "[" || c === "]") {
      re += c;
      type = "regexp";
    } else {
      re += c;
    }
  }
  if (type === "exact") return (p) => p === pattern;
  if (type === "prefix") return (p) => p.startsWith(pattern.slice(0, -2));
  if (type === "suffix") {
    const suffix = pattern.slice(2);
    return (p) => p.endsWith(suffix) || (suffix[0] === "/" && p === suffix.slice(1));
  }
  const rx = new RegExp(re + "$");
  return (p) => rx.test(p);
}

function patternsOf(lines: readonly string[]): Pattern[] {
  return lines.map((l) => {
    const exclusion = l[0] === "!";
    const p = clean(exclusion ? l.slice(1) : l);
    return { exclusion, match: compile(p) };
  });
}

/** PatternMatcher.MatchesOrParentMatches: the file, or any of its parent directories, is excluded. */
function excluded(patterns: readonly Pattern[], file: string): boolean {
  let matched = false;
  const parent = posix.dirname(file);
  const dirs = parent.split("/");
  for (const p of patterns) {
    if (p.exclusion !== matched) continue;
    let m = p.match(file);
    if (!m && parent !== ".") {
      for (let i = 0; i < dirs.length && !m; i++) m = p.match(dirs.slice(0, i + 1).join("/"));
    }
    if (m) matched = !p.exclusion;
  }
  return matched;
}

/** Every file under `root`, relative with `/`, sorted. */
function walk(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(root, r)).isDirectory()) out.push(...walk(root, r));
    else out.push(r);
  }
  return out;
}

/**
 * The build context Docker sends for `root`: files not excluded by `.dockerignore` (the CLI always
 * sends the Dockerfile and .dockerignore themselves), packed with tar and listed back from the archive.
 */
function dockerContext(root: string): string[] {
  const patterns = patternsOf(readDockerignore(readFileSync(join(root, ".dockerignore"), "utf8")));
  const kept = walk(root).filter((f) => f === "Dockerfile" || f === ".dockerignore" || !excluded(patterns, f));
  const archive = join(root, "..", "context.tar");
  const pack = spawnSync("tar", ["-C", root, "--null", "-T", "-", "-cf", archive], { input: kept.join("\0") + "\0" });
  expect(pack.status).toBe(0);
  const list = spawnSync("tar", ["-tf", archive], { encoding: "utf8" });
  expect(list.status).toBe(0);
  rmSync(archive);
  return list.stdout.split("\n").filter((l) => l !== "").sort();
}

// ---- the repository under test --------------------------------------------------------------------

/** Files that must stay out of git and out of every build context. */
const SECRET_FILES = [
  ".env",
  ".env.production",
  ".env.local",
  "app/.env",
  "app/nested/.env.staging",
  "prod.tfvars",
  "infra/secrets.auto.tfvars.json",
  "terraform.tfstate",
  "terraform.tfstate.backup",
  "modules/db/terraform.tfstate",
  ".terraform/providers/registry/provider.bin",
  ".secrets/db_password",
  "app/.secrets/api_key",
  "cdktf.out/stacks/app/cdk.tf.json",
];
/** Ordinary files (some with env/tfvars/state in their names) that must be kept. */
const KEPT_FILES = ["Dockerfile", "README.md", "src/main.ts", "config/env.ts", "docs/tfvars.md", "docs/state.md", "scripts/.envrc.sample.md"];

const created: string[] = [];
afterAll(() => {
  for (const d of created) rmSync(d, { recursive: true, force: true });
});

function repository(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), "bulwark-hygiene-"));
  created.push(base);
  const root = join(base, "repo");
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" };
function git(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: GIT_ENV });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The files as RepositoryGovernance writes them (read back from the Terraform strings). */
function written(): Record<string, string> {
  const stack = new TerraformStack(Testing.app(), "t");
  new GithubProvider(stack, "github", { owner: "example-org" });
  new RepositoryGovernance(stack, "app", { name: "app", codeOwners: [{ pattern: "*", owners: ["@example-org/platform"] }] });
  const files = (synthStackJson(stack) as Record<string, any>).resource.github_repository_file as Record<string, { file: string; content: string }>;
  return Object.fromEntries(Object.values(files).map((f) => [f.file, terraformStringValue(f.content)]));
}

const FILES = written();
const CONTENT: Record<string, string> = Object.fromEntries([...SECRET_FILES, ...KEPT_FILES, ENV_EXAMPLE].map((f) => [f, `${f}\n`]));

describe("the files RepositoryGovernance writes", () => {
  test(".gitignore, .dockerignore and .pre-commit-config.yaml are managed files with exactly these contents", () => {
    expect(FILES[".gitignore"]).toBe(GITIGNORE);
    expect(FILES[".dockerignore"]).toBe(DOCKERIGNORE);
    expect(FILES[".pre-commit-config.yaml"]).toBe(PRE_COMMIT_CONFIG);
    for (const p of NEVER_COMMITTED) expect(GITIGNORE.split("\n")).toContain(p.pattern);
  });

  test("the pre-commit hook runs gitleaks from its repository at the pinned commit (the scanner of the secret-scan check)", () => {
    const cfg = parse(PRE_COMMIT_CONFIG) as { repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }> };
    expect(cfg.repos).toEqual([{ repo: GITLEAKS.repository, rev: GITLEAKS.sha, hooks: [{ id: "gitleaks" }] }]);
    expect(GITLEAKS.sha).toMatch(/^[0-9a-f]{40}$/);
    // pre-commit (`autoupdate --freeze`) writes the tag it froze as this comment.
    expect(PRE_COMMIT_CONFIG).toContain(`rev: ${GITLEAKS.sha} # frozen: ${GITLEAKS.version}`);
  });
});

describe(".gitignore, with git itself", () => {
  const root = repository({ ...CONTENT, ".gitignore": FILES[".gitignore"] });
  beforeAll(() => {
    expect(git(root, "init", "--quiet").status).toBe(0);
  });

  test.each(SECRET_FILES)("git check-ignore: %s is ignored", (file) => {
    const r = git(root, "check-ignore", "--verbose", file);
    expect({ file, status: r.status }).toEqual({ file, status: 0 });
    expect(r.stdout).toMatch(new RegExp(`^\\.gitignore:\\d+:\\S+\\t${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`));
  });

  test.each([...KEPT_FILES, ENV_EXAMPLE])("git check-ignore: %s is not ignored", (file) => {
    expect({ file, status: git(root, "check-ignore", "--quiet", file).status }).toEqual({ file, status: 1 });
  });

  test("git add -A stages no secret, variable or state file, and every ordinary file", () => {
    expect(git(root, "add", "-A").status).toBe(0);
    const staged = git(root, "ls-files").stdout.split("\n").filter((l) => l !== "").sort();
    expect(staged).toEqual([".env.example", ".gitignore", ...KEPT_FILES].sort());
    for (const f of SECRET_FILES) expect(staged).not.toContain(f);
  });

  test("without the managed .gitignore the same repository would commit .env (the test can fail)", () => {
    const bare = repository(CONTENT);
    expect(git(bare, "init", "--quiet").status).toBe(0);
    expect(git(bare, "add", "-A").status).toBe(0);
    expect(git(bare, "ls-files").stdout.split("\n")).toContain(".env");
  });
});

describe(".dockerignore, as Docker computes the build context", () => {
  test("the port of moby/patternmatcher agrees with cases of its own test table (MatchesOrParentMatches)", () => {
    const cases: Array<[string, string, boolean]> = [
      ["**", "dir/file", true],
      ["**/dir", "dir/file", true],
      ["**/dir2/*", "dir/dir2/file", true],
      ["**file", "dir/dir/file", true],
      ["**/file*.txt", "dir/dir/file.txt", true],
      ["**/**/*.txt2", "dir/dir/file.txt", false],
      ["**/*.txt", "file.txt", true],
      ["a**/*.txt", "a/dir/dir/file.txt", true],
      ["a/*.txt", "a/dir/file.txt", false],
      ["a[b-d]e", "ace", true],
      ["a[^b-d]e", "aze", true],
      [".*", ".foo", true],
      [".*", "foo", false],
      ["abc.def", "abcZdef", false],
      ["abc?def", "abcZdef", true],
      ["**/foo/bar", "foo/bar", true],
      ["abc/**", "abc", false],
      ["abc/**", "abc/def/ghi", true],
      ["**/.foo", ".foo", true],
      ["**/.foo", "bar.foo", false],
      ["a(b)c/def", "a(b)c/def", true],
      ["dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true],
    ];
    for (const [pattern, file, want] of cases) expect({ pattern, file, got: excluded(patternsOf([pattern]), file) }).toEqual({ pattern, file, got: want });
    // Exclusions and the order of patterns (multi-pattern cases of the same table).
    expect(excluded(patternsOf(["**", "!util/docker/web"]), "util/docker/web/foo")).toBe(false);
    expect(excluded(patternsOf(["**", "!util/docker/web", "util/docker/web/foo"]), "util/docker/web/foo")).toBe(true);
    // Unlike .gitignore, a bare name matches only at the context root.
    expect(excluded(patternsOf(readDockerignore(".env\n")), "app/.env")).toBe(false);
  });

  const root = repository({ ...CONTENT, ".dockerignore": FILES[".dockerignore"], ".git/config": "[core]\n", ".git/HEAD": "ref: refs/heads/main\n" });
  const context = dockerContext(root);

  test.each(SECRET_FILES)("%s is not in the build context", (file) => {
    expect(context).not.toContain(file);
  });

  test("the context is exactly the ordinary files plus .dockerignore: no .git, no .env.example (it never enters an image)", () => {
    expect(context).toEqual([".dockerignore", ...KEPT_FILES].sort());
  });

  test("without the managed .dockerignore the context would carry .env (the test can fail)", () => {
    const bare = repository({ ...CONTENT, ".dockerignore": "# nothing ignored\n" });
    expect(dockerContext(bare)).toContain(".env");
  });

  test("a real docker build, when an engine answers: .env is not in the image built from COPY . ", () => {
    const engine = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8", timeout: 10_000 });
    if (engine.status !== 0) {
      console.warn("no Docker engine: the build context was computed from .dockerignore and tar only (see above)");
      return;
    }
    const ctx = repository({ ...CONTENT, Dockerfile: "FROM scratch\nCOPY . /ctx/\n", ".dockerignore": FILES[".dockerignore"] });
    const tag = `bulwark-hygiene-test:${process.pid}`;
    try {
      expect(spawnSync("docker", ["build", "--quiet", "--tag", tag, ctx], { encoding: "utf8" }).status).toBe(0);
      const id = spawnSync("docker", ["create", tag, "/none"], { encoding: "utf8" }).stdout.trim();
      const exported = spawnSync("sh", ["-c", `docker export ${id} | tar -t`], { encoding: "utf8" });
      spawnSync("docker", ["rm", id]);
      const files = exported.stdout.split("\n").filter((l) => l.startsWith("ctx/") && !l.endsWith("/")).map((l) => l.slice(4)).sort();
      expect(files).toEqual([".dockerignore", ...KEPT_FILES].sort());
    } finally {
      spawnSync("docker", ["rmi", "--force", tag]);
    }
  });
});
