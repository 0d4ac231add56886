import type { LogEntry } from '../providers/contract.js';
import { isTerminal, type Job } from '../providers/job.js';
import { fingerprint, removed } from './change.js';
import { Channel } from './channel.js';
import { LiveError, shuttingDown } from './errors.js';
import type { JobKey } from './key.js';
import type { JobNews, LiveNews } from './news.js';
import { HISTORY_ENTRIES, lastOf, OutputHistory, streamOf } from './output-history.js';
import { NO_REPLAY, type LiveReplay, type ReplayState } from './replay.js';
import type { Closing, LiveTransport } from './transport.js';

type Readers = 'status' | 'logs';

/**
 * Everything known live about one followed job, shared by all of its subscribers: the last
 * snapshot, the output so far, and how many read them. Whatever feeds it (a poll group or the
 * backend's own stream) reports readings; what is news goes out on the transport, where every
 * subscriber's channel hears it, so upstream work is per job, never per subscriber.
 */
export class JobWatcher {
  private current: Job | null = null;
  private print: string | null = null;
  /** When the read behind `current` began: a read begun earlier that answers later is older news. */
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly history = new OutputHistory();
  private drained = false;
  /** Some output reading has come in: what arrives from now on is new, not the backlog. */
  private outputRead = false;
  /** Output went by while nobody read it (a stream delivers it anyway): the history has holes. */
  private gaps = false;
  private readonly readers: Record<Readers, number> = { status: 0, logs: 0 };
  private joining = 0;
  private readonly first = deferred();
  /** This process reads the backend for the key (it holds the lease); otherwise it mirrors the holder's news. */
  private leading = false;
  /** What other replicas' subscribers read of this job, which this replica reads for them. */
  private remote = { status: false, logs: false };
  /** Another replica's news heard before what it had published so far was loaded. */
  private pending: [LiveNews | Closing, number | undefined][] | null = null;
  /** The newest of the holder's news this mirror has taken in (its `seq`). */
  private lastSeq = Number.NEGATIVE_INFINITY;
  private readonly unlisten: () => void;
  /** Output heard from the previous holder, per rank and stream (characters): what a reading from the start repeats. */
  private inherited: Map<string, number> | null = null;

  constructor(
    readonly key: JobKey,
    private readonly transport: LiveTransport,
    private readonly onIdle: (watcher: JobWatcher) => void,
    /** Instrumentation: told of every change before subscribers are (benchmarks measure delivery from here). */
    private readonly onChange?: (job: Job) => void,
    /** Where another replica's news so far are kept (several replicas); nothing in one process. */
    replay: LiveReplay = NO_REPLAY,
  ) {
    // While another replica holds the key, this watcher keeps what that one publishes, so that its
    // own subscribers get the job and the output so far, and so that it can take over from there.
    this.unlisten = transport.subscribe(key, (news, seq) => this.hear(news, seq));
    if (replay !== NO_REPLAY) {
      this.pending = [];
      replay.load(key).then(
        (state) => this.loaded(state),
        () => this.loaded(null),
      );
    }
  }

  /** This process reads the backend for the key from now on (true), or no longer (false). */
  lead(leading: boolean): void {
    // Taking over with output heard from the holder: the backend is read from the start again, and
    // what was already delivered must not be delivered twice.
    if (leading && !this.leading && this.history.size > 0) this.inherited = this.history.charsByStream();
    this.leading = leading;
  }

  /** Let go for good: it hears nothing more. */
  dispose(): void {
    this.unlisten();
  }

  get id(): string {
    return this.key.target.id;
  }

  get snapshot(): Job | null {
    return this.current;
  }

  get terminal(): boolean {
    return this.current !== null && isTerminal(this.current.state);
  }

  /** Output is still wanted (here or by another replica's subscribers) and not yet complete. */
  get wantsLogs(): boolean {
    return (this.readers.logs > 0 || this.remote.logs) && !this.drained;
  }

  /** Someone reads this job: a subscriber here, or one of another replica this one reads for. */
  get read(): boolean {
    return this.subscribers > 0 || this.remote.status;
  }

  /** Several replicas: this one holds the job's scope and reads it for another replica's subscribers. */
  readForOthers(interest: { status: boolean; logs: boolean }): void {
    this.remote = interest;
  }

