// Time as both processes of a benchmark can compare it: milliseconds since the epoch with
// sub-millisecond resolution (performance.now() is per process, so it is anchored to timeOrigin).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Polls `condition` until it holds or `timeoutMs` passes; true when it held. Never throws on timeout: benchmarks report, they do not fail. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}
