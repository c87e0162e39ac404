/**
 * AccessGate: Cloudflare Access (Zero Trust) in front of self-hosted hostnames — the SSO of
 * single sign-on for administrative interfaces and their allow-listing by
 * source range (Cloudflare Zero Trust Access; OWASP ASVS V4 access control).
 *
 * One gate holds reusable policies (provider v5 `cloudflare_zero_trust_access_policy`, no
 * application id) and creates one self-hosted application per protected hostname:
 * - an `allow` policy whose include lists the named identities (e-mail addresses, e-mail domains,
 *   identity-provider groups from Entra ID or OIDC); `everyone` cannot be expressed. When IP ranges
 *   are given they are a `require` (AND): the person must match an identity AND come from one of
 *   the ranges (a Zero Trust IP list, since every require rule must hold);
 * - a separate break-glass policy (`non_identity`) for one emergency service token, so the
 *   platform stays reachable when the IdP is down. Its client id and secret are
 *   sensitive outputs; the README describes how to store, use and rotate it.
 *
 * The tunnel validates the Access JWT at the origin with the application's `aud`
 * (`CloudflareTunnelIngress.addPublicService({ access })`), so a request that did not pass Access
 * never reaches the container.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import {
  ZeroTrustAccessPolicy,
  type ZeroTrustAccessPolicyInclude,
  type ZeroTrustAccessPolicyRequire,
} from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import { ZeroTrustAccessServiceToken } from "@cdktf/provider-cloudflare/lib/zero-trust-access-service-token";
import { ZeroTrustList } from "@cdktf/provider-cloudflare/lib/zero-trust-list";
import { checkHostname, claim, failer, isDnsName, logicalName } from "./common";

/** Members of identity-provider groups (for example Entra ID as the single IdP). */
export interface IdentityProviderGroups {
  /** Id of the identity provider configured in Zero Trust (Settings → Authentication). */
  readonly identityProviderId: string;
  /** Entra ID group object ids (azure), or values of the OIDC `groups` claim (oidc). */
  readonly groups: readonly string[];
  /** @default "azure" */
  readonly kind?: "azure" | "oidc";
  /**
   * OIDC claim that carries the groups (oidc only).
   * @default "groups"
   */
  readonly claimName?: string;
}

export interface BreakGlassProps {
  /**
   * Validity of the emergency service token; rotate it after every use.
   * @default "8760h" (one year)
   */
  readonly duration?: string;
}

export interface AccessGateProps {
  /** Cloudflare account id (the Zero Trust organization). */
  readonly accountId: string;
  /** Zero Trust team name (`<team>.cloudflareaccess.com`); cloudflared checks tokens against it. */
  readonly teamName: string;
  /** The zone's domain: every protected hostname must be inside it. */
  readonly domain: string;
  /** People allowed by e-mail domain (`example.org`). @default none */
  readonly allowedEmailDomains?: readonly string[];
  /** People allowed by exact e-mail address. @default none */
  readonly allowedEmails?: readonly string[];
  /** People allowed by identity-provider group. @default none */
  readonly identityProviderGroups?: readonly IdentityProviderGroups[];
  /**
   * Source ranges (CIDR) a person must ALSO come from: office, VPN egress.
   * @default none — any source address, identity alone decides
   */
  readonly ipRanges?: readonly string[];
  /**
   * How long an Access session lasts before the person signs in again.
   * @default "8h" (a working day; OWASP ASVS V3.3 session timeouts)
   */
  readonly sessionDuration?: string;
  /**
   * Identity providers offered at login; with exactly one, Access redirects to it directly.
   * @default every identity provider of the account
   */
  readonly allowedIdentityProviders?: readonly string[];
  /**
   * The emergency service token and its policy, or `false` for none (then an IdP outage locks
   * everybody out: say why in your runbook).
   * @default {} — a token valid for one year, attached to every application of the gate
   */
  readonly breakGlass?: BreakGlassProps | false;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DURATION = /^(\d+(ns|us|µs|ms|s|m|h))+$/;
const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CIDR_V6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(\d{1,3})$/;

const protectedHosts = new WeakMap<TerraformStack, Map<string, string>>();

/** A Zero Trust team name, as `<team>.cloudflareaccess.com` allows. */
const TEAM = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function isCidr(v: string): boolean {
  const m4 = CIDR_V4.exec(v);
  if (m4) return m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32;
  const m6 = CIDR_V6.exec(v);
  return m6 !== null && Number(m6[1]) <= 128 && (v.match(/::/g) ?? []).length <= 1;
}

export class AccessGate extends Construct {
  /** Zero Trust team name, for `origin_request.access.team_name`. */
  readonly teamName: string;
  /** The reusable allow policy (named identities). */
  readonly allowPolicy: ZeroTrustAccessPolicy;
  /** The break-glass policy (emergency service token), when enabled. */
  readonly breakGlassPolicy?: ZeroTrustAccessPolicy;
  /** The emergency service token, when enabled. */
  readonly breakGlassToken?: ZeroTrustAccessServiceToken;
  /** The IP list the allow policy requires, when ranges were given. */
  readonly ipList?: ZeroTrustList;

