// Everything decided before a change is sent: is the backend there, does it have the operation,
// does the job exist, can its kind and state take the change. Each "no" costs no mutation call.
import type { JobLoaders } from '../loaders.js';
import { operationsOf, type JobOperation, type Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { isTerminal, type Job, type JobProvider } from '../providers/job.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { readFailure } from './backend-failure.js';
import { notFound, unsupported, type MutationFailure } from './result.js';
import type { Target } from './target.js';

/** What the mutation logic needs of a request: the enabled backends and its batching loaders. */
export interface MutationDeps {
  /** The backends this caller can reach, each with the credential it is read with. */
  providers: ProviderRegistry;
  /** Why a backend this caller cannot reach is out of reach: not enabled, or no credential sent for it. */
  unreachable: (provider: JobProvider) => MutationFailure;
  loaders: JobLoaders;
  /** Told of every job read back after a change (read begun at `readAt`, `performance.now()`), so live subscribers hear of it at once. */
  observe: (job: Job, readAt: number) => void;
}

/** A job that passed every check: the change may be sent. */
export interface Ready {
  target: Target;
  provider: Provider;
  /** The job as read just before the change. */
  job: Job;
}

function checkJob(target: Target, provider: Provider, job: Job, operation: JobOperation): Ready | MutationFailure {
  const kind = provider.unsupportedFor?.(job, operation) ?? null;
  if (kind !== null) return unsupported(target.provider, operation, kind);
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
    if (!provider) return deps.unreachable(target.provider);
    if (!operationsOf(provider)[operation]) {
      return unsupported(target.provider, operation, `${target.provider} has no ${operation} operation: ${whoHas(deps.providers, operation)}.`);
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

/** `only UCLOUD jobs have it`: the backends of this gateway that do. */
function whoHas(providers: ProviderRegistry, operation: JobOperation): string {
  const having = [...providers.values()].filter((provider) => operationsOf(provider)[operation]).map((provider) => provider.id);
  return having.length === 0 ? 'no backend of this gateway has it' : `only ${having.join(' and ')} jobs have it`;
}

export function isReady(value: Ready | MutationFailure): value is Ready {
  return 'job' in value && 'target' in value;
}
