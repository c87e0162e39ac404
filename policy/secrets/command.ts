/**
 * `bulwark secrets <path>... [--format text|json|markdown] [--output FILE]`: the secrets
 * inventory of synthesized stacks (cdktf.out/, cdk.tf.json, *.tf.json, .tf files or HCL module
 * directories: the same loaders as `bulwark check`, policy/load.ts).
 *
 * Exit codes: 0 inventory printed (also when there is no sensitive variable); 2 usage or input
 * error (unreadable file, invalid Terraform, a description suffix that does not parse), one line
 * on stderr naming the file and the fix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option, type Command } from "commander";
import { InputError, findStacks, readStackSource } from "../load";
import type { StackInput } from "../engine";
import { InventoryError, secretsInventory, type SecretsInventory } from "./inventory";
import { SECRETS_FORMATS, renderSecrets, type SecretsFormat } from "./render";

export interface SecretsCommandIO {
  readonly stdout: { write(chunk: string): unknown };
  readonly cwd: string;
}

export interface SecretsOptions {
  readonly format: SecretsFormat;
  readonly output?: string;
}

/** Read the stacks at `paths` and build their inventory; throws InputError. */
export function inventoryOfPaths(paths: readonly string[], cwd: string): SecretsInventory {
  const inputs: StackInput[] = findStacks(paths, { cwd }).map((source) => {
    const loaded = readStackSource(source, { cwd });
    return { stack: loaded.stack, file: loaded.file, json: loaded.json };
  });
  try {
    return secretsInventory(inputs);
  } catch (e) {
    if (e instanceof InventoryError) throw new InputError(e.message);
    throw e;
  }
}

/** Run `bulwark secrets`; returns the exit code (input errors are thrown as InputError). */
export function runSecrets(paths: readonly string[], opts: SecretsOptions, io: SecretsCommandIO): number {
  const text = renderSecrets(inventoryOfPaths(paths, io.cwd), opts.format);
  if (opts.output === undefined || opts.output === "-") {
    io.stdout.write(text);
    return 0;
  }
  if (opts.output.trim() === "") throw new InputError("--output needs a file name");
  const abs = path.resolve(io.cwd, opts.output);
  try {
    fs.writeFileSync(abs, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`cannot write ${opts.output}: ${code}${code === "ENOENT" ? " (its directory does not exist: create it first)" : ""}`);
  }
  return 0;
}

/** Register `secrets` on the CLI program (policy/cli.ts); `setExit` receives the exit code. */
export function registerSecretsCommand(program: Command, io: SecretsCommandIO, setExit: (code: number) => void): void {
  program
    .command("secrets")
    .description("list every sensitive variable of the stacks: description, owner, rotation, where it is used and its blast radius")
    .argument("<path...>", "cdk.tf.json, *.tf.json, cdktf.out/, .tf files or a module directory")
    .addOption(new Option("-f, --format <format>", "output format").choices(SECRETS_FORMATS).default("text"))
    .addOption(new Option("-o, --output <file>", "write to FILE instead of stdout (`-` is stdout)"))
    .action((paths: string[], opts: SecretsOptions) => setExit(runSecrets(paths, opts, io)));
}
