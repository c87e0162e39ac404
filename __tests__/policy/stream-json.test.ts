import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { InputError, loadStacks, sourceLines } from "../../policy/load";
import {
  DEFAULT_CHUNK_SIZE,
  parseJsonBytesStreaming,
  readJsonFileStreaming,
  StreamFallback,
  type StreamOptions,
} from "../../policy/stream-json";
import { synthStackJson } from "../../policy/testing";
import { kohaStack, singleServerStack } from "../helpers/reference";

const CLI_FIXTURES = path.join(__dirname, "..", "fixtures", "cli");
const CHUNKS = [1, 2, 3, 7, 64, 4096, DEFAULT_CHUNK_SIZE];

function stream(text: string | Buffer, options: StreamOptions = {}) {
  return parseJsonBytesStreaming(typeof text === "string" ? Buffer.from(text, "utf8") : text, options);
}

/** Same value, same prototypes, same key order everywhere (JSON.stringify follows key order). */
function expectSameAsJsonParse(actual: unknown, expected: unknown): void {
  expect(isDeepStrictEqual(actual, expected)).toBe(true);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** The reader gives JSON.parse's value and sourceLines' map at every chunk size given. */
function expectLikeFullText(text: string, chunks: readonly number[] = CHUNKS, extra: StreamOptions = {}): void {
  const expected = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const lines = [...sourceLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)];
  for (const chunkSize of chunks) {
    const r = stream(text, { ...extra, chunkSize });
    expectSameAsJsonParse(r.value, expected);
    expect([...r.lines]).toEqual(lines);
    expect(r.bytes).toBe(Buffer.byteLength(text));
  }
}

