// Reports are produced in pieces (policy/report/chunks.ts) so that a large one never exists as one
// string; these tests pin that the pieces add up to exactly the one-string form.
import "@microsoft/jest-sarif";
import fc from "fast-check";
import { summarize, type Report } from "../../policy/engine";
import { REPORT_FORMATS, formatReport, reportPieces } from "../../policy/report";
import { hole, joinPieces, prettyJsonWithArray, writeBatched } from "../../policy/report/chunks";
import type { Finding, Severity } from "../../policy/types";

/** `doc` with the placeholder at `path` replaced by `items`: the one-string oracle. */
function fill(doc: unknown, items: unknown[]): unknown {
  if (doc === hole()) return items;
  if (Array.isArray(doc)) return doc.map((d) => fill(d, items));
  if (doc !== null && typeof doc === "object") return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, fill(v, items)]));
  return doc;
}

/** The placeholder nested `depth` levels deep, in objects and arrays, among other members. */
function docAt(depth: number, inArrays: boolean): unknown {
  let d: unknown = hole();
  for (let i = 0; i < depth; i++) d = inArrays ? [1, d, "x"] : { before: [1, { a: "b" }], here: d, after: null };
  return d;
}

describe("prettyJsonWithArray", () => {
  test("prints exactly JSON.stringify(doc, null, 2) for any items, at any depth, across batch boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        (items, depth, inArrays) => {
          const doc = docAt(depth, inArrays);
          expect(joinPieces(prettyJsonWithArray(doc, items))).toBe(JSON.stringify(fill(doc, items), null, 2));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("many items (several batches), strings with newlines, quotes and non-ASCII", () => {
    const items = Array.from({ length: 1500 }, (_, i) => ({ i, s: `line\n"${i}"\u00e9\u2028`, nested: [{ deep: [i] }] }));
    for (const depth of [0, 1, 3]) {
      const doc = docAt(depth, false);
      expect(joinPieces(prettyJsonWithArray(doc, items))).toBe(JSON.stringify(fill(doc, items), null, 2));
    }
  });

  test("items are taken lazily, as the pieces are consumed", () => {
    let produced = 0;
    function* items() {
      for (let i = 0; i < 2000; i++) {
        produced++;
        yield { i };
      }
    }
    const it = prettyJsonWithArray({ a: hole() }, items())[Symbol.iterator]();
    it.next(); // the text before the array
    it.next(); // "["
    it.next(); // the first batch
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(2000);
  });

  test("a document without the placeholder, or with it twice, is a programming error", () => {
    expect(() => joinPieces(prettyJsonWithArray({ a: [] }, []))).toThrow(/exactly once/);
    expect(() => joinPieces(prettyJsonWithArray({ a: hole(), b: hole() }, []))).toThrow(/exactly once/);
  });
});

describe("writeBatched", () => {
  test("writes the same text as joining the pieces, in order, with few writes", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 60 }), fc.integer({ min: 1, max: 1000 }), (pieces, batch) => {
        const writes: string[] = [];
        writeBatched(pieces, (c) => writes.push(c), batch);
        expect(writes.join("")).toBe(pieces.join(""));
        expect(writes.every((w) => w.length > 0)).toBe(true);
        expect(writes.length).toBeLessThanOrEqual(pieces.filter((p) => p.length > 0).length);
      }),
    );
  });
});

describe("every format in pieces adds up to the one-string report", () => {
  const severities: Severity[] = ["error", "warning", "info"];
  const findings: Finding[] = Array.from({ length: 1300 }, (_, i) => ({
    ruleId: i % 7 === 0 ? "CUSTOM-1" : `DOCKER-0${10 + (i % 20)}`,
    severity: severities[i % 3],
    stack: i < 700 ? "koha" : "edge",
    address: `docker_container.c${i % 400}`,
    constructPath: i % 5 === 0 ? null : `koha/c${i % 400}/container`,
    file: i < 700 ? "cdktf.out/stacks/koha/cdk.tf.json" : "cdktf.out/stacks/edge/cdk.tf.json",
    message: `finding ${i}: "quoted" | <b>\nsecond line`,
    suppressed: i % 11 === 0,
    suppressionReason: i % 11 === 0 ? `accepted risk number ${i}` : null,
  }));
  const report: Report = { findings, summary: summarize(findings, 2, 400) };

  test.each(REPORT_FORMATS.map((f) => [f]))("%s", (format) => {
    const pieces = [...reportPieces(report, format, { locate: (_f, a) => Number(a.slice(18)) + 1 })];
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe(formatReport(report, format, { locate: (_f, a) => Number(a.slice(18)) + 1 }));
  });

  test("json: exactly JSON.stringify of the documented document", () => {
    const expected = {
      version: 1,
      findings: findings.map((f) => ({
        ruleId: f.ruleId, severity: f.severity, stack: f.stack, address: f.address, constructPath: f.constructPath,
        file: f.file, message: f.message, suppressed: f.suppressed, suppressionReason: f.suppressionReason,
      })),
      summary: report.summary,
    };
    expect(formatReport(report, "json")).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  test("sarif: canonical pretty JSON, a valid log, custom rules listed before the results use them", () => {
    const text = formatReport(report, "sarif");
    const log = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(log, null, 2)}\n`);
    expect(log).toBeValidSarifLog();
    const rules = log.runs[0].tool.driver.rules;
    for (const r of log.runs[0].results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(rules.filter((r: { id: string }) => r.id === "CUSTOM-1")).toHaveLength(1);
    expect(log.runs[0].results).toHaveLength(findings.length);
  });
});
