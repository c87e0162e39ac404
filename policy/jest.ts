/**
 * Jest matchers: `expect(stack).toPassPolicy()` and `expect(stack).toViolate("DOCKER-004", "docker_container.db")`.
 * Register with `import "<root>/policy/jest"` (done for the whole suite in __tests__/setup.ts).
 */
import { formatReport } from "./report";
import { summarize } from "./engine";
import { policyFindings, type PolicySubject } from "./testing";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** No unsuppressed error finding. The failure message is the text report. */
      toPassPolicy(): R;
      /** At least one unsuppressed finding of `ruleId` (on `address` when given). */
      toViolate(ruleId: string, address?: string): R;
    }
  }
}

expect.extend({
  toPassPolicy(received: PolicySubject) {
    const findings = policyFindings(received);
    const errors = findings.filter((f) => !f.suppressed && f.severity === "error");
    const pass = errors.length === 0;
    return {
      pass,
      message: () =>
        pass
          ? `expected policy errors, but the stack passes (${findings.length} findings, none an unsuppressed error)`
          : `expected the stack to pass policy, but it has ${errors.length} error(s):\n\n` +
            formatReport({ findings, summary: summarize(findings, 1, 0) }, "text", { color: false }),
    };
  },
  toViolate(received: PolicySubject, ruleId: string, address?: string) {
    const findings = policyFindings(received);
    const hit = findings.some((f) => !f.suppressed && f.ruleId === ruleId && (address === undefined || f.address === address));
    const seen = findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.severity} ${f.address}`);
    return {
      pass: hit,
      message: () =>
        hit
          ? `expected no unsuppressed ${ruleId}${address ? ` on ${address}` : ""}, but found one`
          : `expected an unsuppressed ${ruleId}${address ? ` on ${address}` : ""}; findings were:\n  ${seen.join("\n  ") || "(none)"}`,
    };
  },
});

export {};
