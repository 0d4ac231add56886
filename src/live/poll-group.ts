import { GraphQLError } from 'graphql';
import type { GetResult, Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import type { Job } from '../providers/job.js';
import { mapLimit } from '../providers/concurrency.js';
import { log } from '../log.js';
import { Rounds } from './rounds.js';
import { Yielder } from './yielder.js';
import type { JobWatcher } from './job-watcher.js';

const LOG_CONCURRENCY = 4;

interface Settle {
  resolve: (job: Job | null) => void;
  reject: (error: unknown) => void;
}

export interface PollGroupOptions {
  intervalMs: number;
  /** False where the backend streams state itself (UCloud `follow`): only first snapshots are fetched here. */
  pollStatus: boolean;
}

/**
 * All followed jobs of one backend, read together: one batched `getMany` per interval for their
 * state, and the backend's incremental log read for those whose output is wanted. Subscribers
 * never cause requests of their own; new watchers are fetched together in one batch too.
 */
export class PollGroup {
  private readonly watchers = new Map<string, JobWatcher>();
  private readonly waitingFirst = new Map<string, Settle[]>();
  private firstBatch: NodeJS.Immediate | null = null;
  private readonly cycle: Rounds;

  constructor(
    readonly provider: Provider,
    private readonly options: PollGroupOptions,
  ) {
    this.cycle = new Rounds(options.intervalMs, () => this.round(), () => this.wanted());
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Completed poll rounds (tests and benchmarks relate upstream request counts to it). */
  get rounds(): number {
    return this.cycle.count;
  }

  /** Starts following `watcher`; resolves to its first snapshot (null: the backend does not know it). */
  add(watcher: JobWatcher): Promise<Job | null> {
    this.watchers.set(watcher.id, watcher);
    const first = new Promise<Job | null>((resolve, reject) => {
      const waiting = this.waitingFirst.get(watcher.id) ?? [];
      waiting.push({ resolve, reject });
      this.waitingFirst.set(watcher.id, waiting);
    });
    // Everyone who starts following within the same turn is fetched in one batch.
    this.firstBatch ??= setImmediate(() => void this.fetchFirst());
    return first;
  }

  /** Runs a round now instead of at the next interval (a first reader of some job's output). */
  wake(): void {
    this.cycle.now();
  }

  remove(watcher: JobWatcher): void {
    if (this.watchers.get(watcher.id) === watcher) this.watchers.delete(watcher.id);
    if (this.watchers.size === 0) this.cycle.pause();
  }

  /** Stops for good; whoever still waits for a first snapshot is told the gateway is going away. */
  stop(): void {
    this.cycle.stop();
    if (this.firstBatch) clearImmediate(this.firstBatch);
    this.firstBatch = null;
    const shuttingDown = new GraphQLError('The gateway is shutting down.', { extensions: { code: 'UNAVAILABLE' } });
    for (const settles of this.waitingFirst.values()) for (const settle of settles) settle.reject(shuttingDown);
    this.waitingFirst.clear();
  }

  /** Something to poll: state (unless a stream brings it) or output someone reads. */
  private wanted(): boolean {
    if (this.watchers.size === 0) return false;
    if (this.options.pollStatus) return true;
    return this.provider.pollLogs !== undefined && [...this.watchers.values()].some((w) => w.wantsLogs);
  }

  private async fetchFirst(): Promise<void> {
    this.firstBatch = null;
    const waiting = new Map(this.waitingFirst);
    this.waitingFirst.clear();
    const ids = [...waiting.keys()];
    let results: GetResult[] = [];
    let failure: unknown = null;
    const readAt = performance.now();
    try {
      results = await this.read(ids);
    } catch (error) {
      failure = error;
    }
    ids.forEach((id, index) => {
      const result = failure ?? results[index] ?? null;
      if (result !== null && !(result instanceof Error)) this.watchers.get(id)?.applySnapshot(result as Job, readAt);
      for (const settle of waiting.get(id) ?? []) {
        if (result instanceof Error || failure !== null) settle.reject(result);
        else settle.resolve(result as Job | null);
      }
    });
    this.cycle.schedule();
  }

  /** Followed jobs' state in as few requests as the backend allows (`refreshMany`, else `getMany`). */
  private read(ids: readonly string[]): Promise<GetResult[]> {
    return this.provider.refreshMany ? this.provider.refreshMany(ids) : this.provider.getMany(ids);
  }

  /** One round: state, then output. False when the backend could not be read (the next waits longer). */
  private async round(): Promise<boolean> {
    const statusRead = this.options.pollStatus ? await this.pollStatus() : true;
    const logsRead = await this.pollLogs();
    return statusRead && logsRead;
  }

  /** One `getMany` for every followed job. False when the backend could not be read. */
  private async pollStatus(): Promise<boolean> {
    const watchers = [...this.watchers.values()];
    const readAt = performance.now();
    try {
      const results = await this.read(watchers.map((w) => w.id));
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
    const watchers = [...this.watchers.values()].filter((watcher) => watcher.wantsLogs);
    const outcomes = await mapLimit(watchers, LOG_CONCURRENCY, async (watcher) => {
      const endedBefore = watcher.terminal;
      try {
        const { entries, cursor } = await poll(watcher.id, watcher.logCursor);
        watcher.logCursor = cursor;
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
