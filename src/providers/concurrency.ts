import { isProviderError, type ProviderError } from './errors.js';
import type { JobProvider } from './job.js';
import { skippedError, type SkippedItems } from './tolerance.js';

/**
 * Runs `task` over `items` with at most `limit` in flight, keeping the results in input order.
 * Backends without a batch endpoint get one request per id, and this keeps a large batch from
 * opening a request storm against them.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Splits `items` into slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `getMany` for a backend without a batch endpoint: one `fetch` per distinct id, `limit` at a time,
 * results aligned with `ids`. A 404 is an unknown id (null); any other backend error stays with
 * its id so the rest of the batch still answers.
 */
export async function getEach<J>(
  ids: readonly string[],
  limit: number,
  fetch: (id: string) => Promise<J>,
): Promise<(J | null | ProviderError)[]> {
  const distinct = [...new Set(ids)];
  const results = await mapLimit(distinct, limit, async (id): Promise<J | null | ProviderError> => {
    try {
      return await fetch(id);
    } catch (error) {
      if (!isProviderError(error)) throw error;
      return error.code === 'NOT_FOUND' ? null : error;
    }
  });
  const byId = new Map(distinct.map((id, index) => [id, results[index] ?? null]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** One batch's answer: the jobs found (by the id they were asked by) and how many items were unreadable. */
export interface BatchAnswer<J> {
  found: readonly (readonly [string, J])[];
  skipped: SkippedItems | null;
}

/**
 * `getMany` for a backend with a batch fetch (a list filtered by ids): `fetch` gets `size` ids at a
 * time, `limit` batches at once. Results are aligned with `ids` after `key` (how the backend spells
 * an id: case, say); ids that `key` maps to null cannot exist and are null without a request. A
 * failed batch gives its error to each of its ids, and every batch failing is the call's failure.
 * An id missing from an answer that left unreadable items out may be one of them: it gets
 * `BAD_RESPONSE`, not null, so nobody takes it for gone.
 */
export async function getInBatches<J>(
  ids: readonly string[],
  options: { size: number; limit: number; key: (id: string) => string | null; call: string; provider: JobProvider },
  fetch: (batch: string[]) => Promise<BatchAnswer<J>>,
): Promise<(J | null | ProviderError)[]> {
  const keys = ids.map(options.key);
  const batches = chunk([...new Set(keys.filter((key): key is string => key !== null))], options.size);
  const answers = await mapLimit(batches, options.limit, async (batch): Promise<BatchAnswer<J> | ProviderError> => {
    try {
      return await fetch(batch);
    } catch (error) {
      if (isProviderError(error)) return error;
      throw error;
    }
  });
  const failures = answers.filter(isProviderError);
  if (batches.length > 0 && failures.length === batches.length) throw failures[0];
  const found = new Map<string, J | ProviderError>();
  answers.forEach((answer, index) => {
    const batch = batches[index] ?? [];
    if (isProviderError(answer)) {
      for (const key of batch) found.set(key, answer);
      return;
    }
    for (const [key, job] of answer.found) found.set(key, job);
    if (answer.skipped) {
      const error = skippedError(options.provider, options.call, answer.skipped);
      for (const key of batch) if (!found.has(key)) found.set(key, error);
    }
  });
  return keys.map((key) => (key === null ? null : (found.get(key) ?? null)));
}