  private readonly props: AccessGateProps;
  private readonly name: string;
  private readonly sessionDuration: string;
  private readonly fail: (prop: string, problem: string, fix: string) => never;
  private readonly apps = new Map<string, ZeroTrustAccessApplication>();

  constructor(scope: Construct, id: string, props: AccessGateProps) {
    super(scope, id);
    const fail = failer("AccessGate", this);
    this.fail = fail;
    this.props = props;
    this.name = logicalName(id);

    if (!props.accountId || props.accountId.trim() === "") fail("accountId", "is empty", "give the Cloudflare account id (deployment config cloudflare.accountId)");
    if (!TEAM.test(props.teamName)) {
      fail("teamName", `"${props.teamName}" is not a Zero Trust team name`, "give the <team> of <team>.cloudflareaccess.com (deployment config cloudflare.teamName)");
    }
    this.teamName = props.teamName;
    if (!isDnsName(props.domain)) fail("domain", `"${props.domain}" is not a lower-case DNS name`, "give the zone's domain, e.g. \"example.org\"");

    // --- who may pass -----------------------------------------------------------------------
    const include: ZeroTrustAccessPolicyInclude[] = [];
    const seen = new Set<string>();
    const once = (key: string, prop: string) => {
      if (seen.has(key)) fail(prop, `lists "${key.slice(key.indexOf(":") + 1)}" twice`, "list each identity once");
      seen.add(key);
    };
    for (const d of props.allowedEmailDomains ?? []) {
      if (!isDnsName(d)) fail("allowedEmailDomains", `holds "${d}", which is not a lower-case domain`, "write domains like \"example.org\" (no @)");
      once(`domain:${d}`, "allowedEmailDomains");
      include.push({ emailDomain: { domain: d } });
    }
    for (const e of props.allowedEmails ?? []) {
      if (!EMAIL.test(e)) fail("allowedEmails", `holds "${e}", which is not an e-mail address`, "write addresses like \"ops@example.org\"");
      once(`email:${e.toLowerCase()}`, "allowedEmails");
      include.push({ email: { email: e } });
    }
    for (const [i, g] of (props.identityProviderGroups ?? []).entries()) {
      const prop = `identityProviderGroups[${i}]`;
      if (!g.identityProviderId || g.identityProviderId.trim() === "") fail(`${prop}.identityProviderId`, "is empty", "give the id of the identity provider configured in Zero Trust");
      if (g.groups.length === 0) fail(`${prop}.groups`, "is empty", "name at least one group, or remove the entry");
      const kind = g.kind ?? "azure";
      for (const group of g.groups) {
        if (group.trim() === "") fail(`${prop}.groups`, "holds an empty group", "give the Entra ID group object id or the OIDC group claim value");
        once(`group:${g.identityProviderId}/${group}`, `${prop}.groups`);
        include.push(
          kind === "azure"
            ? { azureAd: { id: group, identityProviderId: g.identityProviderId } }
            : { oidc: { claimName: g.claimName ?? "groups", claimValue: group, identityProviderId: g.identityProviderId } },
        );
      }
    }
    if (include.length === 0) {
      fail(
        "allowedEmailDomains/allowedEmails/identityProviderGroups",
        "are all empty, so nobody could sign in (and Access must never allow everyone)",
        "name who may pass: e-mail domains, addresses or identity-provider groups (deployment config cloudflare.access)",
      );
    }

    // --- from where -------------------------------------------------------------------------
    const ranges = props.ipRanges ?? [];
    const require: ZeroTrustAccessPolicyRequire[] = [];
    if (ranges.length > 0) {
      const unique = new Set<string>();
      for (const r of ranges) {
        if (!isCidr(r)) fail("ipRanges", `holds "${r}", which is not a CIDR range`, "write ranges like \"203.0.113.0/24\" or \"2001:db8::/48\"");
        if (unique.has(r)) fail("ipRanges", `lists "${r}" twice`, "list each range once");
        unique.add(r);
      }
      // Require rules are ANDed: several `ip` rules would demand every range at once. One IP
      // list holds them all, and requiring the list means "any of these ranges".
      this.ipList = new ZeroTrustList(this, "ip-ranges", {
        accountId: props.accountId,
        name: `${id} allowed source ranges`,
        description: `Source ranges required by Access gate ${id} (bulwark)`,
        type: "IP",
        items: [...unique].sort().map((value) => ({ value })),
      });
      this.ipList.overrideLogicalId(`${this.name}_ip_ranges`);
      require.push({ ipList: { id: this.ipList.id } });
    }

    this.sessionDuration = props.sessionDuration ?? "8h";
    if (!DURATION.test(this.sessionDuration)) {
      fail("sessionDuration", `"${this.sessionDuration}" is not a duration`, "write it like \"30m\" or \"8h\"");
    }
    for (const idp of props.allowedIdentityProviders ?? []) {
      if (idp.trim() === "") fail("allowedIdentityProviders", "holds an empty id", "give identity provider ids, or leave the list out");
    }

    this.allowPolicy = new ZeroTrustAccessPolicy(this, "allow", {
      accountId: props.accountId,
      name: `${id}: named identities`,
      decision: "allow",
      include,
      require: require.length > 0 ? require : undefined,
    });
    this.allowPolicy.overrideLogicalId(`${this.name}_allow`);

    // --- break glass -------------------------------------------------------------------------
    if (props.breakGlass !== false) {
      const duration = props.breakGlass?.duration ?? "8760h";
      if (!/^\d+h$/.test(duration)) fail("breakGlass.duration", `"${duration}" is not a duration in hours`, "write it like \"8760h\" (one year) or \"720h\"");
      this.breakGlassToken = new ZeroTrustAccessServiceToken(this, "break-glass-token", {
        accountId: props.accountId,
        name: `${id} break-glass (emergency only)`,
        duration,
      });
      this.breakGlassToken.overrideLogicalId(`${this.name}_break_glass`);
      this.breakGlassPolicy = new ZeroTrustAccessPolicy(this, "break-glass", {
        accountId: props.accountId,
        name: `${id}: break-glass service token`,
        // A service token is not a person: "non_identity" is the decision that admits it.
        decision: "non_identity",
        include: [{ serviceToken: { tokenId: this.breakGlassToken.id } }],
      });
      this.breakGlassPolicy.overrideLogicalId(`${this.name}_break_glass`);
      const clientId = new TerraformOutput(this, "break-glass-client-id", {
        value: this.breakGlassToken.clientId,
        sensitive: true,
        description: `Break-glass service token client id of Access gate ${id}: keep it in the vault with the secret`,
      });
      clientId.overrideLogicalId(`${this.name}_break_glass_client_id`);
      const clientSecret = new TerraformOutput(this, "break-glass-client-secret", {
        value: this.breakGlassToken.clientSecret,
        sensitive: true,
        description: `Break-glass service token client secret of Access gate ${id}: read once into the vault, rotate after every use`,
      });
      clientSecret.overrideLogicalId(`${this.name}_break_glass_client_secret`);
    }
  }

