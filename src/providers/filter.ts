import type { JobFilter } from './contract.js';
import type { Job } from './job.js';

/**
 * The whole filter, applied to a unified job. Providers push down what their API can; the gateway
 * then applies this to everything that comes back, so a backend that filters more loosely (or not
 * at all) never lets a non-matching job through.
 * The creation window is half-open: `createdAfter` included, `createdBefore` excluded.
 */
export function matchesFilter(job: Job, filter: JobFilter): boolean {
  if (filter.providers && filter.providers.length > 0 && !filter.providers.includes(job.provider)) return false;
  if (filter.states && filter.states.length > 0 && !filter.states.includes(job.state)) return false;
  if (filter.owner != null && job.owner !== filter.owner) return false;
  if (filter.project != null && job.project !== filter.project) return false;
  const created = job.createdAt.getTime();
  if (filter.createdAfter != null && created < filter.createdAfter.getTime()) return false;
  if (filter.createdBefore != null && created >= filter.createdBefore.getTime()) return false;
  if (filter.search != null && filter.search !== '') {
    if (!(job.name ?? '').toLowerCase().includes(filter.search.toLowerCase())) return false;
  }
  return true;
}
