import type { ProviderId } from '../providers/job.js';
import { decodeGlobalId, providerOfType } from './global-id.js';

/** Which backend holds a job, and its ID there, from the job's global ID (a clear error when invalid). */
export function targetOf(globalId: string | number): { provider: ProviderId; id: string } {
  const { typename, id } = decodeGlobalId(String(globalId));
  return { provider: providerOfType(typename) as ProviderId, id };
}