  /** The output has been read to its end. */
  get logsDone(): boolean {
    return this.drained;
  }

  /** The history holds the whole output delivered so far. */
  get historyComplete(): boolean {
    return !this.gaps;
  }

  get subscribers(): number {
    return this.readers.status + this.readers.logs;
  }

  get idle(): boolean {
    return this.subscribers === 0 && this.joining === 0;
  }

  /**
   * Settles once the first reading is in: resolves with a snapshot in hand, rejects when the
   * backend does not know the job, could not be read, or the gateway closes first.
   */
  known(): Promise<void> {
    return this.first.promise;
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
    // What this subscriber was last told: with several replicas the same snapshot can come twice
    // (a replica that watched for itself while Redis was away, then the holder's), never told twice.
    let told: string | null = null;
    return this.subscribe<Job>('status', undefined, (channel) => {
      if (this.current) {
        told = printOf(this.current);
        channel.push(this.current);
      }
      if (this.terminal) channel.end();
    }, (channel, news) => {
      if (news.type === 'snapshot') {
        const print = printOf(news.job);
        if (print === told) return;
        told = print;
      }
      statusNews(channel, news);
    });
  }

  /**
   * A log subscriber: the output so far (with `tail`, only its last `tail` entries), then new
   * output; ends once the job ended and output is drained. Before the first reading is in, the
   * output so far is that first batch, so `tail` trims it too.
   */
  subscribeLogs(tail: number | null = null): Channel<LogEntry> {
    let backlogPending = tail !== null && !this.outputRead;
    return this.subscribe<LogEntry>('logs', HISTORY_ENTRIES * 2, (channel) => {
      this.history.replay((entry) => channel.push(entry), tail);
      if (this.drained) channel.end();
    }, (channel, news) => {
      if (backlogPending && news.type === 'logs' && tail !== null) {
        backlogPending = false;
        for (const entry of lastOf(news.entries, tail)) channel.push(entry);
        return;
      }
      logNews(channel, news);
    });
  }

  /**
   * A reading of the job, begun at `readAt` (`performance.now()`); subscribers hear of it only if
   * something that counts changed. Reads race (a poll and a mutation's read-back): one begun before
   * the last applied is stale and dropped, and an ended job never comes back to life.
   */
  applySnapshot(job: Job, readAt: number): boolean {
    if (readAt < this.readAt) return false;
    if (this.terminal && !isTerminal(job.state)) return false;
    this.readAt = readAt;
    const print = fingerprint(job);
    if (print === this.print) return false;
    this.current = job;
    this.print = print;
    this.first.resolve();
    this.onChange?.(job);
    this.publish({ type: 'snapshot', job });
    return true;
  }

  appendLogs(entries: readonly LogEntry[]): void {
    if (this.drained) return;
    this.outputRead = true;
    const kept = this.withoutInherited(entries).filter((entry) => entry.text !== '');
    if (kept.length === 0) return;
    this.history.add(kept);
    this.publish({ type: 'logs', entries: kept });
  }

  /** Output that arrived while nobody reads it is not kept (memory), but the loss is remembered. */
  outputSkipped(): void {
    this.gaps = true;
  }

  /** Forgets the output, to be delivered again from the start (the stream is replayed). */
  resetOutput(): void {
    this.history.clear();
    this.outputRead = false;
    this.drained = false;
    this.gaps = false;
  }

  /** The job has ended and its output has been read to the end. */
  finishLogs(): void {
    if (this.drained) return;
    this.drained = true;
    this.publish({ type: 'logsEnd' });
  }

  /**
   * The backend does not know the job (any more). Backends only forget a job that was deleted (a
   * Data Manager instance is removed a few seconds after its DELETE), so its story ends as cancelled.
   */
  vanish(readAt: number): void {
    if (readAt < this.readAt) return;
    if (this.current === null) {
      const { backend, target } = this.key;
      this.first.reject(new LiveError('NOT_FOUND', `${backend} does not know job ${target.id}.`, backend));
      return;
    }
    if (!this.terminal) this.applySnapshot(removed(this.current), readAt);
    this.finishLogs();
  }

  /** The first reading failed: whoever waits for it gets the failure. */
  unreadable(error: unknown): void {
    this.first.reject(error);
  }

