/** The reference stacks synthesized once per test file from the embedded example, read back as the CLI reads them. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../main";
import { loadStacks, type LoadedStack } from "../../policy/load";
import { exampleConfig } from "../helpers/reference";

export interface Synthesized {
  readonly dir: string;
  readonly stacks: LoadedStack[];
}

export function synthesizeReference(): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-readiness-"));
  buildApp(exampleConfig(), dir).app.synth();
  return { dir, stacks: loadStacks([dir]) };
}
