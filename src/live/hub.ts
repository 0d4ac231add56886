import { outsideRequest } from '../request-context.js';
import type { JobFilter, LogEntry, Provider } from '../providers/contract.js';
import type { Job, JobProvider } from '../providers/job.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { Channel } from './channel.js';
import { LiveError, shuttingDown } from './errors.js';
import { feedFor, type JobFeed } from './feed.js';
import { JobWatcher } from './job-watcher.js';
import { jobKey, listKey, scopeString, SERVICE_CREDENTIAL, type CredentialSlot, type JobKey, type ListKey, type WatchScope } from './key.js';
import { LocalLease, type WatchLease } from './lease.js';
import { listListener, ListWatcher } from './list-watcher.js';
import type { JobEvent } from './news.js';
import { WatcherRegistry } from './registry.js';
import { RoundTally, type RoundCounts } from './round-tally.js';
import { LocalTransport, type LiveTransport } from './transport.js';

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
  /** One per scope: the followed jobs of a backend read with one credential share it. */
  private readonly feeds = new Map<string, JobFeed>();
  private readonly rounds = new RoundTally();
  private listSubscriptions = 0;
  private closed = false;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly intervalMs: number,
    private readonly options: LiveHubOptions = {},
  ) {
    this.transport = options.transport ?? new LocalTransport();
    const lease = options.lease ?? new LocalLease();
    this.jobs = new WatcherRegistry(lease, {
      // Shared work outlives the request that started it: its logs and spans are nobody's request's.
      start: (watcher) => outsideRequest(() => this.feed(watcher.key).add(watcher)),
      stop: (watcher) => this.feed(watcher.key).remove(watcher),
    });
    this.lists = new WatcherRegistry(lease, { start: (list) => outsideRequest(() => list.start()), stop: (list) => list.stop(), lingerMs: LIST_GRACE_MS });
  }

  /** The job now, then every change; ends after a terminal state. NOT_FOUND when the backend does not know it. */
  jobUpdated(key: JobKey): Promise<AsyncIterableIterator<Job>> {
    return this.subscribe(key, (watcher) => watcher.subscribeStatus());
  }

  /**
   * The output so far (with `tail`, its last `tail` entries), then new output; ends when the job
   * has ended and its output is drained.
   */
  jobLogs(key: JobKey, options: { tail?: number | null } = {}): Promise<AsyncIterableIterator<LogEntry>> {
    return this.subscribe(key, (watcher, feed) => {
      feed.outputWanted(watcher);
      return watcher.subscribeLogs(options.tail ?? null);
    });
  }

  /** Every change among the jobs matching `filter`, from now on. */
  jobsUpdated(filter: JobFilter, credential: CredentialSlot = SERVICE_CREDENTIAL): AsyncIterableIterator<JobEvent> {
    this.assertOpen();
    const wanted = filter.providers && filter.providers.length > 0 ? filter.providers : [...this.providers.keys()];
    // Each backend once, however often the filter names it: one listener per list, so one event each.
    const targets = [...new Set(wanted)].flatMap((id) => {
      const provider = this.providers.get(id);
      return provider ? [provider] : [];
    });
    if (targets.length === 0) {
      // Nothing could ever come: say so instead of a subscription that stays silent forever.
      throw new LiveError('PROVIDER_DISABLED', `None of ${wanted.join(', ')} is enabled on this gateway.`);
    }
    const lists = targets.map((provider) => this.list(listKey(provider.id, credential), provider));
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
  observe(job: Job, readAt: number): void {
    this.jobs.get(jobKey(job.provider, job.providerJobId))?.applySnapshot(job, readAt);
    this.lists.get(listKey(job.provider))?.offer(job, readAt);
  }

  stats(): LiveStats {
    const rounds: LiveStats['rounds'] = {};
    for (const id of this.providers.keys()) rounds[id] = this.rounds.of(id);
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
    for (const watcher of this.jobs.watchers()) watcher.close();
    // Every subscription here ends, so its watcher becomes idle and is stopped.
    this.transport.close();
    this.jobs.close();
    this.lists.close();
    await Promise.allSettled([...this.feeds.values()].map((feed) => feed.stop()));
  }

  private assertOpen(): void {
    if (this.closed) throw shuttingDown();
  }

  private provider(backend: JobProvider): Provider {
    const provider = this.providers.get(backend);
    if (!provider) throw new LiveError('PROVIDER_DISABLED', `The ${backend} backend is not enabled on this gateway.`);
    return provider;
  }

  private feed(scope: WatchScope): JobFeed {
    const name = scopeString(scope);
    let feed = this.feeds.get(name);
    if (!feed) {
      feed = feedFor(this.provider(scope.backend), this.intervalMs, this.rounds.counter(scope.backend, 'jobs'));
      this.feeds.set(name, feed);
    }
    return feed;
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
  private async subscribe<T>(key: JobKey, open: (watcher: JobWatcher, feed: JobFeed) => T): Promise<T> {
    this.assertOpen();
    const feed = this.feed(key);
    const watcher = this.jobs.open(key, () => new JobWatcher(key, this.transport, (idle) => this.jobs.idle(idle), this.options.onChange));
    const release = watcher.hold();
    try {
      await watcher.known();
      // The gateway may have begun shutting down while the first snapshot was on its way.
      this.assertOpen();
      const subscription = open(watcher, feed);
      if (this.jobs.get(key) === watcher) feed.subscribed(watcher);
      return subscription;
    } finally {
      release();
    }
  }
}
