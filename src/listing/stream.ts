import type { JobFilter, ListRequest, Provider } from '../providers/contract.js';
import { ProviderError } from '../providers/errors.js';
import { matchesFilter } from '../providers/filter.js';
import type { Job } from '../providers/job.js';
import { mergeSkipped, type SkippedItems } from '../providers/tolerance.js';
import { compareJobs, firstAfter, isAfter, type SortKey } from './order.js';

/** An unordered backend is read to the end; ask for big pages so that takes few requests. */
const UNORDERED_PAGE_SIZE = 1000;
/** Page sizes grow up to this (providers clamp to what their backend allows). */
const MAX_PAGE_SIZE = 1000;
/** A safety net against a backend that never stops handing out new page tokens. */
const MAX_PAGES = 10_000;

/**
 * One backend's jobs after a cursor position, in list order, fetched a page at a time and only as
 * far as the merge actually reads.
 *
 * For a newest-first backend, a job is released only once no job still unread can come before it:
 * everything unread was created at or before the oldest job seen so far (the frontier), so a job
 * created strictly later than the frontier is safe. Jobs that tie with the frontier wait for the
 * next page, because the backend orders ties its own way and the list orders them by id.
 */
export class ProviderStream {
  private buffer: Job[] = [];
  private token: string | null = null;
  private readonly seenTokens = new Set<string>();
  /** Jobs already taken from the backend: a page that repeats one (offset paging shifted) is not a duplicate here. */
  private readonly seenJobs = new Set<string>();
  private exhausted = false;
  private frontierMs = Number.POSITIVE_INFINITY;
  private pages = 0;
  private skippedItems: SkippedItems | null = null;
  /** A whole listing already in list order, read in place from `sourceAt` on (see ListPage.inListOrder). */
  private source: readonly Job[] = [];
  private sourceAt = 0;

  constructor(
    readonly provider: Provider,
    private readonly filter: JobFilter,
    private readonly after: SortKey | null,
    private readonly pageSize: number,
    private readonly options: Pick<ListRequest, 'signal' | 'fields'> = {},
  ) {}

  /** Items the pages read so far left out (unreadable identity); null when none. */
  get skipped(): SkippedItems | null {
    return this.skippedItems;
  }

  /** The backend has answered at least one page of this listing. */
  get answered(): boolean {
    return this.pages > 0;
  }

  /** The next job in list order, or null when the backend has no more. */
  async peek(): Promise<Job | null> {
    for (;;) {
      const head = this.peekNow();
      if (head !== undefined) return head;
      await this.fetchPage();
    }
  }

  /**
   * What `peek` would return, when that is known without asking the backend; undefined when it is
   * not. The merge asks this first, so that most steps of a page need no promise at all.
   */
  peekNow(): Job | null | undefined {
    if (this.buffer.length === 0) this.readSource();
    if (this.headIsSafe()) return this.buffer[0];
    return this.exhausted ? (this.buffer[0] ?? null) : undefined;
  }

  /** Moves the next job of the in-order listing that passes the filter into the buffer. */
  private readSource(): void {
    while (this.sourceAt < this.source.length) {
      const job = this.source[this.sourceAt++];
      if (job === undefined || this.seenJobs.has(job.providerJobId)) continue;
      this.seenJobs.add(job.providerJobId);
      if (matchesFilter(job, this.filter)) {
        this.buffer.push(job);
        return;
      }
    }
  }

  /** Removes the job `peek` returned. */
  take(): Job {
    const job = this.buffer.shift();
    if (!job) throw new Error('take() without a peeked job');
    return job;
  }

  private headIsSafe(): boolean {
    const head = this.buffer[0];
    if (!head || this.provider.listOrder === 'unordered') return false;
    return head.createdAt.getTime() > this.frontierMs;
  }

  /**
   * The first page asks for what the list page needs; each further one for twice as many. Jobs
   * the gateway filters out itself (a `search`, a condition the backend cannot push down) would
   * otherwise cost one small page after another.
   */
  private nextPageSize(): number {
    if (this.provider.listOrder === 'unordered') return UNORDERED_PAGE_SIZE;
    return Math.min(MAX_PAGE_SIZE, this.pageSize * 2 ** Math.min(this.pages, 10));
  }

  private async fetchPage(): Promise<void> {
    const page = await this.provider.list({
      filter: this.filter,
      createdAtOrBefore: this.after ? new Date(this.after.createdAtMs) : null,
      pageSize: this.nextPageSize(),
      pageToken: this.token,
      signal: this.options.signal,
      fields: this.options.fields ?? null,
    });
    this.pages++;
    this.skippedItems = mergeSkipped(this.skippedItems, page.skipped ?? null);
    if (page.inListOrder && page.nextPageToken === null && this.pages === 1) {
      // The whole listing, sorted: only as much of it is read as the page takes.
      this.source = page.jobs;
      this.sourceAt = firstAfter(page.jobs, this.after);
      this.exhausted = true;
      return;
    }
    for (const job of page.jobs) {
      this.frontierMs = Math.min(this.frontierMs, job.createdAt.getTime());
      if (this.seenJobs.has(job.providerJobId)) continue;
      this.seenJobs.add(job.providerJobId);
      if (isAfter(job, this.after) && matchesFilter(job, this.filter)) this.buffer.push(job);
    }
    this.buffer.sort(compareJobs);
    const next = page.nextPageToken;
    // An empty page with a token is not the end: a backend may have had only repeats to skip.
    if (next === null) {
      this.exhausted = true;
    } else if (this.seenTokens.has(next) || this.pages >= MAX_PAGES) {
      throw new ProviderError({
        code: 'BAD_RESPONSE',
        provider: this.provider.id,
        message: `${this.provider.id} list pagination does not end (page token repeated or over ${MAX_PAGES} pages)`,
      });
    } else {
      this.seenTokens.add(next);
      this.token = next;
    }
  }
}
