import type { Provider } from '../providers/contract.js';
import type { JobFeed } from './feed.js';
import { FirstReads } from './first-reads.js';
import { FollowDriver, type Follow } from './follow-driver.js';
import type { JobWatcher } from './job-watcher.js';

/**
 * All followed jobs of one backend that streams them itself (UCloud `follow`): first snapshots
 * read together, then one stream per job while anyone subscribes, reopened by its driver.
 */
export class FollowGroup implements JobFeed {
  private readonly members = new Set<JobWatcher>();
  private readonly drivers = new Map<JobWatcher, FollowDriver>();
  /** Every driver not finished yet, including those let go that are still closing their stream. */
  private readonly unfinished = new Set<FollowDriver>();
  private readonly firstReads: FirstReads;

  constructor(
    private readonly provider: Provider,
    private readonly follow: Follow,
    private readonly intervalMs: number,
  ) {
    this.firstReads = new FirstReads(provider);
  }

  get size(): number {
    return this.members.size;
  }

  get streams(): number {
    return this.drivers.size;
  }

  add(watcher: JobWatcher): void {
    this.members.add(watcher);
    this.firstReads.add(watcher);
  }

  remove(watcher: JobWatcher): void {
    this.members.delete(watcher);
    this.stopDriver(watcher);
  }

  /**
   * Output a stream delivered while nobody read it was not kept: the stream is replayed from the
   * start (a driver that has finished is replaced by `subscribed`).
   */
  outputWanted(watcher: JobWatcher): void {
    if (!this.members.has(watcher) || watcher.historyComplete) return;
    watcher.resetOutput();
    const driver = this.drivers.get(watcher);
    if (driver?.running) driver.replay();
    else this.stopDriver(watcher);
  }

  /** A finished job's status subscriber is already served (its channel ended): only output needs the stream then. */
  subscribed(watcher: JobWatcher): void {
    if (!this.members.has(watcher) || !watcher.read || this.drivers.has(watcher)) return;
    const driver = new FollowDriver(this.provider, this.follow, watcher, this.intervalMs);
    this.drivers.set(watcher, driver);
    this.unfinished.add(driver);
    void driver.done.finally(() => this.unfinished.delete(driver));
  }

  async stop(): Promise<void> {
    this.firstReads.stop();
    const drivers = [...this.unfinished];
    for (const driver of drivers) driver.stop();
    await Promise.allSettled(drivers.map((driver) => driver.done));
  }

  private stopDriver(watcher: JobWatcher): void {
    this.drivers.get(watcher)?.stop();
    this.drivers.delete(watcher);
  }
}
