/**
 * End to end on this machine: the Debian prometheus binary loads a generated configuration and
 * rule file (targets rewritten to loopback), reports ready, and scrapes a real node_exporter and
 * a real blackbox exporter (with the generated blackbox modules), all on 127.0.0.1 ephemeral
 * ports. The test reads /api/v1/targets, /api/v1/query and /api/v1/rules, then stops everything
 * it started and removes its temporary directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { parse, stringify } from "yaml";
import { RULE_FILE_NAME } from "../../constructs/monitoring";
import { kohaMonitoredStack } from "./stacks";
import { haveTools, tempDir } from "./tools";

const present = haveTools("monitoring/loopback-e2e", ["prometheus", "nodeExporter", "blackboxExporter"]);
const maybe = present ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

maybe("generated Prometheus configuration on real binaries (loopback)", () => {
  const t = tempDir("e2e");
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  const { monitoring } = kohaMonitoredStack();
  let promUrl = "";

  const start = (bin: string, args: string[]) => {
    const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    p.stdout?.on("data", (d) => logs.push(`${bin}: ${d}`));
    p.stderr?.on("data", (d) => logs.push(`${bin}: ${d}`));
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    const [nodePort, blackboxPort, promPort] = [await freePort(), await freePort(), await freePort()];
    promUrl = `http://127.0.0.1:${promPort}`;
    // A backup job's metrics in node_exporter's textfile directory (what the backup issue publishes).
    t.write("textfile/backup.prom", "bulwark_backup_last_success_timestamp_seconds{service=\"mariadb\"} 1.7e9\nbulwark_backup_last_run_success{service=\"mariadb\"} 1\n");
    const rebase = (s: string) => s.replace(/\/etc\/(prometheus|alertmanager|blackbox)\//g, `${t.dir}/$1/`);
    for (const f of [...monitoring.plan.prometheusFiles, ...monitoring.plan.blackboxFiles]) t.write(rebase(f.path).slice(t.dir.length + 1), "dummy\n");
    const blackboxFile = t.write("blackbox/blackbox.yml", rebase(monitoring.files.blackbox));
    t.write(`prometheus/rules/${RULE_FILE_NAME}`, monitoring.files.rules);

    // Targets rewritten to loopback: the real exporters where they run here, a closed port elsewhere.
    const cfg = parse(rebase(monitoring.files.prometheus));
    cfg.global.scrape_interval = "1s";
    cfg.global.evaluation_interval = "1s";
    cfg.alerting.alertmanagers[0].static_configs[0].targets = ["127.0.0.1:1"];
    for (const job of cfg.scrape_configs) {
      if (job.scrape_interval) job.scrape_interval = "1s";
      for (const sc of job.static_configs) {
        sc.targets = sc.targets.map(() => {
          if (job.job_name === "blackbox") return sc.labels.probe === "opac" && sc.labels.scope === "internal" ? `http://127.0.0.1:${nodePort}/metrics` : "http://127.0.0.1:1/";
          if (job.job_name === "node") return `127.0.0.1:${nodePort}`;
          if (job.job_name === "prometheus") return `127.0.0.1:${promPort}`;
          return "127.0.0.1:1";
        });
      }
      for (const r of job.relabel_configs ?? []) if (r.target_label === "__address__") r.replacement = `127.0.0.1:${blackboxPort}`;
    }
    const promFile = t.write("prometheus/prometheus.yml", stringify(cfg));

    start("prometheus-node-exporter", [`--web.listen-address=127.0.0.1:${nodePort}`, `--collector.textfile.directory=${t.dir}/textfile`, "--collector.disable-defaults", "--collector.textfile", "--collector.filesystem", "--collector.meminfo"]);
    start("prometheus-blackbox-exporter", [`--web.listen-address=127.0.0.1:${blackboxPort}`, `--config.file=${blackboxFile}`]);
    start("prometheus", [`--config.file=${promFile}`, `--storage.tsdb.path=${t.dir}/data`, `--web.listen-address=127.0.0.1:${promPort}`]);
    await until("prometheus ready", async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
  }, 30_000);

  afterAll(async () => {
    for (const p of procs) {
      if (p.exitCode === null) {
        const done = new Promise((r) => p.once("exit", r));
        p.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 3000)))]);
        clearTimeout(timer);
        if (p.exitCode === null) p.kill("SIGKILL");
      }
      p.stdout?.destroy();
      p.stderr?.destroy();
    }
    t.cleanup();
  });

  test("scrapes the real node_exporter and, through the blackbox exporter, probes a real endpoint", async () => {
    const health = await until("node and blackbox targets up", async () => {
      const j = await getJson(`${promUrl}/api/v1/targets`);
      const active: any[] = j.data.activeTargets;
      const node = active.find((a) => a.labels.job === "node");
      const probe = active.find((a) => a.labels.job === "blackbox" && a.labels.probe === "opac" && a.labels.scope === "internal");
      return node?.health === "up" && probe?.health === "up" ? { node, probe, active } : undefined;
    });
    expect(health.node.labels.service).toBe("node-exporter");
    expect(health.probe.labels.service).toBe("koha");
    // Every generated job was loaded (the others point at a closed port and are down).
    const jobs = new Set(health.active.map((a: any) => a.labels.job));
    for (const job of ["prometheus", "alertmanager", "node", "cadvisor", "mysqld", "memcached", "rabbitmq", "blackbox"]) expect(jobs.has(job)).toBe(true);
    const ok = await until("probe_success 1", async () => {
      const q = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent('probe_success{probe="opac",scope="internal"}')}`);
      return q.data.result[0]?.value[1] === "1" ? q : undefined;
    });
    expect(ok.data.result[0].metric.signal).toBe("availability");
    const backup = await until("backup metric via textfile", async () => {
      const q = await getJson(`${promUrl}/api/v1/query?query=bulwark_backup_last_run_success`);
      return q.data.result.length > 0 ? q : undefined;
    });
    expect(backup.data.result[0].metric.service).toBe("mariadb");
  }, 30_000);

  test("loads every generated rule: /api/v1/rules lists each alert and the SLO recording rules", async () => {
    const j = await getJson(`${promUrl}/api/v1/rules`);
    const rules: any[] = j.data.groups.flatMap((g: any) => g.rules);
    const alerts = new Set(rules.filter((r) => r.type === "alerting").map((r) => r.name));
    for (const a of monitoring.plan.alerts) expect([a.name, alerts.has(a.name)]).toEqual([a.name, true]);
    expect(rules.some((r) => r.type === "recording" && r.name === "slo:sli_error:ratio_rate5m")).toBe(true);
    expect(rules.every((r) => r.health !== "err")).toBe(true);
    // A target that is down makes TargetDown pending within seconds (for: 5m keeps it from firing).
    const pending = await until("TargetDown pending", async () => {
      const a = await getJson(`${promUrl}/api/v1/alerts`);
      return a.data.alerts.some((x: any) => x.labels.alertname === "TargetDown") ? a : undefined;
    });
    expect(pending.data.alerts.find((x: any) => x.labels.alertname === "TargetDown").labels.severity).toBe("critical");
  }, 30_000);
});
