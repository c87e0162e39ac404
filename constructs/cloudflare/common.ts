/**
 * Shared checks of the Cloudflare edge constructs: hostnames, Terraform logical names, and the
 * per-stack registries that keep hostnames and (zone, phase) pairs unique across constructs.
 */
import { TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { isAdminHostname as isAdminHost } from "../../knowledge";

/** A lower-case DNS name with at least two labels (`opac.example.org`). */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Build the `fail(prop, problem, fix)` of a construct: `<Construct> <path>: <prop> <problem>. Fix: <fix>`. */
export function failer(kind: string, scope: IConstruct): (prop: string, problem: string, fix: string) => never {
  return (prop, problem, fix) => {
    throw new Error(`${kind} ${scope.node.path}: ${prop} ${problem}. Fix: ${fix}`);
  };
}

export function isDnsName(name: string): boolean {
  return DNS_NAME.test(name);
}

/** True when `host` is the domain itself or a name under it. */
export function isInDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** First label is exactly one of ADMIN_HOST_LABELS (the CF-005 test, from the one source of truth). */
export function isAdminHostname(host: string): boolean {
  return isAdminHost(host);
}

/** A value only known at apply time (`${…}` token), which synth-time checks cannot read. */
export function isUnresolved(value: string): boolean {
  return Token.isUnresolved(value) || value.includes("${");
}

/** `opac.example.org` → `opac_example_org`; `staff-access` → `staff_access` (Terraform logical name). */
export function logicalName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(n) ? n : `_${n}`;
}

/** The construct path that registered `key` in this stack, if any. */
export function claimedBy(registry: WeakMap<TerraformStack, Map<string, string>>, scope: IConstruct, key: string): string | undefined {
  return registry.get(TerraformStack.of(scope))?.get(key);
}

/**
 * Remember `key` for a stack; returns the owner registered before (another construct's path), or
 * undefined when the key is new or already owned by `owner`.
 */
export function claim(registry: WeakMap<TerraformStack, Map<string, string>>, scope: IConstruct, key: string, owner: string): string | undefined {
  const stack = TerraformStack.of(scope);
  const map = registry.get(stack) ?? new Map<string, string>();
  registry.set(stack, map);
  const previous = map.get(key);
  if (previous !== undefined && previous !== owner) return previous;
  map.set(key, owner);
  return undefined;
}

/**
 * Validate a public hostname: literal, lower-case DNS name, inside the zone's domain, no wildcard.
 * Returns it unchanged.
 */
export function checkHostname(
  fail: (prop: string, problem: string, fix: string) => never,
  prop: string,
  hostname: string,
  domain: string,
): string {
  if (typeof hostname !== "string" || hostname.trim() === "") fail(prop, "is empty", "give the full hostname, e.g. \"opac.example.org\"");
  if (isUnresolved(hostname)) {
    fail(prop, `"${hostname}" is a Terraform reference`, "give the hostname as a literal string: DNS records, Access applications and the policy engine must know it at synth");
  }
  if (hostname.startsWith("*")) fail(prop, `"${hostname}" is a wildcard`, "publish each hostname explicitly; a wildcard would expose every future name in the zone");
  if (!isDnsName(hostname)) {
    fail(prop, `"${hostname}" is not a lower-case DNS name`, "write it like \"opac.example.org\" (lower-case letters, digits, dashes; no scheme, port or path)");
  }
  if (!isInDomain(hostname, domain)) {
    fail(prop, `"${hostname}" is outside the zone's domain "${domain}"`, `use a hostname ending in ".${domain}" (records can only be created in the configured zone)`);
  }
  return hostname;
}
