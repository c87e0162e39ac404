/**
 * Collision rules: two resources of a run (in one stack or in several) that claim the same thing
 * where only one may have it: a container name on a Docker host, an entrypoint ruleset of a zone
 * and phase, a hostname of a tunnel. Each rule says what a resource claims; the first claim (in
 * input order: stack by stack, resource by resource) keeps it, and every later claim by another
 * owner is a finding on the later resource that names the first.
 */
import { defineAppRule } from "../rule";
import type { AppRule, AppRuleResult, IndexedResource, RuleSpec, StackFacts, StackIndex } from "../types";

export interface Claim {
  /**
   * Where the name must be unique, normalised (`unix:///var/run/docker.sock`, a zone): shared by
   * many claims, so that a claim costs no new string.
   */
  readonly space: string;
  /** The name claimed within that space, normalised (`web`, a phase, a hostname). */
  readonly name: string;
  /** Claims of the same owner never collide (one tunnel serving a hostname on several paths). @default the resource, in its stack */
  readonly owner?: string;
  readonly address: string;
  readonly constructPath: string | null;
}

/** A claim and the stack it comes from (built only for a collision). */
export interface LocatedClaim extends Claim {
  readonly stack: string;
  readonly file: string;
}

export interface CollisionRuleDeclaration extends RuleSpec {
  /** Resource types that claim something. */
  readonly types: readonly string[];
  /** What one resource claims; null when what it claims is unknown before apply (never compared). */
  claims(resource: IndexedResource, index: StackIndex): Claim | readonly Claim[] | null;
  /** The finding's message for `later`, which claims what `first` already claimed. */
  message(later: LocatedClaim, first: LocatedClaim): string;
}

/** `stack "koha"`. */
export function describeStack(c: LocatedClaim): string {
  return `stack "${c.stack}"`;
}

/** `docker_container.web in stack "koha"`. */
export function describeClaim(c: LocatedClaim): string {
  return `${c.address} in ${describeStack(c)}`;
}

/** A string unique to one stack of a run: for keys that only mean something inside that stack. */
export function stackScope(index: StackIndex): string {
  return `${index.stack}\u0000${index.file}`;
}

interface Held {
  readonly claim: Claim;
  readonly at: StackFacts<readonly Claim[]>;
}

function sameOwner(a: Held, b: Held): boolean {
  if (a.claim.owner !== undefined || b.claim.owner !== undefined) return a.claim.owner === b.claim.owner;
  return a.at === b.at && a.claim.address === b.claim.address;
}

function located(h: Held): LocatedClaim {
  return { ...h.claim, stack: h.at.stack, file: h.at.file };
}

export function defineCollisionRule(d: CollisionRuleDeclaration): AppRule<readonly Claim[]> {
  const { types, claims, message, ...spec } = d;
  return defineAppRule<readonly Claim[]>({
    ...spec,
    collect(index) {
      const out: Claim[] = [];
      for (const type of types) {
        for (const res of index.byType(type)) {
          const c = claims(res, index);
          if (c === null) continue;
          if (Array.isArray(c)) for (const x of c as readonly Claim[]) out.push(x);
          else out.push(c as Claim);
        }
      }
      return out;
    },
    check(stacks) {
      // space → name → first claim: no key string is built per claim.
      const first = new Map<string, Map<string, Held>>();
      const results: AppRuleResult[] = [];
      for (const at of stacks) {
        for (const claim of at.facts) {
          let names = first.get(claim.space);
          if (!names) first.set(claim.space, (names = new Map()));
          const earlier = names.get(claim.name);
          if (!earlier) {
            names.set(claim.name, { claim, at });
            continue;
          }
          const held: Held = { claim, at };
          if (!sameOwner(earlier, held)) {
            results.push({ stack: at.stack, file: at.file, address: claim.address, constructPath: claim.constructPath, message: message(located(held), located(earlier)) });
          }
        }
      }
      return results;
    },
  });
}
