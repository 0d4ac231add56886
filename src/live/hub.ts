import { outsideRequest } from '../request-context.js';
import type { JobFilter, LogEntry, Provider } from '../providers/contract.js';
import type { Job, JobProvider } from '../providers/job.js';
import { Channel } from './channel.js';
import { LiveError, shuttingDown } from './errors.js';
import { feedFor, type JobFeed } from './feed.js';
import { JobWatcher } from './job-watcher.js';
import { ScopeAffineLease } from './affinity.js';
import { jobKey, keyString, listKey, scopeKey, scopeString, SERVICE_CREDENTIAL, type CredentialSlot, type JobKey, type ListKey, type ScopeKey, type WatchKey, type WatchScope } from './key.js';
import { LocalLease, type WatchLease } from './lease.js';
import { listListener, ListWatcher } from './list-watcher.js';
import type { JobEvent } from './news.js';
import { WatcherRegistry } from './registry.js';
import { RoundTally, type RoundCounts } from './round-tally.js';
import type { LiveReplay } from './replay.js';
import { LocalTransport, type LiveTransport } from './transport.js';

/** The backends one subscriber can read, and whose credential each is read with. */
export interface LiveReader {
  readonly providers: ReadonlyMap<JobProvider, Provider>;
  slot(backend: JobProvider): CredentialSlot;
}

export interface LiveStats {
  /** Jobs followed right now (one watcher each, however many subscribers). */
  jobWatchers: number;
  /** Open `jobUpdated` and `jobLogs` subscriptions. */
  jobSubscriptions: number;
  /** Open `jobsUpdated` subscriptions. */
  listSubscriptions: number;
  /** Backend streams open (UCloud `follow`). */
  follows: number;
  /** Poll rounds done so far, per backend (status/logs and list rounds). */
  rounds: Partial<Record<JobProvider, RoundCounts>>;
}

/** How long a list watcher without subscribers keeps what it knows (it polls nothing meanwhile). */
const LIST_GRACE_MS = 60_000;

export interface LiveHubOptions {
  /** Instrumentation: every change of a followed job, as the gateway observes it, before delivery. */
  onChange?: (job: Job) => void;
  /** How news reaches subscribers; in-process unless given (several replicas: shared through Redis). */
  transport?: LiveTransport;
  /** Whether this process may watch a key; always unless given (several replicas: one holder each). */
  lease?: WatchLease;
  /** What the holder of a key published so far, for watchers on other replicas (several replicas). */
  replay?: LiveReplay;
}

/**
 * The live side of the gateway: one watcher per key however many clients subscribe to it (a job,
 * or a backend's list for `jobsUpdated`), each started by its first subscriber and stopped after
 * its last, timers and sockets included. A watcher's news reach subscribers through the transport.
 */
export class LiveHub {
  private readonly transport: LiveTransport;
  private readonly jobs: WatcherRegistry<JobKey, JobWatcher>;
  private readonly lists: WatcherRegistry<ListKey, ListWatcher>;
  /**
   * One per scope while it has watchers: the followed jobs of a backend read with one credential
   * share it. Dropped with its last watcher, and with it the credential it reads with.
   */
  private readonly feeds = new Map<string, JobFeed>();
  /** The provider each watcher reads through (its first subscriber's: every subscriber of its key has the same credential). */
  private readonly readers = new WeakMap<JobWatcher, Provider>();
  /** Feeds let go that are still closing their streams (shutdown waits for them). */
  private readonly stopping = new Set<Promise<void>>();
  /**
   * The provider each scope is read with here, for jobs another replica asks this one to read;
   * kept while the scope has watchers here (`scopeWatchers`), and with it the credential.
   */
  private readonly scopeReaders = new Map<string, Provider>();
  private readonly scopeWatchers = new Map<string, number>();
  /** Scopes this replica holds: their `want` topic, heard while held. */
  private readonly heldScopes = new Map<string, () => void>();
  /** Jobs read here for another replica's subscribers, kept while that replica keeps asking. */
  private readonly remoteHolds = new Map<string, { release: () => void; timer: NodeJS.Timeout; logs: boolean }>();
  private readonly wantTtlMs: number;
  private readonly rounds = new RoundTally();
  private listSubscriptions = 0;
  private closed = false;

