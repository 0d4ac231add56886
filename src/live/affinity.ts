// Followed jobs are polled in one batched read per backend and credential (a scope). With several
// replicas, leases per job would split a scope's jobs over the replicas, and each would make its
// own batched read: upstream load would grow with the number of replicas. So a job's lease is its
// scope's: the one replica holding a scope reads every job of it that anyone follows; the others
// ask it to (`want`) and hear its news.
import { keyString, scopeKey, type ScopeKey, type WatchKey } from './key.js';
import type { LeaseGrant, WatchLease } from './lease.js';

interface Held {
  /** Settles with the scope's grant, or null while another replica holds the scope. */
  readonly grant: Promise<LeaseGrant | null>;
  refs: number;
}

export interface AffinityEvents {
  /** A job's lease was refused: its scope is another replica's, which should be asked to read it. */
  denied(key: WatchKey): void;
  /** This replica holds the scope from now on (true) or no longer (false). */
  holding(scope: ScopeKey, holding: boolean): void;
}

export class ScopeAffineLease implements WatchLease {
  private readonly scopes = new Map<string, Held>();

  constructor(
    private readonly base: WatchLease,
    private readonly events: AffinityEvents,
  ) {}

  get retryMs(): number {
    return this.base.retryMs;
  }

  retryDelayMs(key: WatchKey): number {
    const leased = key.target.kind === 'job' ? scopeKey(key) : key;
    return this.base.retryDelayMs?.(leased) ?? this.base.retryMs;
  }

  async acquire(key: WatchKey): Promise<LeaseGrant | null> {
    // Lists are one read each already: they keep a lease of their own.
    if (key.target.kind !== 'job') return this.base.acquire(key);
    const scope = scopeKey(key);
    const name = keyString(scope);
    let held = this.scopes.get(name);
    if (!held) {
      held = { grant: this.claim(scope, name), refs: 0 };
      this.scopes.set(name, held);
    }
    const current = held;
    const grant = await current.grant;
    if (!grant) {
      this.events.denied(key);
      return null;
    }
    current.refs++;
    let released = false;
    return {
      lost: grant.lost,
      release: () => {
        if (released) return;
        released = true;
        current.refs--;
        if (current.refs > 0 || this.scopes.get(name) !== current) return;
        this.scopes.delete(name);
        grant.release();
        this.events.holding(scope, false);
      },
    };
  }

  /** The scope's lease; a refusal or a loss is forgotten, so that the next attempt asks again. */
  private async claim(scope: ScopeKey, name: string): Promise<LeaseGrant | null> {
    let grant: LeaseGrant | null;
    try {
      grant = await this.base.acquire(scope);
    } catch (error) {
      this.scopes.delete(name);
      throw error;
    }
    const held = this.scopes.get(name);
    if (!grant) {
      if (held) this.scopes.delete(name);
      return null;
    }
    this.events.holding(scope, true);
    void grant.lost.then(() => {
      if (this.scopes.get(name) === held) this.scopes.delete(name);
      this.events.holding(scope, false);
    });
    return grant;
  }
}
