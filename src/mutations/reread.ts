import { isProviderError } from '../providers/errors.js';
import type { Job } from '../providers/job.js';
import type { JobOperation } from '../providers/contract.js';
import type { MutationDeps, Ready } from './preflight.js';

/**
 * The jobs as they are after a change that was applied, aligned with `applied`: read again past the
 * request's cache, one batch per backend. The change already happened, so a failed read does not
 * turn it into a failure: the job as read before the change stands in. A job gone after a cancel (a
 * deleted Data Manager instance disappears) was cancelled.
 */
export async function reread(deps: MutationDeps, applied: readonly Ready[], operation: JobOperation): Promise<Job[]> {
  for (const { target } of applied) deps.loaders.clear(target.provider, target.id);
  const readAt = performance.now();
  const jobs = await Promise.all(
    applied.map(({ target, job: before }) =>
      deps.loaders.load(target.provider, target.id).then(
        (after): Job => after ?? (operation === 'cancel' ? cancelledCopy(before) : before),
        (error: unknown): Job => {
          if (isProviderError(error)) return before;
          throw error;
        },
      ),
    ),
  );
  for (const job of jobs) deps.observe(job, readAt);
  return jobs;
}

function cancelledCopy(job: Job): Job {
  return { ...job, state: 'CANCELLED', capabilities: { ...job.capabilities, cancel: false, extend: false, suspend: false, resume: false } };
}
