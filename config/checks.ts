/**
 * Checks of a configuration that one schema cannot see: which shared sections a configured stack
 * needs, which services `images:` may pin, and zod issues worded with their full path. Each
 * returns problems as `<path>: <message>` lines; the loader lists them all at once.
 *
 * They read the raw (pre-validation) object, so a missing cloudflare section is reported in the
 * same run as a malformed hostname.
 */
import type { z } from "zod";

/** What a stack kind declares about itself (the reference ones: stacks/catalog.ts). */
export interface StackRules {
  /** The configuration section that turns the stack on. */
  readonly section: string;
  /** Shared sections it needs, each with why. */
  readonly requires: readonly { readonly section: string; readonly why: string }[];
  /** Services it builds: the names `images:` may pin. */
  readonly services: readonly string[];
  /** Whether the configured section selects this kind (e.g. its `runtime`). @default always */
  readonly when?: (section: Readonly<Record<string, unknown>>) => boolean;
}

type Raw = Readonly<Record<string, unknown>>;

const present = (raw: Raw, key: string): boolean => raw[key] !== undefined && raw[key] !== null;

/** The stacks whose section is present. */
export function configuredStacks<S extends StackRules>(raw: Raw, stacks: readonly S[]): S[] {
  return stacks.filter((s) => {
    if (!present(raw, s.section)) return false;
    const section = raw[s.section];
    return s.when === undefined || (typeof section === "object" && section !== null && s.when(section as Raw));
  });
}

/** `cloudflare: required by koha (its tunnel and Access)` for each missing shared section. */
export function requirementProblems(raw: Raw, stacks: readonly StackRules[]): string[] {
  const problems: string[] = [];
  for (const s of configuredStacks(raw, stacks)) {
    for (const r of s.requires) {
      if (!present(raw, r.section)) problems.push(`${r.section}: required by ${s.section} (${r.why})`);
    }
  }
  return problems;
}

/**
 * One problem per `images.<name>` that no configured stack builds, with the valid names (the
 * union of the configured stacks' declared services).
 */
export function imagePinProblems(raw: Raw, stacks: readonly StackRules[]): string[] {
  const images = raw.images;
  if (typeof images !== "object" || images === null || Array.isArray(images)) return [];
  const configured = configuredStacks(raw, stacks);
  const valid = [...new Set(configured.flatMap((s) => s.services))].sort();
  const validText =
    valid.length > 0
      ? `valid names: ${valid.join(", ")} (services of ${[...new Set(configured.map((s) => s.section))].join(", ")})`
      : "no configured stack runs containers, so no image can be pinned";
  return Object.keys(images)
    .filter((name) => !valid.includes(name))
    .map((name) => `images.${name}: no configured stack builds a service "${name}"; ${validText}`);
}

/** At least one stack section, or the configuration would synthesize nothing. */
export function noStackProblem(raw: Raw, stacks: readonly StackRules[]): string[] {
  if (stacks.length === 0 || configuredStacks(raw, stacks).length > 0) return [];
  const names = [...new Set(stacks.map((s) => s.section))];
  return [`(top level): configures no stack; add at least one section of ${names.join(", ")}`];
}

// --- zod issues with paths ----------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The schema that validates the value at `path` (through optional/default wrappers, arrays, records, unions). */
function schemaAt(schema: any, path: readonly PropertyKey[], data: unknown): any {
  let cur = schema;
  let value: any = data;
  const unwrap = () => {
    for (;;) {
      const def = cur?._zod?.def;
      if (!def) return;
      if (["optional", "default", "prefault", "nullable", "readonly", "catch"].includes(def.type)) cur = def.innerType;
      else if (def.type === "pipe") cur = def.in;
      else if (def.type === "union") {
        // A discriminated union: the option whose literal discriminator matches the value.
        // Any other union (a section that is one object or a list of them): the option of the value's shape.
        const disc = def.discriminator;
        const match = disc && value && typeof value === "object"
          ? def.options.find((o: any) => o._zod?.def?.shape?.[disc]?._zod?.def?.values?.includes(value[disc]))
          : !disc && value && typeof value === "object"
            ? def.options.find((o: any) => (o._zod?.def?.type === "array") === Array.isArray(value) && ["array", "object"].includes(o._zod?.def?.type))
            : undefined;
        if (!match) return;
        cur = match;
      } else return;
    }
  };
  unwrap();
  for (const key of path) {
    const def = cur?._zod?.def;
    if (!def) return undefined;
    if (def.type === "object") cur = def.shape[key as string];
    else if (def.type === "array") cur = def.element;
    else if (def.type === "record") cur = def.valueType;
    else return undefined;
    value = value?.[key as any];
    unwrap();
  }
  return cur;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** `koha[1].mariadb.serverId`: list indices in brackets, keys after dots. */
export const joinPath = (path: readonly PropertyKey[]): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`)).join("");

/**
 * The issues of the union option the value was meant for: a union that fails in every option
 * (one object or a list of them) reports `invalid_union` with each option's issues; the option
 * whose issues do not refuse the value's type at its root is the one to report, with full paths.
 */
function unionIssues(issue: z.core.$ZodIssue): readonly z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || !Array.isArray(issue.errors)) return [issue];
  const meant = issue.errors.filter((errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0));
  if (meant.length !== 1) return [issue];
  return meant[0].flatMap((e) => unionIssues({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue));
}

/**
 * zod issues as `<path>: <message>`. An unknown key names itself in the path and lists the keys
 * that are valid there (`koha.opacHost: unknown key; valid keys here: instance, mariadb, …`).
 */
export function issueProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  const problems: string[] = [];
  for (const issue of issues.flatMap(unionIssues)) {
    if (issue.code === "unrecognized_keys") {
      const at = schemaAt(schema, issue.path, data);
      const shape = at?._zod?.def?.type === "object" ? Object.keys(at._zod.def.shape) : [];
      const valid = shape.length > 0 ? `; valid keys here: ${shape.join(", ")}` : "";
      for (const key of issue.keys) problems.push(`${joinPath([...issue.path, key])}: unknown key${valid}`);
      continue;
    }
    const where = issue.path.length > 0 ? joinPath(issue.path) : "(top level)";
    problems.push(`${where}: ${issue.message}`);
  }
  return problems;
}

/** `config` with `sections` known to be present (for code that needs them, such as a stack). */
export type WithSections<C, K extends keyof C> = C & { readonly [P in K]-?: NonNullable<C[P]> };

/**
 * Narrow `config` to one whose `sections` are present, or throw naming each missing section
 * and who needs it (`cloudflare: required by koha edge`).
 */
export function requireSections<C extends object, K extends keyof C & string>(config: C, sections: readonly K[], requiredBy: string): WithSections<C, K> {
  const missing = sections.filter((s) => config[s] === undefined || config[s] === null);
  if (missing.length > 0) {
    throw new Error(`configuration: ${missing.map((s) => `${s}: required by ${requiredBy}`).join("; ")}. Fix: add the section${missing.length > 1 ? "s" : ""} to the deployment configuration`);
  }
  return config as WithSections<C, K>;
}
