import { GraphQLError } from 'graphql';
import type { JobFilter, LogEntry } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import type { Job, JobProvider } from '../providers/job.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { Channel } from './channel.js';
import { FollowDriver } from './follow-driver.js';
import { JobWatcher } from './job-watcher.js';
import { ListWatcher, type JobEvent } from './list-watcher.js';
import { PollGroup } from './poll-group.js';

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
  rounds: Partial<Record<JobProvider, { jobs: number; list: number }>>;
}

/** How long a list watcher without subscribers keeps what it knows (it polls nothing meanwhile). */
const LIST_GRACE_MS = 60_000;

export interface LiveHubOptions {
  /** Instrumentation: every change of a followed job, as the gateway observes it, before delivery. */
  onChange?: (job: Job) => void;
}

/**
 * The live side of the gateway: one watcher per followed job however many clients follow it, one
 * poll group per backend, one list watcher per backend for `jobsUpdated`. Everything is started by
 * the first subscriber and stopped with the last, timers and sockets included.
 */
export class LiveHub {
  private readonly watchers = new Map<string, JobWatcher>();
  private readonly follows = new Map<string, FollowDriver>();
  private readonly groups = new Map<JobProvider, PollGroup>();
  private readonly lists = new Map<JobProvider, ListWatcher>();
  private readonly listChannels = new Set<Channel<JobEvent>>();
  private readonly listRounds = new Map<JobProvider, number>();
  private readonly listIdle = new Map<JobProvider, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly intervalMs: number,
    private readonly options: LiveHubOptions = {},
  ) {}

  /** The job now, then every change; ends after a terminal state. NOT_FOUND when the backend does not know it. */
  jobUpdates(provider: JobProvider, id: string): Promise<AsyncIterableIterator<Job>> {
    return this.ready(provider, id, (watcher) => watcher.subscribeStatus());
  }

  /** The output so far, then new output; ends when the job has ended and its output is drained. */
  jobLogs(provider: JobProvider, id: string): Promise<AsyncIterableIterator<LogEntry>> {
    return this.ready(provider, id, (watcher) => {
      // Output a stream delivered while nobody read it was not kept: replay the stream from the
      // start (a new FollowDriver is started by ready() when the old one has finished).
      if (!watcher.historyComplete) {
        watcher.resetOutput();
        const key = `${provider}:${id}`;
        const driver = this.follows.get(key);
        if (driver?.running) driver.replay();
        else {
          driver?.stop();
          this.follows.delete(key);
        }
      }
      const firstReader = !watcher.wantsLogs && !watcher.logsDone;
      const channel = watcher.subscribeLogs();
      // Polled backends read output only while someone wants it: the first reader of a job's output
      // gets it read now rather than at the next round (later readers get the history replayed).
      if (firstReader) this.groups.get(provider)?.wake();
      return channel;
    });
  }

  /** Every change among the jobs matching `filter`, from now on. */
  jobsUpdated(filter: JobFilter): AsyncIterableIterator<JobEvent> {
    this.assertOpen();
    const wanted = filter.providers && filter.providers.length > 0 ? filter.providers : [...this.providers.keys()];
    const targets = wanted.flatMap((id) => {
      const provider = this.providers.get(id);
      return provider ? [provider] : [];
    });
    if (targets.length === 0) {
      // Nothing could ever come: say so instead of a subscription that stays silent forever.
      throw new GraphQLError(`None of ${wanted.join(', ')} is enabled on this gateway.`, { extensions: { code: 'PROVIDER_DISABLED' } });
    }
    const subscriber = {
      filter,
      channel: new Channel<JobEvent>(() => {
        this.listChannels.delete(subscriber.channel);
        for (const provider of targets) {
          const list = this.lists.get(provider.id);
          list?.remove(subscriber);
          if (list && list.size === 0) this.idleList(provider.id, list);
        }
      }),
    };
    this.listChannels.add(subscriber.channel);
    for (const provider of targets) {
      let list = this.lists.get(provider.id);
      if (!list) {
        list = new ListWatcher(provider, this.intervalMs);
        this.lists.set(provider.id, list);
      }
      clearTimeout(this.listIdle.get(provider.id));
      this.listIdle.delete(provider.id);
      list.add(subscriber);
    }
    return subscriber.channel;
  }

  /**
   * A list watcher without subscribers polls no more, but keeps what it knows for a while: a client
   * that reconnects (a page reload) does not cost every live job of the backend read again.
   */
  private idleList(provider: JobProvider, list: ListWatcher): void {
    clearTimeout(this.listIdle.get(provider));
    const timer = setTimeout(() => {
      this.listIdle.delete(provider);
      if (this.lists.get(provider) !== list || list.size > 0) return;
      this.listRounds.set(provider, (this.listRounds.get(provider) ?? 0) + list.rounds);
      list.stop();
      this.lists.delete(provider);
    }, LIST_GRACE_MS);
    timer.unref?.();
    this.listIdle.set(provider, timer);
  }

  /**
   * A job as just read by someone else (a mutation reads its job back): watchers and list
   * watchers take it as an observation, so subscribers hear of the change at once, for free.
   */
  /** `readAt`: when that read began (`performance.now()`), so that it cannot overtake a newer one. */
  observe(job: Job, readAt: number): void {
    this.watchers.get(`${job.provider}:${job.providerJobId}`)?.applySnapshot(job, readAt);
    this.lists.get(job.provider)?.offer(job, readAt);
  }

  stats(): LiveStats {
    const rounds: LiveStats['rounds'] = {};
    for (const id of this.providers.keys()) {
      rounds[id] = { jobs: this.groups.get(id)?.rounds ?? 0, list: (this.listRounds.get(id) ?? 0) + (this.lists.get(id)?.rounds ?? 0) };
    }
    return {
      jobWatchers: this.watchers.size,
      jobSubscriptions: [...this.watchers.values()].reduce((sum, watcher) => sum + watcher.subscribers, 0),
      listSubscriptions: this.listChannels.size,
      follows: this.follows.size,
      rounds,
    };
  }

  /** Completes every subscription and stops every timer and stream. */
  async close(): Promise<void> {
    this.closed = true;
    for (const watcher of [...this.watchers.values()]) watcher.endAll();
    for (const channel of [...this.listChannels]) channel.end();
    const streams = [...this.follows.values()];
    for (const follow of streams) follow.stop();
    for (const group of this.groups.values()) group.stop();
    for (const list of this.lists.values()) list.stop();
    for (const timer of this.listIdle.values()) clearTimeout(timer);
    this.listIdle.clear();
    await Promise.allSettled(streams.map((follow) => follow.done));
  }

  private assertOpen(): void {
    if (this.closed) throw new GraphQLError('The gateway is shutting down.', { extensions: { code: 'UNAVAILABLE' } });
  }

  /**
   * Subscribes to the job's watcher once its first snapshot is in hand, starting the watcher if
   * this is its first subscriber. The subscription is made before the watcher is let go, so a
   * watcher never sits without subscribers while one is joining.
   */
  private async ready<T>(providerId: JobProvider, id: string, subscribe: (watcher: JobWatcher) => T): Promise<T> {
    this.assertOpen();
    const provider = this.providers.get(providerId);
    if (!provider) {
      throw new GraphQLError(`The ${providerId} backend is not enabled on this gateway.`, { extensions: { code: 'PROVIDER_DISABLED' } });
    }
    const key = `${providerId}:${id}`;
    let watcher = this.watchers.get(key);
    let first: Promise<Job | null>;
    if (watcher) {
      first = watcher.firstSnapshot;
    } else {
      watcher = new JobWatcher(providerId, id, (idle) => this.release(idle), this.options.onChange);
      this.watchers.set(key, watcher);
      first = this.group(providerId).add(watcher);
      watcher.firstSnapshot = first;
      first.catch(() => undefined);
    }
    const release = watcher.hold();
    try {
      const job = await first;
      if (job === null) {
        throw new GraphQLError(`${providerId} does not know job ${id}.`, { extensions: { code: 'NOT_FOUND', provider: providerId } });
      }
      // The gateway may have begun shutting down while the first snapshot was on its way.
      this.assertOpen();
      const subscription = subscribe(watcher);
      // A finished job's status subscriber is already served; only output needs the stream then.
      if (provider.follow && watcher.subscribers > 0 && !this.follows.has(key) && this.watchers.get(key) === watcher) {
        this.follows.set(key, new FollowDriver(provider, watcher, this.intervalMs));
      }
      return subscription;
    } catch (error) {
      if (isProviderError(error)) {
        throw new GraphQLError(error.message, { extensions: { code: error.code, provider: providerId } });
      }
      throw error;
    } finally {
      release();
    }
  }

  private group(providerId: JobProvider): PollGroup {
    let group = this.groups.get(providerId);
    if (!group) {
      const provider = this.providers.get(providerId);
      if (!provider) throw new Error(`no provider ${providerId}`);
      group = new PollGroup(provider, { intervalMs: this.intervalMs, pollStatus: !provider.follow });
      this.groups.set(providerId, group);
    }
    return group;
  }

  private release(watcher: JobWatcher): void {
    const key = `${watcher.provider}:${watcher.id}`;
    if (this.watchers.get(key) !== watcher) return;
    this.watchers.delete(key);
    this.groups.get(watcher.provider)?.remove(watcher);
    this.follows.get(key)?.stop();
    this.follows.delete(key);
  }
}
