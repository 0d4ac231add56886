// Upstream payload anomalies: fields read leniently (repaired) and items left out (dropped). One
// process-wide tally, so the live layer and the metrics endpoint read the same numbers whichever
// provider instance saw the anomaly. Only field paths are kept: never a value, never a header.
import { log } from '../log.js';
import type { JobProvider } from './job.js';

export type AnomalyKind =
  /** The field had an unexpected shape and was read as null/default; the item was served. */
  | 'repaired'
  /** The item's identity (id, creation time) could not be read; the item was left out. */
  | 'dropped';

export interface AnomalyCount {
  provider: JobProvider;
  /** `JobMetadata.jobData.continuousInc.firewallId`; array positions read as `[]`. */
  path: string;
  kind: AnomalyKind;
  count: number;
}

/** A path is logged again at most this often, with how many times it was seen in between. */
const LOG_EVERY_MS = 10 * 60_000;

interface Entry extends AnomalyCount {
  loggedAt: number;
  sinceLogged: number;
}

export class AnomalyLog {
  private readonly entries = new Map<string, Entry>();

  record(provider: JobProvider, path: string, kind: AnomalyKind, now = Date.now()): void {
    const key = `${provider}\u0000${kind}\u0000${path}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { provider, path, kind, count: 0, loggedAt: Number.NEGATIVE_INFINITY, sinceLogged: 0 };
      this.entries.set(key, entry);
    }
    entry.count++;
    entry.sinceLogged++;
    if (now - entry.loggedAt < LOG_EVERY_MS) return;
    const what = kind === 'dropped' ? 'item left out: its identity could not be read' : 'unexpected shape, read as null/default';
    log.warn(`${provider} payload drift at ${path}: ${what}`, { provider, path, kind, occurrences: entry.sinceLogged, total: entry.count });
    entry.loggedAt = now;
    entry.sinceLogged = 0;
  }

  /** Every path seen so far with its count, for metrics and tests. */
  counts(): AnomalyCount[] {
    return [...this.entries.values()].map(({ provider, path, kind, count }) => ({ provider, path, kind, count }));
  }

  /** How many anomalies of a provider (optionally of one kind) were seen. */
  total(provider?: JobProvider, kind?: AnomalyKind): number {
    let sum = 0;
    for (const entry of this.entries.values()) {
      if ((provider === undefined || entry.provider === provider) && (kind === undefined || entry.kind === kind)) sum += entry.count;
    }
    return sum;
  }
}

export const upstreamAnomalies = new AnomalyLog();
