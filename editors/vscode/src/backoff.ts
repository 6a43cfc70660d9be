/**
 * When to restart a crashed language server. Pure (the clock is injected) for unit tests.
 *
 * Delays double from `baseMs` up to `maxMs`; after `maxRestarts` crashes in a row the server
 * stays down. A server that ran for `stableMs` before crashing starts a new series, so one
 * crash a day never exhausts the budget.
 */

export interface RestartPolicyOptions {
  maxRestarts: number;
  baseMs?: number;
  maxMs?: number;
  stableMs?: number;
  now?: () => number;
}

export class RestartPolicy {
  private crashes = 0;
  private startedAt: number | undefined;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly stableMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RestartPolicyOptions) {
    this.baseMs = options.baseMs ?? 1_000;
    this.maxMs = options.maxMs ?? 30_000;
    this.stableMs = options.stableMs ?? 180_000;
    this.now = options.now ?? Date.now;
  }

  /** The server has (re)started. */
  started(): void {
    this.startedAt = this.now();
  }

  /** Forget past crashes (a restart the user asked for). */
  reset(): void {
    this.crashes = 0;
  }

  /** How many crashes in the current series. */
  get crashCount(): number {
    return this.crashes;
  }

  /** The server crashed: milliseconds to wait before restarting, or undefined to give up. */
  nextDelay(): number | undefined {
    if (this.startedAt !== undefined && this.now() - this.startedAt >= this.stableMs) {
      this.crashes = 0;
    }
    this.startedAt = undefined;
    if (this.crashes >= this.options.maxRestarts) {
      return undefined;
    }
    const delay = Math.min(this.baseMs * 2 ** this.crashes, this.maxMs);
    this.crashes += 1;
    return delay;
  }
}