function expectFallback(text: string | Buffer, chunks: readonly number[] = CHUNKS): void {
  for (const chunkSize of chunks) {
    expect(() => stream(text, { chunkSize })).toThrow(StreamFallback);
  }
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.name.endsWith(".json") ? [p] : [];
  });
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulwark-stream-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("equality with JSON.parse", () => {
  test("every CLI fixture: the same value and lines, or a fallback where JSON.parse fails or the top is not an object", () => {
    const files = filesUnder(CLI_FIXTURES);
    expect(files.length).toBeGreaterThan(10);
    let valid = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        expectFallback(text, [1, 5, DEFAULT_CHUNK_SIZE]);
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        expectFallback(text, [1, DEFAULT_CHUNK_SIZE]);
        continue;
      }
      valid++;
      expectLikeFullText(text);
    }
    expect(valid).toBeGreaterThanOrEqual(10);
  });

  test.each([
    ["koha", kohaStack],
    ["single-server", singleServerStack],
  ])("the %s reference stack, pretty-printed and compact", (_name, make) => {
    const json = synthStackJson(make());
    expect(Object.keys((json.resource as Record<string, unknown>) ?? {}).length).toBeGreaterThan(2);
    const pretty = JSON.stringify(json, null, 2);
    const compact = JSON.stringify(json);
    expectLikeFullText(pretty);
    expectLikeFullText(compact);
    // Runs of one body each, and runs split at every chunk boundary.
    expectLikeFullText(pretty, [1, 5, 333, 4096], { runBytes: 1 });
    expectLikeFullText(compact, [13, 1000], { runBytes: 1500 });
    expectLikeFullText(pretty, [64, DEFAULT_CHUNK_SIZE], { intern: false });
  });

  test("resource and data in array form, at the top and at the type level", () => {
    const text = JSON.stringify(
      {
        resource: [{ docker_container: { a: { name: "a" } } }, { docker_network: { n: { name: "n" } } }],
        data: { cloudflare_zone: [{ z: { name: "example.org" } }, { y: {} }] },
        provider: { docker: [{ host: "unix:///var/run/docker.sock" }, { alias: "b" }] },
        variable: [{ token: { sensitive: true } }],
      },
      null,
      2,
    );
    expectLikeFullText(text);
    const r = stream(text);
    expect(r.lines.get("docker_container.a")).toBe(5);
    expect(r.lines.get("data.cloudflare_zone.z")).toBeGreaterThan(5);
    expect(r.lines.get("var.token")).toBeDefined();
  });

  test("unexpected shapes: scalars, arrays and nulls where blocks are expected", () => {
    expectLikeFullText('{"resource": 5, "data": null, "variable": "x", "locals": [1, true, false, null, -0, 1e3]}');
    expectLikeFullText('{"resource": {"t": 5, "u": [1, 2], "v": "s", "w": null, "x": true}, "data": {"t": {"a": 1.5e-3, "b": "x", "c": null, "d": [], "e": false}}}');
    expectLikeFullText('{"resource": {"t": {"a": -0}}}');
    expect(Object.is((stream('{"resource": {"t": {"a": -0}}}').value as any).resource.t.a, -0)).toBe(true);
  });

  test("escapes in keys and values: quote, backslash, \\u00e9, surrogate pairs, raw multi-byte", () => {
    const text = [
      "{",
      '  "resource": {',
      '    "t\\"q": {',
      '      "n\\\\b": { "s": "say \\"hi\\" \\\\ \\/ \\b\\f\\n\\r\\t", "\\u00e9": "caf\\u00e9", "emoji": "\\ud83d\\ude00" },',
      '      "caf\u00e9": { "raw": "\u00e9\u4e2d\ud83d\ude00", "mixed\\u4e2d": "\u00e9\\u00e9" },',
      '      "\\ud83d\\ude00": { "x": "\\\\" },',
      '      "tail\\\\": { "x": "\\\\\\"" }',
      "    }",
      "  },",
      '  "variable": { "caf\\u00e9": {}, "\ud83d\ude00": {} }',
      "}",
    ].join("\n");
    expectLikeFullText(text);
    const r = stream(text, { chunkSize: 1 });
    expect(r.lines.get('t"q.n\\b')).toBe(4);
    expect(r.lines.get("t\"q.caf\u00e9")).toBe(5);
    expect(r.lines.get("t\"q.\ud83d\ude00")).toBe(6);
    expect(r.lines.get("var.caf\u00e9")).toBe(10);
  });

  test("strings holding braces, brackets, colons, commas and quotes", () => {
    const text = JSON.stringify({
      resource: {
        t: {
          a: { cmd: "}", s: "]]]", o: "{[", q: '"}"', c: "a,b:c", k: "${x[0]}" },
          "}{": { "]": "[", ",": ":" },
          b: ["}", "{", { "x}": "{y" }],
        },
      },
      "//": { "}": "{" },
    });
    expectLikeFullText(text);
  });

  test("multi-byte UTF-8 split at every byte across chunk boundaries", () => {
    const text = `{"resource": {"t\u00e9": {"n\u4e2d": {"v": "${"\u00e9\u4e2d\ud83d\ude00".repeat(5)}"}, "\ud83d\ude00": ["\u00e9"]}}, "locals": {"\u4e2d": "\ud83d\ude00"}}`;
    expectLikeFullText(text, [1, 2, 3, 4, 5, 6, 7, 11]);
  });

  test("invalid UTF-8 decodes to U+FFFD like a whole-text read", () => {
    const bytes = Buffer.concat([Buffer.from('{"resource": {"t": {"a": {"s": "x'), Buffer.from([0xe2, 0x82]), Buffer.from('"}, "b\xff": 1}}}', "latin1")]);
    const expected = JSON.parse(bytes.toString("utf8"));
    for (const chunkSize of [1, 2, 3, 64]) expectSameAsJsonParse(stream(bytes, { chunkSize }).value, expected);
  });

  test("empty objects and arrays at every level", () => {
    for (const text of [
      "{}",
      '{"resource": {}}',
      '{"resource": {"t": {}}}',
      '{"resource": {"t": {"a": {}}}}',
      '{"resource": {"t": {"a": []}}, "data": {}, "variable": {}, "output": []}',
      "  \n{ }\n\n",
      '{"resource":{"t":{"a":{},"b":{"c":{}}}},"module":{"m":{}}}',
    ]) {
      expectLikeFullText(text);
    }
  });

  test("duplicate keys: the last value at the first position, at every level (JSON.parse's rule)", () => {
    const text = [
      "{",
      '  "resource": { "t": { "a": { "v": 1 } } },',
      '  "variable": { "x": {} },',
      '  "resource": {',
      '    "t": { "a": { "v": 2 }, "b": { "v": 3, "v": 4 }, "a": { "v": 5 } },',
      '    "u": { "z": {} },',
      '    "t": { "c": {}, "a": { "v": 6 } }',
      "  },",
      '  "variable": { "y": {} },',
      '  "data": { "d": { "q": {} }, "d": [ { "r": {} } ] }',
      "}",
    ].join("\n");
    expectLikeFullText(text);
    expectLikeFullText(text, [1, 9, 50], { runBytes: 1 });
    const r = stream(text);
    expect(Object.keys(r.value)).toEqual(["resource", "variable", "data"]);
    expect(r.value.resource).toEqual({ t: { c: {}, a: { v: 6 } }, u: { z: {} } });
    // sourceLines keeps the first occurrence of an address.
    expect(r.lines.get("t.a")).toBe(2);
  });

  test("duplicates and array-index keys far apart in one type, across runs and chunks", () => {
    const names = Array.from({ length: 400 }, (_, i) => `r${i % 150}`);
    names.splice(17, 0, "10", "2", "__proto__", "0", "007");
    names.push("__proto__", "2");
    const body = (i: number) => `{"i": ${i}, "s": "${"x".repeat(i % 40)}", "l": [{"a": "b"}, "${"y".repeat(i % 20)}"]}`;
    const text = `{\n  "resource": {\n    "t": {\n${names.map((n, i) => `      ${JSON.stringify(n)}: ${body(i)}`).join(",\n")}\n    }\n  }\n}\n`;
    expectLikeFullText(text, [1, 100, 4096, 10_000, DEFAULT_CHUNK_SIZE]);
    expectLikeFullText(text, [333, 5000, DEFAULT_CHUNK_SIZE], { runBytes: 1 });
    expectLikeFullText(text, [333, 5000, DEFAULT_CHUNK_SIZE], { runBytes: 700 });
    const value = stream(text, { runBytes: 500 }).value as { resource: { t: Record<string, unknown> } };
    expect(Object.getPrototypeOf(value.resource.t)).toBe(Object.prototype);
    expect(Object.keys(value.resource.t).slice(0, 5)).toEqual(["0", "2", "10", "r0", "r1"]);
  });

  test("__proto__ as a key is an own property, never the prototype", () => {
    const text = '{"__proto__": {"x": 1}, "resource": {"__proto__": {"__proto__": {"__proto__": 1}}, "t": {"__proto__": "s"}}}';
    expectLikeFullText(text);
    const v = stream(text).value as Record<string, any>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "resource"]);
    expect(Object.getOwnPropertyDescriptor(v.resource, "__proto__")?.value).toEqual(JSON.parse(text).resource.__proto__);
  });

  test("a leading byte order mark is skipped, as the loader does for the whole text", () => {
    expectLikeFullText('\ufeff{"resource": {"t": {"a": {}}}}');
    expectFallback('\ufeff\ufeff{"resource": {}}');
    expectFallback(Buffer.from([0xef, 0xbb, 0x7b, 0x7d]));
    expectFallback(' \ufeff{"resource": {}}');
  });
});

