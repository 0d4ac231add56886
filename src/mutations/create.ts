// createGpuJob / createUCloudJob: validated input → the backend's create call → the new job.
import { isProviderError } from '../providers/errors.js';
import { encodeGlobalId, TYPE_OF_PROVIDER } from '../schema/global-id.js';
import { GpuProvider } from '../providers/gpu/provider.js';
import type { JobProvider } from '../providers/job.js';
import { UCloudProvider } from '../providers/ucloud/provider.js';
import { disabled, failed, succeeded, type MutationOutcome } from './failures.js';
import { secretsOf } from './gpu-secrets.js';
import type { GpuJobInput } from './gpu-input.js';
import { sentFailure } from './outcome.js';
import type { MutationDeps } from './preflight.js';
import { toUCloudSpec, type UCloudJobInput } from './ucloud-input.js';

/** A provider object that is not the backend's own (a test double) has no create call to use. */
function cannotCreate(provider: JobProvider): MutationOutcome {
  return failed({ code: 'UNSUPPORTED', message: `This gateway's ${provider} backend cannot create jobs.`, provider, operation: 'create' });
}

/** The GPU API answers a create with the job itself, so no read follows. Never retried. */
export async function createGpuJob(deps: MutationDeps, input: GpuJobInput): Promise<MutationOutcome> {
  const provider = deps.providers.get('GPU');
  if (!provider) return failed(disabled('GPU'));
  if (!(provider instanceof GpuProvider)) return cannotCreate('GPU');
  try {
    const readAt = performance.now();
    const job = await provider.create(input);
    deps.loaders.prime(job);
    deps.observe(job, readAt);
    return succeeded(job);
  } catch (error) {
    return failed(sentFailure(error, 'GPU', null, secretsOf(input)));
  }
}

/** UCloud answers a create with the new id only: the job is read right after. Never retried. */
export async function createUCloudJob(deps: MutationDeps, input: UCloudJobInput): Promise<MutationOutcome> {
  const provider = deps.providers.get('UCLOUD');
  if (!provider) return failed(disabled('UCLOUD'));
  if (!(provider instanceof UCloudProvider)) return cannotCreate('UCLOUD');
  let id: string;
  try {
    id = await provider.create(toUCloudSpec(input));
  } catch (error) {
    return failed(sentFailure(error, 'UCLOUD', null));
  }
  // The job exists now: a failed read must not look like a failed create, or a client would
  // create it again. outcomeUnknown tells it not to.
  const unreadable = (why: string): MutationOutcome =>
    failed({
      code: 'UNAVAILABLE',
      message: `UCloud created job ${id}, but it could not be read back (${why}). Do not create it again; look it up later by its ID.`,
      provider: 'UCLOUD',
      outcomeUnknown: true,
      jobId: encodeGlobalId(TYPE_OF_PROVIDER.UCLOUD, id),
    });
  try {
    const readAt = performance.now();
    const job = await deps.loaders.load('UCLOUD', id);
    if (job) deps.observe(job, readAt);
    return job ? succeeded(job) : unreadable('not listed yet');
  } catch (error) {
    return unreadable(isProviderError(error) ? error.message : 'the answer could not be processed');
  }
}
