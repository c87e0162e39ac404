/**
 * The neutral service model: one validation, one defaulting, defaults that the docs cite.
 */
import { readFileSync } from "fs";
import { join } from "path";
import * as defaults from "../../constructs/service/defaults";
import * as renderer from "../../constructs/docker/hardened-container";
import { Duration } from "../../constructs/service/units";
import { resolveDefaults, validateServiceSpec } from "../../constructs/service/validate";
import { webAppProfile } from "../../constructs/profiles";
import { Secret } from "../../constructs/core/secret";
import { webSpec } from "../helpers/stack";

describe("Duration", () => {
  test("renders seconds for Docker and rounds up to whole seconds for Kubernetes", () => {
    expect(Duration.seconds(30).toDockerString()).toBe("30s");
    expect(Duration.minutes(5).toDockerString()).toBe("300s");
    expect(Duration.millis(500).toDockerString()).toBe("500ms");
    expect(Duration.millis(1500).toSeconds()).toBe(2);
    expect(Duration.hours(1).toMilliseconds()).toBe(3_600_000);
  });
  test("refuses negative, fractional-millisecond and non-numeric amounts", () => {
    expect(() => Duration.seconds(-1)).toThrow(/not a non-negative number/);
    expect(() => Duration.millis(0.5)).toThrow(/not a whole number of milliseconds/);
    expect(() => Duration.seconds(Number.NaN)).toThrow(/not a non-negative number/);
  });
});

describe("resolveDefaults", () => {
  test("fills every optional field with the documented values", () => {
    const r = resolveDefaults(validateServiceSpec(webSpec({ writablePaths: [{ path: "/tmp" }] }), "test"));
    // Literal expected values: the documentation promises these numbers.
    expect(r.health.interval.toDockerString()).toBe("30s");
    expect(r.health.timeout.toDockerString()).toBe("5s");
    expect(r.health.retries).toBe(3);
    expect(r.health.startPeriod.toDockerString()).toBe("30s");
    expect(r.resources).toEqual({ memoryMb: 256, cpuShares: 1024, maxProcesses: 512, maxOpenFiles: 8192 });
    expect(r.writablePaths).toEqual([{ path: "/tmp", sizeMb: 64, mode: "0755", exec: false, owner: "root" }]);
    expect(r.stopGracePeriod.toDockerString()).toBe("10s");
    expect(r.ports).toEqual([{ port: 8080, name: "http", protocol: "tcp" }]);
  });

  test("every `@default DEFAULT_X (value)` in the model's docs names a constant with that value", () => {
    const source = ["spec.ts", "../docker/hardened-container.ts"].map((f) => readFileSync(join(__dirname, "../../constructs/service", f), "utf8")).join("\n");
    const cited = [...source.matchAll(/@default (DEFAULT_[A-Z_]+) \(([^)]*)\)/g)];
    expect(cited.length).toBeGreaterThanOrEqual(10);
    const table = { ...defaults, ...renderer } as Record<string, unknown>;
    for (const [, name, shown] of cited) {
      expect(name in table ? "exported" : `${name} is cited but not exported`).toBe("exported");
      const value = table[name];
      const rendered = Duration.isDuration(value) ? `${value.toSeconds()} s` : typeof value === "string" ? `"${value}"` : String(value);
      expect(shown.startsWith(rendered) ? "matches" : `${name}: the docs say (${shown}), the code has ${rendered}`).toBe("matches");
    }
  });
});

describe("validateServiceSpec", () => {
  test("profiles name themselves and the service in every message", () => {
    expect(() =>
      webAppProfile({ name: "api", image: { repository: "ghcr.io/x/api", tag: "latest" }, user: "10001:10001", port: 8080, probeTool: "wget" }),
    ).toThrow(/^webAppProfile\(api\): option image\.tag "latest" is not a pinned version tag/);
    expect(() =>
      webAppProfile({ name: "api", image: { repository: "ghcr.io/x/api", tag: "1.0.0" }, user: "10001:10001", port: 80, probeTool: "wget" }),
    ).toThrow(/^webAppProfile\(api\): option port is 80, not a whole number from 1024 to 65535/);
  });

  test("a profile's output passes the renderers' validation (the same function)", () => {
    const spec = webAppProfile({
      name: "api",
      image: { repository: "ghcr.io/x/api", tag: "1.0.0" },
      user: "10001:10001",
      port: 8080,
      probeTool: "wget",
      secretEnv: { API_KEY: Secret.named("api_key", "API key clients present") },
    });
    expect(validateServiceSpec(spec, "renderer")).toBe(spec);
  });

  test("named secrets must be snake_case; bound secrets must be references", () => {
    expect(() => validateServiceSpec(webSpec({ secretEnv: { X: { kind: "secret", name: "Bad-Name", source: "x" } } }), "t")).toThrow(/names secret "Bad-Name", which is not snake_case/);
    expect(() => validateServiceSpec(webSpec({ secretEnv: { X: { kind: "secret", name: "x", expression: "hunter2", source: "lit" } } }), "t")).toThrow(
      /t: service\.secretEnv\.X \(lit\) holds a literal, not a reference/,
    );
  });
});