  /** The gateway is going away: whoever still waits for the first snapshot is told so. */
  close(): void {
    this.first.reject(shuttingDown());
  }

  private subscribe<T>(
    readers: Readers,
    maxQueued: number | undefined,
    replay: (channel: Channel<T>) => void,
    hear: (channel: Channel<T>, news: LiveNews | Closing) => void,
  ): Channel<T> {
    let unsubscribe = (): void => undefined;
    const channel = new Channel<T>(() => {
      unsubscribe();
      this.readers[readers]--;
      this.checkIdle();
    }, maxQueued);
    this.readers[readers]++;
    // Nothing is published between the replay and the subscription: both happen in this turn.
    replay(channel);
    if (channel.isOpen) unsubscribe = this.transport.subscribe(this.key, (news) => hear(channel, news));
    return channel;
  }

  /** `entries` less what the previous holder already delivered (see `lead`). */
  private withoutInherited(entries: readonly LogEntry[]): readonly LogEntry[] {
    const inherited = this.inherited;
    if (!inherited) return entries;
    const out: LogEntry[] = [];
    for (const entry of entries) {
      const stream = streamOf(entry);
      const left = inherited.get(stream) ?? 0;
      if (left >= entry.text.length) {
        inherited.set(stream, left - entry.text.length);
        continue;
      }
      inherited.set(stream, 0);
      out.push(left > 0 ? { ...entry, text: entry.text.slice(left) } : entry);
    }
    if ([...inherited.values()].every((left) => left === 0)) this.inherited = null;
    return out;
  }

  private hear(news: LiveNews | Closing, seq: number | undefined): void {
    if (this.leading) return;
    if (this.pending) this.pending.push([news, seq]);
    else this.mirror(news, seq);
  }

  private loaded(state: (ReplayState & { seq?: number }) | null): void {
    const heard = this.pending ?? [];
    this.pending = null;
    if (state && !this.leading) {
      if (state.job && this.current === null) this.adopt(state.job);
      if (this.history.size === 0 && state.entries.length > 0) {
        this.outputRead = true;
        this.history.add(state.entries);
      }
      if (state.logsEnded) this.drained = true;
      if (state.seq !== undefined) this.lastSeq = state.seq;
    }
    for (const [news, seq] of heard) this.mirror(news, seq);
  }

  /** Takes in one of the holder's news, once, in its order. */
  private mirror(news: LiveNews | Closing, seq: number | undefined): void {
    if (this.leading) return;
    if (seq !== undefined) {
      if (seq <= this.lastSeq) return;
      this.lastSeq = seq;
    }
    if (news.type === 'snapshot') {
      if (this.terminal && !isTerminal(news.job.state)) return;
      this.adopt(news.job);
    } else if (news.type === 'logs') {
      this.outputRead = true;
      this.history.add(news.entries);
    } else if (news.type === 'logsEnd') {
      this.drained = true;
    }
  }

  /** The holder's snapshot as this watcher's own: a takeover diffs against it, so nothing is told twice. */
  private adopt(job: Job): void {
    this.current = job;
    this.print = fingerprint(job);
    this.first.resolve();
  }

  private publish(news: JobNews): void {
    this.transport.publish(this.key, news);
  }

  private checkIdle(): void {
    if (this.idle) this.onIdle(this);
  }
}

/** Each snapshot's fingerprint once, however many subscribers hear it (they get the same object). */
const prints = new WeakMap<Job, string>();
function printOf(job: Job): string {
  let print = prints.get(job);
  if (print === undefined) {
    print = fingerprint(job);
    prints.set(job, print);
  }
  return print;
}

function statusNews(channel: Channel<Job>, news: LiveNews | Closing): void {
  if (news.type === 'snapshot') {
    channel.push(news.job);
    if (isTerminal(news.job.state)) channel.end();
  } else if (news.type === 'closing') {
    channel.end();
  }
}

function logNews(channel: Channel<LogEntry>, news: LiveNews | Closing): void {
  if (news.type === 'logs') for (const entry of news.entries) channel.push(entry);
  else if (news.type === 'logsEnd' || news.type === 'closing') channel.end();
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** A promise settled from outside; later settlements are ignored. Nobody awaiting a rejection is fine. */
function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
