// Figures derived from raw samples: upstream request deltas, memory per subscription, job mix.
import type { LiveStats } from '../../src/live/hub.js';
import { JOB_PROVIDERS, type JobProvider } from '../../src/providers/job.js';
import type { MemorySample, PickedJob, UpstreamCounters } from './protocol.js';
import type { ScenarioResult, Settings } from './result.js';

export function jobMix(jobs: readonly PickedJob[]): ScenarioResult['jobs']['byProvider'] {
  const mix: ScenarioResult['jobs']['byProvider'] = {};
  for (const job of jobs) {
    const entry = (mix[job.provider] ??= { seeded: 0, created: 0 });
    entry[job.origin]++;
  }
  return mix;
}

export function upstreamFigures(
  settings: Settings,
  elapsedMs: number,
  before: { counters: Partial<Record<JobProvider, UpstreamCounters>>; stats: LiveStats },
  after: { counters: Partial<Record<JobProvider, UpstreamCounters>>; stats: LiveStats },
): ScenarioResult['upstream'] {
  const intervals = elapsedMs / settings.pollIntervalMs;
  const byProvider: ScenarioResult['upstream']['byProvider'] = {};
  const routes = routeDeltas(before.counters, after.counters);
  let total = 0;
  for (const provider of JOB_PROVIDERS) {
    const start = before.counters[provider];
    const end = after.counters[provider];
    if (!start || !end) continue;
    const requests = end.total - start.total;
    const rounds = (after.stats.rounds[provider]?.jobs ?? 0) - (before.stats.rounds[provider]?.jobs ?? 0);
    byProvider[provider] = { requests, routes: routes[provider] ?? {}, rounds, perRound: rounds > 0 ? requests / rounds : null, perInterval: requests / intervals };
    total += requests;
  }
  return { elapsedMs, intervals, byProvider, total: { requests: total, perInterval: total / intervals } };
}

export function routeDeltas(
  before: Partial<Record<JobProvider, UpstreamCounters>>,
  after: Partial<Record<JobProvider, UpstreamCounters>>,
): Partial<Record<JobProvider, Record<string, number>>> {
  const deltas: Partial<Record<JobProvider, Record<string, number>>> = {};
  for (const provider of JOB_PROVIDERS) {
    const routes: Record<string, number> = {};
    for (const [route, count] of Object.entries(after[provider]?.routes ?? {})) {
      const delta = count - (before[provider]?.routes[route] ?? 0);
      if (delta > 0) routes[route] = delta;
    }
    deltas[provider] = routes;
  }
  return deltas;
}

/** How many changes were observed in each step's slot of the measured phase. */
export function perStep(times: readonly number[], start: number, settings: Settings, steps: number): number[] {
  const counts = new Array<number>(steps + 1).fill(0);
  for (const at of times) {
    const slot = Math.min(steps, Math.max(0, Math.floor((at - start) / settings.stepEveryMs)));
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return counts;
}

export function perSubscription(before: MemorySample, after: MemorySample, count: number): ScenarioResult['memory']['perSubscription'] {
  return {
    heapUsed: (after.heapUsed - before.heapUsed) / count,
    rss: (after.rss - before.rss) / count,
    external: (after.external - before.external) / count,
  };
}
