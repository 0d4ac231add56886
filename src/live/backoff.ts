/**
 * How long to wait after `failures` consecutive failures: the normal interval doubled per failure,
 * with jitter so that many watchers recovering together do not hit a backend in step, and a cap.
 */
export function backoffDelay(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  // At most 30 s, and never more than 32 intervals: a recovered backend is noticed soon.
  const cap = Math.min(30_000, intervalMs * 32);
  const base = Math.min(cap, intervalMs * 2 ** Math.min(failures, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}
