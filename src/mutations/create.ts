// createGpuJob / createUCloudJob: a validated spec → the backend's create call → the new job.
import type { CreatedJob, CreateSpec, CreateSpecs } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { providerFor } from '../providers/registry.js';
import { sentFailure } from './backend-failure.js';
import type { MutationDeps } from './preflight.js';
import { failed, succeeded, unsupported, type MutationOutcome } from './result.js';

/**
 * Creates a job on `backend`, answering it as created or, when the backend answers with an id only
 * (UCloud), as read right after. Never retried. `secrets` are values of the spec that must never
 * come back in a message.
 */
export async function createJob<P extends keyof CreateSpecs>(
  deps: MutationDeps,
  backend: P,
  spec: CreateSpec<P>,
  secrets: readonly string[] = [],
): Promise<MutationOutcome> {
  const provider = providerFor(deps.providers, backend);
  if (!provider) return failed(deps.unreachable(backend));
  if (!provider.create) return failed(unsupported(backend, 'create', `This gateway's ${backend} backend cannot create jobs.`));
  const sentAt = performance.now();
  let created: CreatedJob;
  try {
    created = await provider.create(spec);
  } catch (error) {
    return failed(sentFailure(error, backend, null, secrets));
  }
  if (created.job) {
    deps.loaders.prime(created.job);
    deps.observe(created.job, sentAt);
    return succeeded(created.job);
  }
  // The job exists now: a failed read must not look like a failed create, or a client would
  // create it again. outcomeUnknown tells it not to.
  const unreadable = (why: string): MutationOutcome =>
    failed({
      code: 'UNAVAILABLE',
      message: `${backend} created job ${created.id}, but it could not be read back (${why}). Do not create it again; look it up later by its ID.`,
      provider: backend,
      outcomeUnknown: true,
      existingJobId: created.id,
    });
  try {
    const readAt = performance.now();
    const job = await deps.loaders.load(backend, created.id);
    if (job) deps.observe(job, readAt);
    return job ? succeeded(job) : unreadable('not listed yet');
  } catch (error) {
    return unreadable(isProviderError(error) ? error.message : 'the answer could not be processed');
  }
}
