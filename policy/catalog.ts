/**
 * The rule catalog: ids, headline severities, titles, anchors and fixes of every rule
 * (../shared/POLICY_CATALOG.md). Ids are a public contract: never renamed, never re-purposed.
 *
 * This module is deliberately free of rule logic so that constructs can validate suppression ids
 * without loading the engine.
 */
import type { RuleMeta, Severity, RuleDomain } from "./types";

function m(id: string, severity: Severity, title: string, anchor: string, fix: string): RuleMeta {
  const domain = id.split("-")[0] as RuleDomain;
  return { id, severity, domain, title, anchor, fix };
}

export const CATALOG: readonly RuleMeta[] = [
  // DOCKER — docker_container
  m("DOCKER-001", "error", "Container runs privileged", "CIS Docker 5.5", "Remove `privileged = true`; add only the specific capabilities the service needs."),
  m("DOCKER-002", "error", "Capabilities are not dropped", "CIS Docker 5.4", "Set `capabilities { drop = [\"ALL\"] }` and add back only what is required."),
  m("DOCKER-003", "error", "Dangerous capability added", "CIS Docker 5.4", "Remove the capability from `capabilities.add`; run the workload without it or isolate it on its own host."),
  m("DOCKER-004", "error", "Root filesystem is writable", "CIS Docker 5.13", "Set `read_only = true` and mount each writable path as tmpfs or a named volume."),
  m("DOCKER-005", "error", "no-new-privileges is not set", "CIS Docker 5.26", "Add `no-new-privileges:true` to `security_opts`."),
  m("DOCKER-006", "error", "Container runs as root", "CIS Docker 4.1", "Set `user` to a non-root `UID:GID` the image supports."),
  m("DOCKER-007", "error", "No memory limit", "CIS Docker 5.11", "Set `memory` (MB) to a positive limit."),
  m("DOCKER-008", "warning", "Swap is allowed", "seed 000 §3.4", "Set `memory_swap` equal to `memory`."),
  m("DOCKER-009", "error", "No CPU limit", "CIS Docker 5.12", "Set `cpu_shares` and/or `cpu_period` + `cpu_quota`."),
  m("DOCKER-010", "error", "`cpus` with a provider that panics on it", "kreuzwerker/docker issue #759", "Replace `cpus` with `cpu_period` + `cpu_quota` (or pin kreuzwerker/docker >= 3.7.0)."),
  m("DOCKER-011", "warning", "No process-count limit", "CIS Docker 5.29", "Add `ulimit { name = \"nproc\" }` (the provider has no `pids_limit`)."),
  m("DOCKER-012", "error", "No healthcheck", "CIS Docker 5.27", "Add a `healthcheck` whose `test` probes the service."),
  m("DOCKER-013", "error", "No restart policy", "CIS Docker 5.15", "Set `restart = \"unless-stopped\"`, or `on-failure` with `max_retry_count` <= 5."),
  m("DOCKER-014", "error", "Logs are not rotated", "seed 000 §3.4", "Set `log_opts` `max-size` and `max-file` for the json-file/local driver."),
  m("DOCKER-015", "error", "Host namespace shared", "CIS Docker 5.10/5.16/5.17/5.31", "Remove `host` from network_mode/pid_mode/ipc_mode/userns_mode/cgroupns_mode."),
  m("DOCKER-016", "error", "Sensitive host path mounted", "CIS Docker 5.6/5.32", "Do not bind-mount `/`, system directories or the Docker socket; use a named volume."),
  m("DOCKER-017", "warning", "Writable bind mount of a host path", "seed 002", "Use a named volume, or make the bind read-only."),
  m("DOCKER-018", "error", "Port published on all interfaces", "CIS Docker 5.14", "Set `ports.ip = \"127.0.0.1\"` (or remove the port and go through the tunnel)."),
  m("DOCKER-019", "error", "All ports published", "CIS Docker 5.9", "Remove `publish_all_ports`."),
  m("DOCKER-020", "error", "Datastore or broker port published", "seed 000 §3.2, seed 002", "Do not publish datastore ports; reach them over an internal network (loopback only if unavoidable)."),
  m("DOCKER-021", "warning", "Privileged host port", "CIS Docker 5.8", "Publish on a host port >= 1024."),
  m("DOCKER-022", "error", "Image not pinned", "CIS Docker 5.28, seed 000 §2.4", "Use an explicit version tag (never `latest`) and pin it by `@sha256:` digest."),
  m("DOCKER-023", "error", "Confinement disabled", "CIS Docker 5.2/5.3/5.22", "Remove the `unconfined`/`disable` entry from `security_opts`."),
  m("DOCKER-024", "error", "Container on the default bridge", "CIS Docker 5.30", "Attach the container to a user-defined network through `networks_advanced`."),
  m("DOCKER-025", "error", "Secret as a literal environment value", "seed 000 §0.2", "Pass the value from a sensitive Terraform variable (`${var.x}`) or a `*_FILE` path."),
  m("DOCKER-026", "warning", "Host devices or GPUs exposed", "CIS Docker 5.18", "Remove `devices`/`gpus` unless the workload needs them."),
  m("DOCKER-027", "error", "Shared mount propagation", "CIS Docker 5.20", "Use `private`/`rprivate` bind propagation."),
  m("DOCKER-028", "warning", "Custom cgroup parent", "CIS Docker 5.25", "Remove `cgroup_parent`."),
  // NET — docker_network and attachments
  m("NET-001", "error", "Datastore on a non-internal network", "seed 000 §3.2", "Attach datastores and brokers only to networks with `internal = true`."),
  m("NET-002", "warning", "No tier separation", "seed 000 §3.2", "Put backend services on an internal network (backnet) and keep frontnet for ingress-facing apps."),
  // GH — integrations/github
  m("GH-001", "error", "Default branch is not protected", "seed 000 §1.1, Scorecard T1", "Add a `github_branch_protection` or an active `github_repository_ruleset` for the default branch."),
  m("GH-002", "error", "Pull-request reviews not required", "Scorecard T2/T4", "Require pull-request reviews with at least 2 approvals."),
  m("GH-003", "warning", "Stale reviews kept or code owners not required", "Scorecard T4/T5", "Dismiss stale reviews on push and require code-owner review."),
  m("GH-004", "error", "No required status checks", "seed 000 §1.3, Scorecard T3", "Require status checks (contexts) and `strict = true`."),
  m("GH-005", "error", "Protection not enforced for admins", "Scorecard T5", "Set `enforce_admins = true`; avoid ruleset bypass actors."),
  m("GH-006", "error", "Signed commits not required", "seed 000 §1.4", "Set `require_signed_commits = true` (ruleset: `required_signatures`)."),
  m("GH-007", "error", "Force pushes or deletion allowed", "Scorecard T1", "Disallow force pushes and deletions (ruleset: `non_fast_forward` and `deletion` rules)."),
  m("GH-008", "warning", "Linear history not required", "seed 000 §1.1", "Set `required_linear_history = true`."),
  m("GH-009", "warning", "Conversation resolution not required", "seed 000 §1.1", "Set `require_conversation_resolution = true`."),
  m("GH-010", "error", "No CODEOWNERS file", "seed 000 §1.2", "Manage `.github/CODEOWNERS` with `github_repository_file`."),
  m("GH-011", "error", "Vulnerability alerts or secret scanning off", "seed 000 §0.4", "Set `vulnerability_alerts = true` and enable secret scanning with push protection."),
  m("GH-012", "error", "Actions permissions too broad", "seed 000 §2.2", "Default workflow permissions `read`, Actions may not approve PRs, allowed actions restricted."),
  m("GH-013", "error", "Secret with a literal plaintext_value", "Checkov CKV_GIT_4", "Take `plaintext_value` from a sensitive variable (`${var.x}`)."),
  m("GH-014", "warning", "Managed file written after protection", "provider behaviour", "Make the protection `depends_on` the `github_repository_file` so it is written first."),
  // CF — cloudflare v5
  m("CF-001", "error", "Tunnel config not remotely managed", "provider behaviour", "Set `config_src = \"cloudflare\"` on the tunnel (at creation)."),
  m("CF-002", "error", "Tunnel ingress has no catch-all", "cloudflared", "End the ingress with a rule without hostname and service `http_status:404`."),
  m("CF-003", "error", "Origin TLS verification disabled", "seed 000 §3.3", "Remove `no_tls_verify`; give the origin a certificate cloudflared trusts."),
  m("CF-004", "error", "Tunnel hostname without proxied CNAME", "cloudflared, provider #5498", "Add a proxied CNAME named the full hostname to `<tunnel id>.cfargotunnel.com`."),
  m("CF-005", "error", "Admin hostname without Access", "seed 000 §3.3/§7, seed 001 §8.2", "Protect the hostname with a Cloudflare Access application."),
  m("CF-006", "error", "Access application open to everyone", "seed 001 §8.1", "Attach policies that allow only named identities, groups or ranges."),
  m("CF-007", "error", "Literal tunnel secret", "seed 000 §0.2", "Take `tunnel_secret` from a sensitive variable, or use `config_src = \"cloudflare\"` without one."),
  m("CF-008", "warning", "Zone without WAF or rate limiting", "seed 001 §8.2", "Add `cloudflare_ruleset` resources in phases `http_request_firewall_managed` and `http_ratelimit`."),
  m("CF-009", "warning", "Access token not validated at origin", "cloudflared", "Set `origin_request.access = { required = true, aud_tag = [<app aud>], team_name = … }`."),
  // SECRET / STATE
  m("SECRET-001", "error", "Credential literal in configuration", "seed 000 §0.4", "Remove the credential, rotate it, and pass it through a sensitive variable."),
  m("SECRET-002", "error", "Secret variable not sensitive or has a default", "seed 000 §0.2", "Mark the variable `sensitive = true` and remove its default."),
  m("SECRET-003", "error", "Literal credential in a provider block", "seed 000 §0.2", "Let the provider read its credential from the environment (GITHUB_TOKEN, CLOUDFLARE_API_TOKEN) or a sensitive variable."),
  m("STATE-001", "warning", "Local state backend", "seed 001 §7.2", "Use a remote, encrypted, locked backend (S3 with encryption and locking, or Terraform Cloud)."),
];

const BY_ID = new Map(CATALOG.map((r) => [r.id, r]));

export const RULE_IDS: readonly string[] = CATALOG.map((r) => r.id);

export function isKnownRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** Catalog entry for an id; throws for an unknown id (a programming error in a rule file). */
export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown policy rule id ${id}`);
  return meta;
}
