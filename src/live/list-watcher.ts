import type { JobFilter, Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { matchesFilter } from '../providers/filter.js';
import { isTerminal, JOB_STATES, type Job, type JobState } from '../providers/job.js';
import { log } from '../log.js';
import { fingerprint, removed } from './change.js';
import type { Channel } from './channel.js';
import type { ListKey } from './key.js';
import type { JobEvent } from './news.js';
import { Rounds } from './rounds.js';
import type { Listener, LiveTransport } from './transport.js';
import { Yielder } from './yielder.js';

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
 * Subscribers' filters are applied by each of them (`listListener`), in memory: their number
 * costs nothing upstream.
 */
export class ListWatcher {
  private subscribers = 0;
  /** This process holds the key's lease: it reads the backend. */
  private leased = false;
  private readonly known = new Map<string, Known>();
  private baselined = false;
  private readonly cycle: Rounds;

  constructor(
    readonly key: ListKey,
    private readonly provider: Provider,
    intervalMs: number,
    private readonly transport: LiveTransport,
    private readonly onIdle: (watcher: ListWatcher) => void,
    onRound: () => void,
  ) {
    this.cycle = new Rounds(intervalMs, () => this.round(), () => this.leased && this.subscribers > 0, onRound);
  }

  get idle(): boolean {
    return this.subscribers === 0;
  }

  start(): void {
    this.leased = true;
    this.cycle.schedule(0);
  }

  join(): void {
    this.subscribers++;
    this.cycle.schedule(0);
  }

  /** The last subscriber leaving pauses the rounds (no upstream load); what is known is kept for a comeback. */
  leave(): void {
    this.subscribers--;
    if (this.subscribers > 0) return;
    this.cycle.pause();
    this.onIdle(this);
  }

  /** Another replica reads the backend for this list now (its lease went there): no rounds here. */
  pause(): void {
    this.leased = false;
    this.cycle.pause();
  }

  stop(): void {
    this.leased = false;
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
      const result = await this.provider.list({ filter: { states: LIVE_STATES }, pageSize: PAGE_SIZE, pageToken: token, fresh: true });
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
      if (this.observe(job, readAt)) await yielder.delivered(this.subscribers);
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
    this.transport.publish(this.key, { type: 'listed', event, before });
  }
}

/** A `jobsUpdated` subscriber's share of a list's news: the events about jobs its filter is about. */
export function listListener(channel: Channel<JobEvent>, filter: JobFilter): Listener {
  return (news) => {
    if (news.type === 'closing') channel.end();
    else if (news.type === 'listed') hear(channel, filter, news.event, news.before);
  };
}

function hear(channel: Channel<JobEvent>, filter: JobFilter, event: JobEvent, before: Job | null): void {
  // A job leaving the filter is news to whoever filtered for it: the event shows where it went.
  if (matchesFilter(event.job, filter) || (before !== null && matchesFilter(before, filter))) channel.push(event);
}
