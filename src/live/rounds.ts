import { backoffDelay } from './backoff.js';

/**
 * Runs `round` over and over: never two at once, an interval apart, backing off after failures
 * (`round` resolves false), and only while `wanted()` — with nothing to watch, no timer is left.
 */
export class Rounds {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly round: () => Promise<boolean>,
    private readonly wanted: () => boolean,
    /** After every round, done or failed (stats: tests and benchmarks relate upstream request counts to rounds). */
    private readonly onRound: () => void = () => undefined,
  ) {}

  /** Plans the next round, unless one is planned or running already. */
  schedule(delayMs = this.intervalMs): void {
    if (this.stopped || this.timer || this.running || !this.wanted()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
    this.timer.unref?.();
  }

  /** A round now rather than at the next interval (unless one is running). */
  now(): void {
    if (this.running) return;
    this.pause();
    this.schedule(0);
  }

  /** No round until `schedule` is called again. */
  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.stopped = true;
    this.pause();
  }

  private async run(): Promise<void> {
    this.running = true;
    let ok = false;
    try {
      ok = await this.round();
    } finally {
      this.running = false;
      this.onRound();
      this.failures = ok ? 0 : this.failures + 1;
      this.schedule(backoffDelay(this.intervalMs, this.failures));
    }
  }
}
