// The watchers of this process, one per key: started under the key's lease, stopped when idle.
import { log } from '../log.js';
import { keyString, type WatchKey } from './key.js';
import type { LeaseGrant, WatchLease } from './lease.js';

export interface Watcher<K extends WatchKey> {
  readonly key: K;
  /** Nobody subscribes to it, or is about to. */
  readonly idle: boolean;
}

export interface WatcherLifecycle<W> {
  /** This process holds the key's lease: read the backend for `watcher` from now on. */
  start(watcher: W): void;
  /** The watcher reads nothing more: let go, or its lease went to another replica. */
  stop(watcher: W): void;
  /** The watcher is let go for good (after `stop`). */
  retired?(watcher: W): void;
  /** How long an idle watcher is kept, reading nothing, so that a subscriber coming back finds what it knew. */
  lingerMs?: number | ((watcher: W) => number);
}

interface Entry<W> {
  readonly watcher: W;
  grant: LeaseGrant | null;
  linger: NodeJS.Timeout | null;
  /** The next attempt at the lease, while another replica holds it. */
  retry: NodeJS.Timeout | null;
}

export class WatcherRegistry<K extends WatchKey, W extends Watcher<K>> {
  private readonly entries = new Map<string, Entry<W>>();
  private closed = false;

  constructor(
    private readonly lease: WatchLease,
    private readonly lifecycle: WatcherLifecycle<W>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  watchers(): W[] {
    return [...this.entries.values()].map((entry) => entry.watcher);
  }

  get(key: K): W | undefined {
    return this.entries.get(keyString(key))?.watcher;
  }

  /** The key's watcher; `create` makes one if there is none, started once the lease is granted. */
  open(key: K, create: () => W): W {
    const name = keyString(key);
    const found = this.entries.get(name);
    if (found) {
      if (found.linger) clearTimeout(found.linger);
      found.linger = null;
      return found.watcher;
    }
    const entry: Entry<W> = { watcher: create(), grant: null, linger: null, retry: null };
    this.entries.set(name, entry);
    this.acquire(name, entry);
    return entry.watcher;
  }

  /**
   * Asks for the key's lease; without it another replica reads the backend for the key and its news
   * come through the transport. That replica may die: while this one has subscribers it asks again.
   */
  private acquire(name: string, entry: Entry<W>): void {
    const current = () => this.entries.get(name) === entry && !this.closed;
    this.lease.acquire(entry.watcher.key).then(
      (grant) => {
        if (!current()) {
          grant?.release();
          return;
        }
        if (!grant) {
          this.retryLater(name, entry);
          return;
        }
        entry.grant = grant;
        this.lifecycle.start(entry.watcher);
        void grant.lost.then(() => {
          if (entry.grant !== grant || !current()) return;
          // Another replica reads the backend for this key now: this one listens to it instead.
          entry.grant = null;
          this.lifecycle.stop(entry.watcher);
          this.retryLater(name, entry);
        });
      },
      (error: unknown) => {
        log.warn('live lease could not be acquired', { key: name, error: (error as Error).message });
        if (current()) this.retryLater(name, entry);
      },
    );
  }

  private retryLater(name: string, entry: Entry<W>): void {
    if (!Number.isFinite(this.lease.retryMs) || entry.retry) return;
    entry.retry = setTimeout(() => {
      entry.retry = null;
      if (this.entries.get(name) === entry && !this.closed && !entry.grant) this.acquire(name, entry);
    }, this.lease.retryDelayMs?.(entry.watcher.key) ?? this.lease.retryMs);
    entry.retry.unref?.();
  }

  /** Told by a watcher that it became idle: it stops now, or after the linger unless someone comes back. */
  idle(watcher: W): void {
    const name = keyString(watcher.key);
    const entry = this.entries.get(name);
    if (entry?.watcher !== watcher || entry.linger) return;
    const linger = this.lifecycle.lingerMs ?? 0;
    const lingerMs = typeof linger === 'function' ? linger(watcher) : linger;
    if (lingerMs === 0 || this.closed) {
      this.retire(name, entry);
      return;
    }
    entry.linger = setTimeout(() => {
      entry.linger = null;
      if (watcher.idle) this.retire(name, entry);
    }, lingerMs);
    entry.linger.unref?.();
  }

  /** Stops every watcher (gateway shutdown). */
  close(): void {
    this.closed = true;
    for (const [name, entry] of [...this.entries]) this.retire(name, entry);
  }

  private retire(name: string, entry: Entry<W>): void {
    if (this.entries.get(name) !== entry) return;
    this.entries.delete(name);
    if (entry.linger) clearTimeout(entry.linger);
    if (entry.retry) clearTimeout(entry.retry);
    this.lifecycle.stop(entry.watcher);
    this.lifecycle.retired?.(entry.watcher);
    entry.grant?.release();
  }
}
