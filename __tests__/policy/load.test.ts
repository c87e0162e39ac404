import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  InputError,
  MAX_NESTING,
  describeJsonError,
  lineColumn,
  lineOf,
  loadStacks,
  nestingDepth,
  nestingError,
  sourceLines,
  stackName,
} from "../../policy/load";

const FIX = path.join(__dirname, "..", "fixtures", "cli");

/** Load with cwd = the fixture folder, so `file` fields are short and stable. */
function load(...paths: string[]) {
  return loadStacks(paths, { cwd: FIX });
}

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected an InputError");
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-load-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

describe("loadStacks: finding stacks", () => {
  test("a single cdk.tf.json is named after its stack directory", () => {
    const [s, ...rest] = load("synth/stacks/koha/cdk.tf.json");
    expect(rest).toEqual([]);
    expect(s.stack).toBe("koha");
    expect(s.file).toBe(path.join("synth", "stacks", "koha", "cdk.tf.json"));
    expect(s.path).toBe(fs.realpathSync(path.join(FIX, "synth/stacks/koha/cdk.tf.json")));
    expect(Object.keys(s.json.resource as object)).toEqual(["docker_network", "docker_container"]);
    expect(s.text.startsWith("{")).toBe(true);
  });

  test("a cdktf.out-shaped directory yields stacks/<name>/cdk.tf.json sorted by name", () => {
    expect(load("synth").map((s) => [s.stack, s.file])).toEqual([
      ["edge", path.join("synth", "stacks", "edge", "cdk.tf.json")],
      ["koha", path.join("synth", "stacks", "koha", "cdk.tf.json")],
    ]);
  });

  test("a project root is searched for cdktf.out/stacks/<name>/cdk.tf.json", () => {
    write("proj/cdktf.out/stacks/web/cdk.tf.json", '{"resource": {}}');
    write("proj/main.tf.json", '{"resource": {}}'); // ignored: the cdktf search found stacks first
    const stacks = loadStacks(["proj"], { cwd: tmp });
    expect(stacks.map((s) => [s.stack, s.file])).toEqual([["web", path.join("proj", "cdktf.out", "stacks", "web", "cdk.tf.json")]]);
  });

  test("the stacks/ folder itself and a single stack directory work too", () => {
    expect(load("synth/stacks").map((s) => s.stack)).toEqual(["edge", "koha"]);
    expect(load("synth/stacks/koha").map((s) => s.stack)).toEqual(["koha"]);
  });

  test("a plain Terraform JSON directory: each *.tf.json is its own stack, other files ignored", () => {
    expect(load("plain").map((s) => [s.stack, s.file])).toEqual([
      ["app", path.join("plain", "app.tf.json")],
      ["network", path.join("plain", "network.tf.json")],
    ]);
  });

  test("several paths keep argument order; a file reached twice is read once", () => {
    const stacks = load("plain/network.tf.json", "synth", "synth/stacks/koha/cdk.tf.json", "./plain/../plain/network.tf.json");
    expect(stacks.map((s) => s.stack)).toEqual(["network", "edge", "koha"]);
  });

  test("file is relative to cwd when under it, else the path as given", () => {
    const outside = write("elsewhere/net.tf.json", '{"resource": {}}');
    const [s] = loadStacks([outside], { cwd: FIX });
    expect(s.file).toBe(outside);
    const [r] = loadStacks([path.join(FIX, "plain", "app.tf.json")], { cwd: FIX });
    expect(r.file).toBe(path.join("plain", "app.tf.json"));
  });

  test("a UTF-8 byte order mark is accepted", () => {
    const p = write("bom.tf.json", '\ufeff{"variable": {"x": {}}}');
    expect(loadStacks([p], { cwd: tmp })[0].json).toEqual({ variable: { x: {} } });
  });

  test("stackName", () => {
    expect(stackName("cdktf.out/stacks/koha/cdk.tf.json")).toBe("koha");
    expect(stackName("/x/net/main.tf.json")).toBe("main");
    expect(stackName("plan.json")).toBe("plan");
    expect(stackName("weird")).toBe("weird");
  });
});

