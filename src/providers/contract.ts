// The one contract every backend implements. The schema, the loaders and the live layer only ever
// talk to this interface; each `providers/<backend>/provider.ts` turns it into wire calls.
import type { ProviderError } from './errors.js';
import type { HttpTuning } from './http.js';
import type { Job, JobProvider, JobState } from './job.js';
import type { GpuJobSpec, UCloudJobSpec } from './specs.js';
import type { SkippedItems } from './tolerance.js';

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
  signal?: AbortSignal | undefined;
  /**
   * The job fields the caller will read (GraphQL field names of `Job` and its implementations):
   * a backend asks for its heavy parts (UCloud's updates and parameters, RIME's full view) only
   * when one of these needs them. Absent or null: every field may be read.
   */
  fields?: ReadonlySet<string> | null;
  /** Read the backend now, never a kept page (live polling: a change must be seen when it happens). */
  fresh?: boolean;
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
  /**
   * True when `jobs` is the backend's whole listing for this request (no token) already in the
   * merged list's order, as a kept listing is: the merge then reads it in place, only as far as
   * the page needs, instead of copying and sorting every job on every operation.
   */
  inListOrder?: boolean;
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

/** What every call takes besides its arguments: the caller's signal aborts the upstream request. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** Changes to an existing job; `create` is the one operation that has no job yet. */
export type JobOperation = 'cancel' | 'extend' | 'suspend' | 'resume';
export type Operation = JobOperation | 'create';

/** What each backend creates jobs from, in the gateway's own terms (`specs.ts`). */
export interface CreateSpecs {
  GPU: GpuJobSpec;
  UCLOUD: UCloudJobSpec;
}
export type CreateSpec<P extends JobProvider> = P extends keyof CreateSpecs ? CreateSpecs[P] : never;

/** A job just created: its id, and the job itself when the backend's answer carries it (else read it). */
export interface CreatedJob {
  id: string;
  job: Job | null;
}

/** One step of a backend's own live stream (UCloud `follow`). */
export interface JobStreamEvent {
  /** The job as it is after this step; null when the step only carried output. */
  job: Job | null;
  logs: LogEntry[];
}

/** What every provider factory receives besides its backend's settings: how its calls are tuned. */
export type ProviderOptions = HttpTuning;

/**
 * A backend. The optional methods are its capabilities: a backend without `extend` cannot extend,
 * and `operationsOf` is how the schema and the mutations alike read them.
 */
export interface Provider<P extends JobProvider = JobProvider> {
  readonly id: P;
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
  /** Creates a job from the backend's own spec; never retried. */
  create?(spec: CreateSpec<P>, options?: CallOptions): Promise<CreatedJob>;
  /**
   * Why `job` can never take `operation` whatever its state (its kind does not allow it), or null.
   * Absent: every job of the backend can, as far as the gateway knows.
   */
  unsupportedFor?(job: Job, operation: JobOperation): string | null;
  /** One light request showing that the backend answers and accepts the credentials. */
  probe(options?: CallOptions): Promise<void>;
  /**
   * Live output, one of two ways: polled increments (`pollLogs`: what is new since `cursor`, null
   * meaning from the beginning) or the backend's own stream (`follow`, which also carries state).
   */
  pollLogs?(id: string, cursor: string | null, options?: CallOptions): Promise<LogPoll>;
  follow?(id: string, options?: CallOptions): AsyncIterable<JobStreamEvent>;
  /** Releases connections; the provider is unusable afterwards. */
  close(): Promise<void>;
}

/** What a backend can do at all, read off the contract's optional methods (a job may allow less). */
export interface ProviderOperations {
  cancel: boolean;
  create: boolean;
  extend: boolean;
  suspend: boolean;
  resume: boolean;
  logs: boolean;
}

export function operationsOf(provider: Provider): ProviderOperations {
  return {
    cancel: true,
    create: typeof provider.create === 'function',
    extend: typeof provider.extend === 'function',
    suspend: typeof provider.suspend === 'function',
    resume: typeof provider.resume === 'function',
    logs: typeof provider.pollLogs === 'function' || typeof provider.follow === 'function',
  };
}
