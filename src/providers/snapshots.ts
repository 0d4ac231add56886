// Listings of the backends that promise no order (RIME, the Data Manager) are read whole for every
// page of `jobs`: without sharing, their cost grows with the backend's size on every operation.
// Here one read, parsed and mapped once, serves every operation with the same credential and the
// same query for a short staleness; this gateway's own mutations make it stale at once.
import type { ListPage } from './contract.js';

interface Entry {
  readonly page: Promise<ListPage>;
  /** When the read answered (`performance.now()`); null while it is in flight. */
  answeredAt: number | null;
}

/** One backend's shared listings; `scoped` gives the view of one credential. */
export class ListingSnapshots {
  private readonly entries = new Map<string, Entry>();

  /**
   * `staleMs`: how long a listing is served after it answered (0: only while in flight).
   * `maxEntries` bounds memory: the oldest go first.
   */
  constructor(
    private readonly staleMs: number,
    private readonly maxEntries = 64,
  ) {}

  /** The listings of one credential (its fingerprint): never served to another. */
  scoped(scope: string): ScopedSnapshots {
    return {
      read: (query, load) => this.read(JSON.stringify([scope, query]), load),
      invalidate: () => this.invalidate(scope),
    };
  }

  private read(key: string, load: () => Promise<ListPage>): Promise<ListPage> {
    const found = this.entries.get(key);
    if (found && (found.answeredAt === null || performance.now() - found.answeredAt <= this.staleMs)) return found.page;
    const page = load();
    const entry: Entry = { page, answeredAt: null };
    this.entries.delete(key);
    this.entries.set(key, entry);
    page.then(
      () => {
        entry.answeredAt = performance.now();
      },
      // A failed read is nobody's snapshot: the next caller asks again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return page;
  }

  /** After a change made through this gateway: the credential's listings are read afresh. */
  private invalidate(scope: string): void {
    const prefix = JSON.stringify([scope]).slice(0, -1);
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

export interface ScopedSnapshots {
  /** `load`'s answer for `query`, shared while fresh; `query` must name everything the answer depends on. */
  read(query: unknown, load: () => Promise<ListPage>): Promise<ListPage>;
  invalidate(): void;
}

/** No sharing: every read is made (tests and tools that build providers directly). */
export const UNSHARED: ScopedSnapshots = { read: (_query, load) => load(), invalidate: () => undefined };