describe("sharing equal values (large inputs: intern)", () => {
  const body = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    capabilities: { drop: ["ALL"] },
    log_opts: { "max-file": "3", "max-size": "10m" },
    labels: [{ label: "bulwark.owner", value: "platform-team" }, { label: "bulwark.recreate-hash", value: name }],
    ...extra,
  });
  const doc = {
    resource: {
      docker_container: { a: body("a"), b: body("b"), c: body("c") },
      docker_service: { s: body("s") },
    },
    data: { docker_container: { d: body("d") } },
  };
  const text = JSON.stringify(doc, null, 2);

  test("equal nested blocks are one object across bodies, runs, types and data; bodies are never merged", () => {
    for (const runBytes of [1, 48 * 1024]) {
      const v = stream(text, { intern: true, runBytes }).value as any;
      expectSameAsJsonParse(v, doc);
      const [a, b, c] = ["a", "b", "c"].map((n) => v.resource.docker_container[n]);
      expect(b.capabilities).toBe(a.capabilities);
      expect(c.log_opts).toBe(a.log_opts);
      expect(v.resource.docker_service.s.capabilities).toBe(a.capabilities);
      expect(v.data.docker_container.d.log_opts).toBe(a.log_opts);
      // The label arrays differ (the hash label), their equal members are shared.
      expect(b.labels).not.toBe(a.labels);
      expect(b.labels[0]).toBe(a.labels[0]);
      expect(b.labels[1]).not.toBe(a.labels[1]);
      expect(b).not.toBe(a);
    }
  });

  test("bodies in the array form are not merged either, their equal blocks are shared", () => {
    const arrayForm = '{"resource": {"t": {"a": [{"x": {"k": "v"}}, {"x": {"k": "v"}}]}}}';
    const v = stream(arrayForm, { intern: true }).value as any;
    expectSameAsJsonParse(v, JSON.parse(arrayForm));
    const [first, second] = v.resource.t.a;
    expect(second).not.toBe(first);
    expect(second.x).toBe(first.x);
  });

  test("without intern nothing is shared", () => {
    const v = stream(text, { intern: false }).value as any;
    expectSameAsJsonParse(v, doc);
    expect(v.resource.docker_container.b.capabilities).not.toBe(v.resource.docker_container.a.capabilities);
  });

  test("what JSON text cannot tell apart stays apart: -0 and 0, a too-large number and null", () => {
    const tricky =
      '{"resource": {"t": {"a": {"x": [0], "y": {"n": null}, "z": [1e400]}, "b": {"x": [-0], "y": {"n": 1e999}, "z": [null]}, "c": {"x": [-0.0e3]}}}}';
    for (const runBytes of [1, 48 * 1024]) {
      const v = stream(tricky, { intern: true, runBytes }).value as any;
      expectSameAsJsonParse(v, JSON.parse(tricky));
      const { a, b, c } = v.resource.t;
      expect(Object.is(a.x[0], 0) && Object.is(b.x[0], -0) && Object.is(c.x[0], -0)).toBe(true);
      expect([a.y.n, b.y.n, a.z[0], b.z[0]]).toEqual([null, Infinity, Infinity, null]);
    }
  });

  test("an own __proto__ member holding a shared block stays an own member", () => {
    const proto = '{"resource": {"t": {"a": {"k": {"p": 1}}, "b": {"__proto__": {"p": 1}}}}}';
    const v = stream(proto, { intern: true }).value as any;
    expectSameAsJsonParse(v, JSON.parse(proto));
    expect(Object.getPrototypeOf(v.resource.t.b)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v.resource.t.b, "__proto__")?.value).toEqual({ p: 1 });
  });
});

