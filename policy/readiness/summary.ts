/**
 * The lines the synth summary prints: each roadmap's score over the stacks just synthesized, phase
 * by phase (`readiness koha 40%: 0 29% · 1 83% · …`). main.ts passes them to the gate as
 * `extraSummary`; an app of one's own can too, with its own roadmaps (examples/web-api/main.ts).
 * Drills are unknown here (synthesis runs none); manual items take the statuses of the
 * deployment configuration's `readiness.manual`.
 */
import * as path from "node:path";
import type { StackInput } from "../engine";
import { loadStacks } from "../load";
import { evaluateReadiness } from "./evaluate";
import { checkManualStatuses } from "./inputs";
import { scoreText } from "./render";
import { loadRoadmapPaths, loadRoadmaps, ReadinessError } from "./roadmaps";
import type { ManualEntry } from "./schema";

export interface ReadinessSummaryOptions {
  /**
   * The app's in-memory Terraform JSON per stack (HCL synthesis leaves no JSON on disk).
   * @default none: the stacks are read from `<synthDir>/stacks/<name>/cdk.tf.json`
   */
  readonly synthesized?: Readonly<Record<string, Record<string, unknown>>>;
  /** `readiness.manual` of the deployment configuration. @default none recorded */
  readonly manual?: Readonly<Record<string, ManualEntry>>;
  /**
   * Roadmaps of one's own instead of this package's: roadmap files or directories of them, as
   * `bulwark readiness --roadmaps` takes them (loadRoadmapPaths). @default the package's docs/roadmaps
   */
  readonly roadmaps?: readonly string[];
}

/** One line per roadmap: its score and each phase's. Never throws: a problem is one line saying so. */
export function readinessSummary(synthDir: string, options: ReadinessSummaryOptions = {}): string[] {
  try {
    const set = options.roadmaps !== undefined ? loadRoadmapPaths(options.roadmaps) : loadRoadmaps();
    const stacks: StackInput[] = options.synthesized
      ? Object.entries(options.synthesized).map(([stack, json]) => ({ stack, file: path.join(synthDir, "stacks", stack), json }))
      : loadStacks([synthDir]);
    const manual = options.manual ? checkManualStatuses(options.manual, set, "readiness.manual") : undefined;
    const report = evaluateReadiness(stacks, set, { manual });
    const w = Math.max(...report.roadmaps.map((r) => r.roadmap.length));
    return report.roadmaps.map((r) => `readiness ${r.roadmap.padEnd(w)} ${scoreText(r.score).padStart(4)}: ${r.phases.map((p) => `${p.id} ${scoreText(p.score)}`).join(" · ")}`);
  } catch (e) {
    const message = e instanceof ReadinessError || e instanceof Error ? e.message.split("\n").map((l) => l.trim()).join(" ") : String(e);
    return [`readiness: not computed (${message})`];
  }
}
