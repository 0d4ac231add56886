// The one contract every backend implements. The schema, the loaders and the live layer only ever
// talk to this interface; each `providers/<backend>/provider.ts` turns it into wire calls.
import type { ProviderError } from './errors.js';
import type { SkippedItems } from './tolerance.js';
import type { Job, JobState, JobProvider } from './job.js';

export interface JobFilter {
  providers?: readonly JobProvider[] | null;
  states?: readonly JobState[] | null;
  owner?: string | null;
  project?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  /** Case-insensitive substring of the job's name. */
  search?: string | null;
}

export interface ListRequest {
  /** Pushed down as far as the backend's API allows; the caller re-applies it to whatever comes back. */
  filter: JobFilter;
  /**
   * Only jobs created at or before this instant are wanted (the position of a keyset cursor).
   * Newer jobs may still come back; the caller drops them.
   */
  createdAtOrBefore?: Date | null;
  /** How many jobs the caller expects to use; the backend page size is chosen from it. */
  pageSize: number;
  /** Continuation of this same listing, from the previous page's `nextPageToken`. */
  pageToken?: string | null;
  signal?: AbortSignal;
}

export interface ListPage {
  jobs: Job[];
  /** Null at the end of the listing. Opaque to the caller. */
  nextPageToken: string | null;
  /**
   * Items of this answer that were left out because their identity could not be read; the caller
   * reports them (`providerErrors`). Absent or null: none.
   */
  skipped?: SkippedItems | null;
}

/**
 * One answer of `getMany`, aligned with the requested ids: the job, null when unknown, or the error.
 * Null means the backend said the job does not exist; an answer that left items out (unreadable
 * identity) cannot say that of a missing id, which then gets a `BAD_RESPONSE` error instead.
 */
export type GetResult = Job | null | ProviderError;

export interface LogEntry {
  /** Replica index from 0 (UCloud); 0 elsewhere. */
  rank: number;
  stream: 'STDOUT' | 'STDERR' | 'EVENT';
  text: string;
  timestamp: Date;
}

export interface LogPoll {
  entries: LogEntry[];
  /** Pass back to the next poll to get only what is new. */
  cursor: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** One step of a backend's own live stream (UCloud `follow`). */
export interface JobStreamEvent {
  /** The job as it is after this step; null when the step only carried output. */
  job: Job | null;
  logs: LogEntry[];
}

/** What every provider factory receives besides its backend's credentials. */
export interface ProviderOptions {
  /** `UPSTREAM_TIMEOUT_MS`: the deadline of one upstream call, retries included. */
  timeoutMs: number;
}

export interface Provider {
  readonly id: JobProvider;
  /**
   * `newest-first`: list pages come in `createdAt` descending order, so a merged listing can stop
   * reading early. `unordered`: every page must be read before the newest job is known.
   */
  readonly listOrder: 'newest-first' | 'unordered';
  list(request: ListRequest): Promise<ListPage>;
  /** The batching entry point: as few upstream requests as the backend allows, never one id twice. */
  getMany(ids: readonly string[], options?: CallOptions): Promise<GetResult[]>;
  /**
   * The current state of many followed jobs at once, for live polling: as few requests as the
   * backend allows, even if that means reading more than was asked (a listing) or fewer fields
   * than a get gives. Aligned with `ids` like `getMany`; absent, `getMany` serves.
   */
  refreshMany?(ids: readonly string[], options?: CallOptions): Promise<GetResult[]>;
  cancel(id: string, options?: CallOptions & { reason?: string }): Promise<void>;
  /** Cancels several jobs in one call, where the backend has a bulk call (UCloud `terminate`). */
  cancelMany?(ids: readonly string[], options?: CallOptions): Promise<void>;
  /** Operations only some backends have; absent means the backend cannot do it. */
  extend?(id: string, seconds: number, options?: CallOptions): Promise<void>;
  suspend?(id: string, options?: CallOptions): Promise<void>;
  resume?(id: string, options?: CallOptions): Promise<void>;
  /**
   * Live output, one of two ways: polled increments (`pollLogs`: what is new since `cursor`, null
   * meaning from the beginning) or the backend's own stream (`follow`, which also carries state).
   */
  pollLogs?(id: string, cursor: string | null, options?: CallOptions): Promise<LogPoll>;
  follow?(id: string, options?: CallOptions): AsyncIterable<JobStreamEvent>;
  /** Releases connections; the provider is unusable afterwards. */
  close(): Promise<void>;
}
