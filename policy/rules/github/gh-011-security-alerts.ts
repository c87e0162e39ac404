import { defineResourceRule } from "../../rule";
import { doc } from "../references";
import type { RuleResult, StackIndex } from "../../types";
import { REPOSITORY } from "./protection";
import { type Json, UNKNOWN, type Unknown, block, readBool, readString, show } from "./util";

const SCANNING: readonly (readonly [string, string])[] = [
  ["secret_scanning", "Secret scanning"],
  ["secret_scanning_push_protection", "Secret scanning push protection"],
];

/** `visibility` wins over the deprecated `private`; the provider creates public repositories by default. */
function isPublic(body: Readonly<Json>, index: StackIndex): boolean | Unknown {
  const visibility = readString(body.visibility, index);
  if (visibility === UNKNOWN) return UNKNOWN;
  if (visibility !== undefined) return visibility.trim().toLowerCase() === "public";
  const priv = readBool(body.private, index);
  if (priv === UNKNOWN) return UNKNOWN;
  return priv !== true;
}

/**
 * GH-011: `vulnerability_alerts` true (always E); secret scanning and push protection enabled
 * (E on public repositories, W otherwise; an unresolvable visibility is judged as public).
 */
export const gh011 = defineResourceRule({
  id: "GH-011",
  severity: "error",
  pack: "github-governance",
  title: "Vulnerability alerts or secret scanning off",
  description: "`vulnerability_alerts` is not true (error); secret scanning or its push protection is not enabled (error on public repositories, warning otherwise).",
  fix: "Set `vulnerability_alerts = true` and enable secret scanning with push protection.",
  references: [doc("GitHub documentation: About Dependabot alerts", "https://docs.github.com/en/code-security/dependabot/dependabot-alerts/about-dependabot-alerts"), doc("GitHub documentation: About secret scanning", "https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning")],
  types: [REPOSITORY],
  check(res, index) {
    const body = res.body;
    const name = readString(body.name, index);
    const label = typeof name === "string" ? name : res.address;
    const out: RuleResult[] = [];
    const alerts = readBool(body.vulnerability_alerts, index);
    if (alerts === UNKNOWN) {
      out.push({ address: res.address, severity: "info", message: `Cannot verify before apply that Dependabot vulnerability alerts are on for repository \`${label}\`: \`vulnerability_alerts\` is ${show(body.vulnerability_alerts)}. Fix: set \`vulnerability_alerts = true\`.` });
    } else if (alerts !== true) {
      const state = alerts === undefined ? "unset (GitHub leaves alerts off on private repositories)" : show(body.vulnerability_alerts);
      out.push({ address: res.address, message: `Dependabot vulnerability alerts are not on for repository \`${label}\`: \`vulnerability_alerts\` is ${state}. Fix: set \`vulnerability_alerts = true\`.` });
    }
    const pub = isPublic(body, index);
    const kind = pub === true ? "public" : pub === UNKNOWN ? "possibly public (visibility cannot be resolved before apply)" : "non-public";
    const sa = block(body, "security_and_analysis");
    for (const [key, title] of SCANNING) {
      const raw = block(sa, key)?.status;
      const status = readString(raw, index);
      if (status === "enabled") continue;
      const fix = `set \`security_and_analysis { ${key} { status = "enabled" } }\`${pub === false ? " (private repositories need GitHub Secret Protection / Advanced Security)" : ""}`;
      if (status === UNKNOWN) {
        out.push({ address: res.address, severity: "info", message: `Cannot verify before apply that ${title.toLowerCase()} is enabled for repository \`${label}\`: \`security_and_analysis.${key}.status\` is ${show(raw)}. Fix: ${fix}.` });
        continue;
      }
      out.push({
        address: res.address,
        severity: pub === false ? "warning" : "error",
        message: `${title} is not enabled for ${kind} repository \`${label}\`: \`security_and_analysis.${key}.status\` is ${show(raw)}. Fix: ${fix}.`,
      });
    }
    return out;
  },
});
