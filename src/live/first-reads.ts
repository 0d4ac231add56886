import type { GetResult, Provider } from '../providers/contract.js';
import { isProviderError } from '../providers/errors.js';
import type { JobWatcher } from './job-watcher.js';

/** Followed jobs' state in as few requests as the backend allows (`refreshMany`, else `getMany`). */
export function readStates(provider: Provider, ids: readonly string[]): Promise<GetResult[]> {
  return provider.refreshMany ? provider.refreshMany(ids) : provider.getMany(ids);
}

/**
 * The first snapshot of every watcher that starts within the same turn, in one batched read.
 * Subscribers never cause requests of their own.
 */
export class FirstReads {
  private waiting: JobWatcher[] = [];
  private batch: NodeJS.Immediate | null = null;

  constructor(
    private readonly provider: Provider,
    /** After each batch (a poll group plans its next round then). */
    private readonly afterBatch: () => void = () => undefined,
  ) {}

  add(watcher: JobWatcher): void {
    this.waiting.push(watcher);
    this.batch ??= setImmediate(() => void this.read());
  }

  stop(): void {
    if (this.batch) clearImmediate(this.batch);
    this.batch = null;
    this.waiting = [];
  }

  private async read(): Promise<void> {
    this.batch = null;
    const watchers = this.waiting;
    this.waiting = [];
    const readAt = performance.now();
    try {
      const results = await readStates(this.provider, watchers.map((watcher) => watcher.id));
      watchers.forEach((watcher, index) => {
        const result = results[index] ?? null;
        if (result === null) watcher.vanish(readAt);
        else if (isProviderError(result)) watcher.unreadable(result);
        else watcher.applySnapshot(result, readAt);
      });
    } catch (error) {
      for (const watcher of watchers) watcher.unreadable(error);
    }
    this.afterBatch();
  }
}
