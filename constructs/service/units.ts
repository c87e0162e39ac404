/**
 * Typed units for the service model. A renderer turns them into its own syntax (Docker's "30s",
 * Kubernetes' `periodSeconds: 30`); the model never holds a renderer's string.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A span of time, as in aws-cdk: `Duration.seconds(30)`. Whole milliseconds, never negative. */
export class Duration {
  static millis(n: number): Duration {
    return new Duration(n, "ms");
  }
  static seconds(n: number): Duration {
    return new Duration(n, "s");
  }
  static minutes(n: number): Duration {
    return new Duration(n, "m");
  }
  static hours(n: number): Duration {
    return new Duration(n, "h");
  }

  /** True for a Duration (also one made by another copy of this module). */
  static isDuration(v: unknown): v is Duration {
    return v instanceof Duration || (typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "duration" && typeof (v as Duration).toMilliseconds === "function");
  }

  readonly kind = "duration" as const;
  private readonly ms: number;

  private constructor(amount: number, unit: keyof typeof UNIT_MS) {
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
      throw new Error(`Duration: ${String(amount)} ${unit} is not a non-negative number`);
    }
    const ms = amount * UNIT_MS[unit];
    if (!Number.isInteger(ms)) throw new Error(`Duration: ${amount} ${unit} is not a whole number of milliseconds`);
    this.ms = ms;
  }

  toMilliseconds(): number {
    return this.ms;
  }

  /** Whole seconds, rounded up (Kubernetes probe fields and stop timeouts take seconds). */
  toSeconds(): number {
    return Math.ceil(this.ms / 1000);
  }

  /** Docker/Go duration syntax in seconds or milliseconds: "30s", "300s", "500ms". */
  toDockerString(): string {
    if (this.ms % 1000 === 0) return `${this.ms / 1000}s`;
    return `${this.ms}ms`;
  }

  toString(): string {
    return this.toDockerString();
  }

  toJSON(): string {
    return this.toDockerString();
  }
}
