import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { buildApp } from "../../main";
import { STACK_KINDS } from "../../stacks/catalog";
import { exampleConfig } from "../helpers/reference";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function synthInto(prefix: string): { dir: string; contents: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  buildApp(exampleConfig(), dir).app.synth();
  return { dir, contents: new Map(files(dir).map((f) => [relative(dir, f), readFileSync(f, "utf8")])) };
}

describe("deterministic synthesis", () => {
  test("synthesizing twice, into different directories, gives byte-identical output", () => {
    const a = synthInto("bulwark-det-a-");
    const b = synthInto("bulwark-det-b-");
    expect([...a.contents.keys()].sort()).toEqual([...b.contents.keys()].sort());
    // Every reference stack kind is in the embedded example, so each one's output is compared.
    // (A kind with `when` is built only when its section selects it, e.g. `runtime: kubernetes`.)
    const example = exampleConfig() as unknown as Record<string, Record<string, unknown>>;
    const built = STACK_KINDS.filter((k) => example[k.section] !== undefined && (k.when === undefined || k.when(example[k.section])));
    expect([...a.contents.keys()]).toEqual(expect.arrayContaining(built.map((k) => `stacks/${k.stackId}/cdk.tf.json`)));
    for (const [name, text] of a.contents) expect({ name, text }).toEqual({ name, text: b.contents.get(name) });
    // No machine-specific path leaks into the output (cdktf writes an absolute local backend path
    // when no backend is declared; every stack declares one).
    for (const [name, text] of a.contents) {
      expect({ name, leaks: text.includes(a.dir) || text.includes(process.cwd()) }).toEqual({ name, leaks: false });
    }
  });
});
