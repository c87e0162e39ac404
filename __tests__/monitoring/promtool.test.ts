/**
 * The generated configuration, checked by the real tools: promtool check config / check rules /
 * test rules (every alert fires on synthetic series and stays silent on healthy ones, burn-rate
 * pairs included), the blackbox exporter's own config check, amtool check-config and amtool config
 * routes test.
 */
import { ALERTMANAGER_MIN_VERSION_FOR_TELEGRAM_TOKEN_FILE, RULE_FILE_NAME, expectedRoutes, type Monitoring } from "../../constructs/monitoring";
import { kohaMonitoredStack, singleServerMonitoredStack } from "./stacks";
import { haveTools, run, tempDir, version, versionAtLeast } from "./tools";
import { kohaStack, singleServerStack } from "../helpers/reference";

const present = haveTools("monitoring/promtool", ["promtool", "amtool", "blackboxExporter"]);
const maybe = present ? describe : describe.skip;

/** Write a monitoring's files into a temp tree, its absolute paths rewritten into it, secrets as dummies. */
function materialize(m: Monitoring, t: ReturnType<typeof tempDir>) {
  const rebase = (s: string) => s.replace(/\/etc\/(prometheus|alertmanager|blackbox)\//g, `${t.dir}/$1/`);
  for (const f of [...m.plan.prometheusFiles, ...m.plan.blackboxFiles, ...m.plan.alertmanagerSecrets]) t.write(rebase(f.path).slice(t.dir.length + 1), "dummy-secret-for-tests\n");
  return {
    prometheus: t.write("prometheus/prometheus.yml", rebase(m.files.prometheus)),
    rules: t.write(`prometheus/rules/${RULE_FILE_NAME}`, m.files.rules),
    tests: m.files.ruleTests.map((f) => t.write(`prometheus/rules/${f.name}`, f.content)),
    alertmanager: t.write("alertmanager/alertmanager.yml", rebase(m.files.alertmanager)),
    blackbox: t.write("blackbox/blackbox.yml", rebase(m.files.blackbox)),
  };
}

const STACKS: [string, () => { monitoring: Monitoring }][] = [
  ["koha (full set, OPAC availability SLO)", () => kohaMonitoredStack()],
  ["single-server (bearer-token scrape, PostgreSQL, error-ratio SLO)", () => singleServerMonitoredStack()],
  // The reference stacks from the example: koha scrapes cloudflared (EdgeErrorRatioHigh), and
  // single-server's components are app-prefixed on the same Docker host.
  ["the koha reference stack (cloudflared scraped, Grafana)", () => ({ monitoring: kohaStack().monitoring! })],
  ["the single-server reference stack (app- prefix, no cAdvisor)", () => ({ monitoring: singleServerStack().monitoring! })],
];

maybe.each(STACKS)("generated monitoring of %s, checked by the real tools", (_name, build) => {
  const { monitoring } = build();
  const t = tempDir("promtool");
  const files = materialize(monitoring, t);
  afterAll(() => t.cleanup());

  test("every alert has a firing and a silent scenario", () => {
    for (const a of monitoring.plan.alerts) {
      expect([a.name, a.cases.some((c) => c.fires.length > 0)]).toEqual([a.name, true]);
      expect([a.name, a.cases.some((c) => c.fires.length === 0)]).toEqual([a.name, true]);
    }
  });

  test("promtool check config", () => {
    const r = run("promtool", ["check", "config", files.prometheus]);
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("promtool check rules", () => {
    const r = run("promtool", ["check", "rules", files.rules]);
    expect(`${r.stdout}${r.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  test("promtool test rules: every alert fires on its synthetic series and stays silent on healthy ones", () => {
    expect(files.tests.length).toBeGreaterThan(0);
    const r = run("promtool", ["test", "rules", ...files.tests]);
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain("SUCCESS");
  });

  test("the blackbox exporter accepts its modules", () => {
    const r = run("prometheus-blackbox-exporter", ["--config.check", `--config.file=${files.blackbox}`]);
    if (r.status !== 0) throw new Error(`blackbox --config.check failed:\n${r.stdout}\n${r.stderr}`);
  });

  const amVersion = present ? version("amtool") : "0.0.0";
  const telegramFile = versionAtLeast(amVersion, ALERTMANAGER_MIN_VERSION_FOR_TELEGRAM_TOKEN_FILE);
  /**
   * The images run Alertmanager 0.28, whose Telegram receiver reads `bot_token_file`; Debian
   * bookworm's amtool is 0.25, which predates it. There, the test proves that `bot_token_file` is
   * the only thing 0.25 rejects, then checks the rest with that one key swapped for a placeholder.
   */
  const checkedAlertmanager = (): string => {
    if (telegramFile || !monitoring.files.alertmanager.includes("bot_token_file")) return files.alertmanager;
    const r = run("amtool", ["check-config", files.alertmanager]);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/field bot_token_file not found/);
    const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /^\s*line \d+:/.test(l));
    expect(lines.every((l) => l.includes("bot_token_file"))).toBe(true);
    // eslint-disable-next-line no-console
    console.warn(`amtool ${amVersion} predates bot_token_file (Alertmanager ${ALERTMANAGER_MIN_VERSION_FOR_TELEGRAM_TOKEN_FILE}); checking the rest of alertmanager.yml with a placeholder token`);
    return t.write("alertmanager/alertmanager.amtool-0.25.yml", require("node:fs").readFileSync(files.alertmanager, "utf8").replace(/bot_token_file: .*/, "bot_token: placeholder-for-amtool-0.25"));
  };

  test("amtool check-config", () => {
    const r = run("amtool", ["check-config", checkedAlertmanager()]);
    if (r.status !== 0) throw new Error(`amtool check-config failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain("SUCCESS");
  });

  test("amtool config routes test: criticals and warnings reach the expected receivers", () => {
    const file = checkedAlertmanager();
    const expected = expectedRoutes(monitoring.alertingProps);
    for (const severity of ["critical", "warning"] as const) {
      const r = run("amtool", ["config", "routes", "test", `--config.file=${file}`, `--verify.receivers=${expected[severity].join(",")}`, `severity=${severity}`, "alertname=Test", "stack=x"]);
      if (r.status !== 0) throw new Error(`amtool routes test for ${severity}: expected ${expected[severity].join(",")}, got:\n${r.stdout}\n${r.stderr}`);
      expect(r.stdout.trim()).toBe(expected[severity].join(","));
    }
  });
});

