// Listings of the backends that promise no order (RIME, the Data Manager) are read whole for every
// page of `jobs`: without sharing, their cost grows with the backend's size on every operation.
// Here one read, parsed and mapped once, serves every operation with the same credential and the
// same query for a short staleness; past it, the reading still serves while one fresh read runs in
// the background (stale while revalidating), so an operation never waits for a whole listing that
// was read a moment ago, however large. This gateway's own mutations make it stale at once.
//
// A big listing (20,000 jobs: twenty RIME pages one after another, or one 19 MB Data Manager
// answer) is not read back to back: it stays fresh for at least PACE_MS_PER_JOB per job it holds.
// Reading costs this gateway about 25 µs per job (bench/list, 20,000 jobs) and the backend as much
// again, so one listing takes at most about a tenth of a core, whatever its size. By size, not by
// measured time, so that how long a listing is served never depends on how busy the machine is.
// Listings of a few hundred jobs (every UCloud and GPU page) are not affected.
import type { ListPage } from './contract.js';
import type { Job } from './job.js';
import { compareJobs } from '../listing/order.js';

interface Entry<T> {
  readonly page: Promise<T>;
  /** Aborts the read once every caller waiting for it has gone away. */
  readonly controller: AbortController;
  /** Callers waiting for the read that can still go away. */
  waiting: number;
  /** When the read answered (`performance.now()`); null while it is in flight. */
  answeredAt: number | null;
  /** Jobs it holds, once answered (what the memory bound counts). */
  jobs: number;
  /** A fresh read running in the background to replace this one. */
  refreshing: boolean;
}

/** How many jobs all snapshots hold together at most: beyond, the oldest are dropped. */
const MAX_JOBS = 200_000;
/** Past its staleness, a reading serves (while a fresh one is read) for at most this many staleness periods. */
const REVALIDATE_PERIODS = 10;
/** A reading stays fresh for at least this long per job it holds (see the top of the file). */
export const PACE_MS_PER_JOB = 0.25;

/** Reads a listing; `signal` aborts it. */
export type ListingLoad<T = ListPage> = (signal: AbortSignal) => Promise<T>;

export interface SnapshotOptions<T> {
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
  /** How many jobs an answer holds (the memory bound); default: a `ListPage`'s. */
  sizeOf?: (answer: T) => number;
  /**
   * With `staleMs` 0, still share a read while it is in flight (a backend whose requests are
   * signed per attempt, so that HTTP-level deduplication cannot tell them alike).
   */
  shareInFlight?: boolean;
}

/**
 * Newest first, then by id: the order a merged list takes a backend's jobs in, made once when a
 * listing is kept so that every page read from it sorts an already sorted array.
 */
export function newestFirst(jobs: readonly Job[]): Job[] {
  return [...jobs].sort(compareJobs);
}

