/** Production readiness: the roadmaps of docs/roadmaps scored from what the stacks enforce. */
export * from "./schema";
export * from "./roadmaps";
export * from "./evaluate";
export * from "./inputs";
export * from "./topology";
export * from "./render";
export { readinessHtml } from "./html";
export { topologySvg } from "./svg";
export { formatReadiness, registerReadinessCommand, runReadinessOver, topologyOf, type ReadinessIO, type ReadinessRun } from "./command";
export { readinessSummary, type ReadinessSummaryOptions } from "./summary";
