import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import { blocks } from "../../stack-index";
import type { RuleResult } from "../../types";
import { configUpload, yamlObject, type Json } from "./containers";
import { isAlertmanager } from "./components";

/** Keys of a receiver that deliver somewhere (`email_configs`, `telegram_configs`, `webhook_configs`, …). */
const isIntegration = (key: string) => key.endsWith("_configs");

/**
 * MON-001: an Alertmanager container whose uploaded configuration (`upload` with `alertmanager.yml`,
 * or the file `--config.file` names) declares no receiver that delivers anywhere, has no root route
 * receiver, or routes to a receiver it does not define. Alertmanager then refuses to start or
 * drops every alert silently. Lenient: a configuration that is not a literal, does not parse, or
 * is mounted from elsewhere is not judged.
 */
export const mon001 = defineResourceRule({
  id: "MON-001",
  severity: "error",
  pack: "monitoring",
  title: "Alertmanager without a receiver",
  description:
    "An Alertmanager container's configuration (its uploaded `alertmanager.yml`) has no receiver with an integration (e-mail, Telegram, webhook, …), no receiver on the root route, or a route to a receiver it does not define: alerts reach nobody.",
  fix: "Declare at least one receiver with an integration (`email_configs`, `telegram_configs`, `webhook_configs`, …), name it as the root route's receiver, and route only to receivers that are defined.",
  references: [
    doc("Prometheus documentation: Alertmanager configuration (route, receiver)", "https://prometheus.io/docs/alerting/latest/configuration/"),
  ],
  types: ["docker_container"],
  check(res, index) {
    if (!isAlertmanager(res, index)) return [];
    const file = configUpload(res, index, /^alertmanager\.ya?ml$/i);
    if (file === null || file.content === null) return [];
    const config = yamlObject(file.content);
    if (config === null) return [];
    const where = `Alertmanager configuration ${file.file}`;
    const out: RuleResult[] = [];
    const receivers = blocks(config.receivers);
    const names = new Set(receivers.map((r) => r.name).filter((n): n is string => typeof n === "string"));
    const delivering = receivers.filter((r) => Object.keys(r).some((k) => isIntegration(k) && blocks(r[k]).length > 0));
    if (receivers.length === 0) {
      out.push({ address: res.address, message: `${where} declares no receivers: Alertmanager refuses it, and no alert reaches anyone. Fix: add a receiver with email_configs, telegram_configs or webhook_configs and make it the route's receiver.` });
    } else if (delivering.length === 0) {
      out.push({ address: res.address, message: `${where} declares receivers (${[...names].join(", ")}) but none with an integration: every alert is dropped. Fix: give a receiver email_configs, telegram_configs or webhook_configs.` });
    }
    const route = blocks(config.route)[0];
    if (!route || typeof route.receiver !== "string" || route.receiver.trim() === "") {
      out.push({ address: res.address, message: `${where} has no root route with a receiver: Alertmanager refuses the configuration. Fix: set route.receiver to a defined receiver.` });
    }
    if (receivers.length > 0) {
      const undefinedRoutes: string[] = [];
      const walk = (r: Json, path: string) => {
        if (typeof r.receiver === "string" && r.receiver.trim() !== "" && !names.has(r.receiver)) undefinedRoutes.push(`${path} → "${r.receiver}"`);
        blocks(r.routes).forEach((child, i) => walk(child, `${path}.routes[${i}]`));
      };
      if (route) walk(route, "route");
      if (undefinedRoutes.length > 0) {
        out.push({ address: res.address, message: `${where} routes to receivers it does not define (${undefinedRoutes.join(", ")}): Alertmanager refuses the configuration. Fix: define them under receivers or route to one that exists (${[...names].join(", ")}).` });
      }
    }
    return out;
  },
});
