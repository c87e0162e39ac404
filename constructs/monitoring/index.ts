/** Observability as code: the Monitoring construct, its plan, alerts, SLOs and runbooks. */
export * from "./alert";
export * from "./alert-catalog";
export * from "./alertmanager-config";
export * from "./components";
export * from "./dashboards";
export * from "./monitoring";
export * from "./plan";
export * from "./render";
export * from "./rules-file";
export * from "./runbooks";
export * from "./slo";
export * from "./thresholds";
