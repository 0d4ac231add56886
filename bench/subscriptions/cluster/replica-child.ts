// One gateway replica of a cluster run, alone in its process (its memory and CPU are its own),
// over the simulators' process. With a Redis URL it joins the others as src/main.ts does with
// REDIS_URL; without, it is the lone in-process gateway. Run with --expose-gc.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { Config } from '../../../src/config.js';
import { useFingerprintKey } from '../../../src/identity/fingerprint.js';
import { connectRedisLive, type RedisLive } from '../../../src/live/redis/index.js';
import type { Job } from '../../../src/providers/job.js';
import { createGateway } from '../../../src/server.js';
import { openFileLimit } from '../../lib/proc.js';
import { now } from '../../lib/time.js';
import type { Observation } from '../protocol.js';
import { childOptions, emit, serve, type Handlers } from './ipc.js';
import type { ReplicaEvent, ReplicaMethods, ReplicaOptions, ReplicaReady } from './protocol.js';

const options = childOptions<ReplicaOptions>('bench/subscriptions/cluster/replica-child.ts');

/**
 * Observations go in one message at the end of the turn: `onChange` runs inside the fan-out,
 * before the subscribers are served, so a send per change would delay the deliveries being timed.
 * Only the replica that holds a job's lease reads the backend, so only it observes the job's changes.
 */
const observed: Observation[] = [];
function observe(job: Job): void {
  observed.push({ provider: job.provider, providerJobId: job.providerJobId, state: job.state, providerState: job.providerState, at: now() });
  if (observed.length === 1) setImmediate(() => emit({ kind: 'changes', changes: observed.splice(0) } satisfies ReplicaEvent));
}

let shared: RedisLive | null = null;
if (options.redisUrl) {
  shared = connectRedisLive(options.redisUrl, {
    onState: (state) => process.stderr.write(`replica ${options.index}: Redis ${state}\n`),
  });
  // As src/main.ts: one fingerprint key for every replica, so watchers are shared between them.
  const key = await shared.sharedFingerprintKey();
  if (key) useFingerprintKey(key);
  else process.stderr.write(`replica ${options.index}: no shared fingerprint key (Redis unreachable at start)\n`);
}
const live = shared;
const config: Config = {
  port: 0,
  host: '127.0.0.1',
  pollIntervalMs: options.pollIntervalMs,
  upstreamTimeoutMs: 10_000,
  ...options.settings,
  limits: options.limits,
  ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
};
const gateway = createGateway(config, {
  live: { onChange: observe, ...(live ? { transport: live.transport, lease: live.lease, replay: live.replay } : {}) },
  ...(live ? { liveState: () => live.state } : {}),
});
const url = await gateway.listen();

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpuMark = process.cpuUsage();

async function collectGarbage(): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run the replica with --expose-gc');
  // Twice, with a turn between, so objects freed by finalizers of the first pass go too.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/**
 * BENCH_HEAP_SNAPSHOT_DIR: a heap snapshot at every memory reading, to see where per-connection
 * memory goes; diff two with bench/lib/heap-diff.ts. Taken after the reading, so heap figures hold,
 * but writing one grows RSS: RSS figures of such a run mean nothing.
 */
let snapshots = 0;
function snapshotHeap(): void {
  const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  if (!dir) return;
  const path = writeHeapSnapshot(join(dir, `replica-${options.index}-${++snapshots}.heapsnapshot`));
  process.stderr.write(`replica ${options.index}: heap snapshot ${path}\n`);
}

/**
 * BENCH_HEAP_PROFILE_DIR: V8's sampling heap profiler from the first memory reading to the second,
 * written then as a .heapprofile (what was allocated in between and is still alive, by stack).
 */
let profiler: Session | null = null;
let profiled = false;
async function sampleHeap(): Promise<void> {
  const dir = process.env.BENCH_HEAP_PROFILE_DIR;
  if (!dir || profiled) return;
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => profiler?.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  if (!profiler) {
    profiler = new Session();
    profiler.connect();
    await post('HeapProfiler.startSampling', { samplingInterval: 256 });
    return;
  }
  const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
  const path = join(dir, `replica-${options.index}.heapprofile`);
  writeFileSync(path, JSON.stringify(profile));
  profiler.disconnect();
  profiled = true;
  process.stderr.write(`replica ${options.index}: heap profile ${path}\n`);
}

let closing: Promise<number> | null = null;
function shutdown(): Promise<number> {
  closing ??= (async () => {
    const started = now();
    await gateway.close();
    await live?.close();
    loop.disable();
    return now() - started;
  })();
  return closing;
}

const ms = (ns: number): number => ns / 1e6;
const handlers: Handlers<ReplicaMethods> = {
  memory: async () => {
    await collectGarbage();
    const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
    snapshotHeap();
    await sampleHeap();
    return { heapUsed, heapTotal, rss, external, arrayBuffers };
  },
  stats: async () => gateway.services.live.stats(),
  load: async () => {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
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

const ready: ReplicaReady = { url, shared: live ? live.state : null, openFiles: openFileLimit() };
serve<ReplicaMethods>(handlers, ready, () => void shutdown());
