import { isProviderError, type ProviderError } from './errors.js';

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