describe("the indentation shortcut for pretty-printed files", () => {
  const koha = () => synthStackJson(kohaStack());

  test("pretty-printed bodies are found by indentation, compact ones by scanning, with the same result", () => {
    const json = koha();
    const pretty = JSON.stringify(json, null, 2);
    const compact = JSON.stringify(json);
    const indented = stream(pretty, { runBytes: 1 });
    expect(indented.runs.indented).toBeGreaterThan(5);
    expectSameAsJsonParse(indented.value, json);
    const scanned = stream(pretty, { runBytes: 1, indentation: false });
    expect(scanned.runs.indented).toBe(0);
    expect(scanned.runs.scanned).toBeGreaterThan(5);
    expectSameAsJsonParse(scanned.value, json);
    const flat = stream(compact, { runBytes: 1 });
    expect(flat.runs.indented).toBe(0);
    expectSameAsJsonParse(flat.value, json);
    for (const indent of ["\t", "    ", " "]) {
      const r = stream(JSON.stringify(json, null, indent), { runBytes: 100 });
      expect(r.runs.indented).toBeGreaterThan(0);
      expectSameAsJsonParse(r.value, json);
    }
  });

  test("a line inside a body that looks like the start of a member makes the guess fail, then the run is scanned", () => {
    const text = [
      "{",
      '  "resource": {',
      '    "t": {',
      '      "a": {',
      '        "list": ["w",',
      '      "x", "y"],',
      '        "n": 1',
      "      },",
      '      "b": {},',
      '      "c": { "s": "\\\\",',
      '      "d": 2 },',
      '      "d": {}, "e": {',
      '      "f": [',
      '    ]},',
      '      "g": []',
      "    },",
      '    "u": {',
      '      "h": {}',
      "    },",
      '    "v": {',
      '      "p": {},',
      '      "q": { "r": 1 },',
      '      "s": {}',
      "    }",
      "  }",
      "}",
    ].join("\n");
    for (const chunkSize of [5, 64, DEFAULT_CHUNK_SIZE]) {
      const r = stream(text, { runBytes: 1, chunkSize });
      expectSameAsJsonParse(r.value, JSON.parse(text));
      expect([...r.lines]).toEqual([...sourceLines(text)]);
    }
    // The guess fails in "t" (then "t" is scanned), and works again in "v".
    const r = stream(text, { runBytes: 1 });
    expect(r.runs.indented).toBe(2);
    expect(r.runs.scanned).toBeGreaterThan(2);
  });

  test("a failed guess ends the shortcut for the rest of the type, with the same result", () => {
    const member = (i: number) => `      "m${i}": {\n        "v": ["x",\n      "y"]\n      }`;
    const text = `{\n  "resource": {\n    "t": {\n${Array.from({ length: 40 }, (_, i) => member(i)).join(",\n")}\n    }\n  }\n}`;
    const r = stream(text, { runBytes: 1 });
    expectSameAsJsonParse(r.value, JSON.parse(text));
    expect(r.runs.scanned).toBeGreaterThan(0);
  });
});

