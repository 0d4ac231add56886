// The two Redis connections of a replica (commands, and the one shared subscriber) and whether
// they work. Nothing waits on Redis: with the offline queue off and a command timeout a command
// fails at once while Redis is away, so callers fall back (local delivery, local leases) instead of
// hanging; ioredis reconnects by itself and 'ready' brings the state back.
import { Redis, type RedisOptions } from 'ioredis';
import { log } from '../../log.js';

export type RedisState = 'connected' | 'degraded';

export interface LinkOptions {
  /** Commands time out after this long (a hung Redis must not hang a lease renewal). */
  commandTimeoutMs: number;
  onState?: (state: RedisState) => void;
}

/** How long acquire/load/fingerprint wait for the very first connection before calling Redis away. */
const STARTUP_WAIT_MS = 1500;
/** After a command failed on a connection that still looks up, how soon a PING checks it again. */
const PROBE_MS = 500;

export class RedisLink {
  readonly command: Redis;
  readonly subscriber: Redis;
  private current: RedisState = 'degraded';
  private commandFailed = false;
  private probe: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly readyHooks: Array<() => void> = [];
  private readonly subscriberReadyHooks: Array<() => void> = [];
  /** Settles on the first 'ready' or after STARTUP_WAIT_MS, whichever is first. */
  readonly startup: Promise<void>;

  constructor(url: string, private readonly options: LinkOptions) {
    const base: RedisOptions = {
      // Nothing queued while Redis is away, in-flight commands fail on a drop instead of being
      // re-sent later (a stale lease renewal or publish is worse than a failed one).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
    };
    this.command = new Redis(url, base);
    // Subscriptions are restored by the transport on 'ready' (see transport.ts), so that channels
    // whose SUBSCRIBE failed while Redis was away are subscribed too, not only those ioredis saw.
    this.subscriber = new Redis(url, { ...base, autoResubscribe: false });
    for (const client of [this.command, this.subscriber]) {
      client.on('ready', () => this.connectionReady(client));
      client.on('close', () => this.update());
      client.on('end', () => this.update());
      // Without a listener ioredis prints every connection error; the state change is logged instead.
      client.on('error', (error: Error) => this.update(error));
    }
    this.startup = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STARTUP_WAIT_MS);
      timer.unref();
      this.command.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get state(): RedisState {
    return this.current;
  }

  /** Whether a command sent now can reach Redis. */
  get commandReady(): boolean {
    return this.command.status === 'ready';
  }

  get subscriberReady(): boolean {
    return this.subscriber.status === 'ready';
  }

  /** Runs on every (re)connection of the command connection. */
  onReady(hook: () => void): void {
    this.readyHooks.push(hook);
  }

  /** Runs on every (re)connection of the subscriber connection. */
  onSubscriberReady(hook: () => void): void {
    this.subscriberReadyHooks.push(hook);
  }

  /** True once the command connection is ready, false if it is not within `ms`. */
  whenReady(ms: number): Promise<boolean> {
    if (this.commandReady) return Promise.resolve(true);
    if (this.closing) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.command.off('ready', onReady);
        resolve(false);
      }, ms);
      timer.unref();
      this.command.once('ready', onReady);
    });
  }

  /** A command failed: degraded until a later one (or a probe) succeeds or the connection is ready again. */
  failed(error: unknown): void {
    if (this.closing) return;
    this.commandFailed = true;
    this.update(error instanceof Error ? error : new Error(String(error)));
    if (this.commandReady && this.subscriberReady) this.scheduleProbe();
  }

  succeeded(): void {
    if (!this.commandFailed) return;
    this.commandFailed = false;
    this.update();
  }

  /** Quits both connections (waiting for Redis to confirm when it is there). */
  async quit(): Promise<void> {
    this.closing = true;
    this.stopProbe();
    await Promise.all(
      [this.command, this.subscriber].map(async (client) => {
        if (client.status === 'ready') {
          try {
            await client.quit();
            return;
          } catch {
            // Fall through: drop it.
          }
        }
        client.disconnect();
      }),
    );
  }

  /** Drops both connections at once, as a killed process would. */
  drop(): void {
    this.closing = true;
    this.stopProbe();
    this.command.disconnect();
    this.subscriber.disconnect();
  }

  private connectionReady(client: Redis): void {
    if (this.closing) return;
    // A fresh connection proves Redis answers again; earlier failures no longer say anything.
    this.commandFailed = false;
    this.update();
    const hooks = client === this.command ? this.readyHooks : this.subscriberReadyHooks;
    for (const hook of hooks) hook();
  }

  private update(error?: Error): void {
    if (this.closing) return;
    const next: RedisState = this.commandReady && this.subscriberReady && !this.commandFailed ? 'connected' : 'degraded';
    if (next === this.current) return;
    this.current = next;
    if (next === 'degraded') {
      // The message of a connection error names host and port at most, never the URL's password.
      log.warn('live: Redis unreachable, degraded to this replica alone', { error: error?.message ?? 'connection lost' });
    } else {
      this.stopProbe();
      log.info('live: Redis connected');
    }
    this.options.onState?.(next);
  }

  private scheduleProbe(): void {
    if (this.probe) return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      if (this.closing || !this.commandFailed || !this.commandReady) return;
      this.command.ping().then(
        () => this.succeeded(),
        (error: unknown) => this.failed(error),
      );
    }, PROBE_MS);
    this.probe.unref();
  }

  private stopProbe(): void {
    if (this.probe) clearTimeout(this.probe);
    this.probe = undefined;
  }
}
