import type { JobFilter, JobProvider } from '../providers/contract.js';
import { isUpstreamError } from '../providers/errors.js';
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
}

/**
 * The states whose jobs can still change. UNKNOWN is left out: it may hide a finished job, and
 * asking for it would stop backends from filtering by state at all (the page would be every job).
 */
const LIVE_STATES: readonly JobState[] = JOB_STATES.filter((state) => !isTerminal(state) && state !== 'UNKNOWN');
const PAGE_SIZE = 100;
const MAX_BASELINE_PAGES = 100;

/**
 * Every change among one backend's jobs, for `jobsUpdated`. It costs one list request per interval
 * (the backend's live jobs, newest first, state filter pushed down where the API can) plus, only when
 * a tracked live job is no longer on that page, one batched `getMany` to learn where it went. The
 * first round reads every live job once, so long-running jobs far down the list are tracked too.
 * Subscribers' filters are applied here, in memory: their number costs nothing upstream.
 */
export class ListWatcher {
  private readonly subscribers = new Set<Subscriber>();
  private readonly known = new Map<string, Known>();
  private baselined = false;
  private readonly cycle: Rounds;

  constructor(
    readonly provider: JobProvider,
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

  remove(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
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

  private async baseline(): Promise<void> {
    let token: string | null = null;
    for (let page = 0; page < MAX_BASELINE_PAGES; page++) {
      const result = await this.provider.list({ filter: { states: LIVE_STATES }, pageSize: PAGE_SIZE, pageToken: token });
      for (const job of result.jobs) this.remember(job);
      token = result.nextPageToken;
      if (token === null) break;
    }
    this.baselined = true;
  }

  private async poll(): Promise<void> {
    const page = await this.provider.list({ filter: { states: LIVE_STATES }, pageSize: PAGE_SIZE });
    const onPage = new Set<string>();
    const yielder = new Yielder();
    for (const job of page.jobs) {
      onPage.add(job.providerJobId);
      if (this.observe(job)) await yielder.delivered(this.subscribers.size);
    }
    // Tracked live jobs that left the page: finished, or pushed down by newer ones.
    const missing = [...this.known.values()]
      .filter((known) => !onPage.has(known.job.providerJobId) && !isTerminal(known.job.state))
      .map((known) => known.job.providerJobId);
    if (missing.length > 0) {
      const results = await this.provider.getMany(missing);
      missing.forEach((id, index) => {
        const result = results[index];
        if (result === null || result === undefined) this.vanished(id);
        else if (!isUpstreamError(result)) this.observe(result);
      });
    }
    // Only live jobs need remembering between rounds.
    for (const [id, known] of this.known) if (isTerminal(known.job.state) && !onPage.has(id)) this.known.delete(id);
  }

  /** A fresh reading from elsewhere (the job read back after a mutation): news now, not a round later. */
  offer(job: Job): void {
    if (this.baselined) this.observe(job);
  }

  private remember(job: Job): Known {
    const known = { job, print: fingerprint(job) };
    this.known.set(job.providerJobId, known);
    return known;
  }

  /** True when the job changed (and subscribers were told). */
  private observe(job: Job): boolean {
    const before = this.known.get(job.providerJobId);
    if (before && before.print === fingerprint(job)) return false;
    // After the first round every live job is known, so a job met for the first time is new
    // (possibly created and finished within one interval).
    this.remember(job);
    this.publish({ job, previousState: before?.job.state ?? null }, before?.job ?? null);
    return true;
  }

  /** A job the backend no longer knows was deleted (a Data Manager instance): it ends as cancelled. */
  private vanished(id: string): void {
    const before = this.known.get(id);
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
