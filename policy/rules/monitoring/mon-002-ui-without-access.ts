import { defineStackRule } from "../../rule";
import { doc, nist800190 } from "../references";
import type { IndexedResource, RuleResult, StackIndex } from "../../types";
import { TUNNEL_CONFIG, coveringApps, literalHost, matchesAllHosts, tunnelConfigView } from "../cloudflare/util";
import { containerAttachments } from "../net/networks";
import { allWords, flagValue, hostNames, publicPorts } from "./containers";
import { monitoringUi } from "./components";

/** Host part of an ingress `service` (`http://grafana:3000` → `grafana`), lower-case, or null. */
function serviceHost(service: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(service.trim());
  return m ? m[1].toLowerCase() : null;
}

/** The UI listens on loopback only (`--web.listen-address=127.0.0.1:9090`, Grafana's GF_SERVER_HTTP_ADDR). */
function listensOnLoopback(c: IndexedResource): boolean {
  const words = allWords(c);
  const addr = flagValue(words, "--web.listen-address") ?? flagValue(words, "--listen-address") ?? flagValue(words, "--listen_ip");
  const env = Array.isArray(c.body.env) ? (c.body.env as unknown[]).filter((e): e is string => typeof e === "string") : [];
  const gf = env.find((e) => e.startsWith("GF_SERVER_HTTP_ADDR="))?.slice("GF_SERVER_HTTP_ADDR=".length);
  const a = addr ?? gf;
  return a !== undefined && a !== null && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|$)/.test(a.trim());
}

/**
 * MON-002: a monitoring UI (Prometheus, Alertmanager, Grafana, cAdvisor, … by image name or the
 * `bulwark.monitoring` label) reachable from outside without authentication:
 * - a Cloudflare tunnel ingress rule sends a hostname to the UI's container (its name, hostname
 *   or a network alias) and no Access application covers that hostname (a warning when only a
 *   path is covered; a catch-all rule to the UI is always an error);
 * - the container publishes a port on an address other than loopback, or runs in the host's
 *   network namespace without binding its listener to loopback.
 * These UIs have no login of their own (Grafana's is a password page): they show every target,
 * label and alert and let anyone silence alerts or query the data. Unresolvable hostnames,
 * services and addresses are not judged.
 */
export const mon002 = defineStackRule({
  id: "MON-002",
  severity: "error",
  pack: "monitoring",
  title: "Monitoring UI reachable without Access",
  description:
    "A monitoring UI (Prometheus, Alertmanager, Grafana, cAdvisor, …) is routed by a Cloudflare tunnel to a hostname no Access application covers, or publishes a port on a non-loopback address (or uses the host network).",
  fix: "Serve the UI only through the tunnel behind a Cloudflare Access application covering its hostname, and publish no port (or bind it to 127.0.0.1).",
  references: [
    doc("Prometheus documentation: security model (the HTTP API and UI are unauthenticated)", "https://prometheus.io/docs/operating/security/"),
    doc("Cloudflare documentation: Add a self-hosted application to Access", "https://developers.cloudflare.com/cloudflare-one/applications/configure-apps/self-hosted-public-app/"),
    nist800190("4.3.1", "Unbounded administrative access"),
  ],
  check(index: StackIndex) {
    const out: RuleResult[] = [];
    const uis = new Map<string, { res: IndexedResource; kind: string }>();
    for (const c of index.byType("docker_container")) {
      const kind = monitoringUi(c, index);
      if (kind === null) continue;
      for (const h of hostNames(c, index)) if (!uis.has(h)) uis.set(h, { res: c, kind });
      const ports = publicPorts(c, index);
      if (ports.length > 0) {
        out.push({ address: c.address, message: `the ${kind} UI publishes ${ports.join(", ")} on a non-loopback address: anyone who reaches the host reads every metric and alert, and can silence or change them. Fix: publish no port (reach it through the tunnel behind Access) or bind it to 127.0.0.1.` });
      } else if (containerAttachments(c, index).some((a) => a.kind === "builtin" && a.label.startsWith("network_mode \"host\"")) && !listensOnLoopback(c)) {
        out.push({ address: c.address, message: `the ${kind} UI runs in the host's network namespace, so it listens on every host interface. Fix: put it on an internal network, or bind its listener to 127.0.0.1 (--web.listen-address=127.0.0.1:<port>).` });
      }
    }
    if (uis.size === 0) return out;
    for (const config of index.byType(TUNNEL_CONFIG)) {
      for (const rule of tunnelConfigView(config).ingress ?? []) {
        const service = index.resolveString(rule.body.service);
        const host = service === null ? null : serviceHost(service);
        const ui = host === null ? undefined : uis.get(host);
        if (!ui) continue;
        const where = `tunnel config ${config.address} (ingress[${rule.position}])`;
        if (matchesAllHosts(rule.body.hostname)) {
          out.push({ address: config.address, message: `${where} is a catch-all rule to the ${ui.kind} UI (${ui.res.address}): every hostname routed to the tunnel reaches it, and no Access application can cover them all. Fix: give the rule a hostname and cover it with an Access application.` });
          continue;
        }
        const hostname = literalHost(rule.body.hostname, index)?.toLowerCase();
        if (!hostname) continue;
        const covering = coveringApps(hostname, index);
        if (covering.some((c) => !c.pathOnly)) continue;
        if (covering.length > 0) {
          out.push({ address: config.address, severity: "warning", message: `${where} routes "${hostname}" to the ${ui.kind} UI (${ui.res.address}), but Access covers only ${covering.map((c) => c.domain).join(", ")}: every other path is open. Fix: cover the whole host with the Access application.` });
        } else {
          out.push({ address: config.address, message: `${where} routes "${hostname}" to the ${ui.kind} UI (${ui.res.address}) with no Cloudflare Access application covering it: the UI is open to the internet. Fix: add a cloudflare_zero_trust_access_application for "${hostname}" with an allow policy for named identities.` });
        }
      }
    }
    return out;
  },
});
