// The one retry policy: how long to wait before the next attempt after some consecutive failures.
// The HTTP layer uses it between retries of one call, the live layer between rounds of a watcher
// that keeps failing; both want the same thing: exponential growth, a cap, and jitter so that many
// callers recovering together do not hit a backend in step.

export interface BackoffPolicy {
  /** The wait after the first failure. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

/** Exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (between half and all of it). */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(failures, 30) - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}