describe("loadStacks: input errors name the file and the problem in one line", () => {
  test("missing file", () => {
    expect(inputError(() => load("nope/cdk.tf.json"))).toBe(`${path.join("nope", "cdk.tf.json")}: no such file or directory`);
  });

  test("no paths at all", () => {
    expect(inputError(() => loadStacks([]))).toMatch(/^no input/);
  });

  test("directory without stacks", () => {
    fs.mkdirSync(path.join(tmp, "empty"));
    write("empty/notes.json", "{}");
    expect(inputError(() => loadStacks(["empty"], { cwd: tmp }))).toBe(
      "empty: no Terraform JSON found (looked for stacks/*/cdk.tf.json, cdktf.out/stacks/*/cdk.tf.json, */cdk.tf.json and *.tf.json)",
    );
  });

  test("empty and blank files", () => {
    expect(inputError(() => load("invalid/empty.tf.json"))).toBe(`${path.join("invalid", "empty.tf.json")}: empty file`);
    expect(inputError(() => load("invalid/blank.tf.json"))).toBe(`${path.join("invalid", "blank.tf.json")}: empty file`);
  });

  test("invalid JSON reports line and column (position from V8)", () => {
    expect(inputError(() => load("invalid/trailing-comma.tf.json"))).toBe(
      `${path.join("invalid", "trailing-comma.tf.json")}: invalid JSON at line 4, column 3: Expected double-quoted property name`,
    );
  });

  test("invalid JSON reports line and column when V8 gives no position", () => {
    expect(inputError(() => load("invalid/unexpected-token.tf.json"))).toBe(
      `${path.join("invalid", "unexpected-token.tf.json")}: invalid JSON at line 3, column 23: Unexpected token '}'`,
    );
  });

  test("truncated JSON points at the end of the last line", () => {
    expect(inputError(() => load("invalid/truncated.tf.json"))).toMatch(/: invalid JSON at line 3, column 24: /);
  });

  test("JSON that is not Terraform", () => {
    expect(inputError(() => load("invalid/array.tf.json"))).toBe(
      `${path.join("invalid", "array.tf.json")}: not a Terraform JSON configuration (top level is an array, expected an object)`,
    );
    expect(inputError(() => load("invalid/not-terraform.json"))).toBe(
      `${path.join("invalid", "not-terraform.json")}: not a Terraform JSON configuration (none of the top-level blocks resource, data, variable, provider, terraform, output, locals, module)`,
    );
    // A plan is read (planned_values, __tests__/policy/hcl-modules.test.ts); a state is not.
    const state = write("state.json", JSON.stringify({ format_version: "1.0", values: { root_module: {} } }));
    expect(inputError(() => loadStacks([state], { cwd: tmp }))).toMatch(/`terraform show -json` output of a state, which is not supported; pass a plan/);
    const scalar = write("n.tf.json", "42");
    expect(inputError(() => loadStacks([scalar], { cwd: tmp }))).toBe("n.tf.json: not a Terraform JSON configuration (top level is a number, expected an object)");
    const nul = write("z.tf.json", "null");
    expect(inputError(() => loadStacks([nul], { cwd: tmp }))).toMatch(/top level is null/);
  });

  test("the first bad path stops loading", () => {
    expect(inputError(() => load("plain", "invalid/empty.tf.json", "synth"))).toMatch(/empty\.tf\.json: empty file$/);
  });
});

