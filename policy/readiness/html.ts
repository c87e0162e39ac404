/**
 * The readiness report as one self-contained HTML page: per-roadmap and per-phase bars, the open
 * items with their failing rules (and finding addresses) or missing constructs and the fix, and the
 * topology of every stack as inline SVG. No script, no external font, stylesheet or image: the
 * Content-Security-Policy forbids every fetch (default-src 'none'), so the page opens offline and
 * makes no network request (__tests__/readiness/browser.test.ts checks it in Chromium).
 *
 * Numbers are in data attributes too (`data-score`, `data-met`, …), equal to the JSON report's.
 */
import { TOOL_VERSION } from "../report";
import type { ItemResult, PhaseCounts, ReadinessReport } from "./evaluate";
import { openItems } from "./evaluate";
import { countsText, scoreText, shownReasons } from "./render";
import { esc, topologySvg } from "./svg";
import { hasTopology, type StackTopology } from "./topology";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;vertical-align:middle;font-size:13px}
th{border-bottom:1px solid #d0d7de}
.bar{width:260px;height:14px;background:#eaeef2;border-radius:7px;overflow:hidden}
.fill{height:100%;background:#1a7f37}
.fill.mid{background:#bf8700}.fill.low{background:#cf222e}
.score{font-weight:bold}
.na{color:#8c959f}
.open li{margin:6px 0;font-size:13px}.open ul{margin:2px 0 0 18px;color:#57606a}
.status{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-size:11px}
.status.not-met{background:#cf222e}.status.unknown{background:#8250df}
.topology-wrap{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:8px;margin:8px 0 20px}
code{font-size:12px}
`;

function fillClass(score: number | null): string {
  if (score === null) return "fill";
  return score >= 75 ? "fill" : score >= 40 ? "fill mid" : "fill low";
}

function dataCounts(c: PhaseCounts): string {
  return `data-met="${c.met}" data-not-met="${c.notMet}" data-unknown="${c.unknown}" data-manual="${c.manual}" data-not-applicable="${c.notApplicable}" data-total="${c.total}"`;
}

function bar(score: number | null): string {
  return `<div class="bar"><div class="${fillClass(score)}" style="width:${score ?? 0}%"></div></div>`;
}

function openItem(roadmap: string, item: ItemResult): string {
  const reasons = shownReasons(item).map((r) => `<li>${esc(r)}</li>`).join("");
  return `<li data-roadmap="${esc(roadmap)}" data-item="${esc(item.id)}" data-status="${item.status}"><span class="status ${item.status}">${item.status}</span> <code>${esc(item.id)}</code> ${esc(item.text)}<ul>${reasons}</ul></li>`;
}

export function readinessHtml(report: ReadinessReport, topology: readonly StackTopology[]): string {
  const out: string[] = [];
  out.push("<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>bulwark readiness: ${esc(report.stacks.join(", "))}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>Production readiness of ${esc(report.stacks.join(", ") || "no stack")}</h1>`);
  out.push(`<p>Computed by bulwark ${esc(TOOL_VERSION)} from the stacks' Terraform JSON, the policy engine's findings, ${report.inputs.drillResults ? "drill results" : "no drill results (so drills are unknown)"} and ${report.inputs.manualStatuses} recorded manual status(es).</p>`);
  out.push('<table class="roadmaps"><tr><th>Roadmap</th><th>Score</th><th></th><th>Items</th></tr>');
  for (const r of report.roadmaps) {
    out.push(`<tr class="roadmap-row" data-roadmap="${esc(r.roadmap)}" data-score="${r.score ?? "n/a"}" ${dataCounts(r.counts)}><td><a href="#roadmap-${esc(r.roadmap)}">${esc(r.roadmap)}</a></td><td>${bar(r.score)}</td><td class="score">${scoreText(r.score)}</td><td>${esc(countsText(r.counts))}</td></tr>`);
  }
  out.push("</table>");
  for (const r of report.roadmaps) {
    out.push(`<section class="roadmap" id="roadmap-${esc(r.roadmap)}" data-roadmap="${esc(r.roadmap)}"><h2>${esc(r.title)} <span class="score">${scoreText(r.score)}</span></h2>`);
    out.push(`<p>Stacks judged: ${r.stacks.map((s) => `<code>${esc(s)}</code>`).join(", ")}. Source: ${esc(r.source)}.</p>`);
    out.push('<table class="phases"><tr><th>Phase</th><th>Score</th><th></th><th>Items</th></tr>');
    for (const p of r.phases) {
      out.push(`<tr class="phase" data-roadmap="${esc(r.roadmap)}" data-phase="${esc(p.id)}" data-score="${p.score ?? "n/a"}" ${dataCounts(p.counts)}><td>${esc(`${p.id}: ${p.title}`)}</td><td>${bar(p.score)}</td><td class="score${p.score === null ? " na" : ""}">${scoreText(p.score)}</td><td>${esc(countsText(p.counts))}</td></tr>`);
    }
    out.push("</table>");
    const open = openItems({ ...report, roadmaps: [r] });
    if (open.length > 0) out.push(`<h3>Open items (${open.length})</h3><ul class="open">${open.map((o) => openItem(o.roadmap, o.item)).join("")}</ul>`);
    out.push("</section>");
  }
  const drawn = topology.filter(hasTopology);
  if (drawn.length > 0) {
    out.push("<h2>Topology</h2><p>Rows are containers, shaded columns Docker networks (blue: internal, yellow: bridge with egress). Then the hostnames the Cloudflare tunnel publishes to the container (and whether Access guards them), host ports, backup coverage of datastores, and whether Prometheus observes it.</p>");
    for (const t of drawn) out.push(`<h3>Stack <code>${esc(t.stack)}</code></h3><div class="topology-wrap">${topologySvg(t)}</div>`);
  }
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}
