// Which replica watches a key: `SET lease:<key> <token> PX leaseMs NX`, renewed every leaseMs/3 by
// a compare-and-PEXPIRE script and released by a compare-and-DEL one, so that a replica only ever
// touches a lease that is still its own. While Redis is away a replica grants itself the key
// (degraded: its own subscribers keep their news) and, once Redis answers again, either makes that
// grant a real lease or gives it up (`lost`) to the replica that holds it.
import { randomBytes } from 'node:crypto';
import type { WatchKey } from '../key.js';
import type { LeaseGrant, WatchLease } from '../lease.js';
import type { RedisLink } from './link.js';
import { leaseName } from './names.js';

export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface LeaseOptions {
  replicaId: string;
  leaseMs: number;
}

/** One grant: in Redis ('redis') or, while Redis is away, on this replica's word alone ('local'). */
class Holding implements LeaseGrant {
  readonly lost: Promise<void>;
  private settleLost: () => void = () => undefined;
  private done = false;
  private ticking = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly name: string;

  constructor(
    key: WatchKey,
    private mode: 'redis' | 'local',
    private readonly token: string,
    private readonly link: RedisLink,
    private readonly leaseMs: number,
    private readonly forget: (holding: Holding) => void,
  ) {
    this.name = leaseName(key);
    this.lost = new Promise<void>((resolve) => {
      this.settleLost = resolve;
    });
    this.schedule();
  }

  get local(): boolean {
    return this.mode === 'local';
  }

  release(): void {
    void this.releaseNow();
  }

  /** Deletes the lease if it is still ours; settles once Redis answered (or could not be asked). */
  async releaseNow(): Promise<void> {
    if (this.done) return;
    this.stop();
    // Even a local grant may have a token in Redis from before an outage: delete it if so.
    if (!this.link.commandReady) return;
    try {
      await this.link.command.eval(RELEASE_SCRIPT, 1, this.name, this.token);
      this.link.succeeded();
    } catch (error) {
      // It expires within leaseMs by itself.
      this.link.failed(error);
    }
  }

  /** Stops renewing and forgets the grant without a word to Redis (a crash). */
  abandon(): void {
    this.stop();
  }

  /** Runs a renewal (or, for a local grant, a takeover attempt) now rather than at the next tick. */
  poke(): void {
    if (this.done || this.ticking) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.tick();
  }

  private schedule(): void {
    if (this.done) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    // A lease alone never keeps the process alive.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      if (this.mode === 'redis') await this.renew();
      else if (this.link.commandReady) await this.takeOver();
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private async renew(): Promise<void> {
    let renewed: unknown;
    try {
      renewed = await this.link.command.eval(RENEW_SCRIPT, 1, this.name, this.token, String(this.leaseMs));
    } catch (error) {
      // Redis away, not the lease taken: keep watching for our own subscribers until it is back.
      this.link.failed(error);
      this.mode = 'local';
      return;
    }
    this.link.succeeded();
    if (renewed !== 1) this.lose();
  }

  private async takeOver(): Promise<void> {
    try {
      const set = await this.link.command.set(this.name, this.token, 'PX', this.leaseMs, 'NX');
      if (set === 'OK') {
        this.mode = 'redis';
      } else {
        // Ours still (Redis never lost it, only we lost Redis)? Then it is a Redis grant again.
        const owner = await this.link.command.get(this.name);
        if (owner === this.token) this.mode = 'redis';
        else this.lose();
      }
      this.link.succeeded();
    } catch (error) {
      this.link.failed(error);
    }
  }

  private lose(): void {
    if (this.done) return;
    this.stop();
    this.settleLost();
  }

  private stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.forget(this);
  }
}

export class RedisLease implements WatchLease {
  readonly retryMs: number;
  private readonly held = new Set<Holding>();
  /** When the lease another replica held runs out unless renewed (epoch ms), as of the last refusal. */
  private readonly expiries = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly options: LeaseOptions,
  ) {
    this.retryMs = Math.max(1, Math.floor(options.leaseMs / 2));
    // Redis is back: local grants try to become Redis grants at once, not at their next tick.
    link.onReady(() => {
      for (const holding of [...this.held]) if (holding.local) holding.poke();
    });
  }

  /** The lease's remaining time when it was last refused (plus a little), else `retryMs`. */
  retryDelayMs(key: WatchKey): number {
    const name = leaseName(key);
    const expiry = this.expiries.get(name);
    if (expiry === undefined) return this.retryMs;
    // Kept for every watcher waiting on the same lease (a scope's jobs), until it has run out.
    const left = expiry - Date.now();
    if (left < -this.retryMs) this.expiries.delete(name);
    // Never sooner than a tenth of the lease: a holder renews long before its lease runs out.
    return Math.min(this.retryMs, Math.max(left + 25, Math.floor(this.options.leaseMs / 10)));
  }

  async acquire(key: WatchKey): Promise<LeaseGrant | null> {
    if (this.closed) return null;
    // Right after start the first connection may still be on its way: that is not an outage.
    await this.link.startup;
    const token = `${this.options.replicaId}:${randomBytes(16).toString('hex')}`;
    let mode: 'redis' | 'local' = 'local';
    if (this.link.commandReady) {
      try {
        const name = leaseName(key);
        const set = await this.link.command.set(name, token, 'PX', this.options.leaseMs, 'NX');
        this.link.succeeded();
        if (set !== 'OK') {
          // Ask again right when the holder's lease would run out if it died now: a takeover
          // then comes within the lease time, not a retry period later.
          const left = await this.link.command.pttl(name).catch(() => -1);
          this.expiries.set(name, Date.now() + (left > 0 ? left : this.retryMs));
          return null;
        }
        mode = 'redis';
      } catch (error) {
        this.link.failed(error);
      }
    }
    const holding = new Holding(key, mode, token, this.link, this.options.leaseMs, (done) => this.held.delete(done));
    if (this.closed) {
      await holding.releaseNow();
      return null;
    }
    this.held.add(holding);
    return holding;
  }

  /** Releases every grant held (shutdown). */
  async releaseAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.held].map((holding) => holding.releaseNow()));
  }

  /** Stops renewing every grant without releasing any (what a SIGKILL does). */
  crash(): void {
    this.closed = true;
    for (const holding of [...this.held]) holding.abandon();
  }
}
