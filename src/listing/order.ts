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

// compareKeys without building two keys: merging and sorting compare jobs on every step of a page.
export function compareJobs(a: Job, b: Job): number {
  const aMs = a.createdAt.getTime();
  const bMs = b.createdAt.getTime();
  if (aMs !== bMs) return bMs - aMs;
  const byProvider = compareText(a.provider, b.provider);
  return byProvider !== 0 ? byProvider : compareText(a.providerJobId, b.providerJobId);
}

/** compareKeys(sortKeyOf(job), key), without building the job's key. */
function compareJobToKey(job: Job, key: SortKey): number {
  const ms = job.createdAt.getTime();
  if (ms !== key.createdAtMs) return key.createdAtMs - ms;
  const byProvider = compareText(job.provider, key.provider);
  return byProvider !== 0 ? byProvider : compareText(job.providerJobId, key.providerJobId);
}

/** True when `job` comes strictly after the position `after` in the list. */
export function isAfter(job: Job, after: SortKey | null): boolean {
  return after === null || compareJobToKey(job, after) > 0;
}

/** The index of the first job of `jobs` (in list order) that comes after `after`: a binary search. */
export function firstAfter(jobs: readonly Job[], after: SortKey | null): number {
  if (after === null) return 0;
  let low = 0;
  let high = jobs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const job = jobs[middle];
    if (job !== undefined && compareJobToKey(job, after) > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}
