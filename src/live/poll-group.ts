import type { Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { mapLimit } from '../providers/concurrency.js';
import { log } from '../log.js';
import type { JobFeed } from './feed.js';
import { FirstReads, readStates } from './first-reads.js';
import type { JobWatcher } from './job-watcher.js';
import { Rounds } from './rounds.js';
import { Yielder } from './yielder.js';

const LOG_CONCURRENCY = 4;

interface Member {
  /** Where the backend's incremental log reading stands (`pollLogs` cursor; null: from the start). */
  logCursor: string | null;
}

/**
 * All followed jobs of one polled backend, read together: one batched read per interval for their
 * state, and the backend's incremental log read for those whose output is wanted. Subscribers
 * never cause requests of their own.
 */
export class PollGroup implements JobFeed {
  private readonly members = new Map<JobWatcher, Member>();
  private readonly cycle: Rounds;
  private readonly firstReads: FirstReads;
  readonly streams = 0;

  get size(): number {
    return this.members.size;
  }

  constructor(
    private readonly provider: Provider,
    intervalMs: number,
    onRound: () => void,
  ) {
    this.cycle = new Rounds(intervalMs, () => this.round(), () => this.members.size > 0, onRound);
    this.firstReads = new FirstReads(provider, () => this.cycle.schedule());
  }

  add(watcher: JobWatcher): void {
    this.members.set(watcher, { logCursor: null });
    this.firstReads.add(watcher);
  }

  remove(watcher: JobWatcher): void {
    this.members.delete(watcher);
    if (this.members.size === 0) this.cycle.pause();
  }

  /** Output is read only while someone wants it: its first reader gets it read now rather than at the next round. */
  outputWanted(watcher: JobWatcher): void {
    if (this.members.has(watcher) && !watcher.wantsLogs && !watcher.logsDone) this.cycle.now();
  }

  /** Polling serves any number of subscribers as it is. */
  subscribed(): void {}

  async stop(): Promise<void> {
    this.cycle.stop();
    this.firstReads.stop();
  }

  /** One round: state, then output. False when the backend could not be read (the next waits longer). */
  private async round(): Promise<boolean> {
    const statusRead = await this.pollStatus();
    const logsRead = await this.pollLogs();
    return statusRead && logsRead;
  }

  /** One batched read for every followed job. False when the backend could not be read. */
  private async pollStatus(): Promise<boolean> {
    const watchers = [...this.members.keys()];
    const readAt = performance.now();
    try {
      const results = await readStates(this.provider, watchers.map((watcher) => watcher.id));
      const yielder = new Yielder();
      for (const [index, watcher] of watchers.entries()) {
        const result = results[index];
        if (result === null || result === undefined) watcher.vanish(readAt);
        else if (!isProviderError(result) && watcher.applySnapshot(result, readAt)) await yielder.delivered(watcher.subscribers);
      }
      return true;
    } catch (error) {
      log.warn('live status poll failed; retrying with backoff', { provider: this.provider.id, error: (error as Error).message });
      return false;
    }
  }

  /** New output of every job whose output is wanted; a job seen ended before its read is then complete. */
  private async pollLogs(): Promise<boolean> {
    const poll = this.provider.pollLogs?.bind(this.provider);
    if (!poll) return true;
    const wanted = [...this.members].filter(([watcher]) => watcher.wantsLogs);
    const outcomes = await mapLimit(wanted, LOG_CONCURRENCY, async ([watcher, member]) => {
      const endedBefore = watcher.terminal;
      try {
        const { entries, cursor } = await poll(watcher.id, member.logCursor);
        member.logCursor = cursor;
        watcher.appendLogs(entries);
        if (endedBefore) watcher.finishLogs();
        return true;
      } catch (error) {
        if (isProviderError(error) && error.code === 'NOT_FOUND' && endedBefore) {
          watcher.finishLogs();
          return true;
        }
        log.warn('live log poll failed; retrying with backoff', { provider: this.provider.id, error: (error as Error).message });
        return false;
      }
    });
    return outcomes.every(Boolean);
  }
}
