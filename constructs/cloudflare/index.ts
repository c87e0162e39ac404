/** The Cloudflare edge: tunnel ingress, Access, WAF and rate limits (issue 5). */
export { AccessGate, type AccessGateProps, type BreakGlassProps, type IdentityProviderGroups } from "./access-gate";
export {
  EdgeProtection,
  MANAGED_RULESET_IDS,
  OWASP_ANOMALY_RULE_ID,
  type ApiRateLimitOptions,
  type EdgeProtectionProps,
  type OwaspOptions,
  type RateLimitRule,
  type WafOptions,
} from "./edge-protection";
export {
  CloudflareTunnelIngress,
  type CloudflareTunnelIngressProps,
  type OriginTlsOptions,
  type PublicServiceOptions,
} from "./tunnel-ingress";
