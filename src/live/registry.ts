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
  /** The watcher is let go: it reads nothing more. */
  stop(watcher: W): void;
  /** How long an idle watcher is kept, reading nothing, so that a subscriber coming back finds what it knew. */
  lingerMs?: number | ((watcher: W) => number);
}

interface Entry<W> {
  readonly watcher: W;
  grant: LeaseGrant | null;
  linger: NodeJS.Timeout | null;
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
    const entry: Entry<W> = { watcher: create(), grant: null, linger: null };
    this.entries.set(name, entry);
    this.lease.acquire(key).then(
      (grant) => {
        if (this.entries.get(name) !== entry) {
          grant?.release();
          return;
        }
        entry.grant = grant;
        // Without the grant another replica reads the backend for this key: its news come through the transport.
        if (grant) this.lifecycle.start(entry.watcher);
      },
      (error: unknown) => log.warn('live lease could not be acquired', { key: name, error: (error as Error).message }),
    );
    return entry.watcher;
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
    this.lifecycle.stop(entry.watcher);
    entry.grant?.release();
  }
}
