import type { JobFilter, ListRequest, Provider } from '../providers/contract.js';
import { isProviderError, ProviderError } from '../providers/errors.js';
import { describeSkipped } from '../providers/tolerance.js';
import type { Job, JobProvider } from '../providers/job.js';
import { compareJobs, type SortKey } from './order.js';
import { ProviderStream } from './stream.js';

export interface MergedPage {
  jobs: Job[];
  hasNextPage: boolean;
  /** Why some backends' jobs (or some of them) are missing from the page. */
  failures: ProviderError[];
}

function asProviderError(provider: JobProvider, error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  // A defect in a mapper must not take the other backends' jobs down with it.
  return new ProviderError({
    code: 'BAD_RESPONSE',
    provider,
    message: `${provider} answer could not be processed`,
    cause: error,
  });
}

/**
 * One page of the list over every backend: a k-way merge of the backends' ordered streams that
 * stops as soon as `first + 1` jobs are known (the extra one tells whether there is a next page).
 * A backend that fails at once is left out and reported; the others still fill the page. One that
 * fails after it has answered (a later page of it) ends the page right there: the next page, from
 * that cursor, asks it again, so its jobs below that point are not silently skipped.
 */
export async function listMerged(
  providers: readonly Provider[],
  filter: JobFilter,
  first: number,
  after: SortKey | null,
  options: Pick<ListRequest, 'signal' | 'fields'> = {},
): Promise<MergedPage> {
  const { signal } = options;
  const wanted = first + 1;
  const all = providers.map((provider) => new ProviderStream(provider, filter, after, wanted, options));
  let streams = all;
  const failures: ProviderError[] = [];
  const jobs: Job[] = [];
  let cut = false;
  const page = (hasNextPage: boolean): MergedPage => ({ jobs: jobs.slice(0, first), hasNextPage, failures: [...failures, ...skippedFailures(all)] });

  while (jobs.length < wanted && streams.length > 0) {
    // Only streams whose next job is not known yet wait for their backend; the rest answer at once.
    const waiting = streams.filter((stream) => stream.peekNow() === undefined);
    if (waiting.length > 0) {
      const failed = new Set<ProviderStream>();
      await Promise.all(
        waiting.map(async (stream) => {
          try {
            await stream.peek();
          } catch (error) {
            if (signal?.aborted) throw error;
            failures.push(asProviderError(stream.provider.id, error));
            if (stream.answered) cut = true;
            failed.add(stream);
          }
        }),
      );
      // Cut only behind at least one job: an empty page could not carry a cursor to continue from.
      if (cut && jobs.length > 0) return page(true);
      if (failed.size > 0) streams = streams.filter((stream) => !failed.has(stream));
    }
    let best: { stream: ProviderStream; job: Job } | null = null;
    const remaining: ProviderStream[] = [];
    for (const stream of streams) {
      const job = stream.peekNow();
      if (job === null || job === undefined) continue;
      remaining.push(stream);
      if (best === null || compareJobs(job, best.job) < 0) best = { stream, job };
    }
    streams = remaining;
    if (best === null) break;
    jobs.push(best.stream.take());
  }

  return page(jobs.length > first);
}

/**
 * Items a backend's answers left out because their identity could not be read: the jobs around
 * them are served, and the page says how many were lost and which field was to blame.
 */
function skippedFailures(streams: readonly ProviderStream[]): ProviderError[] {
  return streams.flatMap((stream) => {
    const skipped = stream.skipped;
    if (skipped === null) return [];
    const provider = stream.provider.id;
    const error = new ProviderError({ code: 'BAD_RESPONSE', provider, message: `${provider}: ${describeSkipped(skipped)}` });
    return [error];
  });
}