  constructor(
    /** The enabled backends (for `stats`). */
    private readonly backends: readonly JobProvider[],
    private readonly intervalMs: number,
    private readonly options: LiveHubOptions = {},
  ) {
    this.transport = options.transport ?? new LocalTransport();
    // Several replicas: a job's lease is its scope's, so one replica polls a scope for all of them.
    const lease = options.lease
      ? new ScopeAffineLease(options.lease, { denied: (key) => this.askHolder(key), holding: (scope, holding) => this.holdScope(scope, holding) })
      : new LocalLease();
    this.wantTtlMs = Number.isFinite(lease.retryMs) ? 3 * lease.retryMs : 0;
    this.jobs = new WatcherRegistry(lease, {
      // Shared work outlives the request that started it: its logs and spans are nobody's request's.
      start: (watcher) => outsideRequest(() => this.startWatching(watcher)),
      stop: (watcher) => this.stopWatching(watcher),
      retired: (watcher) => this.retire(watcher),
    });
    this.lists = new WatcherRegistry(lease, {
      start: (list) => outsideRequest(() => list.start()),
      stop: (list) => list.pause(),
      retired: (list) => list.stop(),
      // A caller's credential is not kept past their subscription: only the gateway's own lists linger.
      lingerMs: (list) => (list.key.credential === SERVICE_CREDENTIAL ? LIST_GRACE_MS : 0),
    });
  }

  /**
   * The job now, then every change; ends after a terminal state. NOT_FOUND when the backend does
   * not know it. `provider` reads the job with the credential `key` names.
   */
  jobUpdated(key: JobKey, provider: Provider): Promise<Channel<Job>> {
    return this.subscribe(key, provider, (watcher) => watcher.subscribeStatus());
  }

  /**
   * The output so far (with `tail`, its last `tail` entries), then new output; ends when the job
   * has ended and its output is drained.
   */
  jobLogs(key: JobKey, provider: Provider, options: { tail?: number | null } = {}): Promise<Channel<LogEntry>> {
    return this.subscribe(key, provider, (watcher, feed) => {
      feed?.outputWanted(watcher);
      const logs = watcher.subscribeLogs(options.tail ?? null);
      // Read on another replica: it must hear now that output is wanted, not at the next lease retry.
      if (!feed) this.askHolder(key);
      return logs;
    });
  }

