// What of a unified list request the GPU API can do itself: statuses, the creation window, pages.
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
 * `filter[created_at]=from,to`. `to` is the smaller of `createdBefore` and `createdAtOrBefore` + 1 ms:
 * the backend keeps microseconds while our times are cut to milliseconds, so a job at .123456 sits
 * after a cursor at .123; one millisecond more keeps it whether the bound is inclusive or not, and
 * the caller drops anything extra.
 */
export function createdWindow(filter: JobFilter, createdAtOrBefore: Date | null | undefined): CreatedWindow {
  const before = filter.createdBefore ? filter.createdBefore.getTime() : Number.POSITIVE_INFINITY;
  const cursor = createdAtOrBefore ? createdAtOrBefore.getTime() + 1 : Number.POSITIVE_INFINITY;
  const to = Math.min(before, cursor);
  return { from: filter.createdAfter ?? null, to: Number.isFinite(to) ? new Date(to) : null };
}

/**
 * The continuation of a listing. Pages are offsets, so the page size and an upper time bound are
 * frozen at the first page: jobs created while the listing is read are newer than the bound and
 * cannot shift later pages (which would repeat a job at a page boundary).
 */
export interface PageToken {
  page: number;
  limit: number;
  toMs: number | null;
}

export function encodePageToken(token: PageToken): string {
  return `${token.page}:${token.limit}:${token.toMs ?? '-'}`;
}

export function decodePageToken(text: string): PageToken {
  const match = /^(\d+):(\d+):(\d+|-)$/.exec(text);
  if (!match) throw new Error(`not a GPU page token: ${JSON.stringify(text.slice(0, 40))}`);
  const [, page = '1', limit = '20', toMs = '-'] = match;
  return { page: Number(page), limit: Number(limit), toMs: toMs === '-' ? null : Number(toMs) };
}
