// The official SARIF 2.1.0 schema and the toBeValidSarifLog matcher from @microsoft/jest-sarif.
import "@microsoft/jest-sarif";

import { CATALOG } from "../../policy/catalog";
import { summarize, type Report } from "../../policy/engine";
import { REPORT_FORMATS, formatReport, isReportFormat } from "../../policy/report";
import { artifactUri, fingerprint, ruleName } from "../../policy/report/sarif";
import { cell } from "../../policy/report/markdown";
import { printable } from "../../policy/report/printable";
import type { Finding, Severity } from "../../policy/types";

/** The catalog's reference for DOCKER-001 (its wording belongs to the catalog, not to these tests). */
const ANCHOR_001 = CATALOG.find((m) => m.id === "DOCKER-001")!.anchor;
const META_008 = CATALOG.find((m) => m.id === "DOCKER-008")!;

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: "DOCKER-001",
    severity: "error",
    stack: "koha",
    address: "docker_container.db",
    constructPath: "koha/db/container",
    file: "cdktf.out/stacks/koha/cdk.tf.json",
    message: "privileged is true. Fix: remove privileged = true.",
    suppressed: false,
    suppressionReason: null,
    ...over,
  };
}

/** One finding of each severity, a suppressed one, two stacks, one finding without construct path. */
const FINDINGS: Finding[] = [
  finding({}),
  finding({ ruleId: "DOCKER-008", severity: "warning", message: "memory_swap is not set" }),
  finding({ ruleId: "DOCKER-010", severity: "info", address: "docker_container.tools", constructPath: null, message: "cpus with an unknown provider version" }),
  finding({
    ruleId: "DOCKER-020",
    address: "docker_container.tools",
    constructPath: null,
    message: "port 5432 published | on <all> interfaces",
    suppressed: true,
    suppressionReason: "legacy import job, removed in #42",
  }),
  finding({ ruleId: "STATE-001", severity: "warning", stack: "edge", address: "terraform.backend", constructPath: null, file: "cdktf.out/stacks/edge/cdk.tf.json", message: "No backend is declared." }),
];

const REPORT: Report = { findings: FINDINGS, summary: summarize(FINDINGS, 2, 7) };
const EMPTY: Report = { findings: [], summary: summarize([], 1, 3) };

describe("formatReport", () => {
  test("knows exactly the four formats", () => {
    expect(REPORT_FORMATS).toEqual(["text", "json", "sarif", "markdown"]);
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("xml")).toBe(false);
    for (const f of REPORT_FORMATS) expect(formatReport(REPORT, f).endsWith("\n")).toBe(true);
  });
});

describe("json", () => {
  const doc = JSON.parse(formatReport(REPORT, "json"));

  test("has exactly the documented keys, in order", () => {
    expect(Object.keys(doc)).toEqual(["version", "findings", "summary"]);
    expect(doc.version).toBe(1);
    for (const f of doc.findings) {
      expect(Object.keys(f)).toEqual(["ruleId", "severity", "stack", "address", "constructPath", "file", "message", "suppressed", "suppressionReason"]);
    }
    expect(Object.keys(doc.summary)).toEqual(["stacks", "resources", "errors", "warnings", "infos", "suppressed"]);
  });

  test("carries every finding and the summary unchanged", () => {
    expect(doc.findings).toEqual(FINDINGS);
    expect(doc.summary).toEqual({ stacks: 2, resources: 7, errors: 1, warnings: 2, infos: 1, suppressed: 1 });
  });

  test("an empty report is still the full shape", () => {
    expect(JSON.parse(formatReport(EMPTY, "json"))).toEqual({
      version: 1,
      findings: [],
      summary: { stacks: 1, resources: 3, errors: 0, warnings: 0, infos: 0, suppressed: 0 },
    });
  });
});

