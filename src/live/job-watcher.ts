import { GraphQLError } from 'graphql';
import type { LogEntry } from '../providers/contract.js';
import { isTerminal, type Job, type JobProvider } from '../providers/job.js';
import { fingerprint } from './change.js';
import { Channel } from './channel.js';

/** The last word on a job its backend removed: cancelled, as of now. */
export function removed(job: Job): Job {
  return {
    ...job,
    state: 'CANCELLED',
    finishedAt: job.finishedAt ?? new Date(),
    statusMessage: `Removed from ${job.provider}`,
    capabilities: { cancel: false, extend: false, suspend: false, resume: false, logs: job.capabilities.logs },
  };
}

/** Output kept for clients that join late; beyond it the oldest is dropped (and they are told). */
const HISTORY_ENTRIES = 20_000;
const HISTORY_CHARS = 4 * 1024 * 1024;

/**
 * Everything known live about one followed job, shared by all of its subscribers: the last
 * snapshot, the output so far, and the subscribers' channels. Whatever drives it (a poll group or
 * the backend's own stream) calls `applySnapshot` and `appendLogs`; it fans out to every channel, so
 * upstream work is per job, never per subscriber.
 */
export class JobWatcher {
  private current: Job | null = null;
  private print: string | null = null;
  /** When the read behind `current` began: a read begun earlier that answers later is older news. */
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly statusSinks = new Set<Channel<Job>>();
  private readonly logSinks = new Set<Channel<LogEntry>>();
  private readonly history: LogEntry[] = [];
  private historyChars = 0;
  private truncated = false;
  private joining = 0;
  private drained = false;
  /** Output went by while nobody read it (a stream delivers it anyway): the history has holes. */
  private gaps = false;
  /** Where the backend's incremental log reading stands (`pollLogs` cursor). */
  logCursor: string | null = null;
  /** The first snapshot, fetched when the watcher started; later subscribers wait on the same one. */
  firstSnapshot: Promise<Job | null> = Promise.resolve(null);

  constructor(
    readonly provider: JobProvider,
    readonly id: string,
    private readonly onIdle: (watcher: JobWatcher) => void,
    /** Instrumentation: told of every change before subscribers are (benchmarks measure delivery from here). */
    private readonly onChange?: (job: Job) => void,
  ) {}

  get snapshot(): Job | null {
    return this.current;
  }

  get terminal(): boolean {
    return this.current !== null && isTerminal(this.current.state);
  }

  /** Output is still wanted and not yet complete. */
  get wantsLogs(): boolean {
    return this.logSinks.size > 0 && !this.drained;
  }

  /** The output has been read to its end. */
  get logsDone(): boolean {
    return this.drained;
  }

  get subscribers(): number {
    return this.statusSinks.size + this.logSinks.size;
  }

  get idle(): boolean {
    return this.subscribers === 0 && this.joining === 0;
  }

  /** Keeps the watcher alive while a subscriber waits for the first snapshot. */
  hold(): () => void {
    this.joining++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.joining--;
      this.checkIdle();
    };
  }

  /** A status subscriber: the current snapshot first, then every change; ends after a terminal state. */
  subscribeStatus(): Channel<Job> {
    const channel: Channel<Job> = new Channel<Job>(() => {
      this.statusSinks.delete(channel);
      this.checkIdle();
    });
    this.statusSinks.add(channel);
    if (this.current) {
      channel.push(this.current);
      if (this.terminal) channel.end();
    }
    return channel;
  }

  /** A log subscriber: the output so far, then new output; ends once the job ended and output is drained. */
  subscribeLogs(): Channel<LogEntry> {
    const channel: Channel<LogEntry> = new Channel<LogEntry>(() => {
      this.logSinks.delete(channel);
      this.checkIdle();
    }, HISTORY_ENTRIES * 2);
    this.logSinks.add(channel);
    if (this.truncated) {
      channel.push({ rank: 0, stream: 'EVENT', text: '[earlier output omitted]', timestamp: this.history[0]?.timestamp ?? new Date() });
    }
    for (const entry of this.history) channel.push(entry);
    if (this.drained) channel.end();
    return channel;
  }

  /**
   * A reading of the job, begun at `readAt` (`performance.now()`); subscribers hear of it only if
   * something that counts changed. Reads race (a poll and a mutation's read-back): one begun before
   * the last applied is stale and dropped, and an ended job never comes back to life.
   */
  applySnapshot(job: Job, readAt: number): boolean {
    if (readAt < this.readAt) return false;
    if (this.current && isTerminal(this.current.state) && !isTerminal(job.state)) return false;
    this.readAt = readAt;
    const print = fingerprint(job);
    if (print === this.print) return false;
    this.current = job;
    this.print = print;
    this.onChange?.(job);
    for (const sink of this.statusSinks) {
      sink.push(job);
      if (isTerminal(job.state)) sink.end();
    }
    return true;
  }

  appendLogs(entries: readonly LogEntry[]): void {
    if (this.drained) return;
    for (const entry of entries) {
      if (entry.text === '') continue;
      this.history.push(entry);
      this.historyChars += entry.text.length;
      for (const sink of this.logSinks) sink.push(entry);
    }
    while (this.history.length > HISTORY_ENTRIES || this.historyChars > HISTORY_CHARS) {
      const dropped = this.history.shift();
      this.historyChars -= dropped?.text.length ?? 0;
      this.truncated = true;
    }
  }

  /** Output that arrived while nobody reads it is not kept (memory), but the loss is remembered. */
  outputSkipped(): void {
    this.gaps = true;
  }

  /** The history holds the whole output delivered so far. */
  get historyComplete(): boolean {
    return !this.gaps;
  }

  /** Forgets the output, to be delivered again from the start (the stream is replayed). */
  resetOutput(): void {
    this.history.length = 0;
    this.historyChars = 0;
    this.truncated = false;
    this.drained = false;
    this.gaps = false;
  }

  /** The job has ended and its output has been read to the end. */
  finishLogs(): void {
    this.drained = true;
    for (const sink of this.logSinks) sink.end();
  }

  /**
   * The backend no longer knows the job. Backends only forget a job that was deleted (a Data
   * Manager instance is removed a few seconds after its DELETE), so its story ends as cancelled.
   */
  vanish(readAt: number): void {
    if (readAt < this.readAt) return;
    if (this.current && !isTerminal(this.current.state)) {
      this.applySnapshot(removed(this.current), readAt);
      this.finishLogs();
      return;
    }
    if (this.current) {
      this.finishLogs();
      return;
    }
    this.fail(new GraphQLError(`${this.provider} no longer knows job ${this.id}`, { extensions: { code: 'NOT_FOUND' } }));
  }

  fail(error: unknown): void {
    for (const sink of [...this.statusSinks, ...this.logSinks]) sink.fail(error);
  }

  /** Ends every subscription cleanly (gateway shutdown). */
  endAll(): void {
    for (const sink of [...this.statusSinks, ...this.logSinks]) sink.end();
  }

  private checkIdle(): void {
    if (this.idle) this.onIdle(this);
  }
}
