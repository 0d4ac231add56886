import type { Job } from '../providers/job.js';

/**
 * Fields that move with the clock on every poll of a running job (running time, and a Data Manager
 * instance's running cost), and fields only some reads carry (a Data Manager instance's tasks come
 * with a get, not with the listing live polling uses). A change in them alone is not an event; they
 * ride along with real changes.
 */
const CLOCK_DRIVEN = new Set(['runningTimeSeconds', 'runTime', 'coins', 'taskIds']);

function stable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** A comparable digest of everything about a job that counts as a change. */
export function fingerprint(job: Job): string {
  const significant = Object.fromEntries(Object.entries(job).filter(([key]) => !CLOCK_DRIVEN.has(key)));
  return JSON.stringify(stable(significant));
}

/** The last word on a job its backend removed: cancelled, as of now. */
export function removed(job: Job): Job {
  return {
    ...job,
    state: 'CANCELLED',
    finishedAt: job.finishedAt ?? new Date(),
    statusMessage: `Removed from ${job.provider}`,
    capabilities: { cancel: false, extend: false, suspend: false, resume: false, logs: job.capabilities.logs },
  };
}
