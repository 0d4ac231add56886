// The simulators of a cluster run, alone in their process: every gateway replica reads the same
// four backends, so their request counters are the upstream load of the whole cluster. Their
// clock moves only when the parent says (`advance`).
import type { Config } from '../../../src/config.js';
import { startDemoBackends } from '../../../src/demo.js';
import { closeProviders, createProviders } from '../../../src/providers/registry.js';
import type { JobProvider } from '../../../src/providers/job.js';
import { ManualClock } from '../../../src/simulators/common/clock.js';
import { now } from '../../lib/time.js';
import { pickJobs } from '../pick-jobs.js';
import type { UpstreamCounters } from '../protocol.js';
import { childOptions, serve, type Handlers } from './ipc.js';
import type { SimsMethods, SimsOptions, SimsReady } from './protocol.js';

const options = childOptions<SimsOptions>('bench/subscriptions/cluster/sims-child.ts');
const clock = new ManualClock();
const demo = await startDemoBackends({ clock, seed: options.seed });
// The gateway's own providers, only to pick the jobs (read them, create the GPU ones) before the
// replicas start following them; what they ask counts before the measured phase.
const config: Config = { port: 0, host: '127.0.0.1', pollIntervalMs: 1_000, upstreamTimeoutMs: 10_000, ...demo.settings };
const providers = createProviders(config);

let closing: Promise<number> | null = null;
function shutdown(): Promise<number> {
  closing ??= (async () => {
    const started = now();
    await closeProviders(providers);
    await demo.close();
    return now() - started;
  })();
  return closing;
}

const handlers: Handlers<SimsMethods> = {
  prepare: ({ jobs }) => pickJobs(demo, providers, jobs),
  advance: async ({ ms }) => ({ clockMs: clock.advance(ms) }),
  counters: async () => {
    const sims = { UCLOUD: demo.ucloud, RIME: demo.rime, DATA_MANAGER: demo.dataManager, GPU: demo.gpu };
    const counters: Partial<Record<JobProvider, UpstreamCounters>> = {};
    for (const [provider, sim] of Object.entries(sims) as [keyof typeof sims, (typeof sims)[keyof typeof sims]][]) {
      counters[provider] = { total: sim.server.count(), routes: sim.server.counts() };
    }
    return counters;
  },
  ping: async () => ({ at: now() }),
  shutdown: async () => ({ closeMs: await shutdown() }),
};

const ready: SimsReady = { settings: demo.settings };
serve<SimsMethods>(handlers, ready, () => void shutdown());
