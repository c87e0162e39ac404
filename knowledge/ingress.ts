/**
 * Facts about Kubernetes Ingress controllers the K8S rules and the Kubernetes renderer share.
 *
 * ingress-nginx annotations, as documented in the project's annotation reference
 * (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/):
 * rate limiting (`limit-rps`, `limit-rpm`, `limit-connections`, `limit-burst-multiplier`; excess
 * requests get `limit-req-status-code`, 503 by default) and authentication (`auth-url` and
 * `auth-signin` for an external authentication service such as oauth2-proxy, `auth-type` with
 * `auth-secret` for basic/digest, `auth-tls-verify-client` for client certificates).
 * Not verified on a running controller: no cluster is reachable where this was written.
 */

export const INGRESS_NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

export const INGRESS_NGINX_ANNOTATIONS = {
  limitRps: `${INGRESS_NGINX_PREFIX}limit-rps`,
  limitRpm: `${INGRESS_NGINX_PREFIX}limit-rpm`,
  limitConnections: `${INGRESS_NGINX_PREFIX}limit-connections`,
  limitBurstMultiplier: `${INGRESS_NGINX_PREFIX}limit-burst-multiplier`,
  authUrl: `${INGRESS_NGINX_PREFIX}auth-url`,
  authSignin: `${INGRESS_NGINX_PREFIX}auth-signin`,
  authType: `${INGRESS_NGINX_PREFIX}auth-type`,
  authSecret: `${INGRESS_NGINX_PREFIX}auth-secret`,
  authTlsVerifyClient: `${INGRESS_NGINX_PREFIX}auth-tls-verify-client`,
  sslRedirect: `${INGRESS_NGINX_PREFIX}ssl-redirect`,
  forceSslRedirect: `${INGRESS_NGINX_PREFIX}force-ssl-redirect`,
} as const;

/** Annotations that put a per-client request or connection limit on an ingress-nginx Ingress. */
export const INGRESS_NGINX_RATE_LIMIT_ANNOTATIONS: readonly string[] = [
  INGRESS_NGINX_ANNOTATIONS.limitRps,
  INGRESS_NGINX_ANNOTATIONS.limitRpm,
  INGRESS_NGINX_ANNOTATIONS.limitConnections,
];

/** Ingress class names (and legacy `kubernetes.io/ingress.class` values) served by ingress-nginx. */
export const INGRESS_NGINX_CLASSES: ReadonlySet<string> = new Set(["nginx"]);

/** The legacy class annotation, still honoured by ingress-nginx when `spec.ingressClassName` is unset. */
export const LEGACY_INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * How an ingress-nginx Ingress authenticates clients, or undefined when it does not: an external
 * auth service (`auth-url`), basic/digest with a Secret (`auth-type` + `auth-secret`), or required
 * client certificates (`auth-tls-verify-client: on`).
 */
export function ingressNginxAuth(annotations: Readonly<Record<string, unknown>>): string | undefined {
  const a = INGRESS_NGINX_ANNOTATIONS;
  const str = (k: string) => (typeof annotations[k] === "string" ? (annotations[k] as string).trim() : "");
  if (str(a.authUrl) !== "") return `external authentication (${a.authUrl})`;
  if (/^(basic|digest)$/i.test(str(a.authType)) && str(a.authSecret) !== "") return `${str(a.authType).toLowerCase()} authentication (${a.authType})`;
  if (str(a.authTlsVerifyClient).toLowerCase() === "on") return `client certificates (${a.authTlsVerifyClient})`;
  return undefined;
}
