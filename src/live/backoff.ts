import { backoffDelay as policyDelay } from '../providers/backoff.js';

/**
 * How long a watcher waits after `failures` consecutive failed rounds: the shared retry policy
 * starting at two intervals, capped at 30 s and 32 intervals so a recovered backend is noticed soon.
 */
export function backoffDelay(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return policyDelay({ baseMs: intervalMs * 2, maxMs: Math.min(30_000, intervalMs * 32) }, failures);
}
