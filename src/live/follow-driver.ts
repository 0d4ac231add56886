import { setTimeout as sleep } from 'node:timers/promises';
import type { CallOptions, JobStreamEvent, LogEntry, Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import { log } from '../log.js';
import { backoffDelay } from './backoff.js';
import type { JobWatcher } from './job-watcher.js';

/**
 * A stream replays the job's output from the start whenever it is opened again, so output counts
 * per rank and stream tell what is new: only the part beyond what was already delivered passes.
 */
class OutputTracker {
  private readonly delivered = new Map<string, number>();
  private thisConnection = new Map<string, number>();

  newConnection(): void {
    this.thisConnection = new Map();
  }

  fresh(entries: readonly LogEntry[]): LogEntry[] {
    const out: LogEntry[] = [];
    for (const entry of entries) {
      const key = `${entry.rank}:${entry.stream}`;
      const offset = this.thisConnection.get(key) ?? 0;
      const end = offset + entry.text.length;
      this.thisConnection.set(key, end);
      const already = this.delivered.get(key) ?? 0;
      if (end <= already) continue;
      const text = offset < already ? entry.text.slice(already - offset) : entry.text;
      this.delivered.set(key, end);
      out.push(offset < already ? { ...entry, text } : entry);
    }
    return out;
  }
}

/** A backend's own stream of one job (`Provider.follow`). */
export type Follow = (id: string, options: CallOptions) => AsyncIterable<JobStreamEvent>;

/**
 * Feeds a watcher from the backend's own stream (UCloud `follow`): state and output as they happen.
 * The one place a stream is retried: one that fails or drops before the job ended is opened again
 * with the shared backoff (the provider opens it once per call); one that ends after the job ended
 * means the output is complete.
 */
export class FollowDriver {
  private readonly controller = new AbortController();
  private connection: AbortController | null = null;
  private output = new OutputTracker();
  private failures = 0;
  private replaying = false;
  private finished = false;
  readonly done: Promise<void>;

  constructor(
    private readonly provider: Provider,
    private readonly follow: Follow,
    private readonly watcher: JobWatcher,
    private readonly intervalMs: number,
  ) {
    this.done = this.run().finally(() => {
      this.finished = true;
    });
  }

  /** Still reading the stream (it ends with the job, or when stopped). */
  get running(): boolean {
    return !this.finished;
  }

  stop(): void {
    this.controller.abort();
  }

  /**
   * Opens the stream again so the job's whole output is delivered once more: output is only kept
   * while someone reads it, so the first reader after a stretch without one needs it from the start.
   */
  replay(): void {
    this.output = new OutputTracker();
    this.replaying = true;
    this.connection?.abort();
  }

  /** While the stream is down, the job's state is still read (one request per attempt), so its subscribers are not left behind. */
  private async refresh(): Promise<void> {
    try {
      const readAt = performance.now();
      const [result] = await this.provider.getMany([this.watcher.id], { signal: this.controller.signal });
      if (result && !isProviderError(result)) this.watcher.applySnapshot(result, readAt);
    } catch {
      // The next attempt tries again.
    }
  }

  private deliver(logs: readonly LogEntry[]): void {
    const fresh = this.output.fresh(logs);
    if (this.watcher.wantsLogs) this.watcher.appendLogs(fresh);
    else this.watcher.outputSkipped();
  }

  private async run(): Promise<void> {
    const stopped = this.controller.signal;
    while (!stopped.aborted) {
      const connection = new AbortController();
      this.connection = connection;
      const signal = AbortSignal.any([stopped, connection.signal]);
      this.output.newConnection();
      try {
        for await (const event of this.follow(this.watcher.id, { signal })) {
          this.failures = 0;
          if (event.job) this.watcher.applySnapshot(event.job, performance.now());
          if (event.logs.length > 0) this.deliver(event.logs);
        }
        if (stopped.aborted) return;
        if (this.reopenAtOnce(connection)) continue;
        if (this.watcher.terminal) {
          this.watcher.finishLogs();
          return;
        }
        this.failures++;
      } catch (error) {
        if (stopped.aborted) return;
        if (this.reopenAtOnce(connection)) continue;
        if (isProviderError(error) && error.code === 'NOT_FOUND') {
          this.watcher.vanish(performance.now());
          return;
        }
        this.failures++;
        log.warn('follow stream failed; reopening with backoff', { provider: this.provider.id, error: (error as Error).message });
      }
      await this.refresh();
      try {
        await sleep(backoffDelay(this.intervalMs, this.failures), undefined, { signal: stopped });
      } catch {
        return;
      }
    }
  }

  /** A connection closed on purpose for a replay is reopened right away, not after a backoff. */
  private reopenAtOnce(connection: AbortController): boolean {
    if (!connection.signal.aborted || !this.replaying) return false;
    this.replaying = false;
    return true;
  }
}