/** One backend's shared listings; `scoped` gives the view of one credential. */
export class ListingSnapshots<T = ListPage> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly sizeOf: (answer: T) => number;

  /**
   * `staleMs`: how long a listing is served after it answered (0: never; every read goes to the
   * backend, and only undici shares identical reads in flight, unless `shareInFlight`).
   */
  constructor(
    private readonly staleMs: number,
    private readonly options: SnapshotOptions<T> = {},
  ) {
    this.maxEntries = options.maxEntries ?? 64;
    this.sizeOf = options.sizeOf ?? ((answer) => (answer as { jobs?: readonly unknown[] }).jobs?.length ?? 0);
  }

  /** The listings of one credential (its fingerprint): never served to another. */
  scoped(scope: string): ScopedSnapshots<T> {
    if (this.staleMs <= 0 && !this.options.shareInFlight) return unshared<T>();
    return {
      keeps: this.staleMs > 0,
      read: (query, load, signal) => this.read(JSON.stringify([scope, query]), load, signal),
      invalidate: () => this.invalidate(scope),
    };
  }

  private read(key: string, load: ListingLoad<T>, signal: AbortSignal | undefined): Promise<T> {
    const found = this.entries.get(key);
    const age = found?.answeredAt == null ? null : performance.now() - found.answeredAt;
    const staleMs = found ? this.staleFor(found) : this.staleMs;
    let entry: Entry<T>;
    if (found && (age === null || age <= staleMs)) {
      entry = found;
    } else if (found && age !== null && age <= staleMs * REVALIDATE_PERIODS) {
      // Served as it is; the next callers get the fresh one once it is in.
      if (!found.refreshing) this.revalidate(key, found, load);
      return found.page;
    } else {
      entry = this.start(key, load, true);
    }
    if (entry.answeredAt !== null || !signal) return entry.page;
    return this.waitFor(key, entry, signal);
  }

  /** How long `entry` is served as it is: the configured staleness, or longer for a big listing. */
  private staleFor(entry: Entry<T>): number {
    return this.staleMs <= 0 ? 0 : Math.max(this.staleMs, entry.jobs * PACE_MS_PER_JOB);
  }

  /** `install`: callers wait for it at once (false: it replaces the current reading once it answers). */
  private start(key: string, load: ListingLoad<T>, install: boolean): Entry<T> {
    const controller = new AbortController();
    const entry: Entry<T> = { page: load(controller.signal), controller, waiting: 0, answeredAt: null, jobs: 0, refreshing: false };
    if (install) this.install(key, entry);
    entry.page.then(
      (page) => {
        entry.answeredAt = performance.now();
        entry.jobs = this.sizeOf(page);
        if (!install) this.install(key, entry);
        this.bound();
      },
      // A failed read is nobody's snapshot: the next caller asks again.
      () => this.forget(key, entry),
    );
    return entry;
  }

  private revalidate(key: string, stale: Entry<T>, load: ListingLoad<T>): void {
    stale.refreshing = true;
    const next = this.start(key, load, false);
    next.page.catch(() => {
      stale.refreshing = false;
    });
  }

  private install(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bound();
  }

  /** Oldest first, until both bounds hold. */
  private bound(): void {
    let jobs = 0;
    for (const entry of this.entries.values()) jobs += entry.jobs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && jobs <= MAX_JOBS) break;
      this.entries.delete(key);
      jobs -= entry.jobs;
    }
  }

  /** The shared read, for one caller that may go away first: the last one to go aborts it. */
  private waitFor(key: string, entry: Entry<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    entry.waiting++;
    return new Promise<T>((resolve, reject) => {
      const gone = () => {
        reject(signal.reason);
        entry.waiting--;
        if (entry.waiting === 0 && entry.answeredAt === null) {
          this.forget(key, entry);
          entry.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', gone, { once: true });
      entry.page.then(
        (page) => {
          signal.removeEventListener('abort', gone);
          entry.waiting--;
          resolve(page);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', gone);
          entry.waiting--;
          reject(error);
        },
      );
    });
  }

  private forget(key: string, entry: Entry<T>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  /** After a change made through this gateway: the credential's listings are read afresh. */
  private invalidate(scope: string): void {
    const prefix = JSON.stringify([scope]).slice(0, -1);
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

export interface ScopedSnapshots<T = ListPage> {
  /** Answers are kept past the read (a listing is then worth reading whole, once). */
  readonly keeps: boolean;
  /**
   * `load`'s answer for `query`, shared while fresh; `query` must name everything the answer
   * depends on. `signal`: the caller's; the read is aborted once every caller waiting for it aborted.
   */
  read(query: unknown, load: ListingLoad<T>, signal?: AbortSignal): Promise<T>;
  invalidate(): void;
}

/** No sharing: every read is made, with the caller's own signal. */
export function unshared<T>(): ScopedSnapshots<T> {
  return { keeps: false, read: (_query, load, signal) => load(signal ?? new AbortController().signal), invalidate: () => undefined };
}

export const UNSHARED: ScopedSnapshots = unshared<ListPage>();
