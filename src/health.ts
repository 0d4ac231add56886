import { isProviderError, ProviderError } from './providers/errors.js';
import type { JobProvider } from './providers/job.js';
import type { ProviderRegistry } from './providers/registry.js';

export interface Probe {
  reachable: boolean;
  latencyMs: number;
  error: ProviderError | null;
  checkedAt: Date;
}

/** Probes are this fresh at most: a dashboard polling `providers` must not become a load on the backends. */
const PROBE_TTL_MS = 2_000;

/**
 * Whether each backend answers: its provider's `probe`, the lightest request that backend has,
 * shared by every client that asks within a couple of seconds, in flight or answered.
 */
export class ProviderHealth {
  private readonly probes = new Map<JobProvider, { startedAt: number; result: Promise<Probe> }>();

  constructor(private readonly providers: ProviderRegistry) {}

  /** Null when the backend is not enabled. */
  probe(id: JobProvider): Promise<Probe> | null {
    const backend = this.providers.get(id);
    if (!backend) return null;
    const cached = this.probes.get(id);
    if (cached && performance.now() - cached.startedAt < PROBE_TTL_MS) return cached.result;
    const startedAt = performance.now();
    const result = backend.probe().then(
      (): Probe => ({ reachable: true, latencyMs: performance.now() - startedAt, error: null, checkedAt: new Date() }),
      (error: unknown): Probe => ({
        reachable: false,
        latencyMs: performance.now() - startedAt,
        error: isProviderError(error) ? error : new ProviderError({ code: 'BAD_RESPONSE', provider: id, message: `${id} probe failed`, cause: error }),
        checkedAt: new Date(),
      }),
    );
    this.probes.set(id, { startedAt, result });
    return result;
  }
}
