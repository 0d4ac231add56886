// Whether this process may run the watcher of a key, i.e. read the backend for it. With several
// replicas one of them at a time may (a Redis lease another takes over when its holder dies); the
// others' subscribers hear that watcher's news through the transport. In one process: always.
import type { WatchKey } from './key.js';

/** Held while this process runs the watcher of a key. */
export interface LeaseGrant {
  release(): void;
  /**
   * Settles if the lease is taken away while held (another replica holds it now): the watcher must
   * stop reading the backend. Never settles for a grant that is only released.
   */
  readonly lost: Promise<void>;
}

export interface WatchLease {
  /** The grant, or null while another process holds the key. */
  acquire(key: WatchKey): Promise<LeaseGrant | null>;
  /** How long a process that did not get a key waits before it asks again (its holder may be gone). */
  readonly retryMs: number;
  /** For a key just refused: when to ask again (the holder's lease would have run out by then). */
  retryDelayMs?(key: WatchKey): number;
}

const NEVER = new Promise<void>(() => undefined);
const HELD: LeaseGrant = { release: () => undefined, lost: NEVER };

export class LocalLease implements WatchLease {
  readonly retryMs = Number.POSITIVE_INFINITY;

  acquire(): Promise<LeaseGrant> {
    return Promise.resolve(HELD);
  }
}
