/**
 * The topology picture: one inline SVG per stack, drawn from the Terraform JSON alone (no network,
 * no external fonts, no scripts). A matrix: one row per container, one column per Docker network
 * (a dot where the container is attached; internal networks shaded), then what the tunnel
 * publishes to it (and whether Access guards it), its published host ports, whether a backup
 * covers it (datastores) and whether Prometheus observes it.
 */
import type { ContainerNode, StackTopology } from "./topology";

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const ROW = 26;
const HEAD = 58;
const NAME_W = 200;
const NET_W = 104;
const TUNNEL_W = 340;
const PORTS_W = 170;
const FLAG_W = 150;
const PAD = 8;
const CHAR = 6.6; // average glyph width of 11px sans-serif, for clipping only

const COLORS = {
  yes: "#1a7f37",
  no: "#cf222e",
  none: "#8c959f",
  internal: "#ddf4ff",
  bridge: "#fff8c5",
  grid: "#d0d7de",
  text: "#1f2328",
};

function flag(x: number, y: number, state: "yes" | "no" | "none", label: string): string {
  const color = COLORS[state];
  const mark = state === "yes" ? `<circle cx="${x + 6}" cy="${y - 4}" r="5" fill="${color}"/>`
    : state === "no" ? `<path d="M${x + 2} ${y - 8} l8 8 M${x + 10} ${y - 8} l-8 8" stroke="${color}" stroke-width="2"/>`
    : `<path d="M${x + 1} ${y - 4} h10" stroke="${color}" stroke-width="2"/>`;
  return `${mark}<text x="${x + 16}" y="${y}" fill="${color}">${esc(clip(label, Math.floor((FLAG_W - 20) / CHAR)))}</text>`;
}

function backupState(c: ContainerNode): ["yes" | "no" | "none", string] {
  if (c.backup) return ["none", "is a backup job"];
  if (c.backedUpBy === undefined) return ["none", "no data to back up"];
  return c.backedUpBy === null ? ["no", "not backed up"] : ["yes", `by ${c.backedUpBy.replace(/^docker_container\./, "")}`];
}

/** The SVG of one stack's topology (a complete <svg> element). */
export function topologySvg(t: StackTopology): string {
  const nets = t.networks;
  const xNets = PAD + NAME_W;
  const xTunnel = xNets + nets.length * NET_W;
  const xPorts = xTunnel + TUNNEL_W;
  const xBackup = xPorts + PORTS_W;
  const xMon = xBackup + FLAG_W;
  const width = xMon + FLAG_W + PAD;
  const rows = Math.max(t.containers.length, 1);
  const height = HEAD + rows * ROW + PAD + 40;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="topology" data-stack="${esc(t.stack)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Topology of stack ${t.stack}`)}" font-family="sans-serif" font-size="11" fill="${COLORS.text}">`);
  parts.push(`<title>${esc(`Topology of stack ${t.stack}`)}</title>`);
  // Network columns, shaded by kind, with their names.
  nets.forEach((n, i) => {
    const x = xNets + i * NET_W;
    parts.push(`<rect x="${x + 2}" y="4" width="${NET_W - 4}" height="${HEAD - 8 + rows * ROW}" rx="4" fill="${n.internal ? COLORS.internal : COLORS.bridge}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${x + NET_W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(clip(n.name, Math.floor((NET_W - 8) / CHAR)))}</text>`);
    parts.push(`<text x="${x + NET_W / 2}" y="34" text-anchor="middle">${n.internal ? "internal" : "bridge (egress)"}</text>`);
  });
  const headers: Array<[number, string]> = [[PAD, "container (role)"], [xTunnel + 4, "published through the tunnel"], [xPorts + 4, "host ports"], [xBackup + 4, "backup"], [xMon + 4, "monitored"]];
  for (const [x, label] of headers) parts.push(`<text x="${x}" y="${HEAD - 10}" font-weight="bold">${esc(label)}</text>`);
  t.containers.forEach((c, r) => {
    const y = HEAD + r * ROW + 17;
    if (r % 2 === 1) parts.push(`<rect x="${PAD - 4}" y="${HEAD + r * ROW}" width="${width - 2 * PAD + 8}" height="${ROW}" fill="#000" fill-opacity="0.03"/>`);
    const name = `${c.name}${c.role ? ` (${c.role})` : ""}`;
    parts.push(`<text x="${PAD}" y="${y}" class="container" data-address="${esc(c.address)}">${esc(clip(name, Math.floor(NAME_W / CHAR)))}</text>`);
    nets.forEach((n, i) => {
      if (c.networks.includes(n.address)) parts.push(`<circle cx="${xNets + i * NET_W + NET_W / 2}" cy="${y - 4}" r="6" fill="#0969da"><title>${esc(`${c.name} on ${n.name}`)}</title></circle>`);
    });
    const published = t.published.filter((p) => p.container === c.address);
    if (published.length > 0) {
      const label = published.map((p) => `${p.hostname}${p.access ? " [Access]" : " [public]"}`).join(", ");
      parts.push(`<text x="${xTunnel + 4}" y="${y}" fill="${published.every((p) => p.access) ? COLORS.yes : COLORS.text}">${esc(clip(label, Math.floor((TUNNEL_W - 8) / CHAR)))}<title>${esc(label)}</title></text>`);
    }
    if (c.ports.length > 0) {
      const label = c.ports.join(", ");
      const loopback = c.ports.every((p) => p.startsWith("127.") || p.startsWith("[::1]") || p.startsWith("::1"));
      parts.push(`<text x="${xPorts + 4}" y="${y}" fill="${loopback ? COLORS.text : COLORS.no}">${esc(clip(label, Math.floor((PORTS_W - 8) / CHAR)))}</text>`);
    }
    const [bs, bl] = backupState(c);
    parts.push(flag(xBackup + 4, y, bs, bl));
    parts.push(flag(xMon + 4, y, !t.prometheus ? "none" : c.monitored ? "yes" : "no", !t.prometheus ? "no Prometheus" : c.monitored ? "scraped or probed" : "not observed"));
  });
  if (t.containers.length === 0) parts.push(`<text x="${PAD}" y="${HEAD + 17}">no containers</text>`);
  const unknown = t.published.filter((p) => p.container === null);
  const foot = [
    `${t.published.length} hostname(s) through the tunnel, ${t.published.filter((p) => p.access).length} behind Cloudflare Access`,
    unknown.length > 0 ? `; origins outside this stack: ${unknown.map((p) => `${p.hostname} -> ${p.service}`).join(", ")}` : "",
  ].join("");
  parts.push(`<text x="${PAD}" y="${height - 14}">${esc(foot)}</text>`);
  parts.push("</svg>");
  return parts.join("");
}
