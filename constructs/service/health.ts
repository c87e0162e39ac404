/**
 * Typed helpers for health probes. A probe runs inside the container, so it can use only the
 * tools the image ships: each helper says which tool it needs and the profile picks one the
 * image really has.
 */
import type { ProbeCommand } from "./spec";

export type HttpProbeTool = "curl" | "wget";
export type TcpProbeTool = "bash" | "nc";

export interface HttpProbeOptions {
  readonly port: number;
  /** @default "/" */
  readonly path?: string;
  /** Tool available in the image. */
  readonly tool: HttpProbeTool;
  /** Host header / address to probe. @default "127.0.0.1" */
  readonly host?: string;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`HealthProbe: port ${port} is not a TCP port (1-65535)`);
  }
}

export const HealthProbe = {
  /** Run a program directly (no shell): `["mysqladmin", "ping"]`. */
  exec(...command: string[]): ProbeCommand {
    if (command.length === 0 || command.some((c) => c.trim() === "")) {
      throw new Error("HealthProbe.exec: the command is empty; give the program and its arguments");
    }
    return { kind: "exec", command };
  },

  /** Run a shell script with `/bin/sh -c` (the image must have a shell). */
  shell(script: string): ProbeCommand {
    if (script.trim() === "") throw new Error("HealthProbe.shell: the script is empty");
    return { kind: "shell", script };
  },

  /** HTTP GET that fails on a non-2xx/3xx status. */
  http(opts: HttpProbeOptions): ProbeCommand {
    checkPort(opts.port);
    const path = opts.path ?? "/";
    if (!path.startsWith("/")) throw new Error(`HealthProbe.http: path "${path}" must start with "/"`);
    const url = `http://${opts.host ?? "127.0.0.1"}:${opts.port}${path}`;
    if (opts.tool === "curl") return { kind: "exec", command: ["curl", "-fsS", "-o", "/dev/null", "--max-time", "4", url] };
    return { kind: "exec", command: ["wget", "-q", "-T", "4", "-O", "/dev/null", url] };
  },

  /** TCP connect to a local port. `bash` uses /dev/tcp; `nc` needs netcat with -z. */
  tcp(port: number, tool: TcpProbeTool): ProbeCommand {
    checkPort(port);
    if (tool === "bash") return { kind: "exec", command: ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`] };
    return { kind: "exec", command: ["nc", "-z", "-w", "3", "127.0.0.1", String(port)] };
  },
};

/** Docker healthcheck `test` array for a probe. */
export function dockerHealthTest(probe: ProbeCommand): string[] {
  return probe.kind === "exec" ? ["CMD", ...probe.command] : ["CMD-SHELL", probe.script];
}
