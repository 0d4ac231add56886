// What one run of the subscriptions benchmark measured (the JSON written to bench/results/ holds these).
import type { LiveStats } from '../../src/live/hub.js';
import type { JobProvider } from '../../src/providers/job.js';
import type { DeliveryResult } from './delivery.js';
import type { ChildExit } from './gateway-process.js';
import type { LoadSample, MemorySample } from './protocol.js';

export interface Settings {
  subscriptions: number;
  jobs: number;
  connections: number;
  durationMs: number;
  pollIntervalMs: number;
  /** Real time between two moves of the simulators' clock. */
  stepEveryMs: number;
  /** How far each move takes the simulators' clock. */
  stepMs: number;
  seed: number;
}

export interface UpstreamFigures {
  requests: number;
  routes: Record<string, number>;
  /** Status poll rounds of the backend's poll group (0 where a stream replaces polling: UCloud). */
  rounds: number;
  perRound: number | null;
  /** Requests per POLL_INTERVAL_MS of wall time. */
  perInterval: number;
}

export interface ScenarioResult {
  subscriptions: number;
  connections: number;
  jobs: { total: number; byProvider: Partial<Record<JobProvider, { seeded: number; created: number }>>; subscribersPerJob: number };
  clock: { offsetMs: number; roundTripMs: number };
  subscribe: {
    ms: number;
    withFirstValue: number;
    failed: number;
    stats: LiveStats;
    load: LoadSample;
    /** Upstream requests from the first subscription until all were settled, per backend and route. */
    upstreamRoutes: Partial<Record<JobProvider, Record<string, number>>>;
  };
  settle: { ms: number; caughtUp: boolean };
  memory: {
    before: MemorySample;
    subscribed: MemorySample;
    afterUnsubscribe: MemorySample;
    perSubscription: { heapUsed: number; rss: number; external: number };
  };
  drive: {
    ms: number;
    steps: number;
    simulatedMs: number;
    observedChanges: number;
    /** Changes observed after each move of the clock (the last entry: after the measured phase, still delivered). */
    changesPerStep: number[];
    load: LoadSample;
    parentLoopDelayMs: { p50: number; p99: number; max: number };
  };
  delivery: DeliveryResult & { settleMs: number; allDelivered: boolean };
  upstream: { elapsedMs: number; intervals: number; byProvider: Partial<Record<JobProvider, UpstreamFigures>>; total: { requests: number; perInterval: number } };
  teardown: { ms: number; watchersGone: boolean; stats: LiveStats; requestsAfter: number; quietMs: number };
  child: ChildExit & { closeMs: number | null; stderrLines: number; stderr: string[] };
}
