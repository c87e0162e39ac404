/**
 * SECRET-001: a literal in a known credential format (knowledge.ts CREDENTIAL_PATTERNS) anywhere
 * in the configuration: resources, data sources, providers, variables, the backend and, when the
 * index exposes the raw document, locals, outputs and module calls. `"//"` metadata is skipped.
 *
 * Messages name the format and the attribute path, never the value: a report must not spread the
 * secret further.
 *
 * Speed: one cheap pass over every string of the stack, without path bookkeeping. Strings shorter
 * than the shortest credential format are skipped by length, the rest go through one precompiled
 * union of all formats. Only a block that holds a hit is walked again to name the format
 * (matchCredential) and the attribute path.
 */
import { CREDENTIAL_PATTERNS, matchCredential } from "../../../knowledge";
import { defineStackRule } from "../../rule";
import { OWASP_SECRETS, nist800190 } from "../references";
import { isObject } from "../../stack-index";
import type { RuleResult, StackIndex } from "../../types";

/**
 * Shortest string any CREDENTIAL_PATTERNS entry can match (`xoxb-` + 10 characters). The policy
 * tests pin this against the patterns so a shorter format added to knowledge.ts cannot be skipped.
 */
export const MIN_CREDENTIAL_LENGTH = 15;

const ANY_CREDENTIAL = new RegExp(CREDENTIAL_PATTERNS.map((c) => `(?:${c.pattern.source})`).join("|"));

/** Raw-document sections the StackIndex has no typed view of, with their address prefix. */
const RAW_SECTIONS: ReadonlyArray<readonly [key: string, prefix: string]> = [
  ["locals", "local"],
  ["output", "output"],
  ["module", "module"],
];

interface Hit {
  readonly address: string;
  readonly path: string;
  readonly format: string;
}

const IDENTIFIER = /^[A-Za-z_][\w-]*$/;

function renderPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (IDENTIFIER.test(p)) out += out === "" ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out === "" ? "(value)" : out;
}

/**
 * Cheap first pass: does any string under `value` match a credential format? The strings long
 * enough to hold one are joined with newlines and tested once: no format can match across a
 * newline (none contains one, and `\b` sees a newline as a string's edge), so the joined text
 * matches exactly when one of the strings does. One regex run per block instead of one per string
 * (entering the regex engine cost more than scanning the text).
 */
function holdsCredential(value: unknown): boolean {
  if (typeof value === "string") return value.length >= MIN_CREDENTIAL_LENGTH && ANY_CREDENTIAL.test(value);
  const parts: string[] = [];
  gatherStrings(value, parts);
  if (parts.length === 0) return false;
  return ANY_CREDENTIAL.test(parts.length === 1 ? parts[0] : parts.join("\n"));
}

/** Every string under `value` at least MIN_CREDENTIAL_LENGTH long, `"//"` metadata left out. */
function gatherStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") {
    if (value.length >= MIN_CREDENTIAL_LENGTH) out.push(value);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) gatherStrings(value[i], out);
    return;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) if (k !== "//") gatherStrings(o[k], out);
}

/** Second pass, only over blocks that hold a credential: name the format and the path of each. */
function collectHits(address: string, value: unknown, path: (string | number)[], out: Hit[]): void {
  if (typeof value === "string") {
    if (value.length < MIN_CREDENTIAL_LENGTH || !ANY_CREDENTIAL.test(value)) return;
    const format = matchCredential(value);
    if (format) out.push({ address, path: renderPath(path), format });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      collectHits(address, value[i], path, out);
      path.pop();
    }
  } else if (isObject(value)) {
    for (const k in value) {
      if (k === "//") continue;
      path.push(k);
      collectHits(address, value[k], path, out);
      path.pop();
    }
  }
}

/** The raw document, when the index carries it (not part of the StackIndex contract yet). */
function rawDocument(index: StackIndex): Record<string, unknown> | null {
  const raw = (index as StackIndex & { readonly json?: unknown }).json;
  return isObject(raw) ? raw : null;
}

export function findCredentials(index: StackIndex): Hit[] {
  const hits: Hit[] = [];
  const walk = (address: string, value: unknown, base: (string | number)[] = []): void => {
    if (holdsCredential(value)) collectHits(address, value, base, hits);
  };
  for (const r of index.resources) walk(r.address, r.body);
  for (const p of index.providers) walk(p.address, p.body);
  for (const v of index.variables.values()) walk(v.address, v.body);
  if (index.backend) walk("terraform.backend", index.backend.body, [index.backend.type]);
  const raw = rawDocument(index);
  if (raw) {
    for (const [key, prefix] of RAW_SECTIONS) {
      const section = raw[key];
      for (const block of Array.isArray(section) ? section : [section]) {
        if (!isObject(block)) continue;
        for (const name in block) if (name !== "//") walk(`${prefix}.${name}`, block[name]);
      }
    }
  }
  return hits;
}

export const secret001 = defineStackRule({
  id: "SECRET-001",
  severity: "error",
  pack: "secrets-state",
  title: "Credential literal in configuration",
  description: "A literal in a known credential format (GitHub, AWS, Slack, GitLab tokens, `sk-` keys, private keys) anywhere in the configuration: resources, providers, variables, backend, locals, outputs, modules.",
  fix: "Remove the credential, rotate it, and pass it through a sensitive variable.",
  references: [OWASP_SECRETS, nist800190("4.1.4", "Embedded clear text secrets")],
  check(index) {
    return findCredentials(index).map((h): RuleResult => ({
      address: h.address,
      message: `\`${h.path}\` holds a literal ${h.format} (value not shown). Fix: remove it from the configuration, rotate the credential (it is exposed in the JSON, the state and the repository history) and pass the new one through a sensitive variable or the environment.`,
    }));
  },
});
