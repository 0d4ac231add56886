import type { Random } from './random.js';

const DAY = 86_400_000;

/**
 * Creation times for a simulated backend, newest first: most jobs spread over the past months, a
 * few in the last hours so that some are still queued or running when the simulator starts. Every
 * simulator draws from the same shape, so the backends' jobs interleave in a merged listing.
 */
export function creationTimes(random: Random, count: number, now: number, spanDays = 180): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const recent = random.chance(0.12);
    const age = recent ? random.int(5_000, 6 * 3_600_000) : random.int(6 * 3_600_000, spanDays * DAY);
    times.push(now - age);
  }
  return times.sort((a, b) => b - a);
}