describe("sarif", () => {
  const log = JSON.parse(formatReport(REPORT, "sarif", { locate: (file, address) => (address === "docker_container.db" && file.includes("koha") ? 42 : undefined) }));
  const run = log.runs[0];

  test("is a valid SARIF 2.1.0 log (official schema)", () => {
    expect(log).toBeValidSarifLog();
    expect(JSON.parse(formatReport(EMPTY, "sarif"))).toBeValidSarifLog();
    // The matcher itself can fail.
    expect({ version: "2.1.0", runs: [{ tool: {} }] }).not.toBeValidSarifLog();
  });

  test("one run; the driver lists the whole catalog with help and GitHub properties", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const driver = run.tool.driver;
    expect(driver.name).toBe("bulwark");
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(CATALOG.map((m) => m.id));
    const r = driver.rules[0];
    expect(r).toEqual({
      id: "DOCKER-001",
      name: "ContainerRunsPrivileged",
      shortDescription: { text: "Container runs privileged" },
      fullDescription: { text: `Container runs privileged (${ANCHOR_001}).` },
      help: {
        text: expect.stringContaining("Fix: Remove `privileged = true`"),
        markdown: expect.stringContaining(`**Reference:** ${ANCHOR_001}`),
      },
      defaultConfiguration: { level: "error" },
      properties: { tags: ["security", "terraform", "docker"], "security-severity": "8.0", precision: "high" },
    });
    const state = driver.rules.find((x: { id: string }) => x.id === "STATE-001");
    expect(state.defaultConfiguration.level).toBe("warning");
    expect(state.properties["security-severity"]).toBe("5.0");
  });

  test("results: rule index, level per finding, message, locations", () => {
    const rules = run.tool.driver.rules;
    expect(run.results).toHaveLength(FINDINGS.length);
    for (const res of run.results) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(["error", "warning", "note", "error", "warning"]);
    const first = run.results[0];
    expect(first.message).toEqual({ text: FINDINGS[0].message });
    expect(first.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: "cdktf.out/stacks/koha/cdk.tf.json" }, region: { startLine: 42 } },
        logicalLocations: [{ name: "docker_container.db", fullyQualifiedName: "koha/docker_container.db", kind: "resource" }],
      },
    ]);
    // Unknown line: line 1.
    expect(run.results[4].locations[0].physicalLocation.region).toEqual({ startLine: 1 });
  });

  test("suppressed findings carry an inSource suppression with the reason; others none", () => {
    const suppressed = run.results.filter((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].ruleId).toBe("DOCKER-020");
    expect(suppressed[0].suppressions).toEqual([{ kind: "inSource", justification: "legacy import job, removed in #42" }]);
  });

  test("fingerprints are stable hashes of rule, stack and address", () => {
    const fp = run.results[0].partialFingerprints["bulwarkFindingHash/v1"];
    expect(fp).toBe(fingerprint("DOCKER-001", "koha", "docker_container.db"));
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint("DOCKER-001", "koha", "docker_container.db")).not.toBe(fingerprint("DOCKER-001", "edge", "docker_container.db"));
    expect(fingerprint("DOCKER-001", "koha", "docker_container.db")).not.toBe(fingerprint("DOCKER-002", "koha", "docker_container.db"));
    // Same input, same bytes.
    expect(formatReport(REPORT, "sarif")).toBe(formatReport(REPORT, "sarif"));
  });

  test("a rule outside the catalog gets its own descriptor", () => {
    const custom = finding({ ruleId: "ACME-001", severity: "warning" });
    const out = JSON.parse(formatReport({ findings: [custom], summary: summarize([custom], 1, 1) }, "sarif"));
    expect(out).toBeValidSarifLog();
    const res = out.runs[0].results[0];
    expect(res.ruleIndex).toBe(CATALOG.length);
    expect(out.runs[0].tool.driver.rules[res.ruleIndex].id).toBe("ACME-001");
  });

  test("artifact URIs use forward slashes and escape what a URI cannot hold", () => {
    expect(artifactUri("cdktf.out/stacks/a b/cdk.tf.json")).toBe("cdktf.out/stacks/a%20b/cdk.tf.json");
    expect(artifactUri("x/#1.tf.json")).toBe("x/%231.tf.json");
    expect(artifactUri("/abs/main.tf.json")).toBe("file:///abs/main.tf.json");
  });

  test("ruleName is an identifier", () => {
    expect(ruleName("`cpus` with a provider that panics on it")).toBe("CpusWithAProviderThatPanicsOnIt");
    for (const m of CATALOG) expect(ruleName(m.title)).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });
});

