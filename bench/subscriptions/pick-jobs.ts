// Child side: which jobs the benchmark follows. Live jobs only (a terminal job sends one snapshot
// and completes, so it would measure nothing): seeded running or queued jobs of UCloud, RIME and
// Data Manager, and fresh GPU jobs, which queue, run and end as the clock moves.
import type { DemoBackends } from '../../src/demo.js';
import { isProviderError } from '../../src/providers/errors.js';
import { GpuProvider } from '../../src/providers/gpu/provider.js';
import { isTerminal, JOB_PROVIDERS, type Job, type JobProvider } from '../../src/providers/job.js';
import type { ProviderRegistry } from '../../src/providers/registry.js';
import { encodeGlobalId, TYPE_OF_PROVIDER } from '../../src/schema/global-id.js';
import type { PickedJob } from './protocol.js';

/** Backend states after which a seeded job never changes again (not worth asking the gateway about). */
const SIM_FINAL: Record<JobProvider, ReadonlySet<string>> = {
  UCLOUD: new Set(['SUCCESS', 'FAILURE', 'EXPIRED']),
  RIME: new Set(['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED']),
  DATA_MANAGER: new Set(['COMPLETED', 'SUCCEEDED', 'FAILED']),
  GPU: new Set(['COMPLETED', 'CANCELLED', 'FAILED']),
};

interface Candidate {
  id: string;
  state: string;
  /** Lower first: jobs likely to change during the run before ones that sit still (Data Manager applications). */
  rank: number;
}

function candidates(demo: DemoBackends, provider: JobProvider): Candidate[] {
  switch (provider) {
    case 'UCLOUD':
      return demo.ucloud.inventory().map((job) => ({ id: job.id, state: job.state, rank: 0 }));
    case 'RIME':
      return demo.rime.inventory().map((job) => ({ id: job.id, state: job.state, rank: 0 }));
    case 'DATA_MANAGER':
      return demo.dataManager.inventory().map((job) => ({ id: job.id, state: job.state, rank: job.type === 'JOB' ? 0 : 1 }));
    case 'GPU':
      return demo.gpu.inventory().map((job) => ({ id: job.id, state: job.state, rank: 0 }));
  }
}

function picked(job: Job, origin: PickedJob['origin']): PickedJob {
  return {
    provider: job.provider,
    providerJobId: job.providerJobId,
    globalId: encodeGlobalId(TYPE_OF_PROVIDER[job.provider], job.providerJobId),
    state: job.state,
    origin,
  };
}

/** Up to `quota` seeded jobs of `provider` that the gateway itself reads as live. */
async function seededLive(demo: DemoBackends, providers: ProviderRegistry, provider: JobProvider, quota: number): Promise<PickedJob[]> {
  const upstream = providers.get(provider);
  if (!upstream || quota <= 0) return [];
  const ids = candidates(demo, provider)
    .filter((job) => !SIM_FINAL[provider].has(job.state))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, quota * 2)
    .map((job) => job.id);
  if (ids.length === 0) return [];
  const results = await upstream.getMany(ids);
  const live: PickedJob[] = [];
  for (const result of results) {
    if (result === null || isProviderError(result)) continue;
    // UNKNOWN may hide a finished job: it would probably never change.
    if (isTerminal(result.state) || result.state === 'UNKNOWN') continue;
    live.push(picked(result, 'seeded'));
    if (live.length === quota) break;
  }
  return live;
}

async function createGpuJobs(providers: ProviderRegistry, count: number): Promise<PickedJob[]> {
  const gpu = providers.get('GPU');
  if (!(gpu instanceof GpuProvider)) throw new Error('the GPU backend is not enabled');
  const jobs: PickedJob[] = [];
  for (let i = 0; i < count; i++) {
    const { job } = await gpu.create({
      title: `bench ${i}`,
      task: 'BATCH',
      maxTimeoutRunMs: 24 * 3_600_000,
      docker: { image: 'pytorch/pytorch', tag: '2.5.1-cuda12.4-cudnn9-runtime' },
    });
    jobs.push(picked(job, 'created'));
  }
  return jobs;
}

/**
 * `count` live jobs spread evenly over the four backends; a backend with too few live jobs leaves
 * its share to fresh GPU jobs. Also a terminal GPU job: subscribing to it exercises the whole path
 * (one snapshot, then complete) without leaving a watcher behind, so the baseline memory is warm.
 */
export async function pickJobs(demo: DemoBackends, providers: ProviderRegistry, count: number): Promise<{ jobs: PickedJob[]; warmup: PickedJob }> {
  const others = JOB_PROVIDERS.filter((provider) => provider !== 'GPU');
  const share = (index: number): number => Math.floor(count / JOB_PROVIDERS.length) + (index < count % JOB_PROVIDERS.length ? 1 : 0);
  const jobs: PickedJob[] = [];
  for (const [index, provider] of others.entries()) jobs.push(...(await seededLive(demo, providers, provider, share(index))));
  jobs.push(...(await createGpuJobs(providers, count - jobs.length)));

  const finished = demo.gpu.inventory().find((job) => SIM_FINAL.GPU.has(job.state));
  if (!finished) throw new Error('the GPU simulator has no finished job to warm up with');
  const [warm] = (await providers.get('GPU')?.getMany([finished.id])) ?? [];
  if (!warm || isProviderError(warm)) throw new Error(`cannot read warm-up job ${finished.id}`);
  return { jobs, warmup: picked(warm, 'seeded') };
}
