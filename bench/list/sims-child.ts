// The four demo simulators alone in a process, so that serving (and serialising) upstream JSON is
// not charged to the gateway or to the load generator. Started by sims.ts; the parent reads the
// simulators' counters through their own `/_sim/counters` admin API, so the only message here is
// `ready` with the settings that point a gateway at them.
import { startDemoBackends } from '../../src/demo.js';
import type { SimsChildOptions, SimsReady } from './sims.js';

if (!process.send) throw new Error('bench/list/sims-child.ts runs as a child of the list benchmark (IPC), not on its own');
const options = JSON.parse(process.argv[2] ?? '{}') as SimsChildOptions;

const jobCount = options.jobs === null ? {} : { jobCount: options.jobs };
const demo = await startDemoBackends({
  seed: options.seed,
  // The size scenario grows only the backends that list without an order the gateway can page by
  // (RIME, Data Manager): those are the ones read whole today (issue 10).
  simulators: { rime: jobCount, dataManager: jobCount },
});
for (const sim of [demo.ucloud, demo.rime, demo.dataManager, demo.gpu]) sim.server.faults.set({ latencyMs: options.latencyMs });

let closing: Promise<void> | null = null;
function shutdown(): void {
  closing ??= demo.close().then(() => process.exit(0));
}
// The parent going away (done, crashed, interrupted) is the only way this process is stopped.
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);

const ready: SimsReady = {
  kind: 'ready',
  settings: demo.settings,
  admin: { UCLOUD: demo.ucloud.url, RIME: demo.rime.url, DATA_MANAGER: demo.dataManager.url, GPU: demo.gpu.url },
};
process.send(ready);
