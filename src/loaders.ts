import DataLoader from 'dataloader';
import type { CallerBackends } from './identity/caller-backends.js';
import type { Job, JobProvider } from './providers/job.js';
import { ProviderError } from './providers/errors.js';

/**
 * Per-request job loaders, one per backend: every id asked for during one operation is collected
 * into one `getMany` call per backend (one batched request where the backend has a batch endpoint),
 * and no id is fetched twice in the same operation.
 */
export class JobLoaders {
  // Made on first use: most operations (every subscription) never load a job through here.
  private loaders: Map<JobProvider, DataLoader<string, Job | null>> | null = null;

  constructor(
    private readonly backends: CallerBackends,
    private readonly signal?: AbortSignal,
  ) {}

  load(provider: JobProvider, id: string): Promise<Job | null> {
    return this.loader(provider).load(id);
  }

  loadMany(provider: JobProvider, ids: readonly string[]): Promise<(Job | null | Error)[]> {
    return this.loader(provider).loadMany(ids);
  }

  /**
   * Remembers a job read in full by other means (a create's answer) so a later lookup in the same
   * operation costs nothing. Not for jobs from a list page: those can lack fields that only a get
   * returns (a Data Manager instance's `taskIds`).
   */
  prime(job: Job): void {
    this.loader(job.provider).prime(job.providerJobId, job);
  }

  /** Forgets a job after a mutation so the next read is fresh. */
  clear(provider: JobProvider, id: string): void {
    this.loaders?.get(provider)?.clear(id);
  }

  private loader(provider: JobProvider): DataLoader<string, Job | null> {
    this.loaders ??= new Map();
    let loader = this.loaders.get(provider);
    if (!loader) {
      loader = new DataLoader<string, Job | null>(async (ids) => {
        const backend = this.backends.providers.get(provider);
        if (!backend) {
          const error = this.backends.missing.has(provider) ? this.backends.unauthenticated(provider) : new ProviderError({
            code: 'UNAVAILABLE',
            provider,
            message: `${provider} is not enabled on this gateway`,
          });
          return ids.map(() => error);
        }
        return backend.getMany(ids, { signal: this.signal });
      });
      this.loaders.set(provider, loader);
    }
    return loader;
  }
}
