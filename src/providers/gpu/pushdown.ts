// What of a unified list request the GPU API can do itself: statuses, the creation window, pages.
import { z } from 'zod';
import type { JobFilter } from '../contract.js';
import type { JobState } from '../job.js';
import { toJobState } from './map.js';
import { GPU_JOB_STATUSES } from './wire.js';

/**
 * The `filter[status]` values for the wanted unified states: null for no status filter, an empty
 * list when no GPU status can produce any of them. Derived from `toJobState` so the two cannot drift.
 */
export function statusFilter(states: readonly JobState[] | null | undefined): string[] | null {
  if (!states || states.length === 0) return null;
  // UNKNOWN stands for statuses nobody documented; the server cannot be asked for "any other".
  if (states.includes('UNKNOWN')) return null;
  return GPU_JOB_STATUSES.filter((status) => states.includes(toJobState(status)));
}

export interface CreatedWindow {
  from: Date | null;
  to: Date | null;
}

/**
 * `filter[created_at]=from,to`. `to` is the smaller of `createdBefore` and `createdAtOrBefore` plus
 * `slackMs`: the backend keeps microseconds while our times are cut to milliseconds (slack 1 ms),
 * or it reports bare dates (slack one day); the bound must still cover every job we see at the
 * cursor, and the caller drops anything extra.
 */
export function createdWindow(filter: JobFilter, createdAtOrBefore: Date | null | undefined, slackMs: number): CreatedWindow {
  const before = filter.createdBefore ? filter.createdBefore.getTime() : Number.POSITIVE_INFINITY;
  const cursor = createdAtOrBefore ? createdAtOrBefore.getTime() + slackMs : Number.POSITIVE_INFINITY;
  const to = Math.min(before, cursor);
  return { from: filter.createdAfter ?? null, to: Number.isFinite(to) ? new Date(to) : null };
}

/**
 * Where a listing continues. Pages are not offsets (jobs that change state under a state filter,
 * or new jobs, would shift them and skip or repeat a job at a page boundary) but a time bound: the
 * next page is the newest jobs created at or before the oldest one seen so far, plus `slack`, minus
 * those already returned at that bound (`seen`). Only when a whole page shares one bound does it
 * fall back to the next page number within the bound.
 */
export interface PageToken {
  limit: number;
  toMs: number;
  page: number;
  /** Jobs already returned that the bound still covers: uuid and creation time (ms). */
  seen: [string, number][];
}

const tokenSchema = z.object({
  limit: z.number().int().min(1),
  toMs: z.number().int(),
  page: z.number().int().min(1),
  seen: z.array(z.tuple([z.string(), z.number().int()])),
});

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

export function decodePageToken(text: string): PageToken {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const parsed = tokenSchema.safeParse(value);
  if (!parsed.success) throw new Error(`not a GPU page token: ${JSON.stringify(text.slice(0, 40))}`);
  return parsed.data;
}

/** The token for the page after one that returned `page` (every job of it, seen before or not). */
export function nextPageToken(previous: PageToken | null, limit: number, page: { providerJobId: string; createdAt: Date }[], slackMs: number): PageToken {
  const oldest = Math.min(...page.map((job) => job.createdAt.getTime()));
  const toMs = oldest + slackMs;
  const seen = [...(previous?.seen ?? []), ...page.map((job): [string, number] => [job.providerJobId, job.createdAt.getTime()])].filter(
    ([, at]) => at >= oldest && at <= toMs,
  );
  const unique = [...new Map(seen).entries()];
  // No progress: the whole page shares the previous bound; step through it by page number.
  if (previous && toMs >= previous.toMs) return { limit, toMs: previous.toMs, page: previous.page + 1, seen: unique };
  return { limit, toMs, page: 1, seen: unique };
}