  /** Hostnames this gate protects, in the order they were added. */
  get hostnames(): readonly string[] {
    return [...this.apps.keys()];
  }

  /** The application protecting `hostname`, if this gate protects it. */
  applicationFor(hostname: string): ZeroTrustAccessApplication | undefined {
    return this.apps.get(hostname);
  }

  /**
   * Protect a hostname with a self-hosted application that uses this gate's policies.
   * Idempotent for the same hostname; a hostname already protected by another gate is refused.
   */
  protect(hostname: string): ZeroTrustAccessApplication {
    const existing = this.apps.get(hostname);
    if (existing) return existing;
    const fail = (prop: string, problem: string, fix: string): never => this.fail(`protect(${JSON.stringify(hostname)}): ${prop}`, problem, fix);
    checkHostname(fail, "hostname", hostname, this.props.domain);
    const other = claim(protectedHosts, this, hostname, this.node.path);
    if (other !== undefined) {
      fail("hostname", `"${hostname}" is already protected by ${other}`, "protect each hostname with one AccessGate (one Access application per hostname)");
    }
    const policies = [{ id: this.allowPolicy.id, precedence: 1 }];
    if (this.breakGlassPolicy) policies.push({ id: this.breakGlassPolicy.id, precedence: 2 });
    const idps = [...(this.props.allowedIdentityProviders ?? [])];
    const app = new ZeroTrustAccessApplication(this, `app-${hostname}`, {
      accountId: this.props.accountId,
      name: hostname,
      type: "self_hosted",
      domain: hostname,
      destinations: [{ type: "public", uri: hostname }],
      sessionDuration: this.sessionDuration,
      policies,
      allowedIdps: idps.length > 0 ? idps : undefined,
      autoRedirectToIdentity: idps.length === 1 ? true : undefined,
      appLauncherVisible: true,
      httpOnlyCookieAttribute: true,
      sameSiteCookieAttribute: "lax",
      // API clients (and the break-glass token) get 401 instead of a login redirect.
      serviceAuth401Redirect: true,
    });
    app.overrideLogicalId(logicalName(hostname));
    this.apps.set(hostname, app);
    return app;
  }

  /** `origin_request.access` for cloudflared: require a valid Access token for `hostname`. */
  originAccess(hostname: string): { required: true; audTag: string[]; teamName: string } {
    const app = this.protect(hostname);
    return { required: true, audTag: [app.aud], teamName: this.teamName };
  }
}

