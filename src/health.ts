import type { CredentialSlot } from './live/key.js';
import type { Provider } from './providers/contract.js';
import { isProviderError, ProviderError } from './providers/errors.js';

export interface Probe {
  reachable: boolean;
  latencyMs: number;
  error: ProviderError | null;
  checkedAt: Date;
}

/** Probes are this fresh at most: a dashboard polling `providers` must not become a load on the backends. */
const PROBE_TTL_MS = 2_000;
/** Distinct credentials probed within one TTL, at most; beyond, the oldest answers are forgotten early. */
const MAX_PROBES = 10_000;

/**
 * Whether each backend answers: its provider's `probe`, the lightest request that backend has,
 * shared by every client that asks within a couple of seconds with the same credential (the
 * gateway's own, or a caller's forwarded one by its fingerprint), in flight or answered.
 */
export class ProviderHealth {
  private readonly probes = new Map<string, { startedAt: number; result: Promise<Probe> }>();

  probe(provider: Provider, credential: CredentialSlot): Promise<Probe> {
    const name = JSON.stringify([credential, provider.id]);
    const now = performance.now();
    const cached = this.probes.get(name);
    if (cached && now - cached.startedAt < PROBE_TTL_MS) return cached.result;
    this.forgetStale(now);
    const result = provider.probe().then(
      (): Probe => ({ reachable: true, latencyMs: performance.now() - now, error: null, checkedAt: new Date() }),
      (error: unknown): Probe => ({
        reachable: false,
        latencyMs: performance.now() - now,
        error: isProviderError(error) ? error : new ProviderError({ code: 'BAD_RESPONSE', provider: provider.id, message: `${provider.id} probe failed`, cause: error }),
        checkedAt: new Date(),
      }),
    );
    this.probes.delete(name);
    this.probes.set(name, { startedAt: now, result });
    return result;
  }

  /** Entries are in insertion order, which is start order: the stale ones are at the front. */
  private forgetStale(now: number): void {
    for (const [name, entry] of this.probes) {
      if (now - entry.startedAt < PROBE_TTL_MS && this.probes.size < MAX_PROBES) break;
      this.probes.delete(name);
    }
  }
}
