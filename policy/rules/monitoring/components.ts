/** Which monitoring component a container is: by image name, else by the `bulwark.monitoring` label. */
import {
  ALERTMANAGER_IMAGE_NAMES, MONITORING_COMPONENT_LABEL, MONITORING_UI_IMAGE_NAMES, PROMETHEUS_IMAGE_NAMES, isExporterImageName,
} from "../../../knowledge/monitoring";
import type { IndexedResource, StackIndex } from "../../types";
import { imageName, label, perResource } from "./containers";

/** The `bulwark.monitoring` label, lower-case, or null (asked four times of every container: computed once). */
const component = perResource((c: IndexedResource, index: StackIndex): string | null => label(c, MONITORING_COMPONENT_LABEL, index)?.toLowerCase() ?? null);

export function isPrometheus(c: IndexedResource, index: StackIndex): boolean {
  const n = imageName(c, index);
  return (n !== null && PROMETHEUS_IMAGE_NAMES.has(n)) || component(c, index) === "prometheus";
}

export function isAlertmanager(c: IndexedResource, index: StackIndex): boolean {
  const n = imageName(c, index);
  return (n !== null && ALERTMANAGER_IMAGE_NAMES.has(n)) || component(c, index) === "alertmanager";
}

export function isExporter(c: IndexedResource, index: StackIndex): boolean {
  const n = imageName(c, index);
  return (n !== null && isExporterImageName(n)) || component(c, index) === "exporter";
}

/** A monitoring UI: its image, or `bulwark.monitoring` naming a UI component (`ui`, `grafana`, …). */
export function monitoringUi(c: IndexedResource, index: StackIndex): string | null {
  const n = imageName(c, index);
  if (n !== null && MONITORING_UI_IMAGE_NAMES.has(n)) return n;
  const k = component(c, index);
  if (k !== null && (k === "ui" || MONITORING_UI_IMAGE_NAMES.has(k))) return k;
  return null;
}