describe("describeJsonError and lineColumn", () => {
  const describe1 = (text: string) => {
    try {
      JSON.parse(text);
    } catch (e) {
      return describeJsonError(text, e);
    }
    throw new Error("valid JSON");
  };

  test.each([
    ["[1,,2]", "invalid JSON at line 1, column 4: Unexpected token ','"],
    ['{"a": tru}', "invalid JSON at line 1, column 7: Unexpected token '}'"],
    ['{"a":1} x', "invalid JSON at line 1, column 9: Unexpected non-whitespace character after JSON"],
    ['{\n  "a":\n}', "invalid JSON at line 3, column 1: Unexpected token '}'"],
    ['"abc', "invalid JSON at line 1, column 5: Unterminated string"],
  ])("%j", (text, expected) => {
    expect(describe1(text)).toBe(expected);
  });

  test("a very long excerpt in V8's message is dropped", () => {
    const text = `{"a": [${"1, ".repeat(1000)}}]}`;
    expect(describe1(text)).toBe("invalid JSON at line 1, column 3008: Unexpected token '}'");
  });

  test("lineColumn is 1-based and handles CRLF", () => {
    expect(lineColumn("abc", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("a\nbc", 3)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("a\r\nbc", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("a", 99)).toEqual({ line: 1, column: 2 });
  });
});

describe("sourceLines", () => {
  const text = [
    "{", //                                  1
    '  "terraform": {', //                   2
    '    "backend": { "s3": {} }', //        3
    "  },", //                               4
    '  "provider": { "github": [{}] },', //  5
    '  "variable": {', //                    6
    '    "token": { "sensitive": true }', // 7
    "  },", //                               8
    '  "data": { "cloudflare_zone": {', //   9
    '    "main": {} } },', //                10
    '  "resource": [{', //                   11
    '    "docker_container": {', //          12
    '      "db": { "name": "x" },', //       13
    '      "app": [{ "name": "y" }]', //     14
    "    }", //                              15
    "  }]", //                               16
    "}", //                                  17
  ].join("\n");

  test("addresses map to the line of their block, array forms included", () => {
    const lines = sourceLines(text);
    expect(lines.get("terraform")).toBe(2);
    expect(lines.get("terraform.backend")).toBe(3);
    expect(lines.get("provider.github")).toBe(5);
    expect(lines.get("var.token")).toBe(7);
    expect(lines.get("data.cloudflare_zone.main")).toBe(10);
    expect(lines.get("docker_container.db")).toBe(13);
    expect(lines.get("docker_container.app")).toBe(14);
    // Attributes inside a resource are not addresses.
    expect(lines.has("docker_container.name")).toBe(false);
  });

  test("lineOf falls back to the enclosing block", () => {
    const lines = sourceLines(text);
    expect(lineOf(lines, "provider.github.eu")).toBe(5);
    expect(lineOf(lines, "docker_container.db")).toBe(13);
    expect(lineOf(lines, "docker_network.none")).toBeUndefined();
  });

  test("the fixture's resources are found on their own lines", () => {
    const [koha] = load("synth/stacks/koha/cdk.tf.json");
    const lines = sourceLines(koha.text);
    const textLines = koha.text.split("\n");
    expect(textLines[lines.get("docker_container.db")! - 1].trim()).toBe('"db": {');
    expect(textLines[lines.get("docker_container.tools")! - 1].trim()).toBe('"tools": {');
  });
});

describe("sourceLines: line ends and every kind of block", () => {
  test("LF, CRLF and CR line ends give the same lines", () => {
    const [koha] = load("synth/stacks/koha/cdk.tf.json");
    const lf = [...sourceLines(koha.text)];
    expect(lf.length).toBeGreaterThan(3);
    for (const eol of ["\r\n", "\r"]) expect([...sourceLines(koha.text.replace(/\n/g, eol))]).toEqual(lf);
  });

  test("covers terraform, backend, providers, variables, outputs, locals, modules, resources and data", () => {
    const text = [
      "{", //                                            1
      '  "terraform": { "backend": { "s3": {} } },', //  2
      '  "provider": { "github": [{ "alias": "eu" }] },', // 3
      '  "variable": { "token": {} },', //               4
      '  "output": { "o": { "value": 1 } },', //         5
      '  "locals": { "l": 1 },', //                      6
      '  "module": { "m": { "source": "./m" } },', //    7
      '  "data": { "cloudflare_zone": {', //             8
      '    "main": {} } },', //                          9
      '  "resource": { "docker_container": {', //        10
      '    "db": { "name": "x",', //                     11
      '      "nested": { "resource": { "t": { "n": {} } } } },', // 12
      '    "app": {} } }', //                            13
      "}", //                                            14
    ].join("\n");
    expect(Object.fromEntries(sourceLines(text))).toEqual({
      terraform: 2,
      "terraform.backend": 2,
      "provider.github": 3,
      "var.token": 4,
      "output.o": 5,
      "local.l": 6,
      "module.m": 7,
      "data.cloudflare_zone.main": 9,
      "docker_container.db": 11,
      "docker_container.app": 13,
    });
  });
});

describe("input that is not a Terraform configuration at all", () => {
  test("binary data and bytes that are not UTF-8 are named as such", () => {
    const bin = write("logo.tf.json", "");
    fs.writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1b, 0x5b, 0x32, 0x4a]));
    expect(inputError(() => loadStacks([bin], { cwd: tmp }))).toBe("logo.tf.json: not a text file (binary data)");
    const latin1 = write("latin1.tf.json", "");
    fs.writeFileSync(latin1, Buffer.from('{"a": "caf\xe9" ,}', "latin1"));
    expect(inputError(() => loadStacks([latin1], { cwd: tmp }))).toBe(
      "latin1.tf.json: not a text file (binary data, or text in another encoding than UTF-8)",
    );
    // A valid file holding U+FFFD itself is not binary.
    const fffd = write("fffd.tf.json", '{"variable": {"x": {"description": "\ufffd"}}, }');
    expect(inputError(() => loadStacks([fffd], { cwd: tmp }))).toMatch(/^fffd\.tf\.json: invalid JSON at line 1, column /);
  });

  test("messages never carry raw control characters", () => {
    const esc = write("esc.tf.json", '{"a": \u001b[31m}');
    expect(inputError(() => loadStacks([esc], { cwd: tmp }))).toBe("esc.tf.json: invalid JSON at line 1, column 7: Unexpected token '\\x1b'");
    expect(new InputError("a\u0000b\u009bc\u202ed\ne").message).toBe("a\\x00b\\x9bc\\u202ed\\x0ae");
  });

  test("nesting depth, and the error for a file nested too deep", () => {
    expect(nestingDepth('{"a": [1, {"b": "[[[{{{"}], "c": {}}')).toBe(3);
    expect(nestingDepth('"\\"["')).toBe(0);
    expect(nestingDepth("[".repeat(5000), 10)).toBe(11);
    const deep = write("deep.tf.json", `{"resource": ${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}}`);
    expect(nestingError("deep.tf.json", deep)?.message).toBe(`deep.tf.json: nested deeper than ${MAX_NESTING} levels; not a Terraform configuration`);
    const shallow = write("shallow.tf.json", `{"resource": ${"[".repeat(MAX_NESTING - 1)}${"]".repeat(MAX_NESTING - 1)}}`);
    expect(nestingError("shallow.tf.json", shallow)).toBeNull();
  });
});
