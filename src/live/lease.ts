// Whether this process may run the watcher of a key, i.e. read the backend for it. With several
// replicas one of them at a time may (a Redis lease another takes over when its holder dies); the
// others' subscribers hear that watcher's news through the transport. In one process: always.
import type { WatchKey } from './key.js';

/** Held while this process runs the watcher of a key. */
export interface LeaseGrant {
  release(): void;
}

export interface WatchLease {
  /** The grant, or null while another process holds the key. */
  acquire(key: WatchKey): Promise<LeaseGrant | null>;
}

const HELD: LeaseGrant = { release: () => undefined };

export class LocalLease implements WatchLease {
  acquire(): Promise<LeaseGrant> {
    return Promise.resolve(HELD);
  }
}
