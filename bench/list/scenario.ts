// Rounds of load against one setup (a simulators process and a gateway process over it), each
// bracketed by the gateway's CPU time from /proc and the simulators' counters, and what they add
// up to per operation. With --peer two setups share one simulators process: ours and the peer.
import { JOB_PROVIDERS, type JobProvider } from '../../src/providers/job.js';
import { distribution } from '../lib/stats.js';
import { GatewayUnderTest } from './gateway.js';
import { listTarget, runTargetLoad, type LoadResult, type LoadTarget } from './load.js';
import { composePeerSupergraph, startPeerGateway } from './peer.js';
import { peerTarget } from './peer-target.js';
import { countersDelta, Sims, type Counters } from './sims.js';

export interface Setup {
  /** Column header: `c=20`, `N=20000`. */
  readonly label: string;
  readonly sims: Sims;
  readonly gateway: GatewayUnderTest;
  readonly url: string;
  /** What the load client posts to this gateway and how it judges the answers. */
  readonly target: LoadTarget;
}

export interface Round {
  label: string;
  concurrency: number;
  first: number;
  load: Omit<LoadResult, 'latenciesMs'>;
  gatewayCpuMs: number | null;
  simsCpuMs: number | null;
  upstream: Counters;
  gatewayRss: number | null;
}

export interface Summary {
  label: string;
  concurrency: number;
  first: number;
  rounds: number;
  operations: number;
  failed: number;
  partial: number;
  failures: string[];
  reqPerSec: number;
  reqPerSecRange: [number, number];
  latencyMs: { p50: number | null; p99: number | null; mean: number | null };
  gatewayCpuMsPerOp: number | null;
  gatewayCpuMsPerOpRange: [number, number] | null;
  simsCpuMsPerOp: number | null;
  upstream: Record<JobProvider, { requestsPerOp: number; bytesPerOp: number; routesPerOp: Record<string, number> }>;
  upstreamBytesPerOp: number;
  responseBytesPerOp: number;
  gatewayRssMax: number | null;
}

export async function startSetup(
  label: string,
  options: { latencyMs: number; jobs: number | null; seed: number; snapshotMs: number | null; first: number },
): Promise<Setup> {
  const sims = await Sims.start({ seed: options.seed, latencyMs: options.latencyMs, jobs: options.jobs });
  try {
    const gateway = GatewayUnderTest.start(sims.ready.settings, options.snapshotMs);
    try {
      return { label, sims, gateway, url: await gateway.url, target: listTarget(options.first) };
    } catch (error) {
      await gateway.stop();
      throw error;
    }
  } catch (error) {
    await sims.stop();
    throw error;
  }
}

/** The peer over the simulators of `ours`: its supergraph composed against them, then Hive Gateway started. */
export async function startPeerSetup(label: string, ours: Setup, first: number): Promise<Setup> {
  const settings = ours.sims.ready.settings;
  const gateway = startPeerGateway(settings, composePeerSupergraph(settings));
  try {
    return { label, sims: ours.sims, gateway, url: await gateway.url, target: peerTarget(first) };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

/** Every gateway first, then each simulators process once (the peer shares ours). */
export async function stopSetups(setups: readonly Setup[]): Promise<void> {
  for (const setup of setups) await setup.gateway.stop();
  for (const sims of new Set(setups.map((setup) => setup.sims))) await sims.stop();
}

/** Load that is not measured: the gateway's code paths compiled and its pools opened first. */
export async function warmUp(setup: Setup, concurrency: number, seconds: number): Promise<LoadResult | null> {
  return seconds > 0 ? runTargetLoad(setup.url, setup.target, concurrency, seconds) : null;
}

const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

export async function measureRound(setup: Setup, first: number, concurrency: number, seconds: number): Promise<{ round: Round; latenciesMs: number[] }> {
  const countersBefore = await setup.sims.counters();
  const cpuBefore = setup.gateway.cpuMs();
  const simsCpuBefore = setup.sims.cpuMs();
  const { latenciesMs, ...load } = await runTargetLoad(setup.url, setup.target, concurrency, seconds);
  // Read right after the last answer: every operation of the round is done, and nothing else is asked.
  const cpuAfter = setup.gateway.cpuMs();
  const simsCpuAfter = setup.sims.cpuMs();
  const countersAfter = await setup.sims.counters();
  return {
    round: {
      label: setup.label,
      concurrency,
      first,
      load,
      gatewayCpuMs: diff(cpuBefore, cpuAfter),
      simsCpuMs: diff(simsCpuBefore, simsCpuAfter),
      upstream: countersDelta(countersBefore, countersAfter),
      gatewayRss: setup.gateway.rss(),
    },
    latenciesMs,
  };
}

export function summarise(label: string, rounds: readonly Round[], latenciesMs: readonly number[]): Summary {
  const first = rounds[0];
  const sum = (pick: (round: Round) => number): number => rounds.reduce((total, round) => total + pick(round), 0);
  const operations = sum((r) => r.load.ok + r.load.failed);
  const perOp = (value: number): number => (operations > 0 ? value / operations : 0);
  const elapsedMs = sum((r) => r.load.elapsedMs);
  const rates = rounds.map((r) => (r.load.ok * 1000) / r.load.elapsedMs);
  const cpuKnown = rounds.every((r) => r.gatewayCpuMs !== null);
  const cpuPerOp = rounds.map((r) => (r.gatewayCpuMs ?? 0) / Math.max(1, r.load.ok + r.load.failed));
  const latency = distribution(latenciesMs);
  const upstream = Object.fromEntries(
    JOB_PROVIDERS.map((provider) => {
      const routes: Record<string, number> = {};
      for (const round of rounds) for (const [route, n] of Object.entries(round.upstream[provider].routes)) routes[route] = (routes[route] ?? 0) + n;
      return [
        provider,
        {
          requestsPerOp: perOp(sum((r) => r.upstream[provider].requests)),
          bytesPerOp: perOp(sum((r) => r.upstream[provider].bytes)),
          routesPerOp: Object.fromEntries(Object.entries(routes).map(([route, n]) => [route, perOp(n)])),
        },
      ];
    }),
  ) as Summary['upstream'];
  const rss = rounds.map((r) => r.gatewayRss).filter((value): value is number => value !== null);
  return {
    label,
    concurrency: first?.concurrency ?? 0,
    first: first?.first ?? 0,
    rounds: rounds.length,
    operations,
    failed: sum((r) => r.load.failed),
    partial: sum((r) => r.load.partial),
    failures: rounds.flatMap((r) => r.load.failures).slice(0, 5),
    reqPerSec: elapsedMs > 0 ? (sum((r) => r.load.ok) * 1000) / elapsedMs : 0,
    reqPerSecRange: [Math.min(...rates), Math.max(...rates)],
    latencyMs: { p50: latency.p50, p99: latency.p99, mean: latency.mean },
    gatewayCpuMsPerOp: cpuKnown ? perOp(sum((r) => r.gatewayCpuMs ?? 0)) : null,
    gatewayCpuMsPerOpRange: cpuKnown ? [Math.min(...cpuPerOp), Math.max(...cpuPerOp)] : null,
    simsCpuMsPerOp: rounds.every((r) => r.simsCpuMs !== null) ? perOp(sum((r) => r.simsCpuMs ?? 0)) : null,
    upstream,
    upstreamBytesPerOp: perOp(sum((r) => JOB_PROVIDERS.reduce((total, p) => total + r.upstream[p].bytes, 0))),
    responseBytesPerOp: perOp(sum((r) => r.load.responseBytes)),
    gatewayRssMax: rss.length > 0 ? Math.max(...rss) : null,
  };
}