describe("the line map", () => {
  test("matches sourceLines with LF, CRLF and CR line ends, also when CRLF straddles a chunk boundary", () => {
    const json = synthStackJson(kohaStack());
    const pretty = JSON.stringify(json, null, 2);
    for (const eol of ["\n", "\r\n", "\r"]) {
      const text = pretty.replace(/\n/g, eol);
      expectLikeFullText(text, [1, 2, 3, 1000, DEFAULT_CHUNK_SIZE]);
    }
    const lines = stream(pretty).lines;
    const textLines = pretty.split("\n");
    for (const address of ["docker_container.mariadb", "docker_network.koha_backnet", "docker_image.cloudflared"]) {
      const name = address.split(".")[1];
      const line = lines.get(address);
      expect(line).toBeDefined();
      expect(textLines[line! - 1].trim()).toBe(`${JSON.stringify(name)}: {`);
    }
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
    const lines = stream(text, { chunkSize: 3 }).lines;
    expect(Object.fromEntries(lines)).toEqual({
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
    expect([...lines]).toEqual([...sourceLines(text)]);
  });
});

describe("fallback: any syntax problem leaves the message to the whole-text path", () => {
  const broken = [
    "",
    "   \n ",
    "[]",
    '"resource"',
    "42",
    "null",
    '{"resource": {"t": {"a": {}}}',
    '{"resource": {"t": {"a": {}}}}}',
    '{"resource": {"t": {"a": {}}}} x',
    '{"resource": {"t": {"a": {},}}}',
    '{"resource": {"t": {"a": {}},}}',
    '{"resource": {"t": {"a": {}}},}',
    '{"resource": {"t": {"a" {}}}}',
    '{"resource": {"t": {"a": {"b": }}}}',
    '{"resource": {"t": {"a": {"b": 1 2}}}}',
    '{"resource": {"t": {"a": 12',
    '{"resource": {"t": {"a": tru}}}',
    '{"resource": {"t": {"a": [1}}}}',
    '{"resource": {"t": {"a": "unterminated}}}}',
    '{"resource": {"t": {"a\u0001": {}}}}',
    '{"resource": {"t\u0001": {}}}',
    '{"\u0001": 1}',
    '{"resource": {"t": {"\\x": {}}}}',
    '{"resource": {"\\q": {}}}',
    '{"variable": {"x": {}}, }',
    '{"variable": {"x": {}} "data": {}}',
    "{'resource': {}}",
    '{"resource": {"t": {"a": {}} /* c */}}',
    '{"resource": {"t": {"a": {"s": "line\nbreak"}}}}',
    '{resource: {}}',
    '{"resource": {"t": {"a": {}}}}\u00a0',
    '{"resource": {"t": {"a": NaN}}}',
  ];

  test.each(broken.map((t) => [t]))("%j", (text) => {
    expectFallback(text);
  });

  test("a mutated valid document either parses like JSON.parse or falls back where JSON.parse fails", () => {
    const base = JSON.stringify(synthStackJson(singleServerStack()), null, 1);
    const noise = fc.constantFrom("{", "}", "[", "]", '"', ",", ":", " ", "\\", "x", "0", "\n", "\u00e9", "\u0001", "-", "e");
    fc.assert(
      fc.property(
        fc.nat(base.length - 1),
        fc.nat(3),
        fc.option(noise, { nil: undefined }),
        fc.constantFrom(1, 7, 4096),
        (at, cut, insert, chunkSize) => {
          const text = base.slice(0, at) + (insert ?? "") + base.slice(at + cut);
          let expected: unknown;
          try {
            expected = JSON.parse(text);
          } catch {
            expect(() => stream(text, { chunkSize })).toThrow(StreamFallback);
            return;
          }
          const r = stream(text, { chunkSize });
          expectSameAsJsonParse(r.value, expected);
          expect([...r.lines]).toEqual([...sourceLines(text)]);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("loadStacks through the streaming reader gives exactly the whole-text error messages", () => {
    const files = [
      ...filesUnder(path.join(CLI_FIXTURES, "invalid")),
      ...broken.map((text, i) => {
        const p = path.join(tmp, `broken-${i}.tf.json`);
        fs.writeFileSync(p, text);
        return p;
      }),
    ];
    const message = (f: string, streamThreshold: number) => {
      try {
        loadStacks([f], { cwd: tmp, streamThreshold });
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return "loaded";
    };
    let errors = 0;
    for (const f of files) {
      const whole = message(f, Infinity);
      if (whole !== "loaded") errors++;
      expect(message(f, 0)).toBe(whole);
    }
    expect(errors).toBeGreaterThan(broken.length);
  });
});

describe("property: random Terraform-like documents", () => {
  type Node = { o: Array<[string, Node]> } | { a: Node[] } | { v: string };
  interface Style {
    readonly indent: string | null;
    readonly eol: string;
    readonly colon: string;
    readonly escapeNonAscii: boolean;
  }

  function str(s: string, style: Style): string {
    const j = JSON.stringify(s);
    return style.escapeNonAscii ? j.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : j;
  }

  function ser(n: Node, style: Style, depth: number): string {
    if ("v" in n) return n.v.startsWith('"') ? str(JSON.parse(n.v) as string, style) : n.v;
    const nl = style.indent === null ? "" : style.eol;
    const pad = (d: number) => (style.indent === null ? "" : style.indent.repeat(d));
    if ("a" in n) {
      if (n.a.length === 0) return "[]";
      return `[${n.a.map((x) => nl + pad(depth + 1) + ser(x, style, depth + 1)).join(",")}${nl}${pad(depth)}]`;
    }
    if (n.o.length === 0) return "{}";
    return `{${n.o.map(([k, x]) => `${nl}${pad(depth + 1)}${str(k, style)}:${style.colon}${ser(x, style, depth + 1)}`).join(",")}${nl}${pad(depth)}}`;
  }

  const key = fc.oneof(
    fc.constantFrom("a", "b", "web", "db", "0", "2", "10", "01", "__proto__", 'q"t', "b\\s", "\u00e9", "\ud83d\ude00", "{[", "}", "//", "terraform", "alias"),
    fc.string({ maxLength: 5 }),
    fc.string({ unit: "binary", maxLength: 3 }),
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    fc.string({ unit: "binary", maxLength: 4 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('"}"', '"{"', '"]"', '"\\\\"', '"\\""', '"${var.x}"', '"noexec,nosuid,nodev,size=64m,mode=1777"'),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.constantFrom("true", "false", "null", "-0", "1e5", "1E-2", "0.5", "-12.25e+3"),
  );
  const { node } = fc.letrec<{ node: Node; arr: Node; obj: Node }>((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar.map((v) => ({ v })), tie("arr"), tie("obj")),
    arr: fc.array(tie("node"), { maxLength: 4 }).map((a) => ({ a })),
    obj: fc.array(fc.tuple(key, tie("node")), { maxLength: 4 }).map((o) => ({ o })),
  }));
  const obj = <T extends Node>(entry: fc.Arbitrary<[string, T]>, max = 4) => fc.array(entry, { maxLength: max }).map((o) => ({ o }) as Node);
  const nameMap = obj(fc.tuple(key, node), 6);
  const typeName = fc.oneof(fc.constantFrom("docker_container", "docker_image", "t", "0", "__proto__", "a.b"), key);
  const typeValue = fc.oneof({ weight: 5, arbitrary: nameMap }, fc.array(nameMap, { maxLength: 3 }).map((a) => ({ a }) as Node), node);
  const typeMap = obj(fc.tuple(typeName, typeValue), 4);
  const blockValue = fc.oneof({ weight: 5, arbitrary: typeMap }, fc.array(typeMap, { maxLength: 3 }).map((a) => ({ a }) as Node), node);
  const topKey = fc.constantFrom("resource", "data", "terraform", "variable", "provider", "output", "locals", "module", "//", "other", "__proto__");
  const top = fc.array(
    fc.oneof(fc.tuple(fc.constantFrom("resource", "data"), blockValue), fc.tuple(topKey, fc.oneof(typeMap, node))),
    { maxLength: 6 },
  ).map((o) => ({ o }) as Node);
  const style = fc.record<Style>({
    indent: fc.constantFrom(null, "  ", "\t", " "),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    colon: fc.constantFrom("", " "),
    escapeNonAscii: fc.boolean(),
  });

  test("deep equality, key order and lines like JSON.parse and sourceLines, at several chunk sizes", () => {
    fc.assert(
      fc.property(top, style, fc.constantFrom(1, 2, 3, 5, 16, 64, 4096), fc.constantFrom(1, 40, 48 * 1024), fc.boolean(), fc.boolean(), (doc, st, chunkSize, runBytes, bom, intern) => {
        const text = ser(doc, st, 0);
        const expected = JSON.parse(text);
        const r = stream(bom ? `\ufeff${text}` : text, { chunkSize, runBytes, intern });
        expectSameAsJsonParse(r.value, expected);
        expect([...r.lines]).toEqual([...sourceLines(text)]);
      }),
      { numRuns: 400 },
    );
  });
});

describe("readJsonFileStreaming and the loader", () => {
  const big = () => {
    const json = synthStackJson(kohaStack());
    const file = path.join(tmp, "koha", "cdk.tf.json");
    fs.mkdirSync(path.dirname(file));
    const text = JSON.stringify(json, null, 2);
    fs.writeFileSync(file, text);
    return { json, file, text };
  };

  test("reads a file in small chunks to JSON.parse's value and sourceLines' map", () => {
    const { file, text } = big();
    for (const chunkSize of [1, 100, 65536]) {
      const r = readJsonFileStreaming(file, { chunkSize });
      expectSameAsJsonParse(r.value, JSON.parse(text));
      expect([...r.lines]).toEqual([...sourceLines(text)]);
      expect(r.bytes).toBe(Buffer.byteLength(text));
      expect(r.readMs).toBeGreaterThanOrEqual(0);
    }
    expect(() => readJsonFileStreaming(path.join(tmp, "missing.json"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  test("lines are read on first use, and are unknown (empty) when the file changed or vanished since", () => {
    const { file, text } = big();
    const fresh = readJsonFileStreaming(file);
    expect([...fresh.lines]).toEqual([...sourceLines(text)]);
    const changed = readJsonFileStreaming(file);
    fs.writeFileSync(file, `${text}\n`);
    expect(changed.lines.size).toBe(0);
    const vanished = readJsonFileStreaming(file);
    fs.rmSync(file);
    expect(vanished.lines.size).toBe(0);
    // Once read, they stay.
    expect(fresh.lines.size).toBeGreaterThan(10);
  });

  test("loadStacks streams files at or above the threshold and keeps no text for them", () => {
    const { file, text } = big();
    const [whole] = loadStacks([file], { cwd: tmp });
    const [streamed] = loadStacks([file], { cwd: tmp, streamThreshold: 0 });
    expect(whole.streamed).toBe(false);
    expect(streamed.streamed).toBe(true);
    expect(Object.keys(streamed).sort()).toEqual(["file", "json", "lineMap", "lines", "path", "stack", "streamed", "text"]);
    expect([streamed.stack, streamed.file, streamed.path]).toEqual([whole.stack, whole.file, whole.path]);
    expectSameAsJsonParse(streamed.json, whole.json);
    expect([...streamed.lines]).toEqual([...whole.lines]);
    expect([...whole.lines]).toEqual([...sourceLines(text)]);
    // The text is read again on demand, not kept.
    expect(streamed.text).toBe(text);
    expect(Object.getOwnPropertyDescriptor(streamed, "text")?.get).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(whole, "text")?.value).toBe(text);
    // Below the threshold, the whole text.
    expect(loadStacks([file], { cwd: tmp, streamThreshold: Buffer.byteLength(text) + 1 })[0].streamed).toBe(false);
    expect(loadStacks([file], { cwd: tmp, streamThreshold: Buffer.byteLength(text) })[0].streamed).toBe(true);
  });

  test("timings are added up when asked for", () => {
    const { file } = big();
    const timings = { readMs: 0, parseMs: 0 };
    loadStacks([file], { cwd: tmp, streamThreshold: 0, timings });
    loadStacks([file], { cwd: tmp, timings });
    expect(timings.readMs).toBeGreaterThan(0);
    expect(timings.parseMs).toBeGreaterThan(0);
  });

  test("a BOM file and a not-Terraform object are handled like the whole-text path", () => {
    const bom = path.join(tmp, "bom.tf.json");
    fs.writeFileSync(bom, '\ufeff{"variable": {"x": {}}}');
    const [s] = loadStacks([bom], { cwd: tmp, streamThreshold: 0 });
    expect(s.streamed).toBe(true);
    expect(s.json).toEqual({ variable: { x: {} } });
    expect(s.text).toBe('{"variable": {"x": {}}}');
    const other = path.join(tmp, "other.tf.json");
    fs.writeFileSync(other, '{"format_version": "1.2", "planned_values": {}}');
    expect(() => loadStacks([other], { cwd: tmp, streamThreshold: 0 })).toThrow(
      "other.tf.json: not a Terraform JSON configuration (this is `terraform show -json` output, which is not supported; pass the configuration: a *.tf.json or cdktf.out/)",
    );
  });
});