describe("text", () => {
  const text = formatReport(REPORT, "text");

  test("groups by stack, then resource with construct path", () => {
    const lines = text.split("\n");
    expect(lines[0]).toBe("koha  cdktf.out/stacks/koha/cdk.tf.json");
    expect(lines[1]).toBe("  docker_container.db  (koha/db/container)");
    expect(lines).toContain("  docker_container.tools");
    expect(lines).toContain("edge  cdktf.out/stacks/edge/cdk.tf.json");
    expect(text.indexOf("koha  ")).toBeLessThan(text.indexOf("edge  "));
  });

  test("one line per finding with severity, rule id and message, then a fix hint", () => {
    expect(text).toContain(`    error      DOCKER-001 privileged is true. Fix: remove privileged = true.\n               ref: ${ANCHOR_001}\n`);
    // No fix in the message: the catalog's fix is shown.
    expect(text).toContain(`    warning    DOCKER-008 memory_swap is not set\n               fix: ${META_008.fix} (${META_008.anchor})\n`);
    expect(text).toContain("    info       DOCKER-010 cpus with an unknown provider version\n");
  });

  test("suppressed findings show their severity and reason", () => {
    expect(text).toContain(
      "    suppressed DOCKER-020 [error] port 5432 published | on <all> interfaces\n               reason: legacy import job, removed in #42\n",
    );
  });

  test("ends with a one-line summary", () => {
    expect(text.trimEnd().split("\n").pop()).toBe("1 error, 2 warnings, 1 info, 1 suppressed in 2 stacks (7 resources).");
    expect(formatReport(EMPTY, "text")).toBe("No findings in 1 stack (3 resources).\n");
  });

  test("colour only when asked", () => {
    expect(text).not.toMatch(/\u001b\[/);
    const colored = formatReport(REPORT, "text", { color: true });
    expect(colored).toContain("\u001b[31merror     \u001b[0m");
    expect(colored.replace(/\u001b\[\d+m/g, "")).toBe(text);
  });
});

describe("markdown", () => {
  const md = formatReport(REPORT, "markdown");

  test("summary table first", () => {
    expect(md).toContain(
      "| Stacks | Resources | Errors | Warnings | Infos | Suppressed |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n| 2 | 7 | 1 | 2 | 1 | 1 |\n",
    );
    expect(md.startsWith("## bulwark policy report\n\n❌ 1 error, 2 warnings, 1 info, 1 suppressed in 2 stacks (7 resources).")).toBe(true);
  });

  test("a table per stack with resource, construct path, finding and reference", () => {
    expect(md).toContain("### Stack `koha`\n\nFile: `cdktf.out/stacks/koha/cdk.tf.json`\n\n| Severity | Rule | Resource | Finding | Reference |");
    expect(md).toContain(`| 🔴 error | DOCKER-001 | \`docker_container.db\`<br><sub>koha/db/container</sub> | privileged is true. Fix: remove privileged = true. | ${cell(ANCHOR_001)} |`);
    expect(md).toContain(`| 🟡 warning | DOCKER-008 | \`docker_container.db\`<br><sub>koha/db/container</sub> | memory_swap is not set<br>**Fix:** ${cell(META_008.fix)} | ${cell(META_008.anchor)} |`);
    expect(md).toContain("| 🔵 info | DOCKER-010 | `docker_container.tools` |");
    expect(md).toContain("### Stack `edge`");
  });

  test("suppressed findings fold into <details>, escaped", () => {
    const details = md.slice(md.indexOf("<details>"), md.indexOf("</details>"));
    expect(details).toContain("<summary>1 suppressed finding</summary>");
    expect(details).toContain(
      "| error | DOCKER-020 | `docker_container.tools` | port 5432 published \\| on &lt;all&gt; interfaces | legacy import job, removed in #42 |",
    );
    // Only in the details, not in the open table.
    expect(md.indexOf("DOCKER-020")).toBeGreaterThan(md.indexOf("<details>"));
  });

  test("a clean report says so", () => {
    expect(formatReport(EMPTY, "markdown")).toContain("✅ No findings in 1 stack (3 resources).");
  });

  test("cells cannot break the table or inject HTML", () => {
    expect(cell("a|b\nc <img src=x> & d")).toBe("a\\|b<br>c &lt;img src=x&gt; &amp; d");
  });
});

describe("a large report with custom rules, odd characters and suppressions", () => {
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

describe("printable", () => {
  test("escapes C0, DEL, C1, line separators and bidi controls; keeps tab, and newlines when asked", () => {
    expect(printable("a\u001b[31mb\u0007\u007f\u0085\u2028\u202e\u2066\tz")).toBe("a\\x1b[31mb\\x07\\x7f\\x85\\u2028\\u202e\\u2066\tz");
    expect(printable("a\nb\r")).toBe("a\\x0ab\\x0d");
    expect(printable("a\nb\r", { keepNewlines: true })).toBe("a\nb\\x0d");
    expect(printable("plain é ✓")).toBe("plain é ✓");
  });

  test("markdown cells escape them too, CRLF still a line break", () => {
    expect(cell("a\r\nb\u001bc")).toBe("a<br>b\\x1bc");
  });
});
