import type { Job, JobProvider } from '../providers/job.js';

/** A job's position in the one list over every backend. */
export interface SortKey {
  createdAtMs: number;
  provider: JobProvider;
  providerJobId: string;
}

export function sortKeyOf(job: Job): SortKey {
  return { createdAtMs: job.createdAt.getTime(), provider: job.provider, providerJobId: job.providerJobId };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The list's order: newest first, ties by provider, then by the backend's id. Plain code-unit
 * comparison (not locale-aware) so every replica orders identically.
 */
export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  const byProvider = compareText(a.provider, b.provider);
  return byProvider !== 0 ? byProvider : compareText(a.providerJobId, b.providerJobId);
}

export function compareJobs(a: Job, b: Job): number {
  return compareKeys(sortKeyOf(a), sortKeyOf(b));
}

/** True when `job` comes strictly after the position `after` in the list. */
export function isAfter(job: Job, after: SortKey | null): boolean {
  return after === null || compareKeys(sortKeyOf(job), after) > 0;
}
