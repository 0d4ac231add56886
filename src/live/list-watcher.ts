import type { JobFilter, Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { matchesFilter } from '../providers/filter.js';
import { isTerminal, JOB_STATES, type Job, type JobState } from '../providers/job.js';
import { log } from '../log.js';
import { fingerprint } from './change.js';
import { Rounds } from './rounds.js';
import { Yielder } from './yielder.js';
import type { Channel } from './channel.js';
import { removed } from './job-watcher.js';

export interface JobEvent {
  job: Job;
  /** Null for a job seen for the first time. */
  previousState: JobState | null;
}

interface Subscriber {
  filter: JobFilter;
  channel: Channel<JobEvent>;
}

interface Known {
  job: Job;
  print: string;
  /** When the read behind `job` began (`performance.now()`): an older read answering later is stale. */
  readAt: number;
}

/**
 * The states whose jobs can still change. UNKNOWN is left out: it may hide a finished job, and
 * asking for it would stop backends from filtering by state at all (the page would be every job).
 */
const LIVE_STATES: readonly JobState[] = JOB_STATES.filter((state) => !isTerminal(state) && state !== 'UNKNOWN');
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

/**
 * Every change among one backend's jobs, for `jobsUpdated`. It costs one list request per interval
 * (the backend's live jobs, state filter pushed down where the API can; a backend without order is
 * read to its end, which its live jobs usually fit in one page of) plus, only when a tracked live
 * job is no longer listed, one batched `getMany` to learn where it went. The first round reads
 * every live job once, so long-running jobs far down a newest-first list are tracked too.
 * Subscribers' filters are applied here, in memory: their number costs nothing upstream.
 */
export class ListWatcher {
  private readonly subscribers = new Set<Subscriber>();
  private readonly known = new Map<string, Known>();
  private baselined = false;
  private readonly cycle: Rounds;

  constructor(
    readonly provider: Provider,
    intervalMs: number,
  ) {
    this.cycle = new Rounds(intervalMs, () => this.round(), () => this.subscribers.size > 0);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Completed list rounds (the first one reads every live job). */
  get rounds(): number {
    return this.cycle.count;
  }

  add(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
    this.cycle.schedule(0);
  }

  /** The last subscriber leaving pauses the rounds (no upstream load); what is known is kept for a comeback. */
  remove(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.cycle.pause();
  }

  stop(): void {
    this.cycle.stop();
  }

  /** False when the backend could not be read: the next round waits longer. */
  private async round(): Promise<boolean> {
    try {
      if (this.baselined) await this.poll();
      else await this.baseline();
      return true;
    } catch (error) {
      log.warn('live list poll failed; retrying with backoff', { provider: this.provider.id, error: (error as Error).message });
      return false;
    }
  }

  /** The backend's live jobs: every page, or just the newest when `whole` is false. */
  private async listLive(whole: boolean): Promise<{ jobs: Job[]; readAt: number }> {
    const readAt = performance.now();
    const jobs: Job[] = [];
    let token: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.provider.list({ filter: { states: LIVE_STATES }, pageSize: PAGE_SIZE, pageToken: token });
      jobs.push(...result.jobs);
      token = result.nextPageToken;
      if (token === null || !whole) break;
    }
    return { jobs, readAt };
  }

  private async baseline(): Promise<void> {
    const { jobs, readAt } = await this.listLive(true);
    for (const job of jobs) this.remember(job, readAt);
    this.baselined = true;
  }

  private async poll(): Promise<void> {
    // Without an order, new jobs may be anywhere in the listing: read it all.
    const { jobs, readAt } = await this.listLive(this.provider.listOrder === 'unordered');
    const listed = new Set<string>();
    const yielder = new Yielder();
    for (const job of jobs) {
      listed.add(job.providerJobId);
      if (this.observe(job, readAt)) await yielder.delivered(this.subscribers.size);
    }
    // Tracked live jobs no longer listed: finished, or pushed down by newer ones.
    const missing = [...this.known.values()]
      .filter((known) => !listed.has(known.job.providerJobId) && !isTerminal(known.job.state))
      .map((known) => known.job.providerJobId);
    if (missing.length > 0) {
      const missingAt = performance.now();
      const results = await this.provider.getMany(missing);
      missing.forEach((id, index) => {
        const result = results[index];
        if (result === null || result === undefined) this.vanished(id, missingAt);
        else if (!isProviderError(result)) this.observe(result, missingAt);
      });
    }
    // Only live jobs need remembering between rounds.
    for (const [id, known] of this.known) if (isTerminal(known.job.state) && !listed.has(id)) this.known.delete(id);
  }

  /** A fresh reading from elsewhere (the job read back after a mutation): news now, not a round later. */
  offer(job: Job, readAt: number): void {
    if (this.baselined) this.observe(job, readAt);
  }

  private remember(job: Job, readAt: number): void {
    this.known.set(job.providerJobId, { job, print: fingerprint(job), readAt });
  }

  /** True when the job changed (and subscribers were told). */
  private observe(job: Job, readAt: number): boolean {
    const before = this.known.get(job.providerJobId);
    // Reads race (a round and a mutation's read-back): an older one is stale, and an ended job stays ended.
    if (before && (readAt < before.readAt || (isTerminal(before.job.state) && !isTerminal(job.state)))) return false;
    if (before && before.print === fingerprint(job)) {
      before.readAt = readAt;
      return false;
    }
    // After the first round every live job is known, so a job met for the first time is new
    // (possibly created and finished within one interval).
    this.remember(job, readAt);
    this.publish({ job, previousState: before?.job.state ?? null }, before?.job ?? null);
    return true;
  }

  /** A job the backend no longer knows was deleted (a Data Manager instance): it ends as cancelled. */
  private vanished(id: string, readAt: number): void {
    const before = this.known.get(id);
    if (before && readAt < before.readAt) return;
    this.known.delete(id);
    if (before && !isTerminal(before.job.state)) this.publish({ job: removed(before.job), previousState: before.job.state }, before.job);
  }

  private publish(event: JobEvent, before: Job | null): void {
    for (const subscriber of this.subscribers) {
      // A job leaving the filter is news to whoever filtered for it: the event shows where it went.
      if (matchesFilter(event.job, subscriber.filter) || (before !== null && matchesFilter(before, subscriber.filter))) {
        subscriber.channel.push(event);
      }
    }
  }
}
