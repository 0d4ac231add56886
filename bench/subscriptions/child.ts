// The benchmark's child process: the four demo simulators on a clock the parent drives, and the
// gateway over them, instrumented. Run with --expose-gc so memory is read after collection.
// Everything it does is on the parent's request (see protocol.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startDemoBackends } from '../../src/demo.js';
import { createGateway } from '../../src/server.js';
import type { Job } from '../../src/providers/job.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { now } from '../lib/time.js';
import { pickJobs } from './pick-jobs.js';
import {
  isRequest,
  type ChildMessage,
  type ChildMethods,
  type ChildOptions,
  type MethodName,
  type Observation,
  type UpstreamCounters,
} from './protocol.js';

const send = (message: ChildMessage): void => {
  // The parent may be gone already (it crashed or was interrupted); nothing is left to tell.
  if (process.connected) process.send?.(message);
};

if (!process.send) throw new Error('bench/subscriptions/child.ts runs as a child of the benchmark (IPC), not on its own');
const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;

/**
 * Observations wait for the end of the turn and go in one message: `onChange` runs inside the
 * gateway's fan-out, before the subscribers are served, so an IPC send per change there would
 * delay the very deliveries being timed (a GPU poll round can change 45 jobs at once).
 */
const observed: Observation[] = [];
function observe(job: Job): void {
  observed.push({ provider: job.provider, providerJobId: job.providerJobId, state: job.state, providerState: job.providerState, at: now() });
  if (observed.length === 1) setImmediate(() => send({ kind: 'changes', changes: observed.splice(0) }));
}

const clock = new ManualClock();
const demo = await startDemoBackends({ clock, seed: options.seed });
const gateway = createGateway(
  {
    port: 0,
    host: '127.0.0.1',
    pollIntervalMs: options.pollIntervalMs,
    upstreamTimeoutMs: 10_000,
    ...demo.settings,
    limits: { maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection },
  },
  { live: { onChange: observe } },
);
const url = await gateway.listen();

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpuMark = process.cpuUsage();

async function collectGarbage(): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run the child with --expose-gc');
  // Twice, with a turn between, so objects freed by finalizers of the first pass go too.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

let shuttingDown: Promise<number> | null = null;
function shutdown(): Promise<number> {
  shuttingDown ??= (async () => {
    const started = now();
    await gateway.close();
    await demo.close();
    loop.disable();
    return now() - started;
  })();
  return shuttingDown;
}

type Handlers = { [M in MethodName]: (params: ChildMethods[M]['params']) => Promise<ChildMethods[M]['result']> };

const handlers: Handlers = {
  prepare: ({ jobs }) => pickJobs(demo, gateway.services.providers, jobs),
  advance: async ({ ms }) => ({ clockMs: clock.advance(ms) }),
  memory: async () => {
    await collectGarbage();
    const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
    return { heapUsed, heapTotal, rss, external, arrayBuffers };
  },
  stats: async () => gateway.services.live.stats(),
  counters: async () => {
    const sims = { UCLOUD: demo.ucloud, RIME: demo.rime, DATA_MANAGER: demo.dataManager, GPU: demo.gpu };
    const counters: Partial<Record<keyof typeof sims, UpstreamCounters>> = {};
    for (const [provider, sim] of Object.entries(sims) as [keyof typeof sims, (typeof sims)[keyof typeof sims]][]) {
      counters[provider] = { total: sim.server.count(), routes: sim.server.counts() };
    }
    return counters;
  },
  load: async () => {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    const ms = (ns: number): number => ns / 1e6;
    const sample = {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) },
    };
    loop.reset();
    return sample;
  },
  ping: async () => ({ at: now() }),
  shutdown: async () => ({ closeMs: await shutdown() }),
};

function call<M extends MethodName>(method: M, params: ChildMethods[M]['params']): Promise<ChildMethods[M]['result']> {
  return handlers[method](params);
}

process.on('message', (message: unknown) => {
  if (!isRequest(message)) return;
  call(message.method, message.params).then(
    (result) => {
      send({ kind: 'response', id: message.id, ok: true, result });
      // After its last answer the child lets go of the channel; with the gateway closed nothing
      // else should keep it alive, so it exits by itself (the parent reports whether it did).
      if (message.method === 'shutdown') process.disconnect();
    },
    (error: unknown) => send({ kind: 'response', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

// The parent went away without asking: stop cleanly anyway.
process.on('disconnect', () => void shutdown());

send({ kind: 'ready', url });
