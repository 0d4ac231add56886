// Everything decided before a change is sent: is the backend there, does it have the operation,
// does the job exist, can its kind and state take the change. Each "no" costs no mutation call.
import type { JobLoaders } from '../loaders.js';
import type { Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { isTerminal, type Job } from '../providers/job.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { disabled, notFound, type MutationFailure, type Operation } from './failures.js';
import { unsupportedKind } from './kinds.js';
import { readFailure } from './outcome.js';
import type { Target } from './target.js';

/** What the mutation logic needs of a request: the enabled backends and its batching loaders. */
export interface MutationDeps {
  providers: ProviderRegistry;
  loaders: JobLoaders;
  /** Told of every job read back after a change (read begun at `readAt`, `performance.now()`), so live subscribers hear of it at once. */
  observe: (job: Job, readAt: number) => void;
}

export type JobOperation = Exclude<Operation, 'create'>;

/** A job that passed every check: the change may be sent. */
export interface Ready {
  target: Target;
  provider: Provider;
  /** The job as read just before the change. */
  job: Job;
}

function hasOperation(provider: Provider, operation: JobOperation): boolean {
  return operation === 'cancel' || typeof provider[operation] === 'function';
}

function checkJob(target: Target, provider: Provider, job: Job, operation: JobOperation): Ready | MutationFailure {
  const kind = unsupportedKind(job, operation);
  if (kind !== null) return { code: 'UNSUPPORTED', message: kind, provider: target.provider, operation };
  if (isTerminal(job.state)) {
    return {
      code: 'REJECTED',
      message: `${target.provider} job ${target.id} has already ended (${job.state}).`,
      provider: target.provider,
      status: null,
    };
  }
  return { target, provider, job };
}

/**
 * Checks every target for `operation`, aligned with `targets`. The reads go through the request's
 * loaders, started together so that each backend gets one batched read.
 */
export async function preflight(deps: MutationDeps, targets: readonly Target[], operation: JobOperation): Promise<(Ready | MutationFailure)[]> {
  const checks = targets.map((target): Promise<Ready | MutationFailure> | MutationFailure => {
    const provider = deps.providers.get(target.provider);
    if (!provider) return disabled(target.provider);
    if (!hasOperation(provider, operation)) {
      return {
        code: 'UNSUPPORTED',
        message: `${target.provider} has no ${operation} operation: only UCloud jobs can be extended, suspended and resumed.`,
        provider: target.provider,
        operation,
      };
    }
    return deps.loaders.load(target.provider, target.id).then(
      (job) => (job === null ? notFound(target.provider, target.id, target.globalId) : checkJob(target, provider, job, operation)),
      (error: unknown) => {
        if (isProviderError(error)) return readFailure(error, operation);
        throw error;
      },
    );
  });
  return Promise.all(checks);
}

export function isReady(value: Ready | MutationFailure): value is Ready {
  return 'job' in value && 'target' in value;
}
