// Kinds of jobs a backend has the operation for but cannot apply it to: refused here, so the caller
// gets UNSUPPORTED instead of whatever the backend would say, and no call is made.
import type { Job } from '../providers/job.js';
import { CANCELLABLE_TYPES } from '../providers/rime/map.js';
import type { Operation } from './failures.js';

/** Why `job` can never take `operation`; null when it is the backend's to decide. */
export function unsupportedKind(job: Job, operation: Operation): string | null {
  if (operation === 'cancel' && job.provider === 'RIME' && !CANCELLABLE_TYPES.includes(job.jobType)) {
    return `RIME cannot cancel ${job.jobType} jobs; only ${CANCELLABLE_TYPES.join(', ')} jobs can be cancelled.`;
  }
  return null;
}