  /**
   * Every change among the jobs matching `filter`, from now on, among the backends `reader` can
   * read (each with the credential it names).
   */
  jobsUpdated(filter: JobFilter, reader: LiveReader): Channel<JobEvent> {
    this.assertOpen();
    const wanted = filter.providers && filter.providers.length > 0 ? filter.providers : [...reader.providers.keys()];
    // Each backend once, however often the filter names it: one listener per list, so one event each.
    const targets = [...new Set(wanted)].flatMap((id) => {
      const provider = reader.providers.get(id);
      return provider ? [provider] : [];
    });
    if (targets.length === 0) {
      // Nothing could ever come: say so instead of a subscription that stays silent forever.
      throw new LiveError('PROVIDER_DISABLED', `None of ${wanted.join(', ') || 'the backends'} is enabled on this gateway.`);
    }
    const lists = targets.map((provider) => this.list(listKey(provider.id, reader.slot(provider.id)), provider));
    const unsubscribes: (() => void)[] = [];
    const channel = new Channel<JobEvent>(() => {
      this.listSubscriptions--;
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const list of lists) list.leave();
    });
    this.listSubscriptions++;
    for (const list of lists) {
      unsubscribes.push(this.transport.subscribe(list.key, listListener(channel, filter)));
      list.join();
    }
    return channel;
  }

  /**
   * A job as just read by someone else (a mutation reads its job back): watchers and list
   * watchers take it as an observation, so subscribers hear of the change at once, for free.
   * `readAt`: when that read began (`performance.now()`), so that it cannot overtake a newer one.
   */
  observe(job: Job, readAt: number, credential: CredentialSlot): void {
    this.jobs.get(jobKey(job.provider, job.providerJobId, credential))?.applySnapshot(job, readAt);
    this.lists.get(listKey(job.provider, credential))?.offer(job, readAt);
  }

  stats(): LiveStats {
    const rounds: LiveStats['rounds'] = {};
    for (const id of this.backends) rounds[id] = this.rounds.of(id);
    const watchers = this.jobs.watchers();
    return {
      jobWatchers: watchers.length,
      jobSubscriptions: watchers.reduce((sum, watcher) => sum + watcher.subscribers, 0),
      listSubscriptions: this.listSubscriptions,
      follows: [...this.feeds.values()].reduce((sum, feed) => sum + feed.streams, 0),
      rounds,
    };
  }

  /** Completes every subscription and stops every timer and stream. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { release, timer } of this.remoteHolds.values()) {
      clearTimeout(timer);
      release();
    }
    this.remoteHolds.clear();
    for (const unsubscribe of this.heldScopes.values()) unsubscribe();
    this.heldScopes.clear();
    for (const watcher of this.jobs.watchers()) watcher.close();
    // Every subscription here ends, so its watcher becomes idle and is stopped.
    this.transport.close();
    this.jobs.close();
    this.lists.close();
    await Promise.allSettled([...[...this.feeds.values()].map((feed) => feed.stop()), ...this.stopping]);
  }

  private assertOpen(): void {
    if (this.closed) throw shuttingDown();
  }

  private openWatcher(key: JobKey, provider: Provider): JobWatcher {
    return this.jobs.open(key, () => {
      const created = new JobWatcher(key, this.transport, (idle) => this.jobs.idle(idle), this.options.onChange, this.options.replay);
      this.readers.set(created, provider);
      const scope = scopeString(key);
      this.scopeWatchers.set(scope, (this.scopeWatchers.get(scope) ?? 0) + 1);
      if (!this.scopeReaders.has(scope)) this.scopeReaders.set(scope, provider);
      return created;
    });
  }

  private retire(watcher: JobWatcher): void {
    watcher.dispose();
    const scope = scopeString(watcher.key);
    const left = (this.scopeWatchers.get(scope) ?? 1) - 1;
    if (left > 0) {
      this.scopeWatchers.set(scope, left);
      return;
    }
    this.scopeWatchers.delete(scope);
    this.scopeReaders.delete(scope);
  }

  /** This replica's subscribers follow `key`, whose scope another replica reads: ask it to read this job too. */
  private askHolder(key: WatchKey): void {
    if (key.target.kind !== 'job' || this.closed || this.wantTtlMs === 0) return;
    const watcher = this.jobs.get(jobKey(key.backend, key.target.id, key.credential));
    this.transport.publish(scopeKey(key), { type: 'want', id: key.target.id, logs: watcher?.wantsLogs ?? false });
  }

  private holdScope(scope: ScopeKey, holding: boolean): void {
    const name = keyString(scope);
    if (!holding) {
      this.heldScopes.get(name)?.();
      this.heldScopes.delete(name);
      return;
    }
    if (this.heldScopes.has(name) || this.closed) return;
    this.heldScopes.set(
      name,
      this.transport.subscribe(scope, (news) => {
        if (news.type === 'want') this.readFor(jobKey(scope.backend, news.id, scope.credential), news.logs);
      }),
    );
  }

  /**
   * Reads a job another replica's subscribers follow, as long as it keeps asking (a few lease
   * retries), and no longer than there is anything to tell: its end, and its output's if wanted.
   */
  private readFor(key: JobKey, logs: boolean): void {
    const provider = this.scopeReaders.get(scopeString(key));
    if (!provider || this.closed || this.wantTtlMs === 0) return;
    const name = keyString(key);
    const found = this.remoteHolds.get(name);
    if (found) clearTimeout(found.timer);
    const watcher = this.openWatcher(key, provider);
    const hold = found ?? { release: () => undefined, timer: setTimeout(() => undefined, 0), logs: false };
    if (!found) {
      const release = watcher.hold();
      const unlisten = this.transport.subscribe(key, () => {
        if (watcher.terminal && (!hold.logs || watcher.logsDone)) done();
      });
      const done = () => {
        clearTimeout(hold.timer);
        if (this.remoteHolds.get(name) !== hold) return;
        this.remoteHolds.delete(name);
        unlisten();
        watcher.readForOthers({ status: false, logs: false });
        release();
      };
      hold.release = done;
    }
    hold.logs ||= logs;
    watcher.readForOthers({ status: true, logs: hold.logs });
    hold.timer = setTimeout(() => hold.release(), this.wantTtlMs);
    hold.timer.unref?.();
    this.remoteHolds.set(name, hold);
    // Nothing more to tell than what was published already (the replay store has it).
    if (watcher.terminal && (!hold.logs || watcher.logsDone)) {
      hold.release();
      return;
    }
    // Already read here: the reading goes on for them now (a stream opened, output read).
    const feed = this.feedOf(key);
    if (feed) {
      feed.subscribed(watcher);
      if (hold.logs) feed.outputWanted(watcher);
    }
  }

  private startWatching(watcher: JobWatcher): void {
    const provider = this.readers.get(watcher);
    if (!provider) return;
    const name = scopeString(watcher.key);
    let feed = this.feeds.get(name);
    if (!feed) {
      feed = feedFor(provider, this.intervalMs, this.rounds.counter(watcher.key.backend, 'jobs'));
      this.feeds.set(name, feed);
    }
    watcher.lead(true);
    feed.add(watcher);
    // Taken over from another replica while subscribers were waiting: they need the stream now.
    if (watcher.read) feed.subscribed(watcher);
    if (watcher.wantsLogs) feed.outputWanted(watcher);
  }

  private stopWatching(watcher: JobWatcher): void {
    watcher.lead(false);
    const name = scopeString(watcher.key);
    const feed = this.feeds.get(name);
    if (!feed) return;
    feed.remove(watcher);
    if (feed.size > 0) return;
    this.feeds.delete(name);
    const stopped = feed.stop().finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }

  private feedOf(scope: WatchScope): JobFeed | undefined {
    return this.feeds.get(scopeString(scope));
  }

  private list(key: ListKey, provider: Provider): ListWatcher {
    return this.lists.open(
      key,
      () => new ListWatcher(key, provider, this.intervalMs, this.transport, (idle) => this.lists.idle(idle), this.rounds.counter(key.backend, 'list')),
    );
  }

  /**
   * Subscribes to the job's watcher once its first snapshot is in hand, starting the watcher if
   * this is its first subscriber. The subscription is made before the watcher is let go, so a
   * watcher never sits without subscribers while one is joining.
   */
  private async subscribe<T>(key: JobKey, provider: Provider, open: (watcher: JobWatcher, feed: JobFeed | undefined) => T): Promise<T> {
    this.assertOpen();
    const watcher = this.openWatcher(key, provider);
    const release = watcher.hold();
    try {
      await watcher.known();
      // The gateway may have begun shutting down while the first snapshot was on its way.
      this.assertOpen();
      // Looked up now, not before: the watcher is in its scope's feed once it has started (none
      // here when another replica holds the key's lease).
      const feed = this.feedOf(key);
      const subscription = open(watcher, feed);
      if (this.jobs.get(key) === watcher) feed?.subscribed(watcher);
      return subscription;
    } finally {
      release();
    }
  }
}
